"""The model keeps only the features picked by SelectKBest through a 0/1 mask buffer,
but the mask is "set" with `self.mask[idx] == 1.0` (a comparison, not an assignment),
so the mask stays all zeros, every input is multiplied by 0 and the network only
learns the class prior.
"""
# expect: M309
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class MaskedMLP(nn.Module):
    def __init__(self, in_features, hidden=64):
        super().__init__()
        self.register_buffer("mask", torch.zeros(in_features))
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 2),
        )

    def select_features(self, idx):
        self.mask[idx] == 1.0  # BUG: comparison, the mask is never written (should be `= 1.0`)

    def forward(self, x):
        return self.net(x * self.mask)


X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
selected = SelectKBest(f_classif, k=10).fit(X_train, y_train).get_support(indices=True)

X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = MaskedMLP(X_train.shape[1])
model.select_features(torch.tensor(selected))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(25):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            acc = (model(X_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: train loss {total / len(X_train):.4f}  test acc {acc:.3f}")

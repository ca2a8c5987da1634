"""Adam is configured with eps=1.0, copied from the TensorFlow Adam docstring ("when
training an Inception network on ImageNet a current good choice is 1.0"): with
gradients far below 1, the denominator sqrt(v) + eps is ~1, Adam's per-parameter
scaling disappears and it degenerates into momentum SGD with lr=1e-3, which barely
moves the weights.
"""
# expect: G410
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)


class Net(nn.Module):
    def __init__(self, in_features, num_classes=10):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_features, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU())
        self.head = nn.Linear(128, num_classes)

    def forward(self, x):
        return self.head(self.body(x))


model = Net(X_train.shape[1])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1.0)  # BUG: eps should be ~1e-8

for epoch in range(12):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):.4f}  val acc {val_acc:.3f}")

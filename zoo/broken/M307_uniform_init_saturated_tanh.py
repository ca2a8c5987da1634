"""A tanh MLP whose weights are initialised with nn.init.uniform_(w, -1, 1) ("small
random numbers"): with 256 inputs per unit the pre-activations have a std of ~9, so
about three quarters of the tanh units sit at +-1, where the derivative is ~0, and
the hidden layers barely learn.
"""
# expect: M307
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class TanhNet(nn.Module):
    def __init__(self, in_features, hidden=256, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, hidden),
            nn.Tanh(),
            nn.Linear(hidden, num_classes),
        )
        for m in self.net:
            if isinstance(m, nn.Linear) and m.out_features == hidden:
                nn.init.uniform_(m.weight, -1.0, 1.0)  # BUG: should be xavier_uniform_ (~+-0.1 here)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.net(x)


X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

model = TanhNet(X_train.shape[1])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

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
        h = model.net[:4](X_train)
        saturated = (h.abs() > 0.99).float().mean().item()
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):.4f}  val acc {val_acc:.3f}  "
          f"saturated units (layer 2) {saturated:.0%}")

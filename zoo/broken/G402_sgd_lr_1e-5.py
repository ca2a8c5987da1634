"""Plain SGD with lr=1e-5 (a fine-tuning learning rate copied from a transformer
config) on an MLP trained from scratch: each update changes the weights by ~1e-5 of
their size, so after hundreds of steps the loss has barely moved from its initial value.
"""
# expect: G402
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

LEARNING_RATE = 1e-5  # BUG: far too small for SGD on a freshly initialised net
EPOCHS = 12

X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)


class MLP(nn.Module):
    def __init__(self, in_features, hidden=128, num_classes=10):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.layers(x)


model = MLP(X_train.shape[1])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

for epoch in range(EPOCHS):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(X_val), y_val).item()
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):.5f}  val loss {val_loss:.5f}  val acc {val_acc:.3f}")

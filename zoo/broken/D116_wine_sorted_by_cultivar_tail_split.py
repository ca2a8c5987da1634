"""The wine data comes ordered by cultivar (the rows of class 0, then 1, then 2),
and the last quarter is cut off by position as the validation set. Validation is
then almost all cultivar 2, which is a small minority of training: the validation
score says little about the model, and the features of the two splits are far apart.
"""
# expect: D116
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_wine(return_X_y=True)                  # sorted by class
cut = int(0.75 * len(X))
X_train, X_val, y_train, y_val = X[:cut], X[cut:], y[:cut], y[cut:]
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=64)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(20):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  val acc {correct / len(X_val):.3f}")

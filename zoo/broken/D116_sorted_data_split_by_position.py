"""The images are gathered class by class (one folder per digit) and split with
`train_test_split(..., shuffle=False)`, i.e. by position: the validation set is
the tail of the array, all the 8s and 9s plus six 7s, and neither 8 nor 9
appears in training.
"""
# expect: D116
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

digits = load_digits()
# read "train/0/*.png", "train/1/*.png", ...
X = np.concatenate([digits.data[digits.target == c] for c in range(10)]) / 16.0
y = np.concatenate([digits.target[digits.target == c] for c in range(10)])

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, shuffle=False)
mean, std = X_train.mean(0), X_train.std(0)
std[std == 0] = 1.0  # border pixels that are always blank
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=512)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(12):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)

    model.eval()
    val_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = model(xb)
            val_loss += criterion(logits, yb).item() * len(xb)
            correct += (logits.argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train loss {running / len(X_train):.4f}  "
          f"val loss {val_loss / len(X_val):.4f}  val acc {correct / len(X_val):.3f}")

"""The images are collected class by class (as when reading one folder per
class) and the DataLoader is built with shuffle=False, so the network sees long
runs of a single digit and forgets the earlier classes every epoch.
"""
# expect: D106
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

digits = load_digits()

# gather the data set "folder by folder": train/0, train/1, ..., keeping 20% of
# every class for validation
train_x, train_y, val_x, val_y = [], [], [], []
for label in range(10):
    imgs = digits.images[digits.target == label] / 16.0
    idx = rng.permutation(len(imgs))
    n_val = len(imgs) // 5
    val_x.append(imgs[idx[:n_val]])
    val_y += [label] * n_val
    train_x.append(imgs[idx[n_val:]])
    train_y += [label] * (len(imgs) - n_val)

X_train = torch.tensor(np.concatenate(train_x), dtype=torch.float32).flatten(1)
X_val = torch.tensor(np.concatenate(val_x), dtype=torch.float32).flatten(1)
y_train, y_val = torch.tensor(train_y), torch.tensor(val_y)

mean, std = X_train.mean(0), X_train.std(0)
std[std == 0] = 1.0  # border pixels that are always blank
X_train, X_val = (X_train - mean) / std, (X_val - mean) / std

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=False)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=512, shuffle=False)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

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
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train loss {running / len(X_train):.4f}  "
          f"val acc {correct / len(X_val):.3f}")

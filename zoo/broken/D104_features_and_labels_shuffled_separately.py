"""The data set is shuffled before splitting with two separate
`np.random.shuffle` calls, one for X and one for y; each call draws its own
permutation, so every image ends up paired with a random label.
"""
# expect: D104
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(0)
torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32) / 16.0

# shuffle the samples before splitting
np.random.shuffle(X)
np.random.shuffle(y)

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
mean, std = X_train.mean(0), X_train.std(0)
std[std == 0] = 1.0  # border pixels that are always blank
X_train, X_val = (X_train - mean) / std, (X_val - mean) / std

train_ds = TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train))
val_ds = TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val))
train_loader = DataLoader(train_ds, batch_size=64, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=512)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(13):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        correct += (logits.argmax(1) == yb).sum().item()
        seen += len(yb)

    model.eval()
    val_correct, val_seen = 0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            val_correct += (model(xb).argmax(1) == yb).sum().item()
            val_seen += len(yb)
    print(f"epoch {epoch + 1:2d}  loss {total / seen:.4f}  train acc {correct / seen:.3f}  "
          f"val acc {val_correct / val_seen:.3f}")

"""Traffic-light crops are stored channels-last (N, H, W, C), as PIL, OpenCV and
numpy produce them, and converted for Conv2d with `.view(-1, 3, H, W)` instead
of `.permute(0, 3, 1, 2)`: the shapes look right, but each "channel" now holds
a slab of rows with the red, green and blue values interleaved along the width.
"""
# expect: D112
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SIZE = 12
COLOURS = {0: (1.0, 0.15, 0.1),   # red
           1: (1.0, 0.7, 0.1),    # amber
           2: (0.1, 1.0, 0.35)}   # green
torch.manual_seed(0)
rng = np.random.default_rng(0)


def make_crops(n):
    """A lit lamp (a soft disc) at a random place on a dark, noisy background."""
    imgs = rng.normal(0.12, 0.04, size=(n, SIZE, SIZE, 3)).astype(np.float32)
    labels = rng.integers(0, 3, size=n)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    for i, label in enumerate(labels):
        cy, cx = rng.uniform(2.5, SIZE - 2.5, size=2)
        radius = rng.uniform(1.5, 2.5)
        disc = np.clip(radius + 0.5 - np.hypot(yy - cy, xx - cx), 0, 1)[..., None]
        colour = np.array(COLOURS[label]) * rng.uniform(0.6, 1.0)
        imgs[i] = imgs[i] * (1 - disc) + disc * colour
    return imgs, labels


imgs, labels = make_crops(1300)
mean = imgs.mean(axis=(0, 1, 2))
std = imgs.std(axis=(0, 1, 2))
imgs = (imgs - mean) / std                          # per-channel normalization

X = torch.from_numpy(imgs).view(-1, 3, SIZE, SIZE)  # to (N, C, H, W) for Conv2d
y = torch.from_numpy(labels)
X_train, y_train, X_val, y_val = X[:300], y[:300], X[300:], y[300:]

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
    nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
    nn.AdaptiveMaxPool2d(1), nn.Flatten(),
    nn.Linear(8, 3),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(30):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch + 1}  train loss {total / len(X_train):.4f}  val acc {val_acc:.3f}")

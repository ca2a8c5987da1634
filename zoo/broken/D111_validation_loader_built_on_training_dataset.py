"""Fault: the validation DataLoader is built on the training data set (a
copy-paste slip in a loaders helper: `DataLoader(train_set, ...)` where
`val_set` was meant). The held-out split is never read: every "validation"
score is a training score, so early stopping and checkpoint selection follow
the training fit. Source pattern: PyTorch forums "validation accuracy
suspiciously equal to training accuracy", StackOverflow answers finding the
val loader pointed at the train set.
Style: a map-style Dataset class of its own (not a TensorDataset), a
fit()/evaluate() pair, wine, patience-based early stopping on val loss.
"""
# expect: D111
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from torch.utils.data import DataLoader, Dataset


class WineRows(Dataset):
    def __init__(self, features, labels):
        self.features = features.astype(np.float32)
        self.labels = labels.astype(np.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return torch.from_numpy(self.features[i]), int(self.labels[i])


def build_loaders(batch_size=16):
    X, y = load_wine(return_X_y=True)
    order = np.random.default_rng(1).permutation(len(y))
    cut = int(0.7 * len(y))
    tr, va = order[:cut], order[cut:]
    mean, std = X[tr].mean(0), X[tr].std(0) + 1e-8
    train_set = WineRows((X[tr] - mean) / std, y[tr])
    val_set = WineRows((X[va] - mean) / std, y[va])
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    val_loader = DataLoader(train_set, batch_size=64)  # BUG: val_set was meant
    return train_loader, val_loader


def evaluate(model, loader):
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += F.cross_entropy(model(xb), yb, reduction="sum").item()
            n += len(yb)
    model.train()
    return total / n


torch.manual_seed(0)
train_loader, val_loader = build_loaders()
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
best, patience = float("inf"), 0
for epoch in range(20):
    for xb, yb in train_loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    val_loss = evaluate(model, val_loader)
    if val_loss < best - 1e-4:
        best, patience = val_loss, 0
    else:
        patience += 1
        if patience >= 4:
            break
    print(f"epoch {epoch}: val loss {val_loss:.4f}")
print("best val loss", best)

"""Hand-rolled 3-fold cross-validation on digits: one TensorDataset, the folds
made by samplers (SubsetRandomSampler(train_idx) for training, a plain list of
validation indices as the validation loader's sampler), a fresh model per fold.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, SubsetRandomSampler

K = 3
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
ds = TensorDataset(X, y)
perm = np.random.default_rng(0).permutation(len(ds))
fold_size = len(ds) // K


def make_model():
    return nn.Sequential(nn.Linear(64, 96), nn.ReLU(), nn.Dropout(0.2), nn.Linear(96, 10))


def train_fold(model, loader, epochs=5):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    lossf = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            lossf(model(xb), yb).backward()
            opt.step()


def eval_fold(model, loader):
    model.eval()
    hit = tot = 0
    with torch.no_grad():
        for xb, yb in loader:
            hit += (model(xb).argmax(1) == yb).sum().item()
            tot += len(yb)
    return hit / tot


scores = []
for k in range(K):
    val_idx = perm[k * fold_size:(k + 1) * fold_size]
    train_idx = np.setdiff1d(perm, val_idx)
    train_dl = DataLoader(ds, batch_size=64, sampler=SubsetRandomSampler(train_idx.tolist()))
    val_dl = DataLoader(ds, batch_size=256, sampler=val_idx.tolist())
    model = make_model()
    train_fold(model, train_dl)
    scores.append(eval_fold(model, val_dl))
    print(f"fold {k}: val acc {scores[-1]:.3f}")
print(f"CV accuracy {np.mean(scores):.3f} +- {np.std(scores):.3f}")

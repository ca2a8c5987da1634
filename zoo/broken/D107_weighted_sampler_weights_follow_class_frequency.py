"""Wafer-defect screening on synthetic inline-metrology features (24 features, 3% defective).

Fault: the user knows the data is imbalanced and builds a WeightedRandomSampler, but the
per-sample weight is the sample's class frequency (count / N) instead of its inverse. The sampler
therefore over-draws the majority class: the batches hold ~0.1% defects instead of 50%, so the
plain cross-entropy learns to answer "good" for everything. Accuracy is ~0.97 while the defect
recall stays at (or near) 0.
Public pattern: deep-voice/soundbay PR #49 ("Bug using random sampler in a problematic way":
WeightedRandomSampler weights given wrongly, sampling the wrong items) and the PyTorch-forums
thread "How to handle imbalanced classes" (weights must be 1/class_count per sample).
Style: argparse config, synthetic data standardised with training statistics, DataLoader over a
TensorDataset with a sampler, small MLP module, Adam, per-epoch recall/precision report.
"""
# expect: D107
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=12)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--lr", type=float, default=3e-3)
p.add_argument("--seed", type=int, default=7)
args = p.parse_args()

torch.manual_seed(args.seed)
np.random.seed(args.seed)
torch.set_num_threads(1)


def make_lot(n, defect_rate, rng):
    y = (rng.random(n) < defect_rate).astype(np.int64)
    X = rng.normal(size=(n, 24)).astype(np.float32)
    # defects: a thickness/overlay signature spread over several correlated sensors
    sig = np.zeros(24, dtype=np.float32)
    sig[[2, 5, 11, 17, 20]] = [1.6, -1.3, 1.1, 0.9, -1.2]
    X[y == 1] += sig + 0.4 * rng.normal(size=(int(y.sum()), 24)).astype(np.float32)
    return X, y


rng = np.random.default_rng(args.seed)
X_tr, y_tr = make_lot(4000, 0.03, rng)
X_va, y_va = make_lot(2000, 0.03, rng)
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd

class_counts = np.bincount(y_tr)
class_freq = class_counts / class_counts.sum()
sample_weights = torch.as_tensor(class_freq[y_tr], dtype=torch.double)
sampler = WeightedRandomSampler(sample_weights, num_samples=len(y_tr), replacement=True)
print("class counts", class_counts.tolist())

train_dl = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(y_tr)),
                      batch_size=args.batch_size, sampler=sampler)
X_va_t, y_va_t = torch.from_numpy(X_va), torch.from_numpy(y_va)


class Screener(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, 64), nn.ReLU(), nn.Dropout(0.1),
                                  nn.Linear(64, 32), nn.ReLU())
        self.out = nn.Linear(32, 2)

    def forward(self, x):
        return self.out(self.body(x))


model = Screener(24)
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
crit = nn.CrossEntropyLoss()

for epoch in range(1, args.epochs + 1):
    model.train()
    tot, n, seen_pos = 0.0, 0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
        n += len(yb)
        seen_pos += int(yb.sum())
    model.eval()
    with torch.no_grad():
        pred = model(X_va_t).argmax(1)
    acc = (pred == y_va_t).float().mean().item()
    tp = int(((pred == 1) & (y_va_t == 1)).sum())
    recall = tp / max(int((y_va_t == 1).sum()), 1)
    prec = tp / max(int((pred == 1).sum()), 1)
    print(f"epoch {epoch:2d} loss {tot / n:.4f} defects_drawn {seen_pos:3d} "
          f"val_acc {acc:.3f} defect_recall {recall:.3f} precision {prec:.3f}")

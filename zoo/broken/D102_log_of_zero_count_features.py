"""Fault: heavy-tailed count features (page views, clicks, purchases) are
log-transformed with np.log instead of np.log1p; some users have zero counts,
so those entries become -inf. The -inf inputs make the first layer output NaN /
inf and the loss becomes NaN in the first epoch.
Source pattern: PyTorch forums "loss is nan from the first batch" (log of zero
in preprocessing), StackOverflow 40050397 "np.log zero -inf neural network".
Style: functional, closures (make_step), torch.utils.data.random_split.
"""
# expect: D102
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

rng = np.random.default_rng(1)
torch.manual_seed(1)
N = 2000
activity = rng.gamma(0.8, 1.0, size=N)
views = rng.poisson(30 * activity)
clicks = rng.poisson(3 * activity)
buys = rng.poisson(0.3 * activity)
tenure = rng.uniform(1, 60, size=N)
churn = (-(np.log1p(views) + 2 * np.log1p(buys)) + 0.02 * tenure + rng.normal(0, 0.6, N) > -3.2).astype(np.int64)

feats = np.log(np.stack([views, clicks, buys, tenure], 1).astype(np.float64))   # heavy tails -> log
ds = TensorDataset(torch.tensor(feats, dtype=torch.float32), torch.tensor(churn))
train_ds, val_ds = random_split(ds, [1600, 400], generator=torch.Generator().manual_seed(1))


def make_step(model, opt):
    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def accuracy(model, loader):
    model.eval()
    with torch.no_grad():
        res = [(model(x).argmax(1) == y).float().mean().item() for x, y in loader]
    model.train()
    return float(np.mean(res))


model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 2))
step = make_step(model, torch.optim.Adam(model.parameters(), lr=3e-3))
train_dl = DataLoader(train_ds, batch_size=50, shuffle=True)
val_dl = DataLoader(val_ds, batch_size=400)
for epoch in range(8):
    losses = [step(x, y) for x, y in train_dl]
    print(f"epoch {epoch}: loss {np.mean(losses):.4f} val acc {accuracy(model, val_dl):.3f}")
print("churn rate", churn.mean())

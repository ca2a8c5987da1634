"""Tabular model: three categorical columns (12, 7 and 30 values: 2520 combinations) through nn.Embedding,
concatenated with six numeric features, then an MLP; binary target, BCEWithLogitsLoss, AdamW.

A custom Dataset yields dict batches {"cat", "num", "y"} and the model is called as model(cat, num). The
split is a clean one by row. With 4800 training rows, most category combinations occur in both splits,
but a sample is its categories and its numeric features together: no validation row is a copy of a
training row.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(55)
torch.manual_seed(55)

N = 6000
CARD = [12, 7, 30]
cats = np.stack([rng.integers(0, c, N) for c in CARD], 1)
num = rng.standard_normal((N, 6))
effects = [rng.normal(0, 1, c) for c in CARD]
logit = sum(effects[j][cats[:, j]] for j in range(3)) + 1.2 * num[:, 0] * num[:, 1] - 0.8 * num[:, 2] - 0.5
y = (rng.random(N) < 1 / (1 + np.exp(-logit))).astype(np.float32)
train_rows, val_rows = np.arange(0, 4800), np.arange(4800, N)


class Table(Dataset):
    def __init__(self, rows):
        self.cat = torch.tensor(cats[rows], dtype=torch.long)
        self.num = torch.tensor(num[rows], dtype=torch.float32)
        self.y = torch.tensor(y[rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"cat": self.cat[i], "num": self.num[i], "y": self.y[i]}


class TabNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(c, 6) for c in CARD])
        self.mlp = nn.Sequential(nn.Linear(18 + 6, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, cat, num):
        e = torch.cat([emb(cat[:, j]) for j, emb in enumerate(self.embs)], dim=1)
        return self.mlp(torch.cat([e, num], dim=1)).squeeze(1)


train_dl = DataLoader(Table(train_rows), batch_size=128, shuffle=True)
val_batch = next(iter(DataLoader(Table(val_rows), batch_size=len(val_rows))))
model = TabNet()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
crit = nn.BCEWithLogitsLoss()
for epoch in range(20):
    model.train()
    for batch in train_dl:
        opt.zero_grad()
        loss = crit(model(batch["cat"], batch["num"]), batch["y"])
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(val_batch["cat"], val_batch["num"]))
    acc = ((p > 0.5).float() == val_batch["y"]).float().mean().item()
    print(f"epoch {epoch + 1}: train loss {loss.item():.3f} val acc {acc:.3f}")

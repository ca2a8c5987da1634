"""Tabular model with one nn.Embedding per categorical column (cardinalities 12, 7, 30) next to
BatchNorm'd numeric features; a custom Dataset yields dict batches {"cat", "num", "y"} and the model
is called as model(batch["cat"], batch["num"]). Each column's codes are valid only for its own
embedding: the largest code of the batch (29) is out of range for the first two columns.
One-logit BCEWithLogitsLoss, AdamW, gradient clipping; synthetic data with a known logistic signal.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score
from torch.utils.data import DataLoader, Dataset

rng = np.random.default_rng(55)
torch.manual_seed(55)

N = 3000
CARD = [12, 7, 30]
cats = np.stack([rng.integers(0, c, N) for c in CARD], 1)
num = rng.standard_normal((N, 6))
effects = [rng.normal(0, 1, c) for c in CARD]
logit = sum(effects[j][cats[:, j]] for j in range(3)) + 1.2 * num[:, 0] * num[:, 1] - 0.8 * num[:, 2] - 0.5
y = (rng.random(N) < 1 / (1 + np.exp(-logit))).astype(np.float32)
tr, va = np.arange(0, 2400), np.arange(2400, N)


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
        self.embs = nn.ModuleList([nn.Embedding(c, min(8, (c + 1) // 2)) for c in CARD])
        emb_dim = sum(e.embedding_dim for e in self.embs)
        self.num_bn = nn.BatchNorm1d(6)
        self.mlp = nn.Sequential(nn.Linear(emb_dim + 6, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 1))

    def forward(self, cat, num):
        e = torch.cat([emb(cat[:, j]) for j, emb in enumerate(self.embs)], dim=1)
        return self.mlp(torch.cat([e, self.num_bn(num)], dim=1)).squeeze(1)


train_dl = DataLoader(Table(tr), batch_size=128, shuffle=True)
val_batch = next(iter(DataLoader(Table(va), batch_size=len(va))))
model = TabNet()
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
crit = nn.BCEWithLogitsLoss()

for epoch in range(10):
    model.train()
    for batch in train_dl:
        opt.zero_grad()
        loss = crit(model(batch["cat"], batch["num"]), batch["y"])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(val_batch["cat"], val_batch["num"])).numpy()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1}: val auc {roc_auc_score(y[va], p):.4f}")
print(f"final val ROC-AUC {roc_auc_score(y[va], p):.4f} acc {((p > 0.5) == y[va]).mean():.4f}")

"""Healthy: multi-task MLP on breast cancer with a namedtuple output Outputs(diag_logit, area_pred).
Task 1: malignant/benign (BCEWithLogits). Task 2: regress the standardized log 'worst area'
from the other features (every radius/perimeter/area column is removed from the inputs).
The two losses are combined outside the model with learned homoscedastic-uncertainty weights
(Kendall, Gal & Cipolla 2018): L = exp(-s1)*bce + s1 + 0.5*exp(-s2)*mse + 0.5*s2, so the total
can go below zero by design. Manual batching with index permutations, Adam, CosineAnnealingLR.
Expected: no warning or error.
"""
# expect: none
from collections import namedtuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import roc_auc_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

Outputs = namedtuple("Outputs", ["diag_logit", "area_pred"])


class SharedTrunkNet(nn.Module):
    def __init__(self, d_in, hidden=48):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Dropout(0.2),
                                   nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(0.2))
        self.diag_head = nn.Linear(hidden, 1)
        self.area_head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        h = self.trunk(x)
        return Outputs(self.diag_head(h).squeeze(-1), self.area_head(h).squeeze(-1))


class UncertaintyWeighting(nn.Module):
    def __init__(self):
        super().__init__()
        self.log_vars = nn.Parameter(torch.zeros(2))

    def forward(self, cls_loss, reg_loss):
        s1, s2 = self.log_vars
        return torch.exp(-s1) * cls_loss + s1 + 0.5 * torch.exp(-s2) * reg_loss + 0.5 * s2


data = load_breast_cancer()
names = list(data.feature_names)
area_col = names.index("worst area")
drop = [i for i, n in enumerate(names) if any(k in n for k in ("radius", "perimeter", "area"))]
keep = [i for i in range(len(names)) if i not in drop]
X = data.data[:, keep]
y_diag = 1 - data.target  # 1 = malignant
y_area = np.log(data.data[:, area_col])

idx = np.arange(len(X))
tr, te = train_test_split(idx, test_size=0.25, stratify=y_diag, random_state=0)
xs = StandardScaler().fit(X[tr])
a_mu, a_sd = y_area[tr].mean(), y_area[tr].std()
Xt = torch.tensor(xs.transform(X), dtype=torch.float32)
Yd = torch.tensor(y_diag, dtype=torch.float32)
Ya = torch.tensor((y_area - a_mu) / a_sd, dtype=torch.float32)
tr_t, te_t = torch.tensor(tr), torch.tensor(te)

model = SharedTrunkNet(len(keep))
weighting = UncertaintyWeighting()
opt = torch.optim.Adam(list(model.parameters()) + list(weighting.parameters()), lr=2e-3, weight_decay=1e-3)
EPOCHS, BS = 40, 32
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)


def evaluate(ids):
    model.eval()
    with torch.no_grad():
        out = model(Xt[ids])
        bce = F.binary_cross_entropy_with_logits(out.diag_logit, Yd[ids]).item()
        mse = F.mse_loss(out.area_pred, Ya[ids]).item()
        p = torch.sigmoid(out.diag_logit).numpy()
        acc = ((p > 0.5) == Yd[ids].numpy()).mean()
        auc = roc_auc_score(Yd[ids].numpy(), p)
        r2 = r2_score(Ya[ids].numpy(), out.area_pred.numpy())
    return bce, mse, acc, auc, r2


for epoch in range(1, EPOCHS + 1):
    model.train()
    perm = tr_t[torch.randperm(len(tr_t))]
    tot, nb = 0.0, 0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        out = model(Xt[b])
        cls_loss = F.binary_cross_entropy_with_logits(out.diag_logit, Yd[b])
        reg_loss = F.mse_loss(out.area_pred, Ya[b])
        loss = weighting(cls_loss, reg_loss)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item(); nb += 1
    sched.step()
    if epoch % 5 == 0 or epoch == 1:
        bce, mse, acc, auc, r2 = evaluate(te_t)
        s = weighting.log_vars.detach().numpy()
        print(f"epoch {epoch:3d} total {tot / nb:+.4f} | test bce {bce:.4f} acc {acc:.3f} auc {auc:.4f} "
              f"| area mse {mse:.4f} r2 {r2:.3f} | log_vars {s[0]:+.2f} {s[1]:+.2f}")

bce, mse, acc, auc, r2 = evaluate(te_t)
print(f"FINAL test diagnosis acc {acc:.3f} AUC {auc:.4f} | worst-area R2 {r2:.3f}")

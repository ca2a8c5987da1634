"""Fault: hidden layers are kept in a plain Python list instead of
nn.ModuleList, so they are not registered: model.parameters() omits them and
the optimizer never updates them (they stay at their random init).
Source: PyTorch forums "Layers in a python list are not registered" and
StackOverflow 50463975 ("Pytorch: how and when to use Module, Sequential,
ModuleList and ModuleDict").
Style: residual MLP with a variable number of layers, breast cancer, Adam,
StepLR, validation AUC-ish accuracy.
"""
# expect: M302
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class ResidualMLP(nn.Module):
    def __init__(self, d_in, width=32, depth=4):
        super().__init__()
        self.stem = nn.Linear(d_in, width)
        self.layers = [nn.Linear(width, width) for _ in range(depth)]  # BUG: plain list
        self.head = nn.Linear(width, 1)

    def forward(self, x):
        h = F.relu(self.stem(x))
        for layer in self.layers:
            h = h + F.relu(layer(h))
        return self.head(h).squeeze(-1)


torch.manual_seed(0)
X, y = load_breast_cancer(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=3, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.float32)
y_va = torch.tensor(y_va, dtype=torch.float32)

model = ResidualMLP(X_tr.shape[1])
print("trainable params seen by optimizer:", sum(p.numel() for p in model.parameters()))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
    sched.step()
    model.eval()
    with torch.no_grad():
        acc = ((model(X_va) > 0).float() == y_va).float().mean().item()
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f} val acc {acc:.3f}")

"""Random restarts on breast cancer: the script builds the model and its optimizer once, then, for
each restart, builds a fresh model "to start from new weights" and trains it with the optimizer it
already has. That optimizer holds the first model's tensors, which never run: the models that run
get gradients and are never updated, and every restart ends at its initial loss.
"""
# expect: M302
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
data = load_breast_cancer()
X = torch.tensor(StandardScaler().fit_transform(data.data), dtype=torch.float32)
y = torch.tensor(data.target, dtype=torch.float32)


def build():
    return nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 1))


net = build()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)

best = None
for restart in range(3):
    net = build()  # new weights for this restart
    for epoch in range(12):
        order = torch.randperm(len(X))
        for start in range(0, len(X), 32):
            idx = order[start:start + 32]
            logit = net(X[idx]).squeeze(1)
            loss = F.binary_cross_entropy_with_logits(logit, y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        acc = ((net(X).squeeze(1) > 0).float() == y).float().mean().item()
    print(f"restart {restart}: loss {loss.item():.3f} accuracy {acc:.3f}")
    best = acc if best is None else max(best, acc)
print("best accuracy", best)

"""Odd ending: the script trains, then fails with an exception of its own (a bug in its evaluation).

Exercises: the user's traceback kept on stderr, exit status 1, and nndoctor's report still written.
"""
# expect: none
# exit: 1
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(10):
    order = torch.randperm(len(X))
    for i in range(0, len(X), 32):
        idx = order[i:i + 32]
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
metrics = {"loss": loss.item()}
print(f"accuracy {metrics['accuracy']:.3f}")  # the bug: no accuracy was computed

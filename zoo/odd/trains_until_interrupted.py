"""Odd ending: trains in an endless loop until the user presses Ctrl-C (SIGINT), printing a marker
line per epoch so a test knows training has started.

Exercises: the report (JSON and HTML) written after a KeyboardInterrupt, the traceback kept, and
the exit status Python gives an interrupted script (130 under a shell).
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
epoch = 0
while True:
    order = torch.randperm(len(X))
    for i in range(0, len(X), 32):
        idx = order[i:i + 32]
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    epoch += 1
    print(f"epoch {epoch} loss {loss.item():.3f}", flush=True)

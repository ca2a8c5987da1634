"""Odd environment: the script changes the working directory (``os.chdir``) before training, as scripts
that write their outputs "next to the data" do.

Exercises: nndoctor writing its report where the user asked (``--json out.json`` relative to the
directory nndoctor was started in), not in the script's new working directory; healthy by
construction.
"""
# expect: none
import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn

workdir = tempfile.mkdtemp(prefix="odd-chdir-")
os.chdir(workdir)
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
torch.save(model.state_dict(), "model.pt")
print(f"saved {os.path.join(workdir, 'model.pt')}, final loss {loss.item():.3f}")

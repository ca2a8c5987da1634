"""Odd precision: mixed precision with ``torch.autocast("cpu", dtype=torch.bfloat16)`` and a
``torch.amp.GradScaler`` whose initial scale is so large that the first backward passes (of a
sum-reduced loss) overflow to inf: the scaler skips those optimizer steps and lowers its scale, as it is built to (fp16 training
does this routinely at the start).

Exercises: the scaled loss handed to backward (nndoctor must record the loss, not loss x scale),
inf gradients that the scaler skips (not N601/N602), steps skipped by the scaler; healthy by
construction.
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
scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 127)
skipped = 0
for epoch in range(10):
    order = torch.randperm(len(X))
    for i in range(0, len(X), 32):
        idx = order[i:i + 32]
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = F.cross_entropy(model(X[idx]), y[idx], reduction="sum")
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scale = scaler.get_scale()
        scaler.step(optimizer)
        scaler.update()
        skipped += scaler.get_scale() < scale
    print(f"epoch {epoch} loss {loss.item():.3f} scale {scaler.get_scale():.3g}")
print(f"steps skipped by the scaler: {skipped}")
assert skipped > 0, "the scaler never overflowed: this script no longer exercises skipped steps"

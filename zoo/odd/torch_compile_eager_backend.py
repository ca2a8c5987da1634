"""Odd model: ``torch.compile``d (backend "eager", which needs no C++ compiler, so this runs on any
CPU machine; the graph capture by TorchDynamo is the same as with the default backend).

Exercises: watching what can be watched of a compiled model (losses, optimizer steps, gradients) and
saying in a note what cannot (activations inside the compiled graph); healthy by construction.
"""
# expect: none
# note: torch.compile
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
compiled = torch.compile(model, backend="eager")
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(10):
    order = torch.randperm(len(X))
    for i in range(0, len(X), 32):
        idx = order[i:i + 32]
        loss = F.cross_entropy(compiled(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")

"""Odd model: a module with no parameters at all (a fixed, hand-written feature transform), and the
thing trained is an input tensor (``requires_grad=True``) handed to Adam, as in style transfer or
adversarial-example scripts.

Exercises: a model nndoctor cannot register (no parameters), an optimizer over a plain tensor;
nndoctor must not crash and must not cry wolf.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


class FixedFeatures(nn.Module):
    """Fixed features: no parameters, no buffers to learn."""

    def forward(self, x):
        return torch.cat([x, x.pow(2), torch.sin(x)], dim=-1)


features = FixedFeatures()
target = features(torch.randn(16, 4))
x = torch.zeros(16, 4, requires_grad=True)
optimizer = torch.optim.Adam([x], lr=0.05)
for step in range(200):
    loss = F.mse_loss(features(x), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"final loss {loss.item():.4f}")

"""Odd input: batches as nested tuples ``((numeric, categorical), label)`` and a model with two inputs,
one of them integer indices into an embedding.

Exercises: the probe walking nested tuple arguments and integer inputs; healthy by construction.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
numeric = torch.randn(512, 6)
category = torch.randint(0, 4, (512,))
y = ((numeric[:, 0] + (category == 2).float() * 2 - 1) > 0).long()


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(4, 4)
        self.net = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 2))

    def forward(self, inputs):
        num, cat = inputs
        return self.net(torch.cat([num, self.embed(cat)], dim=1))


model = TwoInputs()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(TensorDataset(numeric, category, y), batch_size=32, shuffle=True)
for epoch in range(10):
    for num, cat, label in loader:
        batch = ((num, cat), label)
        (inputs, target) = batch
        loss = F.cross_entropy(model(inputs), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")

"""Odd input: a Dataset returning lists, so batches are lists of tensors (the default collate turns a
list sample into a list of batched tensors), and a model called as ``model(*batch[:-1])`` with three
input tensors.

Exercises: list batches, several positional inputs; healthy by construction.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
A, B, C = torch.randn(512, 4), torch.randn(512, 4), torch.randn(512, 4)
y = (A.sum(1) - B[:, 0] + C[:, 1] > 0).float()


class ListDataset(Dataset):
    def __len__(self):
        return len(A)

    def __getitem__(self, i):
        return [A[i], B[i], C[i], y[i]]


class ThreeBranches(nn.Module):
    def __init__(self):
        super().__init__()
        self.branches = nn.ModuleList(nn.Linear(4, 8) for _ in range(3))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(24, 1))

    def forward(self, a, b, c):
        return self.head(torch.cat([f(t) for f, t in zip(self.branches, (a, b, c))], dim=1)).squeeze(1)


model = ThreeBranches()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(ListDataset(), batch_size=32, shuffle=True)
for epoch in range(10):
    for batch in loader:
        assert isinstance(batch, list)
        loss = F.binary_cross_entropy_with_logits(model(*batch[:-1]), batch[-1])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")

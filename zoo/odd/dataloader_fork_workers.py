"""Odd loading: a DataLoader with ``num_workers=2`` and the "fork" start method, with an ``nn.Module``
transform applied inside the workers (so nndoctor's global hooks are inherited by forked processes).

Exercises: worker processes that carry nndoctor's patched torch, batches from workers; healthy by
construction.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)


class Jitter(nn.Module):
    def forward(self, x):
        return x + 0.01 * torch.randn_like(x)


class Augmented(Dataset):
    def __init__(self):
        self.transform = Jitter()

    def __len__(self):
        return len(X)

    def __getitem__(self, i):
        return self.transform(X[i]), y[i]


if __name__ == "__main__":
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(Augmented(), batch_size=32, shuffle=True, num_workers=2,
                        multiprocessing_context="fork", persistent_workers=True)
    for epoch in range(10):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")

"""Odd input: a Dataset that yields dicts, so the DataLoader's batches are dicts of tensors, and a
model whose forward takes the whole dict (``model(batch)``), as many HF-style and multimodal scripts do.

Exercises: the probe finding the input tensor inside a dict argument; healthy by construction.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)


class DictDataset(Dataset):
    def __len__(self):
        return len(X)

    def __getitem__(self, i):
        return {"features": X[i], "label": y[i]}


class DictModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))

    def forward(self, batch):
        return self.net(batch["features"])


model = DictModel()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loader = DataLoader(DictDataset(), batch_size=32, shuffle=True)
for epoch in range(10):
    for batch in loader:
        loss = F.cross_entropy(model(batch), batch["label"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.3f}")

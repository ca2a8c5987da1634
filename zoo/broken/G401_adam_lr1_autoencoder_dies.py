"""An autoencoder trained with Adam at lr=1.0 (a default copied from an Adadelta example into
argparse): the first steps change every weight by more than its own size (update/weight ratio ~10),
the sigmoid output saturates and the ReLUs die, and from then on every gradient is exactly zero. The
loss cannot rise any more: it sits near the mean-prediction level. Dead units and the stuck loss are
consequences; the learning rate is the cause (not a step before backward: the gradients exist, they are
just zero).
"""
# expect: G401
import argparse

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


class AutoEncoder(nn.Module):
    def __init__(self, d=64, z=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Linear(32, z))
        self.decoder = nn.Sequential(nn.Linear(z, 32), nn.ReLU(), nn.Linear(32, d), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=1.0)  # BUG: Adam wants ~1e-3
parser.add_argument("--epochs", type=int, default=8)
args = parser.parse_args()

torch.manual_seed(0)
X = torch.tensor(load_digits().data / 16.0, dtype=torch.float32)
loader = DataLoader(TensorDataset(X), batch_size=64, shuffle=True)
model = AutoEncoder()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
mse = nn.MSELoss()
for epoch in range(args.epochs):
    total = 0.0
    for (xb,) in loader:
        optimizer.zero_grad()
        loss = mse(model(xb), xb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    print(f"epoch {epoch}: reconstruction mse {total / len(X):.5f}")

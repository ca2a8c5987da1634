"""The model squeezes its output to shape (N,) while the targets were taken as a
column, `table[:, [-1]]`, of shape (N, 1): F.l1_loss broadcasts the pair to
(N, N), so the network is fitted to every target of the batch at once and
ends up predicting a constant.
"""
# expect: L204
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Regressor(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.fc1 = nn.Linear(n_in, 64)
        self.fc2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x).squeeze(-1)


def make_table(n, rng):
    """A sensor table: 8 readings and the quantity to predict in the last column."""
    X = rng.normal(size=(n, 8))
    target = (np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] - 0.8 * X[:, 3]
              + 0.3 * X[:, 4] ** 2 + 0.1 * rng.normal(size=n))
    return np.column_stack([X, target]).astype(np.float32)


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    table = make_table(2500, rng)
    features, targets = table[:, :-1], table[:, [-1]]
    targets = (targets - targets.mean()) / targets.std()

    X = torch.from_numpy(features)
    y = torch.from_numpy(targets)
    X_train, y_train, X_val, y_val = X[:2000], y[:2000], X[2000:], y[2000:]

    model = Regressor(8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch_size = 64

    for epoch in range(10):
        model.train()
        perm = torch.randperm(len(X_train))
        for i in range(0, len(X_train), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.l1_loss(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_mae = (model(X_val) - y_val.squeeze(1)).abs().mean().item()
        if (epoch + 1) % 2 == 0:
            print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  val MAE {val_mae:.4f}")


if __name__ == "__main__":
    main()

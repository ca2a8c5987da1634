"""The forward pass clips hidden activations with NumPy and wraps the result back
with torch.tensor(...), a round trip that builds a new leaf tensor with no history:
the first layer never receives a gradient and stays at its random initialisation.
"""
# expect: M303
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class MLP(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        h = self.fc1(x)
        # ReLU6-style clipping done with numpy
        h = torch.tensor(np.clip(h.detach().numpy(), 0.0, 6.0))  # BUG: new tensor, graph is cut here
        h = F.relu(self.fc2(h))
        return self.out(h)


def train(model, X, y, epochs=40, batch_size=32, lr=1e-2):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n = len(X)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n)
        epoch_loss = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            logits = model(X[idx])
            loss = F.cross_entropy(logits, y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * len(idx)
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1}: train loss {epoch_loss / n:.4f}")


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    X, y = make_moons(n_samples=600, noise=0.15, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = MLP()
    train(model, X_tr, y_tr)
    print(f"test accuracy {accuracy(model, X_te, y_te):.3f}")

"""The model applies torch.sigmoid in forward, "so predictions are
probabilities", and the loss is F.binary_cross_entropy_with_logits on those
probabilities: a double sigmoid, so the outputs the loss sees are squeezed into
[0.5, 0.73] and the gradients shrink.
"""
# expect: L208
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import make_moons


class MoonNet(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return torch.sigmoid(self.fc3(x)).squeeze(1)


def main():
    torch.manual_seed(0)
    X, y = make_moons(n_samples=2000, noise=0.2, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    X_train, y_train, X_val, y_val = X[:1600], y[:1600], X[1600:], y[1600:]

    model = MoonNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch_size = 64
    losses = []

    for epoch in range(12):
        model.train()
        perm = torch.randperm(len(X_train))
        for i in range(0, len(X_train), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        if (epoch + 1) % 3 == 0:
            model.eval()
            with torch.no_grad():
                acc = ((model(X_val) > 0.5).float() == y_val).float().mean().item()
            print(f"epoch {epoch + 1}: loss {np.mean(losses[-25:]):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()

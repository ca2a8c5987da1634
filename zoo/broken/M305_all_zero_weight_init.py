"""A custom init_weights() sets every Linear weight and bias to zero ("start from a neutral model"):
all hidden units compute the same thing, and behind ReLUs with zero pre-activations no gradient reaches
any weight matrix. Only the output bias learns (the class prior). The blocked gradients, dead units and
the flat loss all follow from the init.
"""
# expect: M305
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.zeros_(m.weight)  # BUG: no randomness to break the symmetry between units
        nn.init.zeros_(m.bias)


torch.manual_seed(0)
X, y = load_wine(return_X_y=True)
X = torch.tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))
model.apply(init_weights)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
for epoch in range(30):
    perm = torch.randperm(len(X))
    for i in range(0, len(X), 16):
        idx = perm[i:i + 16]
        optimizer.zero_grad()
        loss = criterion(model(X[idx]), y[idx])
        loss.backward()
        optimizer.step()
    if epoch % 10 == 9:
        with torch.no_grad():
            acc = (model(X).argmax(1) == y).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.4f}, accuracy {acc:.3f}")

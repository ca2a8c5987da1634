"""A root-mean-square error written by hand. The model returns a column of
shape (N, 1) and the targets come as a row of shape (N,): `pred - target`
broadcasts to (N, N), so each prediction is scored against every target of
the batch, and the network ends up predicting the batch mean. No loss function
of torch is involved, so torch gives no warning.
"""
# expect: L204
import numpy as np
import torch
from sklearn.datasets import load_wine
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)

# Predict a wine's proline content (the last feature) from the twelve others.
data = load_wine().data.astype(np.float32)
features, proline = data[:, :-1], data[:, -1]
features = (features - features.mean(0)) / features.std(0)
proline = (proline - proline.mean()) / proline.std()
order = rng.permutation(len(data))
train, test = order[:140], order[140:]

X_train, X_test = torch.from_numpy(features[train]), torch.from_numpy(features[test])
y_train, y_test = torch.from_numpy(proline[train]), torch.from_numpy(proline[test])


def rmse(pred, target):
    return torch.sqrt(torch.mean((pred - target) ** 2) + 1e-8)


net = nn.Sequential(nn.Linear(12, 48), nn.Tanh(), nn.Linear(48, 48), nn.Tanh(), nn.Linear(48, 1))
optimizer = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)

for epoch in range(120):
    perm = torch.randperm(len(X_train))
    for xb, yb in zip(X_train[perm].split(20), y_train[perm].split(20)):
        loss = rmse(net(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 30 == 29:
        with torch.no_grad():
            test_pred = net(X_test).squeeze(1)
            print(f"epoch {epoch + 1}: train rmse {loss.item():.3f}, "
                  f"test rmse {torch.sqrt(((test_pred - y_test) ** 2).mean()):.3f}, "
                  f"prediction std {test_pred.std():.3f}")

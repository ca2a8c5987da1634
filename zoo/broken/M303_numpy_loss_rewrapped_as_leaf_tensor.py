"""a custom RMSE loss is computed in NumPy and re-wrapped with torch.tensor(...,
requires_grad=True); the new tensor is a leaf cut from the model, so backward() never reaches
any parameter.
"""
# expect: M303
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 3
np.random.seed(SEED)
torch.manual_seed(SEED)


def rmse_loss(pred, target):
    # NumPy version so it matches the competition's scoring code exactly
    p = pred.detach().cpu().numpy().ravel()
    t = target.detach().cpu().numpy().ravel()
    value = np.sqrt(np.mean((p - t) ** 2))
    return torch.tensor(value, dtype=torch.float32, requires_grad=True)


def init_mlp(d_in, widths=(64, 64)):
    layers, d = [], d_in
    for w in widths:
        layers += [nn.Linear(d, w), nn.GELU()]
        d = w
    layers.append(nn.Linear(d, 1))
    return nn.Sequential(*layers)


def iterate_minibatches(X, y, batch_size, rng):
    idx = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        b = idx[start:start + batch_size]
        yield X[b], y[b]


def train_epoch(model, opt, X, y, rng, batch_size=64):
    model.train()
    losses = []
    for xb, yb in iterate_minibatches(X, y, batch_size, rng):
        opt.zero_grad()
        loss = rmse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return float(np.mean(losses))


@torch.no_grad()
def evaluate(model, X, y):
    model.eval()
    pred = model(X).squeeze(1)
    return torch.sqrt(torch.mean((pred - y) ** 2)).item()


def main():
    X, y = make_regression(n_samples=3000, n_features=12, n_informative=8, noise=5.0, random_state=SEED)
    y = np.sin(X[:, 0]) * 40 + y  # a bit of non-linearity
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=SEED)
    xs, ys = StandardScaler().fit(X_tr), StandardScaler().fit(y_tr[:, None])
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    X_tr, X_va = to_t(xs.transform(X_tr)), to_t(xs.transform(X_va))
    y_tr, y_va = to_t(ys.transform(y_tr[:, None]).ravel()), to_t(ys.transform(y_va[:, None]).ravel())

    model = init_mlp(X_tr.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    rng = np.random.default_rng(SEED)
    for epoch in range(30):
        tr = train_epoch(model, opt, X_tr, y_tr, rng)
        if epoch % 5 == 4:
            print(f"epoch {epoch+1:2d} train rmse {tr:.4f} val rmse {evaluate(model, X_va, y_va):.4f}")


if __name__ == "__main__":
    main()

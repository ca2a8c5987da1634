"""Outside script (ninth session). The "standardization" in TabularDataset uses mean/std over axis=1
(each patient's 30 measurements) instead of axis=0 (each feature over patients); the area columns
(hundreds to thousands) dominate every row, so the other 28 features collapse to nearly the same
constant and the absolute size information is lost.
"""
# expect: D109
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


class TabularDataset(Dataset):
    def __init__(self, X, y):
        X = np.asarray(X, dtype=np.float32)
        X = (X - X.mean(axis=1, keepdims=True)) / (X.std(axis=1, keepdims=True) + 1e-8)
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(np.asarray(y, dtype=np.float32))

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


def make_model(n_features, hidden=32, p=0.1):
    return nn.Sequential(
        nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(p),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, 1),
    )


def fit(model, train_loader, epochs=40, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = loss_fn(model(xb).squeeze(-1), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1:2d} train loss {running / len(train_loader.dataset):.4f}")
    return model


@torch.no_grad()
def accuracy(model, loader):
    model.eval()
    hits = n = 0
    for xb, yb in loader:
        pred = (model(xb).squeeze(-1) > 0).float()
        hits += (pred == yb).sum().item()
        n += len(yb)
    return hits / n


if __name__ == "__main__":
    torch.manual_seed(2)
    data = load_breast_cancer()
    X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.3, random_state=2, stratify=data.target)
    train_loader = DataLoader(TabularDataset(X_tr, y_tr), batch_size=32, shuffle=True)
    test_loader = DataLoader(TabularDataset(X_te, y_te), batch_size=256)
    model = fit(make_model(X_tr.shape[1]), train_loader)
    print(f"train acc {accuracy(model, train_loader):.3f}  test acc {accuracy(model, test_loader):.3f}")

"""A small labelled set: only 5 images per class (50 in total) are used to train
a classifier from scratch, far too few samples per class; the model memorizes
them and generalizes poorly to the other images.
"""
# expect: D108
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0

# the "annotated" subset: 5 labelled examples of each digit
labelled = np.concatenate([rng.choice(np.flatnonzero(y == c), 5, replace=False)
                           for c in range(10)])
rest = np.setdiff1d(np.arange(len(y)), labelled)
X_train, y_train = X[labelled], y[labelled]
X_test, y_test = X[rest], y[rest]

mean, std = X_train.mean(0), X_train.std(0)
std[std == 0] = 1.0  # pixels that are blank in every labelled image
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_test = torch.tensor((X_test - mean) / std, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=10, shuffle=True)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(60):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if (epoch + 1) % 10 == 0:
        model.eval()
        with torch.no_grad():
            test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}  train loss {total / len(X_train):.4f}  test acc {test_acc:.3f}")

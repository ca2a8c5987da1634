"""Healthy: besides its validation loader, the script builds a second, unshuffled
loader over the training data set to report training accuracy after every epoch
(a legitimate pass over training data under no_grad), and prints both.
Style: TensorDatasets, an accuracy() helper taking any loader, SGD with momentum.
"""
# expect: none
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
mean, std = X_tr.mean(0), X_tr.std(0) + 1e-8
as_set = lambda a, b: TensorDataset(torch.tensor((a - mean) / std, dtype=torch.float32), torch.tensor(b))
train_set, val_set = as_set(X_tr, y_tr), as_set(X_va, y_va)
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
train_eval_loader = DataLoader(train_set, batch_size=128)
val_loader = DataLoader(val_set, batch_size=128)


def accuracy(model, loader):
    model.eval()
    hits = n = 0
    with torch.no_grad():
        for xb, yb in loader:
            hits += (model(xb).argmax(1) == yb).sum().item()
            n += len(yb)
    model.train()
    return hits / n


torch.manual_seed(0)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(15):
    for xb, yb in train_loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch}: train acc {accuracy(model, train_eval_loader):.3f} "
          f"val acc {accuracy(model, val_loader):.3f}")

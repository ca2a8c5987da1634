"""Two label files are merged. The second one (30% of the images) encodes the
digits SVHN-style: 1-9 for the digits one to nine and 10 for zero. The loader
assumes that file is simply 1-based and subtracts 1, so every label from it is
shifted: a 7 is trained as 6, a 1 as 0, a 0 as 9. The error is systematic
(the same wrong map for every class of that file), ~30% of the labels, and
training still reaches a respectable-looking accuracy.
"""
# expect: D105
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(1)

X, digit = load_digits(return_X_y=True)
X = X.astype(np.float32) / 16.0

from_second_file = rng.random(len(digit)) < 0.3
label_in_file = np.where(from_second_file, np.where(digit == 0, 10, digit), digit)  # SVHN: 10 means zero
y = np.where(from_second_file, label_in_file - 1, label_in_file)  # BUG: "the second file is 1-based"
print(f"labels that disagree with the digit: {np.mean(y != digit):.1%}")

order = rng.permutation(len(y))
train, val = order[:1400], order[1400:]
train_loader = DataLoader(TensorDataset(torch.from_numpy(X[train]), torch.from_numpy(y[train])),
                          batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

for epoch in range(8):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        acc = (model(torch.from_numpy(X[val])).argmax(1).numpy() == y[val]).mean()
    print(f"epoch {epoch + 1}  loss {loss.item():.3f}  val acc {acc:.3f}")

"""Class names turned into indices by order of first appearance, separately for
the training and the validation split. The two splits meet the names in a
different order, so "seven" is class 0 in one and class 4 in the other: the
model learns the training mapping well, and on validation its right answers
are scored against another class's index, so the validation loss rises while
the training loss falls.
"""
# expect: D116
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

digits = load_digits()
rng = np.random.default_rng(1)
order = rng.permutation(len(digits.target))
images = digits.data[order] / 16.0
names = [NAMES[i] for i in digits.target[order]]  # the labels as a CSV would hold them
cut = int(0.8 * len(names))


def encode(labels):
    """Class name -> index, in the order the names first occur."""
    index = {}
    return [index.setdefault(name, len(index)) for name in labels]


X_train = torch.tensor(images[:cut], dtype=torch.float32)
X_val = torch.tensor(images[cut:], dtype=torch.float32)
y_train = torch.tensor(encode(names[:cut]))
y_val = torch.tensor(encode(names[cut:]))  # bug: a second mapping, built on the validation split

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=128)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(15):
    model.train()
    for xb, yb in train_loader:
        loss = F.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    val_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = model(xb)
            val_loss += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1}: train loss {loss.item():.3f}  val loss {val_loss / len(X_val):.3f}  "
          f"val accuracy {correct / len(X_val):.3f}")

"""The labels come from a crowdsourcing round. Every image was labelled by one
annotator, and one of the annotators (who took 30% of the items) answered at
random to finish quickly: about 27% of the training labels are wrong. Nothing
crashes, the loss falls, validation accuracy just tops out lower than it
should; the bad labels are only visible when predictions made without seeing
a sample disagree with its label.
"""
# expect: D105
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

X, y_true = load_digits(return_X_y=True)
X = X.astype(np.float32) / 16.0

# The annotation: each item went to one of 5 annotators; annotator 4 took 30% and clicked at random.
annotator = rng.choice(5, size=len(y_true), p=[0.175, 0.175, 0.175, 0.175, 0.30])
y = np.where(annotator == 4, rng.integers(0, 10, len(y_true)), y_true)
print(f"labels that disagree with the truth: {np.mean(y != y_true):.1%}")

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
train_loader = DataLoader(TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
                          batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(torch.from_numpy(X_val), torch.from_numpy(y_val)), batch_size=512)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(10):
    model.train()
    total, seen = 0.0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
        seen += len(yb)
    model.eval()
    with torch.no_grad():
        correct = sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in val_loader)
    print(f"epoch {epoch + 1:2d}  loss {total / seen:.4f}  val acc {correct / len(y_val):.3f}")

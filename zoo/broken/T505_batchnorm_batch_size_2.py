"""An MLP with BatchNorm1d layers is trained with batch_size=2 (lowered after an
out-of-memory error on a bigger model and never raised again): each BatchNorm layer
normalises every feature over just two samples, so in training every normalised
value is about +-1, the batch statistics are pure noise, and the running averages
used at evaluation time do not match what the network saw during training.
"""
# expect: T505
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

BATCH_SIZE = 2  # BUG: far too small for BatchNorm

X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
# drop_last: a final batch of 1 makes BatchNorm1d raise in training mode
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=BATCH_SIZE, shuffle=True, drop_last=True)

model = nn.Sequential(
    nn.Linear(X_train.shape[1], 128),
    nn.BatchNorm1d(128),
    nn.ReLU(),
    nn.Linear(128, 64),
    nn.BatchNorm1d(64),
    nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(2):
    model.train()
    total, seen = 0.0, 0
    for step, (xb, yb) in enumerate(train_loader):
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        seen += len(xb)
        if step % 200 == 199:
            model.eval()
            with torch.no_grad():
                val_loss = criterion(model(X_val), y_val).item()
                val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
            model.train()
            print(f"epoch {epoch} step {step + 1:3d}  train loss {total / seen:.4f}  "
                  f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")
            total, seen = 0.0, 0

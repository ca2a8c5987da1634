"""Gradient accumulation on purpose: micro-batches of 16, one optimizer step every 4.

The effective batch is 64. Each micro-batch loss is divided by ACCUM_STEPS so the
accumulated gradient is the mean over the effective batch; optimizer.zero_grad()
runs right after each optimizer.step(). MLP on sklearn digits, Adam.
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

ACCUM_STEPS = 4
MICRO_BATCH = 16
EPOCHS = 15

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.2, random_state=1, stratify=y)
mu = X_train.mean(0)
sigma = X_train.std(0) + 1e-2
X_train = torch.tensor((X_train - mu) / sigma, dtype=torch.float32)
X_test = torch.tensor((X_test - mu) / sigma, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_test = torch.tensor(y_test, dtype=torch.long)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=MICRO_BATCH, shuffle=True)

model = nn.Sequential(nn.Linear(64, 96), nn.Tanh(), nn.Linear(96, 10))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(EPOCHS):
    model.train()
    optimizer.zero_grad()
    running, seen = 0.0, 0
    for i, (xb, yb) in enumerate(loader):
        loss = criterion(model(xb), yb)
        (loss / ACCUM_STEPS).backward()
        running += loss.item() * len(xb)
        seen += len(xb)
        if (i + 1) % ACCUM_STEPS == 0 or (i + 1) == len(loader):
            optimizer.step()
            optimizer.zero_grad()
    train_loss = running / seen

    model.eval()
    with torch.no_grad():
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {train_loss:.4f}  test acc {test_acc:.4f}")

print(f"final train loss {train_loss:.4f}  test accuracy {test_acc:.4f}")

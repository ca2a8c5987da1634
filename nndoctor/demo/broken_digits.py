"""A digits classifier with two classic bugs (the demo of `nndoctor demo`).

1. The model ends in nn.Softmax, and its output goes to nn.CrossEntropyLoss,
   which applies log_softmax itself (L202).
2. optimizer.zero_grad() was lost in a refactor, so gradients pile up across
   steps (T501).
It trains, the loss even goes down a little, and accuracy stays poor.
"""
import torch
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32) / 16.0
y = torch.tensor(digits.target)
X = (X - X[:1400].mean(0)) / (X[:1400].std(0) + 1e-6)
X_train, y_train, X_val, y_val = X[:1400], y[:1400], X[1400:], y[1400:]

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

for epoch in range(4):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(X_train), 64):
        idx = perm[i:i + 64]
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        model.eval()
        accuracy = (model(X_val).argmax(1) == y_val).float().mean().item()
        model.train()
    print(f"epoch {epoch}: loss {loss.item():.3f}, validation accuracy {accuracy:.2f}")

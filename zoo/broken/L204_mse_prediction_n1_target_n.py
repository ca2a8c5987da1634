"""Regression with nn.MSELoss where the model outputs shape (N, 1) and the
targets have shape (N,): the loss broadcasts them to (N, N) and compares every
prediction with every target (PyTorch only warns), so the network learns to
predict the batch mean.
"""
# expect: L204
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
x_scaler = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()

X_train = torch.tensor(x_scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(x_scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32)
y_test = torch.tensor((y_test - y_mean) / y_std, dtype=torch.float32)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Linear(10, 64), nn.ReLU(),
    nn.Linear(64, 32), nn.ReLU(),
    nn.Linear(32, 1),
)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(25):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        pred = model(xb)
        loss = criterion(pred, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)

    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            pred = model(X_test).squeeze(1)
            r2 = 1 - ((pred - y_test) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
        print(f"epoch {epoch + 1}  train loss {total / len(X_train):.4f}  "
              f"test R^2 {r2:.3f}  prediction std {pred.std():.3f}")

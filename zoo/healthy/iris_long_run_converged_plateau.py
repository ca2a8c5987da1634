"""A long run on iris that converges early and then sits on a flat loss.

Small MLP, Adam lr 1e-2, mini-batches of 16, 2000 optimizer steps. The loss
drops within the first few hundred steps and then stays flat near its minimum
for the rest of the run: a natural plateau at convergence, not a stall.
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.2, stratify=iris.target, random_state=1)
mu, sd = X_train.mean(0), X_train.std(0)
X_train = torch.tensor((X_train - mu) / sd, dtype=torch.float32)
X_test = torch.tensor((X_test - mu) / sd, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

TOTAL_STEPS = 2000
step = 0
history = []
while step < TOTAL_STEPS:
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
        step += 1
        if step % 250 == 0:
            model.eval()
            with torch.no_grad():
                test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
                full_train_loss = criterion(model(X_train), y_train).item()
            model.train()
            recent = sum(history[-250:]) / 250
            print(f"step {step:4d}  mean batch loss (last 250) {recent:.4f}  "
                  f"full train loss {full_train_loss:.4f}  test acc {test_acc:.4f}")
        if step == TOTAL_STEPS:
            break

print(f"final train loss {full_train_loss:.4f}  test accuracy {test_acc:.4f}")

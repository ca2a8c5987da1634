"""A 10-hidden-layer MLP with sigmoid activations ("deeper must be better"): the
sigmoid derivative is at most 0.25, so the gradient shrinks by roughly an order of
magnitude every couple of layers on its way back: the first layer receives
gradients ~1e-8 times those of the last layer, the early layers do not
learn and the loss hardly moves.
"""
# expect: G404
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

DEPTH, WIDTH = 10, 64

X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

layers = [nn.Linear(X_train.shape[1], WIDTH), nn.Sigmoid()]
for _ in range(DEPTH - 1):
    layers += [nn.Linear(WIDTH, WIDTH), nn.Sigmoid()]
layers.append(nn.Linear(WIDTH, 10))
model = nn.Sequential(*layers)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

for epoch in range(12):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    first, last = model[0].weight.grad.norm().item(), model[-1].weight.grad.norm().item()
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):.4f}  val acc {val_acc:.3f}  "
          f"grad norm first layer {first:.2e} last layer {last:.2e}")

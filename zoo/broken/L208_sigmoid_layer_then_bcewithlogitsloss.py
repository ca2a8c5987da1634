"""A binary classifier ends with nn.Sigmoid() and is trained with
nn.BCEWithLogitsLoss, which applies the sigmoid again: the loss works on
sigmoid(sigmoid(z)), cannot go below 0.31 for positives and 0.69 for negatives,
and its gradients are squashed.
"""
# expect: L208
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
y_val = torch.tensor(y_val, dtype=torch.float32).unsqueeze(1)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Linear(30, 32), nn.ReLU(),
    nn.Linear(32, 16), nn.ReLU(),
    nn.Linear(16, 1),
    nn.Sigmoid(),
)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(20):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if (epoch + 1) % 5 == 0:
        model.eval()
        with torch.no_grad():
            probs = model(X_val)
            val_loss = criterion(probs, y_val).item()
            val_acc = ((probs > 0.5).float() == y_val).float().mean().item()
        print(f"epoch {epoch + 1}  train loss {total / len(X_train):.4f}  "
              f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")

"""Fraud-style binary classification where only ~3% of the transactions are
positive (about 32:1); the model is trained with a plain unweighted
CrossEntropyLoss and no resampling, so it learns to answer "not fraud" and
reaches high accuracy while missing most of the positives.
"""
# expect: D107
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = make_classification(n_samples=4000, n_features=20, n_informative=6,
                           n_redundant=4, weights=[0.97, 0.03], flip_y=0.0,
                           class_sep=0.6, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
print("class counts in training:", torch.bincount(y_train).tolist())

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

model = nn.Sequential(
    nn.Linear(20, 64), nn.ReLU(),
    nn.Linear(64, 32), nn.ReLU(),
    nn.Linear(32, 2),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(7):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)

    model.eval()
    with torch.no_grad():
        pred = model(X_test).argmax(1)
    acc = (pred == y_test).float().mean().item()
    recall = (pred[y_test == 1] == 1).float().mean().item()
    print(f"epoch {epoch + 1}  loss {total / len(X_train):.4f}  "
          f"test acc {acc:.3f}  fraud recall {recall:.3f}")

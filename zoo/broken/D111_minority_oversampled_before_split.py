"""Class balancing done before the split: the malignant tumours of sklearn's breast
cancer data are oversampled (duplicated at random) until both classes are equal,
and only then is the data split into training and validation. The copies of one
sample land on both sides, so about a third of the validation samples are exact
copies of training samples and the validation accuracy is inflated.
"""
# expect: D111
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

X, y = load_breast_cancer(return_X_y=True)
minority = np.flatnonzero(y == 0)
extra = rng.choice(minority, size=(y == 1).sum() - len(minority), replace=True)
X, y = np.concatenate([X, X[extra]]), np.concatenate([y, y[extra]])   # balanced: 357 + 357

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=1)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(15):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}  val acc {val_acc:.3f}")

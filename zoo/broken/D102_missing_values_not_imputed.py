"""Tabular data read from a CSV with a few empty cells: the NaN "imputation"
compares with `X == np.nan`, which is never true, so the missing values stay
NaN (StandardScaler passes them through) and the loss turns NaN.
"""
# expect: D102
import io

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

# --- build the CSV the way it arrives from the lab: a few cells left empty ---
wine = load_wine()
rows = []
for i, (features, label) in enumerate(zip(wine.data, wine.target)):
    cells = [f"{v:g}" for v in features]
    if rng.random() < 0.05:               # sensor dropout: ~5% of rows miss one value
        cells[rng.integers(len(cells))] = ""
    rows.append(",".join(cells + [str(label)]))
csv_text = "\n".join([",".join(wine.feature_names + ["class"])] + rows)

# --- load it ---
table = np.genfromtxt(io.StringIO(csv_text), delimiter=",", skip_header=1)
X, y = table[:, :-1], table[:, -1].astype(np.int64)

# impute missing values with the column mean
col_mean = np.nanmean(X, axis=0)
missing = X == np.nan
X[missing] = np.take(col_mean, np.nonzero(missing)[1])
print(f"imputed {missing.sum()} missing cells")

X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

X_train = torch.tensor(X_train, dtype=torch.float32)
X_val = torch.tensor(X_val, dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)

model = nn.Sequential(
    nn.Linear(13, 32), nn.ReLU(),
    nn.Linear(32, 32), nn.ReLU(),
    nn.Linear(32, 3),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(25):
    model.train()
    losses = []
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}  loss {np.mean(losses):.4f}  val acc {val_acc:.3f}")

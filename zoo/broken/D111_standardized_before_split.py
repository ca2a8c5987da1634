"""The features of sklearn's wine data are standardized with the mean and std of
the whole data set, and the data is split into training and validation afterwards.
The validation samples took part in the statistics, so the preprocessing has seen
the validation data (pooled, the two splits have mean 0 and std 1 exactly; the
training split alone does not). Fit the scaler on the training split only.
"""
# expect: D111
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_wine(return_X_y=True)
X = (X - X.mean(axis=0)) / X.std(axis=0)          # statistics of ALL the data
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(20):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_loss = F.cross_entropy(model(X_val), y_val).item()
    print(f"epoch {epoch + 1:2d}  train loss {loss.item():.4f}  val loss {val_loss:.4f}")

"""House-price regression: the features are standardized but the targets are
raw prices (~1e5 to 6e5 dollars) fed to MSELoss, so the loss starts around
1e11 and the network's outputs, starting near 0, crawl towards the right scale
with the usual learning rate.
"""
# expect: D113
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
rng = np.random.default_rng(0)

# a synthetic housing table: living area, lot size, bedrooms, age, distance to centre, quality
n = 2000
area = rng.normal(150, 45, n).clip(40, 400)             # m^2
lot = rng.lognormal(6.0, 0.5, n)                        # m^2
bedrooms = np.clip(np.round(area / 40 + rng.normal(0, 0.7, n)), 1, 7)
age = rng.uniform(0, 80, n)
distance = rng.gamma(2.0, 5.0, n)                        # km
quality = rng.integers(1, 11, n)
price = (1800 * area + 12 * lot + 8000 * bedrooms - 900 * age
         - 4000 * distance + 15000 * quality + rng.normal(0, 25000, n))
X = np.column_stack([area, lot, bedrooms, age, distance, quality])
y = price

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
y_test = torch.tensor(y_test, dtype=torch.float32).unsqueeze(1)
print(f"price range {y_train.min():.0f} .. {y_train.max():.0f}")

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Linear(6, 64), nn.ReLU(),
    nn.Linear(64, 32), nn.ReLU(),
    nn.Linear(32, 1),
)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(6):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)

    model.eval()
    with torch.no_grad():
        pred = model(X_test)
        rmse = torch.sqrt(criterion(pred, y_test)).item()
        r2 = 1 - ((pred - y_test) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
    print(f"epoch {epoch + 1}  train mse {total / len(X_train):.3e}  test rmse {rmse:.0f}  R^2 {r2:.3f}")

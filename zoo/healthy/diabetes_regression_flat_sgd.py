"""Regression on sklearn's diabetes data, written as a flat script.

Features and targets are both standardized with the training split's
statistics. Manual shuffled mini-batches, plain SGD, nn.MSELoss with the target
shaped (N, 1) like the prediction. Reports validation R^2.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes

torch.manual_seed(0)
rng = np.random.default_rng(0)

X, y = load_diabetes(return_X_y=True, scaled=False)
order = rng.permutation(len(X))
n_train = int(0.8 * len(X))
tr, va = order[:n_train], order[n_train:]

x_mean, x_std = X[tr].mean(0), X[tr].std(0)
y_mean, y_std = y[tr].mean(), y[tr].std()

X_train = torch.tensor((X[tr] - x_mean) / x_std, dtype=torch.float32)
X_val = torch.tensor((X[va] - x_mean) / x_std, dtype=torch.float32)
Y_train = torch.tensor((y[tr] - y_mean) / y_std, dtype=torch.float32).reshape(-1, 1)
Y_val = torch.tensor((y[va] - y_mean) / y_std, dtype=torch.float32).reshape(-1, 1)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.02)

batch_size = 24  # 353 training rows -> 15 batches, the last one of 17
for epoch in range(40):
    model.train()
    perm = torch.randperm(n_train)
    epoch_loss = 0.0
    for i in range(0, n_train, batch_size):
        idx = perm[i:i + batch_size]
        pred = model(X_train[idx])
        loss = loss_fn(pred, Y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(idx)
    epoch_loss /= n_train

    model.eval()
    with torch.no_grad():
        val_mse = loss_fn(model(X_val), Y_val).item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:3d}  train mse {epoch_loss:.4f}  val mse {val_mse:.4f}")

# R^2 on the validation split, in the original units
with torch.no_grad():
    pred_val = model(X_val).numpy().ravel() * y_std + y_mean
truth = y[va]
r2 = 1 - ((truth - pred_val) ** 2).sum() / ((truth - truth.mean()) ** 2).sum()
print(f"final train mse {epoch_loss:.4f} (standardized units)  val R^2 {r2:.3f}")

"""House-price regression (synthetic, prices in k$) with standardized inputs AND a standardized
target for training (y_scaler fit on the training targets). The validation targets were
never passed through y_scaler: they stay in raw units (~60..600). The validation MSE is therefore ~7.7e4
whatever the model does and never improves, so ReduceLROnPlateau (mode="min" on the val
loss) halves the learning rate every `patience` epochs and the early-stopping callback,
watching the same number, stops the run early: training ends under-fit, with a raw-unit
val RMSE of 22.8 k$ against 15.7 k$ when the val targets are scaled too (noise floor 10).

Resembles: PyTorch-forums "Validation loss much higher than training loss from the first
epoch, does not change" threads where the answer is "you normalized the training targets
but not the validation ones", and StackOverflow "Keras regression: val_loss huge and
constant, forgot to scale y_test".
"""
# expect: D116
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(2)
np.random.seed(2)
torch.set_num_threads(1)


class EarlyStopping:
    def __init__(self, patience):
        self.patience, self.best, self.wait = patience, float("inf"), 0

    def __call__(self, metric):
        if metric < self.best - 1e-4:
            self.best, self.wait = metric, 0
            return False
        self.wait += 1
        return self.wait >= self.patience


rng = np.random.default_rng(2)
X = rng.normal(size=(3000, 12))
y = 260 + 45 * np.tanh(X[:, 0] + 0.5 * X[:, 1]) + 30 * X[:, 2] * X[:, 3] + 25 * np.sin(2 * X[:, 4]) \
    + 20 * np.abs(X[:, 5]) + 10 * rng.normal(size=3000)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=2)
x_scaler = StandardScaler().fit(X_tr)
y_scaler = StandardScaler().fit(y_tr.reshape(-1, 1))
X_tr, X_va = x_scaler.transform(X_tr), x_scaler.transform(X_va)
y_tr = y_scaler.transform(y_tr.reshape(-1, 1))
y_va = y_va.reshape(-1, 1)

Xt, yt = torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr, dtype=torch.float32)
Xv, yv = torch.tensor(X_va, dtype=torch.float32), torch.tensor(y_va, dtype=torch.float32)

model = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
stopper = EarlyStopping(patience=10)
mse = nn.MSELoss()
y_sd = float(y_scaler.scale_[0])
y_mu = float(y_scaler.mean_[0])

for epoch in range(120):
    model.train()
    perm = torch.randperm(len(Xt))
    tl = []
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        loss = mse(model(Xt[idx]), yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tl.append(loss.item())
    model.eval()
    with torch.no_grad():
        pv = model(Xv)
        val_loss = mse(pv, yv).item()
        raw_rmse = ((pv * y_sd + y_mu - yv) ** 2).mean().sqrt().item()
    sched.step(val_loss)
    print(f"epoch {epoch + 1:3d} train_mse {np.mean(tl):.4f} val_mse {val_loss:.1f} "
          f"lr {opt.param_groups[0]['lr']:.2e} val_rmse_units {raw_rmse:.1f}")
    if stopper(val_loss):
        print(f"early stop at epoch {epoch + 1}")
        break

"""Fault: a regression head ends with nn.Sigmoid because the first version of
the pipeline min-max scaled the target into [0, 1]; the target scaler was later
switched to StandardScaler (values ~N(0,1), about half negative) and the
sigmoid stayed. The model can never predict a negative value, so the loss
plateaus well above what the features allow.
Source pattern: PyTorch forums "regression output stuck, sigmoid on last
layer", StackOverflow 49008074 "Output layer activation for regression".
Style: config dict, nn.Module built from config, diabetes, full-batch validation.
"""
# expect: L209
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

CFG = {"hidden": [32], "lr": 1e-3, "epochs": 40, "weight_decay": 1e-2, "batch_size": 32, "seed": 0,
       "out_act": "sigmoid"}  # targets used to be min-max scaled

ACTS = {"sigmoid": nn.Sigmoid, "identity": nn.Identity}


class Regressor(nn.Module):
    def __init__(self, d_in, cfg):
        super().__init__()
        layers, d = [], d_in
        for h in cfg["hidden"]:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        layers += [nn.Linear(d, 1), ACTS[cfg["out_act"]]()]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


torch.manual_seed(CFG["seed"])
X, y = load_diabetes(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=CFG["seed"])
xs, ys = StandardScaler().fit(Xtr), StandardScaler().fit(ytr.reshape(-1, 1))
T = lambda a: torch.tensor(a, dtype=torch.float32)
Xtr, Xte = T(xs.transform(Xtr)), T(xs.transform(Xte))
ytr, yte = T(ys.transform(ytr.reshape(-1, 1)).ravel()), T(ys.transform(yte.reshape(-1, 1)).ravel())

model = Regressor(10, CFG)
opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"], weight_decay=CFG["weight_decay"])
mse = nn.MSELoss()
dl = DataLoader(TensorDataset(Xtr, ytr), batch_size=CFG["batch_size"], shuffle=True)
for epoch in range(CFG["epochs"]):
    model.train()
    for xb, yb in dl:
        opt.zero_grad()
        loss = mse(model(xb), yb)
        loss.backward()
        opt.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            te = mse(model(Xte), yte).item()
        print(f"epoch {epoch+1}: train mse {loss.item():.3f}  test mse {te:.3f}  test R2 {1 - te / yte.var().item():.3f}")

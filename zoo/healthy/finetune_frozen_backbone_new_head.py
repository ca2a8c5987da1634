"""Transfer learning: pre-train a backbone, freeze it on purpose, train a new head.

Stage 1 trains backbone + a 10-way head on digit identity (sklearn digits).
Stage 2 freezes the backbone (requires_grad=False, and only the new head's
parameters go to the optimizer) and trains a fresh head on a new task: is the
digit even or odd. The frozen parameters are meant to stay fixed.
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
mean = X_tr.mean(0)
std = X_tr.std(0).clip(min=0.1)   # floor for the nearly-constant border pixels
X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


def fit(model, params, x, yy, xv, yv, epochs, lr, tag):
    loader = DataLoader(TensorDataset(x, yy), batch_size=32, shuffle=True)
    optimizer = torch.optim.Adam(params, lr=lr)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
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
            acc = (model(xv).argmax(1) == yv).float().mean().item()
        print(f"[{tag}] epoch {epoch + 1:2d}  train loss {total / len(x):.4f}  val acc {acc:.4f}")
    return total / len(x), acc


backbone = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
)

# ---- stage 1: pre-training on digit identity ------------------------------
digit_head = nn.Linear(64, 10)
pretrain_model = nn.Sequential(backbone, digit_head)
fit(pretrain_model, pretrain_model.parameters(), X_tr, y_tr, X_va, y_va,
    epochs=8, lr=1e-3, tag="pretrain digits")

# ---- stage 2: frozen backbone, new head for parity -------------------------
for p in backbone.parameters():
    p.requires_grad = False
parity_head = nn.Linear(64, 2)
model_b = nn.Sequential(backbone, parity_head)
before = [p.clone() for p in backbone.parameters()]
loss_b, acc_b = fit(model_b, parity_head.parameters(), X_tr, y_tr % 2, X_va, y_va % 2,
                    epochs=8, lr=3e-3, tag="parity head")

unchanged = all(torch.equal(a, b) for a, b in zip(before, backbone.parameters()))
trainable = sum(p.numel() for p in model_b.parameters() if p.requires_grad)
print(f"backbone unchanged: {unchanged}, trainable parameters in stage 2: {trainable}")
print(f"final train loss {loss_b:.4f}  val accuracy (parity, frozen backbone) {acc_b:.4f}")

"""Class-weighted, label-smoothed cross entropy with OneCycleLR on breast cancer.

TensorDataset + random_split for the train/validation split (the normalization
statistics come from the training subset only). Two-logit output with
nn.CrossEntropyLoss(weight=..., label_smoothing=0.05); the class weights are the
inverse class frequencies of the training subset. OneCycleLR is stepped once per
batch, after optimizer.step().
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)

X, y = load_breast_cancer(return_X_y=True)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.long)

n_val = int(0.2 * len(X))
train_idx, val_idx = random_split(range(len(X)), [len(X) - n_val, n_val],
                                  generator=torch.Generator().manual_seed(0))
train_idx, val_idx = list(train_idx), list(val_idx)

mean = X[train_idx].mean(0)
std = X[train_idx].std(0)
train_ds = TensorDataset((X[train_idx] - mean) / std, y[train_idx])
val_x, val_y = (X[val_idx] - mean) / std, y[val_idx]

counts = torch.bincount(y[train_idx], minlength=2).float()
class_weights = counts.sum() / (2 * counts)
print(f"train class counts {counts.tolist()}  weights {[round(w, 3) for w in class_weights.tolist()]}")

loader = DataLoader(train_ds, batch_size=32, shuffle=True)
model = nn.Sequential(
    nn.Linear(30, 32), nn.GELU(),
    nn.Linear(32, 16), nn.GELU(),
    nn.Linear(16, 2),
)
criterion = nn.CrossEntropyLoss(weight=class_weights, label_smoothing=0.05)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-3)

EPOCHS = 25
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=5e-3, epochs=EPOCHS, steps_per_epoch=len(loader))

for epoch in range(EPOCHS):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(xb)
    train_loss = total / len(train_ds)

    model.eval()
    with torch.no_grad():
        pred = model(val_x).argmax(1)
    val_acc = (pred == val_y).float().mean().item()
    # balanced accuracy: mean of the per-class recalls
    recalls = [(pred[val_y == c] == c).float().mean().item() for c in (0, 1)]
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  lr {scheduler.get_last_lr()[0]:.5f}  train loss {train_loss:.4f}  "
              f"val acc {val_acc:.4f}  balanced acc {sum(recalls) / 2:.4f}")

print(f"final train loss {train_loss:.4f}  val accuracy {val_acc:.4f}  balanced {sum(recalls) / 2:.4f}")

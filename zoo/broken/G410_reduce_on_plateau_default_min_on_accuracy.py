"""A Keras-style loop monitors validation accuracy and hands it to ReduceLROnPlateau, whose
default mode is "min": every rise of the accuracy counts as "no improvement", so the
learning rate is halved after each patience window while the model is still improving.
"""
# expect: G410
import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
mean, std = X_tr.mean(0), X_tr.std(0)
X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
to_t = lambda a, dt: torch.tensor(a, dtype=dt)  # noqa: E731
train = DataLoader(TensorDataset(to_t(X_tr, torch.float32), to_t(y_tr, torch.long)), batch_size=16, shuffle=True)
val = DataLoader(TensorDataset(to_t(X_va, torch.float32), to_t(y_va, torch.long)), batch_size=64)

model = nn.Sequential(nn.Linear(13, 32), nn.Tanh(), nn.Linear(32, 3))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)

for epoch in range(15):
    model.train()
    for xb, yb in train:
        optimizer.zero_grad()
        criterion(model(xb), yb).backward()
        optimizer.step()
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in val:
            logits = model(xb)
            val_loss = criterion(logits, yb)
            correct += (logits.argmax(1) == yb).sum().item()
            total += len(yb)
    val_acc = correct / total
    plateau.step(val_acc)
    print(f"epoch {epoch} lr {optimizer.param_groups[0]['lr']:.1e} val_loss {val_loss.item():.3f} val_acc {val_acc:.3f}")

"""GRU classifier that reads each 8x8 digit as a sequence of 8 rows of 8 pixels.

AdamW, gradient-norm clipping at 1.0, nn.CrossEntropyLoss, shuffled DataLoader.
Each of the 8 row features is standardized with the training split statistics.
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

digits = load_digits()
X = digits.images / 16.0                    # (N, 8 rows, 8 columns)
y = digits.target
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=1, stratify=y)

# per-column statistics over all training images and rows
mean = X_tr.mean(axis=(0, 1), keepdims=True)
std = X_tr.std(axis=(0, 1), keepdims=True)
X_tr = (X_tr - mean) / std
X_va = (X_va - mean) / std

train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32), torch.tensor(y_tr))
val_x = torch.tensor(X_va, dtype=torch.float32)
val_y = torch.tensor(y_va)
loader = DataLoader(train_ds, batch_size=64, shuffle=True)


class RowGRU(nn.Module):
    def __init__(self, n_features=8, hidden=32, n_classes=10):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)          # h_n: (1, batch, hidden)
        return self.head(h_n[-1])


model = RowGRU()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-2)

EPOCHS = 14
for epoch in range(EPOCHS):
    model.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    epoch_loss /= len(train_ds)

    model.eval()
    with torch.no_grad():
        val_logits = model(val_x)
        val_loss = criterion(val_logits, val_y).item()
        val_acc = (val_logits.argmax(1) == val_y).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {epoch_loss:.4f}  val loss {val_loss:.4f}  val acc {val_acc:.4f}")

print(f"final train loss {epoch_loss:.4f}  val accuracy {val_acc:.4f}")

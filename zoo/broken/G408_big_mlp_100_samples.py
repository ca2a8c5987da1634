"""A wide two-hidden-layer MLP (~0.6M parameters) trained for many epochs on only 100
labelled digits with no regularisation and no early stopping: the training loss goes
to ~0 while the validation loss, computed every epoch, bottoms out early and then
climbs steadily (classic overfitting).
"""
# expect: G408
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
# only 100 labelled examples for training, the rest is held out
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=100, random_state=0, stratify=y)
X_val, y_val = X_val[:500], y_val[:500]
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=20, shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=250)

model = nn.Sequential(
    nn.Linear(X_train.shape[1], 512),
    nn.ReLU(),
    nn.Linear(512, 1024),
    nn.ReLU(),
    nn.Linear(1024, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(60):
    model.train()
    train_loss = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * len(xb)
    train_loss /= len(X_train)

    model.eval()
    val_loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = model(xb)
            val_loss += criterion(logits, yb).item() * len(xb)
            correct += (logits.argmax(1) == yb).sum().item()
    val_loss /= len(X_val)
    if epoch % 5 == 4 or epoch < 5:
        print(f"epoch {epoch + 1:3d}  train loss {train_loss:.4f}  val loss {val_loss:.4f}  "
              f"val acc {correct / len(X_val):.3f}")

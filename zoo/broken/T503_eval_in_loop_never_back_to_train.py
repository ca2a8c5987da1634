"""model.train() is called once before the epoch loop, while the validation at the end
of every epoch switches the model to eval mode and nothing switches it back: from the
second epoch on, the network trains in eval mode, with Dropout off and BatchNorm
using (and never updating) its running statistics.
"""
# expect: T503
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, in_features, num_classes=10):
        super().__init__()
        self.block1 = nn.Sequential(nn.Linear(in_features, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.5))
        self.block2 = nn.Sequential(nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5))
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        return self.fc(self.block2(self.block1(x)))


X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True, drop_last=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=128)

model = Net(X_train.shape[1])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)


def validate():
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            out = model(xb)
            loss += criterion(out, yb).item() * len(xb)
            correct += (out.argmax(1) == yb).sum().item()
    return loss / len(X_val), correct / len(X_val)


model.train()  # BUG: only once; validate() leaves the model in eval mode after epoch 0
for epoch in range(12):
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    val_loss, val_acc = validate()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):.4f}  val loss {val_loss:.4f}  val acc {val_acc:.3f}")

"""Parameter groups for Adam copied from a model whose layers were named
`fc1`, `fc2`, ...: on this nn.Sequential the parameters are named `0.weight`,
`2.weight`, ..., so the group with weight_decay=1e-2 is empty, every parameter
lands in the no-decay group and the intended regularization is never applied.
"""
# expect: L207
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
# only a few labelled images per class are available for training
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=150, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)

model = nn.Sequential(
    nn.Linear(64, 512), nn.ReLU(),
    nn.Linear(512, 512), nn.ReLU(),
    nn.Linear(512, 10),
)

decay, no_decay = [], []
for name, param in model.named_parameters():
    if name.startswith("fc") and name.endswith("weight"):
        decay.append(param)
    else:
        no_decay.append(param)
optimizer = torch.optim.Adam([
    {"params": decay, "weight_decay": 1e-2},
    {"params": no_decay, "weight_decay": 0.0},
], lr=1e-3)
criterion = nn.CrossEntropyLoss()

for epoch in range(30):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    if (epoch + 1) % 6 == 0:
        model.eval()
        with torch.no_grad():
            logits = model(X_test)
            test_loss = criterion(logits, y_test).item()
            test_acc = (logits.argmax(1) == y_test).float().mean().item()
        weight_norm = sum(p.norm() ** 2 for p in model.parameters()) ** 0.5
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  test loss {test_loss:.4f}  "
              f"test acc {test_acc:.3f}  weight norm {weight_norm:.1f}")

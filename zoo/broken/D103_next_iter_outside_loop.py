"""A batch is pulled with `next(iter(train_loader))` to check the shapes before
training, and the step-based training loop then keeps reusing that one batch:
the model sees the same 64 samples at every step.
"""
# expect: D103
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

# sanity check of the data pipeline
xb, yb = next(iter(train_loader))
print("batch:", tuple(xb.shape), tuple(yb.shape), "labels:", yb[:10].tolist())

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

num_steps = 300
for step in range(1, num_steps + 1):
    model.train()
    optimizer.zero_grad()
    loss = criterion(model(xb), yb)
    loss.backward()
    optimizer.step()

    if step % 50 == 0:
        model.eval()
        with torch.no_grad():
            val_logits = model(X_val)
            val_loss = criterion(val_logits, y_val).item()
            val_acc = (val_logits.argmax(1) == y_val).float().mean().item()
        print(f"step {step}  train loss {loss.item():.4f}  "
              f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")

"""Full-batch training on sklearn's wine data: the whole standardized training
set is used at every step, on purpose (178 samples, so there is no reason to
mini-batch). Adam, a few hundred steps, validation every 50 steps.
"""
# expect: none
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(0)

data = load_wine()
X_train, X_val, y_train, y_val = train_test_split(
    data.data, data.target, test_size=0.3, random_state=0, stratify=data.target)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_val = torch.tensor(y_val, dtype=torch.long)

model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

STEPS = 300
for step in range(1, STEPS + 1):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X_train), y_train)
    loss.backward()
    optimizer.step()

    if step % 50 == 0:
        model.eval()
        with torch.no_grad():
            val_logits = model(X_val)
            val_loss = F.cross_entropy(val_logits, y_val).item()
            val_acc = (val_logits.argmax(1) == y_val).float().mean().item()
        print(f"step {step:3d}  train loss {loss.item():.4f}  val loss {val_loss:.4f}  val acc {val_acc:.4f}")

print(f"final train loss {loss.item():.4f}  val accuracy {val_acc:.4f}")

"""Wine classifier (13 standardized features, 3 classes), MLP trained with AdamW(lr=1e-3,
weight_decay=1e-5) and a cosine schedule. The decay is applied, but it shrinks each weight by
lr * weight_decay = 1e-8 per step, below float32 resolution (~6e-8): the factor 1 - 1e-8 rounds to
exactly 1, so copies trained with and without it end bit-identical. A tiny decay, not a missing one.
"""
# expect: none
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X, y = load_wine(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_te = torch.tensor(sc.transform(X_te), dtype=torch.float32)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)
loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=16, shuffle=True)

model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 3))
EPOCHS = 20
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS * len(loader))

for epoch in range(EPOCHS):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            logits = model(X_te)
        print(f"epoch {epoch + 1}: test loss {F.cross_entropy(logits, y_te).item():.4f} "
              f"acc {(logits.argmax(1) == y_te).float().mean().item():.3f}")

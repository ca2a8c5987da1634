"""ReduceLROnPlateau was configured with mode="max" (copied from a run that monitored
validation accuracy), but the loop steps it with the validation *loss*. Every fall of the
loss counts as "no improvement", so the scheduler cuts the learning rate tenfold every
other epoch, and by the end the model no longer learns.
"""
# expect: G410
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = (torch.tensor(scaler.transform(a), dtype=torch.float32) for a in (X_tr, X_va))
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", factor=0.1, patience=1)

for epoch in range(12):
    model.train()
    for i in torch.randperm(len(X_tr)).split(64):
        loss = F.cross_entropy(model(X_tr[i]), y_tr[i])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        out = model(X_va)
        val_loss = F.cross_entropy(out, y_va).item()
        acc = (out.argmax(1) == y_va).float().mean().item()
    scheduler.step(val_loss)
    print(f"epoch {epoch} lr {optimizer.param_groups[0]['lr']:.0e} val loss {val_loss:.3f} acc {acc:.3f}")

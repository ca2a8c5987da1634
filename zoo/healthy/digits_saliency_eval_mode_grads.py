"""Train an MLP (with Dropout) on digits, and compute input-gradient saliency maps.

Training runs in train mode. Every few epochs, and at the end, the model is put
in eval mode and called WITH gradients enabled on a few validation images to get
d(class score)/d(input) for a saliency "plot" (printed as ASCII). That backward
also fills the parameters' .grad, so the script clears them with
model.zero_grad() and switches back to model.train() before training resumes.
No optimizer step ever follows an eval-mode forward.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X / 16.0, y, test_size=0.2, random_state=3, stratify=y)
mean = X_tr.mean(0)
std = X_tr.std(0) + 0.05   # keep nearly-constant border pixels from blowing up
X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(128, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)


def saliency(images, labels):
    """|d score_true_class / d input| for each image, computed in eval mode."""
    model.eval()
    images = images.clone().requires_grad_(True)
    scores = model(images).gather(1, labels[:, None]).sum()
    scores.backward()
    sal = images.grad.abs()
    model.zero_grad(set_to_none=True)   # the backward above also filled the parameter grads
    return sal


def ascii_map(sal):
    chars = " .:-=+*#%@"
    sal = sal.reshape(8, 8)
    sal = (sal / sal.max() * (len(chars) - 1)).round().long()
    return "\n".join("".join(chars[v] * 2 for v in row) for row in sal.tolist())


for epoch in range(20):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)

    model.eval()
    with torch.no_grad():
        val_acc = (model(X_va).argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train loss {total / len(X_tr):.4f}  val acc {val_acc:.4f}")

    if (epoch + 1) % 5 == 0:
        sal = saliency(X_va[:8], y_va[:8])
        print(f"  mean saliency of 8 validation images: {sal.mean().item():.4f}")

sal = saliency(X_va[:1], y_va[:1])
print(f"saliency map of a validation '{y_va[0].item()}':")
print(ascii_map(sal[0]))
print(f"final train loss {total / len(X_tr):.4f}  val accuracy {val_acc:.4f}")

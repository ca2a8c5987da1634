"""Outside script (ninth session). Validation calls a per-image predict() helper without model.eval(),
so every BatchNorm layer normalises a batch of ONE image with its own statistics (and overwrites the
running stats) at test time.

Multi-task CNN on 8x8 digits: classify the digit and regress its 'ink' (mean pixel
intensity, standardized) from a shared BatchNorm trunk. Validation mimics deployment:
one image at a time through a predict() helper."""
# expect: T504
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
rng = np.random.default_rng(0)


class Trunk(nn.Module):
    def __init__(self, c=24):
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(1, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(c, 2 * c, 3, padding=1, bias=False), nn.BatchNorm2d(2 * c), nn.ReLU(),
                                    nn.MaxPool2d(2))
        self.block3 = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 3, padding=1, bias=False), nn.BatchNorm2d(2 * c), nn.ReLU(),
                                    nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        return self.block3(self.block2(self.block1(x)))


class MultiTaskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = Trunk()
        self.cls_head = nn.Linear(48, 10)
        self.reg_head = nn.Sequential(nn.Linear(48, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        h = self.trunk(x)
        return self.cls_head(h), self.reg_head(h).squeeze(1)


def predict(model, img):
    """Deployment-style single-image prediction."""
    with torch.no_grad():
        logits, ink = model(img.unsqueeze(0))
    return logits.argmax(1).item(), ink.item()


d = load_digits()
X = (d.images / 16.0).astype("float32")
ink = X.mean(axis=(1, 2))
ink = ((ink - ink.mean()) / ink.std()).astype("float32")
X_tr, X_va, y_tr, y_va, r_tr, r_va = train_test_split(X, d.target, ink, test_size=0.2, random_state=0)
X_tr, X_va = torch.tensor(X_tr).unsqueeze(1), torch.tensor(X_va).unsqueeze(1)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)
r_tr, r_va = torch.tensor(r_tr), torch.tensor(r_va)

model = MultiTaskNet()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
BS = 64
for epoch in range(12):
    model.train()
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(perm) - BS + 1, BS):
        idx = perm[i:i + BS]
        logits, ink_pred = model(X_tr[idx])
        loss = F.cross_entropy(logits, y_tr[idx]) + 0.5 * F.mse_loss(ink_pred, r_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    # validation, one image at a time
    correct, sq = 0, 0.0
    for j in range(len(X_va)):
        c, r = predict(model, X_va[j])
        correct += int(c == y_va[j].item())
        sq += (r - r_va[j].item()) ** 2
    print(f"epoch {epoch} train loss {loss.item():.4f} val acc {correct / len(X_va):.3f} val ink MSE {sq / len(X_va):.4f}")
print(f"final: val acc {correct / len(X_va):.3f} val ink MSE {sq / len(X_va):.4f}")

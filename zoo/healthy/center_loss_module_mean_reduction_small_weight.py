"""Digits classifier with a center loss (Wen et al. 2016) added to the cross-entropy to make
the 64-d embeddings compact, done as in the reference implementation's training script.

The CenterLoss nn.Module holds the learnable class centers as a Parameter and returns the
squared distance to the class center summed over the feature dims and averaged over the batch;
it is added with weight 0.01 and the centers have their own SGD optimizer (their gradient is
rescaled by 1/alpha so the weight does not slow the centers down). The cross-entropy drives
the encoder, the center term stays a small regulariser, and test accuracy reaches 0.93-0.97
within 8 epochs.
Public pattern: KaiyangZhou/pytorch-center-loss (main.py: weight_cent 0.01, optimizer_centloss,
`param.grad.data *= (1. / args.weight_cent)`).
Style: flat script, small conv encoder returning (features, logits), manual index-permutation
batches, two SGD optimizers (model and centers).
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)


class CenterLoss(nn.Module):
    def __init__(self, num_classes, feat_dim):
        super().__init__()
        self.centers = nn.Parameter(torch.randn(num_classes, feat_dim))

    def forward(self, feats, labels):
        return ((feats - self.centers[labels]) ** 2).sum(dim=1).mean()


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 2 * 2, 64)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        feats = F.relu(self.fc(x.flatten(1)))
        return feats, self.head(feats)


d = load_digits()
X = (d.images / 16.0).astype(np.float32)[:, None]
X_tr, X_te, y_tr, y_te = train_test_split(X, d.target, test_size=0.25, random_state=5, stratify=d.target)
X_tr, X_te = torch.tensor(X_tr), torch.tensor(X_te)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

model = Encoder()
center_loss = CenterLoss(10, 64)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
opt_center = torch.optim.SGD(center_loss.parameters(), lr=0.05)
alpha = 0.01
bs = 64

for epoch in range(1, 9):
    model.train()
    perm = torch.randperm(len(y_tr))
    sums = np.zeros(3)
    nb = 0
    for i in range(0, len(perm), bs):
        idx = perm[i:i + bs]
        feats, logits = model(X_tr[idx])
        ce = F.cross_entropy(logits, y_tr[idx])
        cl = center_loss(feats, y_tr[idx])
        loss = ce + alpha * cl
        opt.zero_grad()
        opt_center.zero_grad()
        loss.backward()
        for p in center_loss.parameters():
            p.grad.data *= 1.0 / alpha
        opt.step()
        opt_center.step()
        sums += [loss.item(), ce.item(), cl.item()]
        nb += 1
    model.eval()
    with torch.no_grad():
        _, out = model(X_te)
        acc = (out.argmax(1) == y_te).float().mean().item()
    s = sums / nb
    print(f"epoch {epoch:2d} loss {s[0]:7.3f} ce {s[1]:.3f} center {s[2]:8.3f} test_acc {acc:.3f}")

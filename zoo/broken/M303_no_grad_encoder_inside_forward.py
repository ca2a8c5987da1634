"""Fault: the forward wraps the encoder in `with torch.no_grad():` (copied
from a "feature extraction" snippet to save memory) although the encoder is
meant to be trained; only the classifier head receives gradients, the
encoder's parameters are in the optimizer but never change.
Source: PyTorch forums "Weights not updating, grad is None" (no_grad inside
forward) and StackOverflow 63582590 ("Why are my model's gradients None?").
Style: encoder/classifier submodules, digits, Adam, explicit accuracy, a
bottleneck encoder (64 -> 6) so the random features lose information.
"""
# expect: M303
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 6))

    def forward(self, x):
        return self.net(x)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(6, 10))

    def forward(self, x):
        with torch.no_grad():
            z = self.encoder(x)
        return self.head(z)


torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
X_tr, X_te = (torch.tensor(a, dtype=torch.float32) for a in (X_tr, X_te))
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

model = Classifier()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
BS = 64
for epoch in range(20):
    model.train()
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(X_tr), BS):
        idx = perm[i:i + BS]
        loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(X_te).argmax(1) == y_te).float().mean()
    if epoch % 4 == 0 or epoch == 19:
        print(f"epoch {epoch} loss {loss.item():.4f} test acc {acc:.3f}")

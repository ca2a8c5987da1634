"""SimCLR-style contrastive pre-training of a small CNN encoder on 8x8 digits (random shift, noise and
pixel-dropout views; NT-Xent with temperature 0.2 over 2B-1 candidates), then a linear probe on
its frozen features.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)


def augment(x):
    """x: (B, 1, 8, 8) in [0, 1]. Random 1-pixel shift, gaussian noise, random pixel dropout."""
    B = x.size(0)
    padded = F.pad(x, (1, 1, 1, 1))
    dx, dy = torch.randint(0, 3, (2, B))
    out = torch.stack([padded[i, :, dy[i]:dy[i] + 8, dx[i]:dx[i] + 8] for i in range(B)])
    out = out + 0.1 * torch.randn_like(out)
    keep = (torch.rand_like(out) > 0.1).float()
    return out * keep


class Encoder(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, padding=1, stride=2), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.proj = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, dim))

    def features(self, x):
        return self.conv(x)

    def forward(self, x):
        return self.proj(self.features(x))


def nt_xent(z1, z2, tau=0.2):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / tau
    n = z1.size(0)
    sim.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def main():
    digits = load_digits()
    X = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    y = torch.tensor(digits.target)
    idx_tr, idx_te = train_test_split(np.arange(len(y)), test_size=0.3, random_state=0, stratify=y)
    X_tr, X_te, y_tr, y_te = X[idx_tr], X[idx_te], y[idx_tr], y[idx_te]

    enc = Encoder()
    opt = torch.optim.Adam(enc.parameters(), lr=2e-3, weight_decay=1e-5)
    B = 128
    for epoch in range(8):
        enc.train()
        perm = torch.randperm(len(X_tr))
        losses = []
        for s in range(0, len(perm) - B + 1, B):
            xb = X_tr[perm[s:s + B]]
            loss = nt_xent(enc(augment(xb)), enc(augment(xb)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"pretrain epoch {epoch+1} nt-xent {np.mean(losses):.4f}")

    # linear probe on frozen features
    enc.eval()
    with torch.no_grad():
        f_tr, f_te = enc.features(X_tr), enc.features(X_te)
    mu, sd = f_tr.mean(0), f_tr.std(0) + 1e-6
    f_tr, f_te = (f_tr - mu) / sd, (f_te - mu) / sd
    probe = nn.Linear(f_tr.size(1), 10)
    popt = torch.optim.Adam(probe.parameters(), lr=1e-2)
    for step in range(300):
        loss = F.cross_entropy(probe(f_tr), y_tr)
        popt.zero_grad()
        loss.backward()
        popt.step()
    with torch.no_grad():
        acc = (probe(f_te).argmax(1) == y_te).float().mean().item()
    print(f"linear probe: train loss {loss.item():.4f} test acc {acc:.3f}")


if __name__ == "__main__":
    main()

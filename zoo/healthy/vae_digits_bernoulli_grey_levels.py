"""Variational autoencoder on the 8x8 digits, pixels scaled to grey levels in [0, 1].

The loss is a Bernoulli reconstruction term (binary_cross_entropy_with_logits summed over pixels,
on soft targets: its minimum is the targets' entropy, not 0) plus the KL divergence to N(0, I),
with a short KL warm-up. The model samples its latent code (z = mu + eps * sigma) in every forward,
in eval mode too, so two forwards of the same input differ by the noise drawn.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(77)
np.random.seed(77)

X = torch.tensor(load_digits().data / 16.0, dtype=torch.float32)
perm = torch.randperm(len(X))
Xtr, Xte = X[perm[:1500]], X[perm[1500:]]


class VAE(nn.Module):
    def __init__(self, z=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 128), nn.ReLU())
        self.mu = nn.Linear(128, z)
        self.logvar = nn.Linear(128, z)
        self.dec = nn.Sequential(nn.Linear(z, 128), nn.ReLU(), nn.Linear(128, 64))

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec(z), mu, logvar


def elbo_terms(x, logits, mu, logvar):
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / x.shape[0]
    return rec, kl


vae = VAE()
opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
step = 0
for epoch in range(8):
    vae.train()
    order = torch.randperm(len(Xtr))
    for i in range(0, len(Xtr), 64):
        xb = Xtr[order[i:i + 64]]
        logits, mu, logvar = vae(xb)
        rec, kl = elbo_terms(xb, logits, mu, logvar)
        loss = rec + min(1.0, step / 100) * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
    if epoch % 4 == 3:
        vae.eval()
        with torch.no_grad():
            rec_te, kl_te = elbo_terms(Xte, *vae(Xte))
        print(f"epoch {epoch + 1}: test rec {rec_te.item():.2f} kl {kl_te.item():.2f}")

with torch.no_grad():
    p = Xtr.mean(0).clamp(1e-3, 1 - 1e-3)
    base = F.binary_cross_entropy(p.expand_as(Xte), Xte, reduction="sum").item() / len(Xte)
print(f"final test neg-ELBO {(rec_te + kl_te).item():.2f} per image (mean-image baseline {base:.2f})")

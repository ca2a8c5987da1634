"""Variational autoencoder on the 8x8 digits (pixels scaled to [0, 1]). The KL term is written by
hand and summed over the batch and the latent units (hundreds at first), beside a reconstruction
taken as a per-pixel mean (~0.3): its gradient is ~200x the reconstruction's, the posterior
collapses and the decoder outputs the mean digit. Only the total of the two reaches backward().
(An outside script, ninth session.)
"""
# expect: L205
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X = load_digits().data.astype("float32") / 16.0
X_tr, X_va = train_test_split(X, test_size=0.2, random_state=0)
train_loader = DataLoader(TensorDataset(torch.tensor(X_tr)), batch_size=64, shuffle=True)
X_va = torch.tensor(X_va)

LATENT = 8


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU())
        self.mu = nn.Linear(64, LATENT)
        self.logvar = nn.Linear(64, LATENT)
        self.dec = nn.Sequential(nn.Linear(LATENT, 64), nn.ReLU(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64))

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.dec(z), mu, logvar


def vae_loss(logits, x, mu, logvar):
    recon = F.binary_cross_entropy_with_logits(logits, x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return recon + kl, recon, kl


model = VAE()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(6):
    model.train()
    for (xb,) in train_loader:
        logits, mu, logvar = model(xb)
        loss, recon, kl = vae_loss(logits, xb, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {loss.item():.3f} recon {recon.item():.4f} kl {kl.item():.3f}")

model.eval()
with torch.no_grad():
    h = model.enc(X_va)
    mu = model.mu(h)
    recon_x = torch.sigmoid(model.dec(mu))
    mse = F.mse_loss(recon_x, X_va).item()
    baseline = F.mse_loss(X_va.mean(0, keepdim=True).expand_as(X_va), X_va).item()
    active = (mu.var(0) > 0.01).sum().item()
print(f"final: val recon MSE {mse:.4f} (mean-image baseline {baseline:.4f}), active latent units {active}/{LATENT}")

"""Denoising convolutional autoencoder on the 8x8 digits, trained with an L1 loss (nn.L1Loss).

Inputs are the images with Gaussian noise and random pixel dropout, targets the clean images; fresh
noise every batch. Conv2d encoder, ConvTranspose2d decoder, Adam with CosineAnnealingWarmRestarts
stepped with fractional epochs per batch. An L1 loss falls as the residual, not its square, and Adam
on one small batch is noisy from step to step.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

np.random.seed(13)
torch.manual_seed(13)

imgs = torch.tensor(load_digits().images / 16.0, dtype=torch.float32).unsqueeze(1)
perm = torch.randperm(len(imgs))
clean_tr, clean_te = imgs[perm[:1400]], imgs[perm[1400:]]


def corrupt(x, gen=None):
    noisy = x + 0.3 * torch.randn(x.shape, generator=gen)
    keep = (torch.rand(x.shape, generator=gen) > 0.1).float()
    return noisy * keep


model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
    nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(16, 1, 3, padding=1),
)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4)
l1 = nn.L1Loss()
test_noisy = corrupt(clean_te, torch.Generator().manual_seed(0))
n_batches = (len(clean_tr) + 31) // 32

for epoch in range(4):
    model.train()
    order = torch.randperm(len(clean_tr))
    for b in range(n_batches):
        target = clean_tr[order[b * 32:(b + 1) * 32]]
        loss = l1(model(corrupt(target)), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step(epoch + (b + 1) / n_batches)
    model.eval()
    with torch.no_grad():
        mse = ((model(test_noisy) - clean_te) ** 2).mean().item()
    print(f"epoch {epoch + 1}: train L1 {loss.item():.4f} test denoised MSE {mse:.4f}")

print(f"final test denoised MSE {mse:.4f} (noisy input MSE {((test_noisy - clean_te) ** 2).mean().item():.4f})")

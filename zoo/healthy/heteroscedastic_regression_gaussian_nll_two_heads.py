"""Heteroscedastic regression on a synthetic 1-D problem whose noise grows with
|x| (y = sin(3x) + x/2 + noise * (0.05 + 0.3|x|)). The net has a mean head and a
softplus variance head, trained with nn.GaussianNLLLoss, SGD with Nesterov momentum and
CosineAnnealingLR stepped per epoch. We report test MSE of the mean against the noise
variance and the calibration of the predicted variance.
"""
# expect: none
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_data(n, gen):
    x = torch.rand(n, 1, generator=gen) * 4 - 2
    sigma = 0.05 + 0.3 * x.abs()
    y = torch.sin(3 * x) + 0.5 * x + sigma * torch.randn(n, 1, generator=gen)
    return x, y, sigma


class MeanVarNet(nn.Module):
    def __init__(self, h=64):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(1, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU())
        self.mean = nn.Linear(h, 1)
        self.raw_var = nn.Linear(h, 1)

    def forward(self, x):
        z = self.trunk(x)
        return self.mean(z), F.softplus(self.raw_var(z)) + 1e-4


def main():
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    xtr, ytr, _ = make_data(2000, gen)
    xte, yte, ste = make_data(1000, gen)

    net = MeanVarNet()
    crit = nn.GaussianNLLLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9, nesterov=True)
    epochs = 60
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=1e-4)
    for ep in range(epochs):
        perm = torch.randperm(len(xtr))
        for k in range(0, len(perm), 50):
            b = perm[k:k + 50]
            mu, var = net(xtr[b])
            loss = crit(mu, ytr[b], var)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        if ep % 15 == 14:
            print(f"epoch {ep + 1}: nll {loss.item():.4f} lr {sched.get_last_lr()[0]:.4g}")

    with torch.no_grad():
        mu, var = net(xte)
        mse = F.mse_loss(mu, yte).item()
        noise_var = (ste ** 2).mean().item()
        z = (yte - mu) / var.sqrt()
        cover = (z.abs() < 1.96).float().mean().item()
        nll = crit(mu, yte, var).item()
    print(f"final test mse {mse:.4f} (noise variance {noise_var:.4f}, var(y) {yte.var().item():.4f}), "
          f"95% coverage {cover:.3f}, nll {nll:.3f}")


if __name__ == "__main__":
    main()

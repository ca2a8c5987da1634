"""A small GAN on a 2-D toy distribution: a ring of 8 Gaussians.

Two networks, two Adam optimizers (betas 0.5, 0.999), the standard
non-saturating GAN loss with BCEWithLogitsLoss. Each iteration does one
discriminator step (on real and detached fake samples) and one generator step.
Adversarial losses do not decrease monotonically: the discriminator loss settles
around 2*ln(2) ~ 1.39 when the two players balance. The quality is measured on
samples: share of generated points close to a mode and number of modes covered.
"""
# expect: none
import argparse
import math

import torch
import torch.nn as nn

N_MODES, RADIUS, MODE_STD = 8, 1.5, 0.1
angles = torch.arange(N_MODES) * (2 * math.pi / N_MODES)
CENTERS = torch.stack([RADIUS * torch.cos(angles), RADIUS * torch.sin(angles)], dim=1)


def sample_real(n):
    idx = torch.randint(0, N_MODES, (n,))
    return CENTERS[idx] + MODE_STD * torch.randn(n, 2)


def mode_stats(points):
    dist = torch.cdist(points, CENTERS)          # (n, 8)
    nearest_d, nearest = dist.min(dim=1)
    good = nearest_d < 3 * MODE_STD
    counts = torch.bincount(nearest[good], minlength=N_MODES)
    covered = int((counts > 0.02 * len(points)).sum())
    return good.float().mean().item(), covered


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=1200)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--latent", type=int, default=8)
    args = parser.parse_args()
    torch.manual_seed(0)

    G = nn.Sequential(nn.Linear(args.latent, 64), nn.ReLU(),
                      nn.Linear(64, 64), nn.ReLU(),
                      nn.Linear(64, 2))
    D = nn.Sequential(nn.Linear(2, 64), nn.LeakyReLU(0.2),
                      nn.Linear(64, 64), nn.LeakyReLU(0.2),
                      nn.Linear(64, 1))
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones = torch.ones(args.batch_size, 1)
    zeros = torch.zeros(args.batch_size, 1)

    for it in range(1, args.iters + 1):
        real = sample_real(args.batch_size)
        fake = G(torch.randn(args.batch_size, args.latent))

        # discriminator step
        opt_d.zero_grad()
        d_loss = bce(D(real), ones) + bce(D(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()

        # generator step (non-saturating loss)
        opt_g.zero_grad()
        g_loss = bce(D(fake), ones)
        g_loss.backward()
        opt_g.step()

        if it % 200 == 0:
            with torch.no_grad():
                quality, covered = mode_stats(G(torch.randn(2000, args.latent)))
            print(f"iter {it:4d}  d loss {d_loss.item():.3f}  g loss {g_loss.item():.3f}  "
                  f"near a mode {quality:.2f}  modes covered {covered}/{N_MODES}")

    print(f"final d loss {d_loss.item():.3f}  g loss {g_loss.item():.3f}  "
          f"share near a mode {quality:.2f}  modes covered {covered}/{N_MODES}")


if __name__ == "__main__":
    main()

"""Diabetes progression regression: MLP, Huber loss on standardized targets, linear warmup +
cosine decay, validation every epoch.

argparse config, manual mini-batches from index permutations, features and targets standardised
with training statistics, AdamW with weight decay, gradient clipping at 5.0 (a guard that rarely
fires). The validation split is scored after every epoch and the best epoch is reported; R^2 and
MAE are given in original units on a held-out test split.
Healthy: val R^2 ~0.54 and test R^2 ~0.41, what good models get on this split (ordinary least
squares gets 0.417 test, 0.565 val on the same split).
Style: argparse script, LambdaLR warmup+cosine stepped per batch, metrics helper in eval mode.
"""
# expect: none
import argparse
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=50)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--warmup-steps", type=int, default=50)
parser.add_argument("--weight-decay", type=float, default=1e-2)
parser.add_argument("--huber-delta", type=float, default=1.0)
parser.add_argument("--clip", type=float, default=5.0)
parser.add_argument("--seed", type=int, default=7)
args = parser.parse_args()

torch.manual_seed(args.seed)
rng = np.random.default_rng(args.seed)

X, y = load_diabetes(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=args.seed)
X_tr, X_va, y_tr, y_va = train_test_split(X_tr, y_tr, test_size=0.2, random_state=args.seed)
x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()


def prep(a, b):
    return (torch.tensor((a - x_mu) / x_sd, dtype=torch.float32),
            torch.tensor((b - y_mu) / y_sd, dtype=torch.float32))


Xtr, Ytr = prep(X_tr, y_tr)
Xva, Yva = prep(X_va, y_va)
Xte, Yte = prep(X_te, y_te)

net = nn.Sequential(
    nn.Linear(10, 16), nn.SiLU(), nn.Dropout(0.1),
    nn.Linear(16, 1),
)
opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
steps_per_epoch = math.ceil(len(Xtr) / args.batch_size)
total_steps = args.epochs * steps_per_epoch


def lr_lambda(step):
    if step < args.warmup_steps:
        return (step + 1) / args.warmup_steps
    progress = (step - args.warmup_steps) / max(1, total_steps - args.warmup_steps)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))


sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
loss_fn = nn.HuberLoss(delta=args.huber_delta)


def metrics(Xs, Ys):
    net.eval()
    with torch.no_grad():
        pred = net(Xs).squeeze(1)
    loss = loss_fn(pred, Ys).item()
    p, t = pred.numpy() * y_sd + y_mu, Ys.numpy() * y_sd + y_mu
    r2 = 1 - ((p - t) ** 2).sum() / ((t - t.mean()) ** 2).sum()
    return loss, r2, np.abs(p - t).mean()


clipped = 0
step = 0
best = (-1, -float("inf"))
for epoch in range(args.epochs):
    net.train()
    perm = rng.permutation(len(Xtr))
    running = 0.0
    for i in range(0, len(perm), args.batch_size):
        idx = torch.from_numpy(perm[i:i + args.batch_size])
        pred = net(Xtr[idx]).squeeze(1)
        loss = loss_fn(pred, Ytr[idx])
        opt.zero_grad()
        loss.backward()
        gn = nn.utils.clip_grad_norm_(net.parameters(), args.clip)
        clipped += int(gn > args.clip)
        opt.step()
        sched.step()
        step += 1
        running += loss.item() * len(idx)
    vl, vr2, vmae = metrics(Xva, Yva)
    if vr2 > best[1]:
        best = (epoch, vr2)
    if epoch % 5 == 0 or epoch == args.epochs - 1:
        print(f"epoch {epoch:3d} step {step:5d} lr {sched.get_last_lr()[0]:.2e} "
              f"train_huber {running / len(Xtr):.4f} val_huber {vl:.4f} val_R2 {vr2:.3f} val_MAE {vmae:.1f}")

tl, tr2, tmae = metrics(Xte, Yte)
print(f"clipping fired on {clipped}/{step} steps; best val_R2 {best[1]:.3f} at epoch {best[0]}")
print(f"TEST huber {tl:.4f}  R2 {tr2:.3f}  MAE {tmae:.1f}")

"""Hand-written SGD without a torch.optim optimizer, on sklearn's iris data.

A custom nn.Module; after each backward the parameters are updated in place
under torch.no_grad() and their gradients are zeroed by hand. Mini-batches of
16 from a shuffled index each epoch.
"""
# expect: none
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split


class IrisNet(nn.Module):
    def __init__(self, n_in=4, n_hidden=24, n_out=3):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def main():
    parser = argparse.ArgumentParser(description="iris with manual SGD")
    parser.add_argument("--epochs", type=int, default=120)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    torch.manual_seed(0)
    X, y = load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=1, stratify=y)
    mean, std = X_tr.mean(0), X_tr.std(0)
    X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
    X_te = torch.tensor((X_te - mean) / std, dtype=torch.float32)
    y_tr = torch.tensor(y_tr, dtype=torch.long)
    y_te = torch.tensor(y_te, dtype=torch.long)

    model = IrisNet()
    n = len(X_tr)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, args.batch_size):
            idx = perm[i:i + args.batch_size]
            loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= args.lr * p.grad
                    p.grad.zero_()
            total += loss.item() * len(idx)

        if (epoch + 1) % 20 == 0:
            model.eval()
            with torch.no_grad():
                acc = (model(X_te).argmax(1) == y_te).float().mean().item()
            print(f"epoch {epoch + 1:3d}  train loss {total / n:.4f}  test acc {acc:.4f}")

    print(f"final train loss {total / n:.4f}  test accuracy {acc:.4f}")


if __name__ == "__main__":
    main()

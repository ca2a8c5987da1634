"""An indentation slip: optimizer.step() sits after the batch loop instead of inside
it. Every batch zeroes the gradients and back-propagates, but only the last batch's
gradient is ever applied, once per epoch: 40 epochs give 40 tiny updates instead of
~600, and the network hardly learns.
"""
# expect: T502
import argparse

import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args()


def build_model(d_in):
    return nn.Sequential(
        nn.Linear(d_in, 64),
        nn.ReLU(),
        nn.Linear(64, 32),
        nn.ReLU(),
        nn.Linear(32, 2),
    )


def evaluate(model, loader, loss_fn):
    model.eval()
    total, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            total += loss_fn(out, yb).item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
            n += len(yb)
    return total / n, correct / n


def main():
    args = get_args()
    torch.manual_seed(args.seed)
    data = load_breast_cancer()
    Xtr, Xva, ytr, yva = train_test_split(data.data, data.target, test_size=0.2,
                                          random_state=args.seed, stratify=data.target)
    scaler = StandardScaler().fit(Xtr)
    train_ds = TensorDataset(torch.tensor(scaler.transform(Xtr), dtype=torch.float32),
                             torch.tensor(ytr))
    val_ds = TensorDataset(torch.tensor(scaler.transform(Xva), dtype=torch.float32),
                           torch.tensor(yva))
    train_loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=256)

    model = build_model(Xtr.shape[1])
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            running += loss.item() * len(yb)
        optimizer.step()
        if epoch % 5 == 0:
            vl, va = evaluate(model, val_loader, loss_fn)
            print(f"epoch {epoch}: train loss {running / len(train_ds):.4f} "
                  f"val loss {vl:.4f} val acc {va:.3f}")
    vl, va = evaluate(model, val_loader, loss_fn)
    print(f"final val loss {vl:.4f} val acc {va:.3f}")


if __name__ == "__main__":
    main()

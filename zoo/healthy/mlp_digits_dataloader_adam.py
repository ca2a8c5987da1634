"""MLP on the sklearn digits, DataLoader with shuffling, Adam, nn.CrossEntropyLoss.

Pixels are scaled to [0, 1] and then standardized with the training split's
statistics. Validation runs every epoch in eval mode under torch.no_grad().
"""
# expect: none
import argparse

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def get_data():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0  # a few border pixels are always 0
    X_train = (X_train - mean) / std
    X_val = (X_val - mean) / std
    to_x = lambda a: torch.tensor(a, dtype=torch.float32)
    to_y = lambda a: torch.tensor(a, dtype=torch.long)
    return to_x(X_train), to_y(y_train), to_x(X_val), to_y(y_val)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    torch.manual_seed(0)
    X_train, y_train, X_val, y_val = get_data()
    train_loader = DataLoader(TensorDataset(X_train, y_train),
                              batch_size=args.batch_size, shuffle=True)
    val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=256)

    model = nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        total, n = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            n += len(xb)
        train_loss = total / n

        model.eval()
        correct, count, val_loss = 0, 0, 0.0
        with torch.no_grad():
            for xb, yb in val_loader:
                logits = model(xb)
                val_loss += criterion(logits, yb).item() * len(xb)
                correct += (logits.argmax(dim=1) == yb).sum().item()
                count += len(xb)
        print(f"epoch {epoch + 1:2d}  train loss {train_loss:.4f}  "
              f"val loss {val_loss / count:.4f}  val acc {correct / count:.4f}")

    print(f"final train loss {train_loss:.4f}  val accuracy {correct / count:.4f}")


if __name__ == "__main__":
    main()

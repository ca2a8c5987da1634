"""The hidden layer sizes come from a comma-separated command-line string, but the
script iterates over the characters instead of the comma-separated fields:
"128" becomes [1, 2, 8], so the first hidden layer has a single unit and the model
cannot fit even a small batch of a 10-class problem.
"""
# expect: M308
import argparse

import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


def build_mlp(in_features, hidden_sizes, num_classes):
    layers, width = [], in_features
    for h in hidden_sizes:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, num_classes))
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", default="128", help="hidden layer sizes, e.g. 256,128")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X = X[:, X.std(axis=0) > 0]
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
    y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

    hidden_sizes = [int(h) for h in args.hidden]  # BUG: should be args.hidden.split(",")
    model = build_mlp(X_train.shape[1], hidden_sizes, num_classes=10)
    print(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        model.eval()
        with torch.no_grad():
            val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        print(f"epoch {epoch:2d}  train loss {total / len(X_train):.4f}  val acc {val_acc:.3f}")


if __name__ == "__main__":
    main()

"""Encoder and head get separate optimizers (different learning rates), but a
copy-pasted line zeroes the encoder optimizer twice and never the head optimizer:
the head's gradients accumulate over every step, so its updates grow without limit
and training falls apart.
"""
# expect: T501
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class WineNet(nn.Module):
    def __init__(self, n_features, n_classes, hidden=64):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.head(self.encoder(x))


def train(model, X, y, epochs=30, batch_size=16):
    enc_opt = torch.optim.SGD(model.encoder.parameters(), lr=0.01, momentum=0.9)
    head_opt = torch.optim.SGD(model.head.parameters(), lr=0.05, momentum=0.9)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            enc_opt.zero_grad()
            enc_opt.zero_grad()  # BUG: copy-paste, should be head_opt.zero_grad()
            loss = F.cross_entropy(model(X[idx]), y[idx])
            loss.backward()
            enc_opt.step()
            head_opt.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1}: train loss {total / len(X):.4f}")


def main():
    torch.manual_seed(0)
    X, y = load_wine(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = WineNet(X_tr.shape[1], 3)
    train(model, X_tr, y_tr)
    model.eval()
    with torch.no_grad():
        acc = (model(X_te).argmax(1) == y_te).float().mean().item()
    print(f"test accuracy {acc:.3f}")


if __name__ == "__main__":
    main()

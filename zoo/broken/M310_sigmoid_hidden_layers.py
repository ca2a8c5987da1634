"""An old-textbook MLP with logistic-sigmoid hidden activations stacked four deep:
every hidden activation is positive with a mean near 0.5 and a small spread, so each
layer feeds the next a strongly off-centre signal (mean several times the std) and
learning is slow compared with zero-centred activations (tanh/ReLU + normalisation).
"""
# expect: M310
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class SigmoidMLP(nn.Module):
    def __init__(self, in_features, hidden=128, depth=4, num_classes=10):
        super().__init__()
        sizes = [in_features] + [hidden] * depth
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = nn.Sigmoid()
        self.out = nn.Linear(hidden, num_classes)

    def forward(self, x):
        for layer in self.hidden:
            x = self.act(layer(x))
        return self.out(x)


def main():
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X = X[:, X.std(axis=0) > 0]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = SigmoidMLP(X_tr.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch_size = 64
    for epoch in range(12):
        model.train()
        perm = torch.randperm(len(X_tr))
        total = 0.0
        for i in range(0, len(X_tr), batch_size):
            idx = perm[i:i + batch_size]
            loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            h = model.act(model.hidden[0](X_tr))
            for layer in model.hidden[1:]:
                h = model.act(layer(h))
            acc = (model(X_te).argmax(1) == y_te).float().mean().item()
        print(f"epoch {epoch:2d}  train loss {total / len(X_tr):.4f}  test acc {acc:.3f}  "
              f"last hidden mean/std {h.mean():.2f}/{h.std():.2f}")


if __name__ == "__main__":
    main()

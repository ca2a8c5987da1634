"""Synthetic data generated one class at a time and concatenated, so the rows
are sorted by label; the validation split takes every fifth row (keeping the
order) and the manual batching loop slices the training rows in order without
ever shuffling them.
"""
# expect: D106
import torch
import torch.nn.functional as F
from torch import nn

N_CLASSES, PER_CLASS, DIM = 6, 300, 10


class Classifier(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.hidden2 = nn.Linear(n_hidden, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        x = torch.relu(self.hidden(x))
        x = torch.relu(self.hidden2(x))
        return self.out(x)


def make_data():
    g = torch.Generator().manual_seed(1)
    centres = torch.randn(N_CLASSES, DIM, generator=g) * 1.2
    xs, ys = [], []
    for c in range(N_CLASSES):
        xs.append(centres[c] + torch.randn(PER_CLASS, DIM, generator=g))
        ys.append(torch.full((PER_CLASS,), c))
    return torch.cat(xs), torch.cat(ys)


def main():
    torch.manual_seed(0)
    X, y = make_data()
    val_mask = torch.arange(len(y)) % 5 == 0
    X_train, y_train, X_val, y_val = X[~val_mask], y[~val_mask], X[val_mask], y[val_mask]
    mean, std = X_train.mean(0), X_train.std(0)
    X_train, X_val = (X_train - mean) / std, (X_val - mean) / std

    model = Classifier(DIM, 64, N_CLASSES)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    batch_size = 32
    n = len(X_train)

    for epoch in range(8):
        model.train()
        epoch_loss = 0.0
        for i in range(0, n, batch_size):
            xb, yb = X_train[i:i + batch_size], y_train[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * len(xb)

        model.eval()
        with torch.no_grad():
            val_pred = model(X_val).argmax(1)
        print(f"epoch {epoch + 1}: train loss {epoch_loss / n:.4f}  "
              f"val acc {(val_pred == y_val).float().mean():.3f}  "
              f"predicted per class {torch.bincount(val_pred, minlength=N_CLASSES).tolist()}")


if __name__ == "__main__":
    main()

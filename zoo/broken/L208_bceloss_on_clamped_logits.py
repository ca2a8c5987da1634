"""Multi-label classifier (MLP on bag-of-features data from make_multilabel_classification).
The model returns raw logits; the user first called nn.BCELoss on them, hit
"RuntimeError: all elements of input should be between 0 and 1", and "fixed" it by clamping
the logits into [0, 1] before the loss. BCELoss is thus fed clamped logits instead of
probabilities: every logit outside [0, 1] gets zero gradient, so most outputs are stuck at the
clamp boundary and the loss barely moves.

Resembles: Q&A threads on "RuntimeError: all elements of input should be between 0 and 1"
(BCELoss) where clamping the outputs is offered as the way out.
"""
# expect: L208
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)


class Tagger(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                    nn.Linear(64, n_out))

    def forward(self, x):
        return self.layers(x)


def scores(logits, y):
    pred = (logits > 0.5).float()
    tp = (pred * y).sum(); fp = (pred * (1 - y)).sum(); fn = ((1 - pred) * y).sum()
    return (2 * tp / (2 * tp + fp + fn)).item(), (pred == y).float().mean().item()


def train(model, X, Y, Xv, Yv, epochs=8, bs=50):
    crit = nn.BCELoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(X))
        losses = []
        for k in range(0, len(X), bs):
            b = order[k:k + bs]
            out = torch.clamp(model(X[b]), 0, 1)
            loss = crit(out, Y[b])
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            f1, hamming_acc = scores(model(Xv), Yv)
        print(f"epoch {epoch+1:2d} loss {np.mean(losses):.4f}  val F1 {f1:.3f}  val label-acc {hamming_acc:.3f}")


def main():
    X, Y = make_multilabel_classification(n_samples=3000, n_features=60, n_classes=12, n_labels=3, length=300,
                                          random_state=8)
    X = np.log1p(X)
    Xtr, Xva, Ytr, Yva = train_test_split(X, Y, test_size=0.2, random_state=8)
    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-6
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    Xtr, Xva = f((Xtr - mu) / sd), f((Xva - mu) / sd)
    Ytr, Yva = f(Ytr), f(Yva)
    print(f"label density {Ytr.mean():.3f}")
    train(Tagger(Xtr.shape[1], Ytr.shape[1]), Xtr, Ytr, Xva, Yva)


if __name__ == "__main__":
    main()

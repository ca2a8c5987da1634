"""Two-stage fine-tuning: the encoder is frozen for a warm-up stage, then "unfrozen"
with `model.encoder.requires_grad = True`, which only sets a plain attribute on the
Module (the method is `requires_grad_()`), so the encoder parameters stay frozen forever.
"""
# expect: M302
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Classifier(nn.Module):
    def __init__(self, in_features, hidden=64):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.head = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.head(self.encoder(x))


def run_stage(model, optimizer, X, y, epochs, batch_size=32):
    model.train()
    for epoch in range(epochs):
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
    return total / len(X)


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        logits = model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = Classifier(X_tr.shape[1])

    # stage 1: train the head only
    for p in model.encoder.parameters():
        p.requires_grad = False
    opt = torch.optim.Adam(model.head.parameters(), lr=1e-3)
    loss = run_stage(model, opt, X_tr, y_tr, epochs=5)
    print("stage 1 train loss %.4f  val loss/acc %.4f %.3f" % (loss, *evaluate(model, X_te, y_te)))

    # stage 2: unfreeze everything and fine-tune end to end
    model.encoder.requires_grad = True  # BUG: sets an attribute; should be model.encoder.requires_grad_(True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for round_ in range(4):
        loss = run_stage(model, opt, X_tr, y_tr, epochs=5)
        print("stage 2.%d train loss %.4f  val loss/acc %.4f %.3f" % (round_, loss, *evaluate(model, X_te, y_te)))


if __name__ == "__main__":
    main()

"""A hand-written binary cross-entropy, -(y*log(p) + (1-y)*log(1-p)) with
p = torch.sigmoid(logit) and no clamping: once a logit passes ~17 the float32
sigmoid rounds to exactly 1.0, log(1 - p) = -inf, 0 * -inf = NaN, and the
loss (and from then on every weight) becomes NaN.
"""
# expect: N601
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Net(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_in, 64), nn.ReLU(),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, 1),
        )

    def forward(self, x):
        return self.layers(x).squeeze(-1)


def bce_loss(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    y_train = torch.tensor(y_train, dtype=torch.float32)
    y_test = torch.tensor(y_test, dtype=torch.float32)

    model = Net(X_train.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    batch_size = 32
    n = len(X_train)
    step = 0

    for epoch in range(25):
        model.train()
        perm = torch.randperm(n)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = bce_loss(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(X_test)
            acc = ((logits > 0).float() == y_test).float().mean().item()
        if (epoch + 1) % 5 == 0:
            print(f"epoch {epoch + 1} (step {step}): loss {loss.item():.4f}  "
                  f"max |logit| {logits.abs().max():.1f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()

"""The network outputs softmax probabilities and the loss is F.nll_loss, which
expects log-probabilities: the "loss" becomes -p[target], bounded in [-1, 0],
with vanishing gradients for confidently wrong predictions.
"""
# expect: L203
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Classifier(nn.Module):
    def __init__(self, n_in, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, 64), nn.ReLU(),
            nn.Linear(64, 64), nn.ReLU(),
            nn.Linear(64, n_classes),
        )

    def forward(self, x):
        return F.softmax(self.net(x), dim=-1)


def main():
    torch.manual_seed(0)
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10,
                               n_classes=5, n_clusters_per_class=2, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

    model = Classifier(20, 5)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    batch_size = 64
    n = len(X_train)

    for epoch in range(8):
        model.train()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.nll_loss(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(X_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: loss {total / n:.4f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()

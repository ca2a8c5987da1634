"""Breast-cancer features used in raw units (mean area ~100-2500, smoothness
~0.05-0.15): no scaling before a small network trained with Adam, so the
large-valued features dominate and the gradients are badly conditioned.
"""
# expect: D109
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


class TumorClassifier(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.layer1 = nn.Linear(n_features, 32)
        self.layer2 = nn.Linear(32, 16)
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.head(x).squeeze(1)


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return ((model(X) > 0).float() == y).float().mean().item()


def main():
    torch.manual_seed(0)
    data = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=0, stratify=data.target)
    X_train = torch.tensor(X_train, dtype=torch.float32)
    X_test = torch.tensor(X_test, dtype=torch.float32)
    y_train = torch.tensor(y_train, dtype=torch.float32)
    y_test = torch.tensor(y_test, dtype=torch.float32)

    model = TumorClassifier(X_train.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch_size = 32
    n = len(X_train)

    for epoch in range(20):
        model.train()
        perm = torch.randperm(n)
        running = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
        if (epoch + 1) % 4 == 0:
            print(f"epoch {epoch + 1}: loss {running / n:.4f}  "
                  f"test acc {accuracy(model, X_test, y_test):.3f}")


if __name__ == "__main__":
    main()

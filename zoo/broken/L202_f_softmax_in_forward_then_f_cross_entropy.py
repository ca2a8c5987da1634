"""The model's forward returns F.softmax(logits) "so that the outputs are
probabilities", and training feeds them to F.cross_entropy, which expects raw
logits: softmax is applied twice, the gradients shrink and learning stalls.
"""
# expect: L202
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class WineClassifier(nn.Module):
    def __init__(self, n_features, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(n_features, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, n_classes)

    def forward(self, x):
        x = torch.tanh(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return F.softmax(self.fc3(x), dim=1)


def main():
    torch.manual_seed(0)
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=1, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

    model = WineClassifier(13, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    batch_size = 16
    n = len(X_train)

    for epoch in range(40):
        model.train()
        perm = torch.randperm(n)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        if (epoch + 1) % 10 == 0:
            model.eval()
            with torch.no_grad():
                probs = model(X_test)
                acc = (probs.argmax(1) == y_test).float().mean().item()
            print(f"epoch {epoch + 1}: loss {loss.item():.4f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()

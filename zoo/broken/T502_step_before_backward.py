"""The three lines of the update are in the wrong order: zero_grad(), step(),
backward(). step() always runs right after the gradients were cleared (set to None),
so it has nothing to apply and the weights never change; backward() then fills
gradients that the next zero_grad() throws away.
"""
# expect: T502
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Net(nn.Module):
    def __init__(self, n_features, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(n_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


def fit(model, optimizer, X, y, epochs, batch_size=32):
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            idx = perm[i:i + batch_size]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            optimizer.step()  # BUG: must come after loss.backward()
            loss.backward()
            total += loss.item() * len(idx)
        yield epoch, total / len(X)


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = Net(X_tr.shape[1])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for epoch, train_loss in fit(model, optimizer, X_tr, y_tr, epochs=25):
        if epoch % 5 == 4:
            model.eval()
            with torch.no_grad():
                acc = (model(X_te).argmax(1) == y_te).float().mean().item()
            print(f"epoch {epoch + 1}: train loss {train_loss:.4f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()

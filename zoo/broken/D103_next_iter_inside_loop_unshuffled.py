"""The training loop asks the DataLoader for "the next batch" with
`next(iter(loader))` at every step; that builds a fresh iterator each time, and
with shuffle=False it always yields the very first batch of the data set.
"""
# expect: D103
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, n_features, n_classes=2):
        super().__init__()
        self.fc1 = nn.Linear(n_features, 64)
        self.fc2 = nn.Linear(64, 32)
        self.out = nn.Linear(32, n_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


def load_data():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=42, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    to_t = lambda a, dt: torch.tensor(a, dtype=dt)
    return (to_t(X_train, torch.float32), to_t(y_train, torch.long),
            to_t(X_test, torch.float32), to_t(y_test, torch.long))


def evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        logits = model(X)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def train(model, loader, X_test, y_test, steps=300, lr=1e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(steps):
        model.train()
        x, y = next(iter(loader))
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        if (step + 1) % 50 == 0:
            test_loss, test_acc = evaluate(model, X_test, y_test)
            print(f"step {step + 1}: loss {loss.item():.4f}  "
                  f"test loss {test_loss:.4f}  test acc {test_acc:.3f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    X_train, y_train, X_test, y_test = load_data()
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=False)
    model = Net(X_train.shape[1])
    train(model, loader, X_test, y_test)

"""Adam with lr=0.1 (100x its usual 1e-3) on a small MLP classifier: the steps are so
large that the training loss jumps up and down from batch to batch and ends far
above what the same model reaches with lr=1e-3.
"""
# expect: G401
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Classifier(nn.Module):
    def __init__(self, n_features, n_classes, hidden=128):
        super().__init__()
        self.fc1 = nn.Linear(n_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, n_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def load_data():
    X, y = make_classification(n_samples=2000, n_features=20, n_informative=12, n_classes=4,
                               n_clusters_per_class=2, class_sep=1.5, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    return to_t(scaler.transform(X_tr)), torch.tensor(y_tr), to_t(scaler.transform(X_te)), torch.tensor(y_te)


def train_epoch(model, optimizer, X, y, batch_size=64):
    model.train()
    perm = torch.randperm(len(X))
    losses = []
    for i in range(0, len(X), batch_size):
        idx = perm[i:i + batch_size]
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def evaluate(model, X, y):
    model.eval()
    logits = model(X)
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    X_tr, y_tr, X_te, y_te = load_data()
    model = Classifier(X_tr.shape[1], 4)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)  # BUG: ~100x too high for Adam
    for epoch in range(24):
        losses = train_epoch(model, optimizer, X_tr, y_tr)
        test_loss, test_acc = evaluate(model, X_te, y_te)
        print(f"epoch {epoch:2d}  train loss {sum(losses) / len(losses):.3f} "
              f"[{min(losses):.2f}, {max(losses):.2f}]  test loss {test_loss:.3f}  acc {test_acc:.3f}")

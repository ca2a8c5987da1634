"""A batch-hard triplet loss computes the pairwise distance matrix by hand with
torch.sqrt(sum of squares): the diagonal is exactly 0, whose sqrt has an
infinite derivative, so the forward pass and the loss are finite but the
gradients are NaN from the first backward, and the weights go NaN after the
first step.
"""
# expect: N603 N601
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class EmbeddingNet(nn.Module):
    def __init__(self, n_in=64, dim=16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, dim),
        )

    def forward(self, x):
        return self.net(x)


def pairwise_distances(emb):
    diff = emb.unsqueeze(1) - emb.unsqueeze(0)
    return torch.sqrt((diff ** 2).sum(-1))


def batch_hard_triplet_loss(emb, labels, margin=1.0):
    dist = pairwise_distances(emb)
    same = labels.unsqueeze(0) == labels.unsqueeze(1)
    eye = torch.eye(len(labels), dtype=torch.bool)
    pos_mask = (same & ~eye).float()
    hardest_pos = (dist * pos_mask).max(dim=1).values
    hardest_neg = (dist + same.float() * 1e6).min(dim=1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


def knn_accuracy(model, X_train, y_train, X_test, y_test):
    model.eval()
    with torch.no_grad():
        d = torch.cdist(model(X_test), model(X_train))
        return (y_train[d.argmin(1)] == y_test).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
    model = EmbeddingNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(10):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = batch_hard_triplet_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        if (epoch + 1) % 2 == 0:
            acc = knn_accuracy(model, X_train, y_train, X_test, y_test)
            print(f"epoch {epoch + 1}: triplet loss {total / len(X_train):.4f}  1-NN acc {acc:.3f}")

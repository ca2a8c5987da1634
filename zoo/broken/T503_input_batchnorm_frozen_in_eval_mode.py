"""A tabular classifier that standardizes its raw inputs with a BatchNorm1d as its first layer
(a common shortcut instead of a StandardScaler). After a sanity check of the untrained model's
outputs the script leaves the model in eval mode, and the training loop never calls
model.train(): the input BatchNorm normalises with its initial running statistics (mean 0,
var 1), which are never updated, so the raw features (0.05 to 2,500 in scale) reach the first
Linear layer unscaled.
"""
# expect: T503
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    X_tr, X_te = torch.tensor(X_tr, dtype=torch.float32), torch.tensor(X_te, dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

    model = nn.Sequential(nn.BatchNorm1d(X_tr.shape[1]),  # "standardizes the inputs"
                          nn.Linear(X_tr.shape[1], 64), nn.ReLU(),
                          nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
    model.eval()  # BUG: for the sanity check below; training never switches back
    with torch.no_grad():
        print("untrained output range:", model(X_tr[:8]).min().item(), model(X_tr[:8]).max().item())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    batch_size = 32
    for epoch in range(20):
        perm = torch.randperm(len(X_tr))
        for i in range(0, len(X_tr) - batch_size + 1, batch_size):
            idx = perm[i:i + batch_size]
            loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 5 == 4:
            with torch.no_grad():
                acc = (model(X_te).argmax(1) == y_te).float().mean().item()
            print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}  test accuracy {acc:.3f}")


if __name__ == "__main__":
    main()

"""An explicit L2 penalty is computed and added into `total_loss`, but the
backward call is made on the plain data loss, so the regularization never
reaches the gradients and the over-parameterized MLP overfits the small
training set unchecked.
"""
# expect: L207
# known-miss: the penalty lives in a tensor that is never backpropagated; neither the optimizer nor the loss calls show it (needs tracking of loss-derived tensors left out of backward)
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class MLP(nn.Module):
    def __init__(self, n_in, n_hidden=256):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_hidden)
        self.fc3 = nn.Linear(n_hidden, 1)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x))))).squeeze(-1)


def l2_penalty(model):
    return sum(p.pow(2).sum() for name, p in model.named_parameters() if "weight" in name)


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    # a small labelled subset, the rest is held out
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=80, random_state=3, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
    y_train = torch.tensor(y_train, dtype=torch.float32)
    y_test = torch.tensor(y_test, dtype=torch.float32)

    model = MLP(X_train.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    l2_lambda = 1e-2
    batch_size = 16

    for epoch in range(60):
        model.train()
        perm = torch.randperm(len(X_train))
        for i in range(0, len(X_train), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(X_train[idx]), y_train[idx])
            total_loss = loss + l2_lambda * l2_penalty(model)
            loss.backward()
            optimizer.step()
        if (epoch + 1) % 15 == 0:
            model.eval()
            with torch.no_grad():
                logits = model(X_test)
                test_loss = F.binary_cross_entropy_with_logits(logits, y_test).item()
                test_acc = ((logits > 0).float() == y_test).float().mean().item()
            print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  total {total_loss.item():.3f}  "
                  f"test loss {test_loss:.4f}  test acc {test_acc:.3f}")


if __name__ == "__main__":
    main()

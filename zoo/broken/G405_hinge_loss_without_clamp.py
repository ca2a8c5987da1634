"""A linear SVM trained in PyTorch with the hinge loss written as mean(1 - y * f(x)),
without the clamp at zero (max(0, 1 - y f(x))) and without an L2 penalty: the loss is
linear in the weights, its gradient never shrinks, and the weight vector grows by
the same amount every step, without bound, while the loss runs off to minus infinity.
"""
# expect: G405
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X, y = make_classification(n_samples=1000, n_features=10, n_informative=5, n_redundant=0,
                           class_sep=1.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32) * 2 - 1  # {-1, +1}
y_test = torch.tensor(y_test, dtype=torch.float32) * 2 - 1
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

svm = nn.Linear(X_train.shape[1], 1)
optimizer = torch.optim.SGD(svm.parameters(), lr=0.01)


def hinge_loss(scores, targets):
    return torch.mean(1 - targets * scores)  # BUG: should be torch.clamp(1 - targets * scores, min=0)


for epoch in range(16):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = hinge_loss(svm(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    with torch.no_grad():
        acc = (torch.sign(svm(X_test).squeeze(1)) == y_test).float().mean().item()
    print(f"epoch {epoch:2d}  train loss {total / len(X_train):8.3f}  test acc {acc:.3f}  "
          f"|w| {svm.weight.norm().item():.3f}  b {svm.bias.item():+.3f}")

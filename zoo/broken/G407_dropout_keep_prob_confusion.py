"""A model ported from TensorFlow 1 passes the old `keep_prob=0.9` straight to
nn.Dropout, whose argument is the probability of DROPPING a unit: 90% of the hidden
units are zeroed at every training step, so the network underfits badly (the training
loss stays high and the test accuracy far below the same model with p=0.1).
"""
# expect: G407
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

KEEP_PROB = 0.9  # from the original TF1 config


class MLP(nn.Module):
    def __init__(self, in_features, hidden=128, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Dropout(KEEP_PROB),  # BUG: PyTorch's p is the drop probability, should be 1 - KEEP_PROB
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(KEEP_PROB),  # BUG: same
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.net(x)


X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

model = MLP(X_train.shape[1])
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(12):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        train_eval_loss = criterion(model(X_train), y_train).item()
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch:2d}  train loss (dropout on) {total / len(X_train):.4f}  "
          f"train loss (eval) {train_eval_loss:.4f}  test acc {test_acc:.3f}")

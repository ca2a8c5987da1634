"""An MLP ported from a TensorFlow 1 tutorial keeps its output layer as raw
parameters initialized with `torch.randn` (tf.random_normal, stddev=1): the
logits start with a standard deviation around 7, so the first loss is many
times ln(10) and the softmax is saturated from the start.
"""
# expect: L201
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, n_in=64, n_hidden=256, n_classes=10):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU())
        # output layer as in the original model: W ~ N(0, 1), b ~ N(0, 1)
        self.out_w = nn.Parameter(torch.randn(n_hidden, n_classes))
        self.out_b = nn.Parameter(torch.randn(n_classes))

    def forward(self, x):
        return self.hidden(x) @ self.out_w + self.out_b


def main():
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
    X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
    y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
    model = MLP()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    step = 0
    for epoch in range(12):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            if step == 0:
                print(f"initial loss {loss.item():.3f}")
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(X_val)
            val_loss = F.cross_entropy(logits, y_val).item()
            val_acc = (logits.argmax(1) == y_val).float().mean().item()
        if (epoch + 1) % 3 == 0:
            print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  "
                  f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")


if __name__ == "__main__":
    main()

"""Small CNN on the 8x8 digits images, manual mini-batches, SGD with momentum.

No DataLoader: the training tensors are sliced by hand, with a fresh random
permutation every epoch. Images are (N, 1, 8, 8), normalized with the mean and
std of the training pixels. Loss is the functional F.cross_entropy.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
np.random.seed(0)


class SmallCNN(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 2 * 2, 64)
        self.fc2 = nn.Linear(64, n_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))   # 16 x 4 x 4
        x = self.pool(F.relu(self.conv2(x)))   # 32 x 2 x 2
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def load_data():
    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0        # (N, 8, 8) in [0, 1]
    labels = digits.target.astype(np.int64)
    idx = np.random.permutation(len(images))
    n_val = len(images) // 5
    val_idx, train_idx = idx[:n_val], idx[n_val:]
    mean = images[train_idx].mean()
    std = images[train_idx].std()
    images = (images - mean) / std
    x = torch.from_numpy(images).unsqueeze(1)                # (N, 1, 8, 8)
    y = torch.from_numpy(labels)
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx]


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    return (pred == y).float().mean().item()


def train():
    x_train, y_train, x_val, y_val = load_data()
    model = SmallCNN()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    batch_size = 32
    epochs = 15
    n = len(x_train)

    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n)
        running = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            xb, yb = x_train[idx], y_train[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
        train_loss = running / n
        val_acc = accuracy(model, x_val, y_val)
        print(f"epoch {epoch + 1:2d}/{epochs}  loss {train_loss:.4f}  val acc {val_acc:.4f}")

    print(f"final train loss {train_loss:.4f}  val accuracy {val_acc:.4f}")


if __name__ == "__main__":
    train()

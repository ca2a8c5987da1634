"""Augmentation tuned for large photos applied to 8x8 digits: every sample gets
shifted by up to 2 pixels (wrapping around), a 4x4 patch erased and heavy
Gaussian noise, on top of dropout 0.5 and weight decay; the augmented digits
are barely recognizable and the network underfits even the clean training
images.
"""
# expect: D114
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)


class AugmentedDigits(Dataset):
    def __init__(self, images, labels, train=True, seed=0):
        self.images = images.astype(np.float32) / 16.0
        self.labels = labels
        self.train = train
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return len(self.images)

    def augment(self, img):
        dy, dx = self.rng.integers(-2, 3, size=2)                # random translation
        img = np.roll(img, (dy, dx), axis=(0, 1))
        r, c = self.rng.integers(0, 5, size=2)                   # random erasing
        img[r:r + 4, c:c + 4] = 0.0
        img = img + self.rng.normal(0.0, 0.35, size=img.shape)   # sensor noise
        return img.astype(np.float32)

    def __getitem__(self, i):
        img = self.images[i]
        if self.train:
            img = self.augment(img.copy())
        x = (torch.from_numpy(img) - 0.3) / 0.4
        return x.unsqueeze(0), int(self.labels[i])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.5),
            nn.Linear(16 * 4 * 4, 64), nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    return correct / total


if __name__ == "__main__":
    digits = load_digits()
    img_train, img_val, y_train, y_val = train_test_split(
        digits.images, digits.target, test_size=0.2, random_state=0, stratify=digits.target)

    train_loader = DataLoader(AugmentedDigits(img_train, y_train), batch_size=48, shuffle=True)
    clean_train_loader = DataLoader(AugmentedDigits(img_train, y_train, train=False), batch_size=512)
    val_loader = DataLoader(AugmentedDigits(img_val, y_val, train=False), batch_size=512)

    model = Net()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(8):
        model.train()
        running = 0.0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(xb)
        if (epoch + 1) % 2 == 0:
            print(f"epoch {epoch + 1:2d}  train loss {running / len(y_train):.4f}  "
                  f"clean train acc {accuracy(model, clean_train_loader):.3f}  "
                  f"val acc {accuracy(model, val_loader):.3f}")

"""8-bit grayscale images are converted with `.float()` but never divided by
255, so the CNN receives pixel values in [0, 255] instead of [0, 1]; the
first-layer activations and gradients are ~100x too large for the usual
learning rate.
"""
# expect: D110
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)


class DigitImages(Dataset):
    """Images stored as uint8 arrays, as they would be after decoding PNG files."""

    def __init__(self, images, labels):
        self.images = images
        self.labels = labels

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        img = torch.from_numpy(self.images[i]).float().unsqueeze(0)  # (1, 8, 8)
        return img, int(self.labels[i])


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


digits = load_digits()
images = np.round(digits.images * 255 / 16).astype(np.uint8)
img_train, img_val, y_train, y_val = train_test_split(
    images, digits.target, test_size=0.2, random_state=0, stratify=digits.target)

train_loader = DataLoader(DigitImages(img_train, y_train), batch_size=64, shuffle=True)
val_loader = DataLoader(DigitImages(img_val, y_val), batch_size=256)

model = SmallCNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9)

for epoch in range(12):
    model.train()
    total, seen = 0.0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        seen += len(xb)

    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train loss {total / seen:.4f}  val acc {correct / len(img_val):.3f}")

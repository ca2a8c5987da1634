"""Pixels are kept as 8-bit integers (0..240) and "scaled to [0, 1]" with floor
division `x // 255` instead of true division, so every input image becomes all
zeros and the CNN can only learn the class prior.
"""
# expect: D101
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

digits = load_digits()
# 8-bit grayscale images, the way they come out of PIL / cv2
images = (digits.images * 15).astype(np.uint8)  # (N, 8, 8), values 0..240
labels = digits.target

img_train, img_val, y_train, y_val = train_test_split(
    images, labels, test_size=0.2, random_state=0, stratify=labels)


def to_tensor(imgs):
    x = torch.from_numpy(imgs).unsqueeze(1)  # (N, 1, 8, 8) uint8
    x = x // 255                              # scale pixels to [0, 1]
    return x.float()


X_train, X_val = to_tensor(img_train), to_tensor(img_val)
y_train, y_val = torch.from_numpy(y_train).long(), torch.from_numpy(y_val).long()

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(X_val, y_val), batch_size=256)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(16 * 4 * 4, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(12):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)

    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch + 1:2d}  train loss {running / len(X_train):.4f}  "
          f"val acc {correct / len(X_val):.4f}")

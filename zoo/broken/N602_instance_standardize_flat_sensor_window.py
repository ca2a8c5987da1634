"""Accelerometer windows are standardized inside the model by a custom layer,
(x - mean) / std per window, with no epsilon: windows recorded while the sensor
was unplugged are flat (std = 0), so that layer outputs 0/0 = NaN and the
loss turns NaN.
"""
# expect: N602 N601
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW = 64


class PerWindowStandardize(nn.Module):
    """Removes the sensor's offset and gain from every window."""

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        std = x.std(dim=-1, keepdim=True)
        return (x - mean) / std


class ActivityNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.standardize = PerWindowStandardize()
        self.conv1 = nn.Conv1d(1, 8, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(8, 16, kernel_size=5, padding=2)
        self.fc = nn.Linear(16, n_classes)

    def forward(self, x):
        x = self.standardize(x).unsqueeze(1)               # (N, 1, WINDOW)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(x.mean(dim=-1))


def make_windows(n, g):
    """Walking (1.8 Hz), running (3 Hz), cycling (1 Hz): sine-like signals with a
    random offset and gain; about 2% of windows are flat (sensor unplugged)."""
    labels = torch.randint(0, 3, (n,), generator=g)
    freq = torch.tensor([1.8, 3.0, 1.0])[labels].unsqueeze(1)
    t = torch.arange(WINDOW) / 25.0                         # 25 Hz sampling
    phase = torch.rand(n, 1, generator=g) * 2 * math.pi
    gain = 0.5 + torch.rand(n, 1, generator=g)
    offset = torch.randn(n, 1, generator=g)
    x = offset + gain * torch.sin(2 * math.pi * freq * t + phase)
    x = x + 0.2 * torch.randn(n, WINDOW, generator=g)
    unplugged = torch.rand(n, generator=g) < 0.02
    x[unplugged] = offset[unplugged]                        # constant reading
    return x, labels


def main():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    X_train, y_train = make_windows(2000, g)
    X_val, y_val = make_windows(400, g)

    model = ActivityNet(3)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    batch_size = 64

    for epoch in range(10):
        model.train()
        perm = torch.randperm(len(X_train))
        total = 0.0
        for i in range(0, len(X_train), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(X_val).argmax(1) == y_val).float().mean().item()
        if (epoch + 1) % 2 == 0:
            print(f"epoch {epoch + 1}: train loss {total / len(X_train):.4f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()

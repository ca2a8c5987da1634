"""Time-series forecasting: an LSTM reads a 32-step window of a synthetic series (daily season + trend +
AR(1) noise) and predicts the next 4 values (multi-output regression, SmoothL1Loss, Adam).

The samples are overlapping sliding windows of one series, built by a custom Dataset, and the series is
split chronologically: training windows from the first 80%, validation windows from the rest. The
validation stretch sits higher (the trend), so its windows differ from the training ones on average; with
overlapping windows that is how a forecaster must be validated, not a split by position of independent
samples (a random split would put near-copies of every validation window in training).
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

np.random.seed(10)
torch.manual_seed(10)

n = 2400
t = np.arange(n)
noise = np.zeros(n)
for i in range(1, n):
    noise[i] = 0.7 * noise[i - 1] + 0.2 * np.random.randn()
series = 2 * np.sin(2 * np.pi * t / 24) + 0.001 * t + noise
split = int(0.8 * n)
z = ((series - series[:split].mean()) / series[:split].std()).astype(np.float32)  # training statistics
WIN, HORIZON = 32, 4


class Windows(Dataset):
    def __init__(self, arr):
        self.arr = torch.from_numpy(arr)

    def __len__(self):
        return len(self.arr) - WIN - HORIZON + 1

    def __getitem__(self, i):
        return self.arr[i:i + WIN].unsqueeze(-1), self.arr[i + WIN:i + WIN + HORIZON]


train_dl = DataLoader(Windows(z[:split]), batch_size=64, shuffle=True)
val_dl = DataLoader(Windows(z[split - WIN:]), batch_size=256)


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.head = nn.Linear(32, HORIZON)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


model = Forecaster()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
loss_fn = nn.SmoothL1Loss()
for epoch in range(4):
    model.train()
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        val_mse = np.mean([((model(xb) - yb) ** 2).mean().item() for xb, yb in val_dl])
    print(f"epoch {epoch + 1}: train loss {loss.item():.4f} val mse {val_mse:.4f}")

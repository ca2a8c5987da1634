"""LSTM regression: predict the next value of noisy sine waves.

Synthetic data: sine waves with random frequency, phase and amplitude. Each
sample is a window of 24 values, the target is the following value, shaped
(N, 1) exactly like the model output, so nn.MSELoss compares element-wise.
"""
# expect: none
import math

import torch
import torch.nn as nn

torch.manual_seed(0)

SEQ_LEN = 24


def make_waves(n):
    t = torch.arange(SEQ_LEN + 1, dtype=torch.float32)
    freq = torch.empty(n, 1).uniform_(0.15, 0.45)
    phase = torch.empty(n, 1).uniform_(0, 2 * math.pi)
    amp = torch.empty(n, 1).uniform_(0.8, 1.4)
    wave = amp * torch.sin(freq * t + phase) + 0.03 * torch.randn(n, SEQ_LEN + 1)
    x = wave[:, :SEQ_LEN].unsqueeze(-1)   # (n, SEQ_LEN, 1)
    y = wave[:, SEQ_LEN:]                 # (n, 1)
    return x, y


x_train, y_train = make_waves(2000)
x_val, y_val = make_waves(400)
# the waves are already zero-centred; scale by the training std
scale = x_train.std()
x_train, y_train = x_train / scale, y_train / scale
x_val, y_val = x_val / scale, y_val / scale


class NextValueLSTM(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        seq, _ = self.lstm(x)
        return self.out(seq[:, -1])       # (batch, 1)


model = NextValueLSTM()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
batch_size = 64
epochs = 12

for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(x_train))
    total = 0.0
    for i in range(0, len(x_train), batch_size):
        idx = perm[i:i + batch_size]
        pred = model(x_train[idx])
        loss = criterion(pred, y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    train_mse = total / len(x_train)

    model.eval()
    with torch.no_grad():
        val_mse = criterion(model(x_val), y_val).item()
    print(f"epoch {epoch + 1:2d}  train mse {train_mse:.5f}  val mse {val_mse:.5f}")

# baseline: repeat the last observed value
with torch.no_grad():
    naive_mse = criterion(x_val[:, -1], y_val).item()
print(f"final train mse {train_mse:.5f}  val mse {val_mse:.5f}  (repeat-last baseline {naive_mse:.5f}, "
      f"target variance {y_val.var().item():.3f})")

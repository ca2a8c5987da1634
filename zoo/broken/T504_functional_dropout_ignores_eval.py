"""the 1-D CNN applies F.dropout(x, p=0.5) in forward() without training=self.training; functional
dropout defaults to training=True, so model.eval() does not turn it off and every
validation/test prediction is made with half the units dropped.
"""
# expect: T504
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(21)
N_CLASSES, LENGTH = 4, 128


def synth_waveforms(n):
    """Four classes of noisy waveforms: sine, square, sawtooth, chirp, random frequency and phase."""
    t = torch.linspace(0, 1, LENGTH)
    y = torch.randint(0, N_CLASSES, (n,))
    f = 3 + 5 * torch.rand(n, 1)
    ph = 2 * math.pi * torch.rand(n, 1)
    arg = 2 * math.pi * f * t + ph
    sine = torch.sin(arg)
    square = torch.sign(torch.sin(arg))
    saw = 2 * ((arg / (2 * math.pi)) % 1.0) - 1
    chirp = torch.sin(2 * math.pi * f * t * (1 + 2 * t) + ph)
    waves = torch.stack([sine, square, saw, chirp], 1)[torch.arange(n), y]
    x = waves + 0.8 * torch.randn(n, LENGTH)
    return x.unsqueeze(1), y


class WaveCNN(nn.Module):
    def __init__(self, p_drop=0.5):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 16, kernel_size=7, padding=3)
        self.conv2 = nn.Conv1d(16, 32, kernel_size=5, padding=2)
        self.conv3 = nn.Conv1d(32, 32, kernel_size=5, padding=2)
        self.fc1 = nn.Linear(32, 32)
        self.fc2 = nn.Linear(32, N_CLASSES)
        self.p_drop = p_drop

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.conv1(x)), 2)
        x = F.max_pool1d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        x = x.mean(-1)                       # global average pool
        x = F.dropout(x, p=self.p_drop)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, p=self.p_drop)
        return self.fc2(x)


def evaluate(model, loader):
    model.eval()
    correct = n = 0
    loss = 0.0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            loss += F.cross_entropy(out, yb, reduction="sum").item()
            correct += (out.argmax(1) == yb).sum().item()
            n += len(yb)
    return loss / n, correct / n


def main():
    x_tr, y_tr = synth_waveforms(2000)
    x_va, y_va = synth_waveforms(600)
    train_loader = DataLoader(TensorDataset(x_tr, y_tr), batch_size=64, shuffle=True)
    val_loader = DataLoader(TensorDataset(x_va, y_va), batch_size=200)
    model = WaveCNN()
    epochs = 15
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
        sched.step()
        vl, va = evaluate(model, val_loader)
        print(f"epoch {epoch+1:2d} lr {sched.get_last_lr()[0]:.5f} val loss {vl:.4f} val acc {va:.3f}")


if __name__ == "__main__":
    main()

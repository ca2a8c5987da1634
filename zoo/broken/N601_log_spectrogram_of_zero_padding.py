"""Audio clips of different lengths are zero-padded to a fixed length and the
model's front end takes torch.log of the frame power spectrum with no epsilon:
silent (padded) frames have power exactly 0, log(0) = -inf, and the loss is
NaN from the first batch.
"""
# expect: N601 N602
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
SAMPLE_RATE, CLIP_LEN, FRAME = 2000, 512, 64
FREQS = (110.0, 220.0, 330.0, 440.0)  # one tone per class


class ToneClips(Dataset):
    """Noisy tones of random duration, zero-padded to CLIP_LEN samples."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, len(FREQS), (n,), generator=g)
        lengths = torch.randint(CLIP_LEN // 2, CLIP_LEN + 1, (n,), generator=g)
        t = torch.arange(CLIP_LEN) / SAMPLE_RATE
        phase = torch.rand(n, 1, generator=g) * 2 * math.pi
        freq = torch.tensor(FREQS)[self.labels].unsqueeze(1)
        clips = torch.sin(2 * math.pi * freq * t + phase) + 0.3 * torch.randn(n, CLIP_LEN, generator=g)
        pad_mask = torch.arange(CLIP_LEN) < lengths.unsqueeze(1)
        self.clips = clips * pad_mask                     # zero padding after the clip ends

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.clips[i], self.labels[i]


class LogSpectrogram(nn.Module):
    def forward(self, wave):
        frames = wave.unfold(-1, FRAME, FRAME)             # (N, n_frames, FRAME)
        power = torch.fft.rfft(frames).abs() ** 2
        return torch.log(power)                           # log-power spectrogram


class AudioClassifier(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        n_frames, n_bins = CLIP_LEN // FRAME, FRAME // 2 + 1
        self.frontend = LogSpectrogram()
        self.norm = nn.LayerNorm(n_bins)
        self.mlp = nn.Sequential(
            nn.Flatten(),
            nn.Linear(n_frames * n_bins, 64), nn.ReLU(),
            nn.Linear(64, n_classes),
        )

    def forward(self, wave):
        return self.mlp(self.norm(self.frontend(wave)))


train_loader = DataLoader(ToneClips(1200, seed=1), batch_size=32, shuffle=True)
val_loader = DataLoader(ToneClips(300, seed=2), batch_size=100)

model = AudioClassifier(len(FREQS))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(8):
    model.train()
    total = 0.0
    for wave, label in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(wave), label)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(label)
    model.eval()
    correct = 0
    with torch.no_grad():
        for wave, label in val_loader:
            correct += (model(wave).argmax(1) == label).sum().item()
    print(f"epoch {epoch + 1}  train loss {total / 1200:.4f}  val acc {correct / 300:.3f}")

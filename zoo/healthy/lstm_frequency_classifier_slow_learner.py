"""LSTM sequence classifier (which of 4 frequencies), batch_first, DataLoader of a TensorDataset,
Adam, validation accuracy near 1.0. A slow learner: in the first epoch its batch accuracy is at
chance, so the pre-flight's 32 captured samples alone cannot tell its labels from shuffled ones;
the run itself shows they are learned (guards D104 against a false alarm).
"""
# expect: none
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)


def make_sequences(n, T=30, n_classes=4):
    y = np.random.randint(0, n_classes, size=n)
    t = np.arange(T)[None, :]
    freq = (y[:, None] + 1) * 0.15
    phase = np.random.uniform(0, 2 * math.pi, size=(n, 1))
    x = np.sin(freq * t + phase) + 0.3 * np.random.randn(n, T)
    return torch.tensor(x[..., None], dtype=torch.float32), torch.tensor(y)


class SeqClassifier(nn.Module):
    def __init__(self, hidden=32, n_classes=4):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        logits = self.fc(h[-1])
        return logits


X_tr, y_tr = make_sequences(1200)
X_va, y_va = make_sequences(300)
loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=32, shuffle=True)

model = SeqClassifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(8):
    model.train()
    tot = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        probs = model(xb)
        loss = criterion(probs, yb)
        loss.backward()
        optimizer.step()
        tot += loss.item()
    model.eval()
    with torch.no_grad():
        acc = (model(X_va).argmax(-1) == y_va).float().mean().item()
    print(f"epoch {epoch} loss {tot / len(loader):.4f} val acc {acc:.3f}")

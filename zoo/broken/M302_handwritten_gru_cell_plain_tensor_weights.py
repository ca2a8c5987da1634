"""Bug: a hand-written GRU cell creates its weight matrices as plain tensors
(`(torch.randn(...) * scale).requires_grad_()`) instead of nn.Parameter.
They are not registered, model.parameters() only holds the biases and the
head, so the recurrent weights receive .grad but the optimizer never updates
them: they stay at their random init for the whole run.
Resembles: forum and Q&A threads on custom layer weights that never update,
or an empty model.parameters() (weights created with
torch.randn(requires_grad=True) in __init__).
Style: sequence memory task (label = sign of the early signal), custom
Dataset + DataLoader, epoch loop with validation accuracy, Adam.
"""
# expect: M302
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
np.random.seed(0)

SEQ_LEN, N_FEAT, HIDDEN = 20, 3, 32


def make_data(n, rng):
    x = rng.normal(0, 1, size=(n, SEQ_LEN, N_FEAT)).astype(np.float32)
    # label: whether the first channel summed over the first 3 steps is positive
    y = (x[:, :3, 0].sum(1) > 0).astype(np.int64)
    return x, y


class SeqSet(Dataset):
    def __init__(self, x, y):
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class MyGRUCell(nn.Module):
    def __init__(self, n_in, n_hid):
        super().__init__()
        s = 1.0 / math.sqrt(n_hid)
        self.W_x = (torch.randn(n_in, 3 * n_hid) * s).requires_grad_()
        self.W_h = (torch.randn(n_hid, 3 * n_hid) * s).requires_grad_()
        self.b = nn.Parameter(torch.zeros(3 * n_hid))
        self.n_hid = n_hid

    def forward(self, x, h):
        gx = x @ self.W_x + self.b
        gh = h @ self.W_h
        xr, xz, xn = gx.chunk(3, -1)
        hr, hz, hn = gh.chunk(3, -1)
        r = torch.sigmoid(xr + hr)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        return (1 - z) * n + z * h


class SeqClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = MyGRUCell(N_FEAT, HIDDEN)
        self.head = nn.Linear(HIDDEN, 2)

    def forward(self, x):
        h = x.new_zeros(x.size(0), HIDDEN)
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)
        return self.head(h)


rng = np.random.default_rng(0)
xtr, ytr = make_data(1200, rng)
xva, yva = make_data(400, rng)
train_dl = DataLoader(SeqSet(xtr, ytr), batch_size=64, shuffle=True)
val_dl = DataLoader(SeqSet(xva, yva), batch_size=256)

model = SeqClassifier()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
crit = nn.CrossEntropyLoss()

for epoch in range(6):
    model.train()
    tot, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(yb)
        n += len(yb)
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_dl:
            correct += (model(xb).argmax(1) == yb).sum().item()
    print(f"epoch {epoch+1:2d}  train loss {tot/n:.4f}  val acc {correct/len(yva):.3f}")

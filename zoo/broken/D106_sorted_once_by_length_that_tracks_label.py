"""Outside script (ninth session). To minimise padding the author sorts all messages by length once and
batches them in that order with no shuffling; message length correlates with the label, so batches
come in long single-class runs.

SMS spam-style classifier over synthetic token messages: GRU over padded batches,
'length bucketing' done by a global sort. Validation each epoch."""
# expect: D106
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
rng = np.random.default_rng(8)
VOCAB, PAD = 120, 0
SPAMMY = np.arange(1, 21)        # "free", "win", "prize", ...
HAMMY = np.arange(21, 41)        # "lol", "home", "tonight", ...


def messages(n):
    out, labels = [], []
    for _ in range(n):
        spam = rng.random() < 0.5
        L = int(np.clip(rng.normal(22 if spam else 9, 4), 3, 40))
        toks = rng.integers(41, VOCAB, size=L)
        k = max(1, L // 6)
        pos = rng.choice(L, size=k, replace=False)
        # a few cue words; a quarter of cues are "misleading" to keep it non-trivial
        cue_pool = np.where(rng.random(k) < 0.75, 1, 0) == (1 if spam else 0)
        toks[pos] = np.where(cue_pool, rng.choice(SPAMMY, k), rng.choice(HAMMY, k))
        out.append(toks)
        labels.append(int(spam))
    return out, np.array(labels)


def pad(batch):
    L = max(len(s) for s in batch)
    x = np.full((len(batch), L), PAD)
    for i, s in enumerate(batch):
        x[i, :len(s)] = s
    return torch.from_numpy(x)


class SpamGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32, padding_idx=PAD)
        self.gru = nn.GRU(32, 48, batch_first=True)
        self.fc = nn.Linear(48, 2)

    def forward(self, x):
        lengths = (x != PAD).sum(1)
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.fc(h[-1])


tr_msgs, tr_y = messages(3000)
va_msgs, va_y = messages(800)

# length bucketing: sort once so each batch has similar lengths
order = np.argsort([len(m) for m in tr_msgs], kind="stable")
tr_msgs = [tr_msgs[i] for i in order]
tr_y = tr_y[order]
BS = 32
train_batches = [(pad(tr_msgs[i:i + BS]), torch.from_numpy(tr_y[i:i + BS])) for i in range(0, len(tr_msgs), BS)]
Xva, Yva = pad(va_msgs), torch.from_numpy(va_y)

model = SpamGRU()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)


def acc_on(batches):
    model.eval()
    with torch.no_grad():
        c = sum((model(x).argmax(1) == y).sum().item() for x, y in batches)
    model.train()
    return c / sum(len(y) for _, y in batches)


for epoch in range(8):
    tot = 0.0
    for xb, yb in train_batches:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item()
    print(f"epoch {epoch} loss {tot/len(train_batches):.4f} val_acc {acc_on([(Xva, Yva)]):.3f}")
print("FINAL train_acc %.3f val_acc %.3f" % (acc_on(train_batches), acc_on([(Xva, Yva)])))

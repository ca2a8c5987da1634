"""Bug: the optimizer was switched from SGD to Adam but the learning rate
stayed at the SGD value, lr=0.1. For Adam (per-parameter normalized steps of
size ~lr) that is ~100x too large for a transformer-style block: the
embedding and attention weights jump by 0.1 per step, the loss bounces near the
chance level (ln 4 = 1.39: 1.22-1.34 per epoch) and validation accuracy stays low
and erratic (0.35-0.48 over 8 epochs; 0.79 with lr=1e-3). The loss never rises
above its start: the mark is the size of the first updates, confirmed by an LR
range test on a copy.
Resembles: forum threads on a transformer whose loss is stuck with Adam at lr=0.1
(a rate carried over from an SGD config).
Style: token sequences (synthetic keyword-count task), nn.Embedding +
learned positions + one pre-LN self-attention block + mean pooling,
functional train/eval helpers, list-of-dicts dataset, gradient clipping.
"""
# expect: G401
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
rng = np.random.default_rng(5)

VOCAB, LEN, N_CLS = 40, 24, 4
KEYWORDS = [1, 2, 3, 4]


def make_split(n):
    data = []
    for _ in range(n):
        toks = rng.integers(5, VOCAB, size=LEN)
        counts = rng.multinomial(rng.integers(3, 9), [0.25] * 4)
        pos = rng.permutation(LEN)[: counts.sum()]
        toks[pos] = np.repeat(KEYWORDS, counts)
        label = int(np.argmax(counts + rng.uniform(0, 0.1, 4)))
        data.append({"tokens": torch.tensor(toks), "label": label})
    return data


class AttnBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.ff(self.ln2(x))


class KeywordCounter(nn.Module):
    def __init__(self, d=32, heads=4):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Parameter(torch.zeros(1, LEN, d))
        self.block = AttnBlock(d, heads)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, N_CLS)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos
        x = self.norm(self.block(x))
        return self.head(x.mean(1))


def batches(data, bs, shuffle):
    order = rng.permutation(len(data)) if shuffle else np.arange(len(data))
    for i in range(0, len(data), bs):
        chunk = [data[j] for j in order[i:i + bs]]
        yield torch.stack([c["tokens"] for c in chunk]), torch.tensor([c["label"] for c in chunk])


def run_epoch(model, data, opt):
    model.train()
    tot = 0.0
    for toks, lab in batches(data, 64, True):
        loss = F.cross_entropy(model(toks), lab)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        tot += loss.item() * len(lab)
    return tot / len(data)


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    correct, tot = 0, 0.0
    for toks, lab in batches(data, 256, False):
        out = model(toks)
        tot += F.cross_entropy(out, lab, reduction="sum").item()
        correct += (out.argmax(1) == lab).sum().item()
    return tot / len(data), correct / len(data)


train_data, val_data = make_split(3000), make_split(600)
model = KeywordCounter()
opt = torch.optim.Adam(model.parameters(), lr=0.1)
for epoch in range(8):
    tl = run_epoch(model, train_data, opt)
    vl, va = evaluate(model, val_data)
    print(f"epoch {epoch+1:2d}: train loss {tl:.3f} | val loss {vl:.3f} | val acc {va:.3f}")

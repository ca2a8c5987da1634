"""Next-token language model (GRU, tied embedding/decoder weights) on sequences from a sparse Markov chain
over 40 tokens (token 0 is always followed by token 1).

The logits and targets are flattened for the loss, ``F.cross_entropy(logits.reshape(-1, V),
seq[:, 1:].reshape(-1))``: 1-D class targets with 32 per sequence. Their token frequencies are skewed
(~40:1 between the most and least frequent token), as words are in text; that is the data, not a class
imbalance to correct with class weights.
"""
# expect: none
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(12)
torch.manual_seed(12)

V, T = 40, 32
P = np.zeros((V, V))
for a in range(V):
    P[a, rng.choice(V, size=4, replace=False)] = rng.dirichlet(np.ones(4) * 0.7)
P[0] = 0
P[0, 1] = 1.0


def sample(n):
    out = np.zeros((n, T + 1), dtype=np.int64)
    out[:, 0] = rng.integers(0, V, size=n)
    cum = P.cumsum(1)
    for t in range(1, T + 1):
        u = rng.random(n)[:, None]
        out[:, t] = (u > cum[out[:, t - 1]]).sum(1).clip(max=V - 1)
    return torch.from_numpy(out)


train, val = sample(1280), sample(256)


class TiedLM(nn.Module):
    def __init__(self, dim=48):
        super().__init__()
        self.embedding = nn.Embedding(V, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.decoder = nn.Linear(dim, V)
        self.decoder.weight = self.embedding.weight  # weight tying (Press & Wolf 2017)

    def forward(self, tokens):
        h, _ = self.rnn(self.embedding(tokens))
        return self.decoder(h)


lm = TiedLM()
opt = torch.optim.Adam(lm.parameters(), lr=3e-3)
for epoch in range(4):
    lm.train()
    order = torch.randperm(len(train))
    for i in range(0, len(train), 64):
        seq = train[order[i:i + 64]]
        logits = lm(seq[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), seq[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(lm.parameters(), 1.0)
        opt.step()
    lm.eval()
    with torch.no_grad():
        vl = F.cross_entropy(lm(val[:, :-1]).reshape(-1, V), val[:, 1:].reshape(-1)).item()
    print(f"epoch {epoch + 1}: train {loss.item():.3f} val {vl:.3f} (ppl {math.exp(vl):.2f}, uniform {V})")

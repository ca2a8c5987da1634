"""Fault: a character-level GRU trained with a hand-written SGD update
(`p -= lr * p.grad` under no_grad, no optimizer object) at a learning rate
copied from a recipe that clips gradients, with the clipping left out. The
recurrent gradients burst by orders of magnitude within a few steps and the
loss jumps far above where it started before it slowly comes back.
Source pattern: char-rnn ports (min-char-rnn, pytorch/examples
word_language_model at lr 20 with --clip) and PyTorch forums threads "RNN loss
explodes after a few iterations without clip_grad_norm_"; Pascanu et al. 2013.
Style: a tiny corpus of repeating word patterns, one long index tensor cut into
(seq, batch) chunks, hidden state carried and detached, a train_chunk() helper.
"""
# expect: G403
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)
words = ["the", "cat", "dog", "sat", "ran", "on", "a", "mat", "log", "and", "then", "slept"]
text = " ".join(words[(i * 5 + i // 12) % len(words)] for i in range(6000))
chars = sorted(set(text))
ids = torch.tensor([chars.index(c) for c in text])
BATCH, SEQ = 16, 40
cols = ids[: len(ids) // BATCH * BATCH].view(BATCH, -1).t().contiguous()  # (time, batch)


class CharGRU(nn.Module):
    def __init__(self, vocab, hidden=96):
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.gru = nn.GRU(32, hidden, num_layers=2)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, h=None):
        y, h = self.gru(self.embed(x), h)
        return self.out(y), h


def train_chunk(model, x, t, h, lr):
    logits, h = model(x, h)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t.reshape(-1))
    model.zero_grad()
    loss.backward()
    # recipe: torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)  <- dropped
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    return loss.item(), h.detach()


model = CharGRU(len(chars))
h = None
for epoch in range(2):
    for i in range(0, cols.shape[0] - 1 - SEQ, SEQ):
        loss, h = train_chunk(model, cols[i:i + SEQ], cols[i + 1:i + 1 + SEQ], h, lr=20.0)
    print(f"epoch {epoch}: loss {loss:.3f}")

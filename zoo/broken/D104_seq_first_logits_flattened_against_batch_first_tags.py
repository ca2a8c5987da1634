"""Toy part-of-speech tagger, written as a Trainer class with callbacks. The GRU runs sequence-first,
so the logits are (T, N, C), but the tags are batch-first (N, T); both are flattened with
reshape(-1), so each position is scored against another sentence's tag and the loss never falls
below the tag frequencies. (An outside script, ninth session.)
"""
# expect: D104
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(1)
rng = np.random.default_rng(1)
VOCAB, NTAGS, T = 80, 6, 20
# each word has a fixed tag, except a few ambiguous words whose tag depends on the previous word
word_tag = rng.integers(0, NTAGS, size=VOCAB)
AMBIG = np.arange(70, 80)


def make_corpus(n):
    x = rng.integers(0, VOCAB, size=(n, T))
    y = word_tag[x].copy()
    prev = np.concatenate([np.zeros((n, 1), dtype=x.dtype), x[:, :-1]], 1)
    amb = np.isin(x, AMBIG)
    y[amb] = (prev[amb] % 2) * 2 + 1        # tag 1 or 3 depending on previous word parity
    return torch.from_numpy(x), torch.from_numpy(y)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 32)
        self.gru = nn.GRU(32, 64)            # seq-first (T, N, E)
        self.out = nn.Linear(64, NTAGS)

    def forward(self, x):                     # x: (N, T)
        h, _ = self.gru(self.emb(x.t()))      # (T, N, H)
        return self.out(h)                    # (T, N, C)


class PrintCallback:
    def on_epoch_end(self, trainer, epoch, logs):
        print(f"epoch {epoch}: " + " ".join(f"{k}={v:.4f}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, lr=2e-3, batch_size=32, callbacks=()):
        self.model = model
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.crit = nn.CrossEntropyLoss()
        self.bs = batch_size
        self.callbacks = list(callbacks)

    def batches(self, X, Y, shuffle=True):
        idx = torch.randperm(len(X)) if shuffle else torch.arange(len(X))
        for i in range(0, len(X) - self.bs + 1, self.bs):
            j = idx[i:i + self.bs]
            yield X[j], Y[j]

    def train_step(self, xb, yb):
        self.opt.zero_grad()
        logits = self.model(xb)
        loss = self.crit(logits.reshape(-1, NTAGS), yb.reshape(-1))
        loss.backward()
        self.opt.step()
        return loss.item()

    @torch.no_grad()
    def accuracy(self, X, Y):
        self.model.eval()
        pred = self.model(X).argmax(-1).t()   # back to (N, T) for the metric
        self.model.train()
        return (pred == Y).float().mean().item()

    def fit(self, Xtr, Ytr, Xva, Yva, epochs):
        for ep in range(epochs):
            losses = [self.train_step(xb, yb) for xb, yb in self.batches(Xtr, Ytr)]
            logs = {"loss": float(np.mean(losses)), "val_acc": self.accuracy(Xva, Yva)}
            for cb in self.callbacks:
                cb.on_epoch_end(self, ep, logs)


Xtr, Ytr = make_corpus(2400)
Xva, Yva = make_corpus(600)
trainer = Trainer(Tagger(), callbacks=[PrintCallback()])
trainer.fit(Xtr, Ytr, Xva, Yva, epochs=3)
print("FINAL train_acc %.3f val_acc %.3f" % (trainer.accuracy(Xtr, Ytr), trainer.accuracy(Xva, Yva)))

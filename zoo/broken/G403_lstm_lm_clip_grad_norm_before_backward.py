"""Character-level LSTM language model on a synthetic arithmetic-expression corpus, trained with the
recipe of PyTorch's word_language_model example: plain SGD with lr=20 and gradient-norm clipping
at 0.25, truncated BPTT with detached hidden state.

Fault: the `clip_grad_norm_` call sits between `zero_grad()` and `loss.backward()`, so it clips
gradients that were just zeroed and the real gradients reach `optimizer.step()` unclipped. With
lr=20 this recipe depends on the clip: gradient norms spike to tens-hundreds and the loss blows
up to hundreds of nats/char within the first epoch instead of falling towards ~1.6 nat/char as it
does with the clip after backward().
Public pattern: forum/StackOverflow reports "clip_grad_norm_ has no effect, loss still explodes"
where the clip was placed before backward() (clipping must come after backward() and before
step(), elsewhere it is a silent no-op).
Style: argparse config, batchify into (T, B) columns, repackaged hidden state, per-epoch validation.
"""
# expect: G403
import argparse
import math
import random

import numpy as np
import torch
import torch.nn as nn

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)


def make_corpus(n_expr, rng):
    out = []
    for _ in range(n_expr):
        a, b = rng.randint(0, 99), rng.randint(0, 99)
        op = rng.choice("+-")
        c = a + b if op == "+" else a - b
        out.append(f"{a}{op}{b}={c};")
    return "".join(out)


class CharLSTM(nn.Module):
    def __init__(self, vocab, emb=32, hidden=128, layers=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, h):
        y, h = self.rnn(self.emb(x), h)
        return self.out(y), h


def batchify(ids, bsz):
    n = ids.size(0) // bsz
    return ids[: n * bsz].view(bsz, n).t().contiguous()  # (T, B)


def repackage(h):
    return tuple(t.detach() for t in h)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--bsz", type=int, default=20)
    args = p.parse_args()

    rng = random.Random(0)
    train_txt, val_txt = make_corpus(1500, rng), make_corpus(300, rng)
    chars = sorted(set(train_txt + val_txt))
    stoi = {c: i for i, c in enumerate(chars)}
    enc = lambda s: torch.tensor([stoi[c] for c in s], dtype=torch.long)
    train, val = batchify(enc(train_txt), args.bsz), batchify(enc(val_txt), 10)

    model = CharLSTM(len(chars))
    crit = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        h = None
        tot, nb = 0.0, 0
        for i in range(0, train.size(0) - 1, args.bptt):
            seq = min(args.bptt, train.size(0) - 1 - i)
            x, y = train[i:i + seq], train[i + 1:i + 1 + seq]
            if h is not None:
                h = repackage(h)
            optimizer.zero_grad()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            logits, h = model(x, h)
            loss = crit(logits.view(-1, logits.size(-1)), y.reshape(-1))
            loss.backward()
            optimizer.step()
            tot += loss.item()
            nb += 1
            if nb % 10 == 0:
                print(f"  epoch {epoch} batch {nb} loss {tot / nb:.3f}")
        model.eval()
        with torch.no_grad():
            vl, vn, h = 0.0, 0, None
            for i in range(0, val.size(0) - 1, args.bptt):
                seq = min(args.bptt, val.size(0) - 1 - i)
                logits, h = model(val[i:i + seq], h)
                vl += crit(logits.view(-1, logits.size(-1)), val[i + 1:i + 1 + seq].reshape(-1)).item() * seq
                vn += seq
        vloss = vl / vn
        print(f"epoch {epoch} train_loss {tot / nb:.3f} val_loss {vloss:.3f} val_ppl {math.exp(min(vloss, 50)):.2f}")


if __name__ == "__main__":
    main()

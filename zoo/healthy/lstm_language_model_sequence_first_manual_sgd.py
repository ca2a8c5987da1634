"""Word-level LSTM language model in the style of pytorch/examples word_language_model: inputs
(time, batch) for a sequence-first nn.LSTM, targets flattened to one per position, SGD applied by
hand (p.data.add_) with gradient clipping. Guards the batch dimension of sequence-first inputs
(M304 false alarm) and a slow-learning copy stopped by the pre-flight's time budget (M308).
"""
# expect: none
import argparse
import numpy as np
import torch
import torch.nn as nn


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp=64, nhid=128, nlayers=2):
        super().__init__()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers)
        self.decoder = nn.Linear(nhid, ntoken)
        self.ntoken = ntoken

    def forward(self, inp, hidden=None):
        out, hidden = self.rnn(self.encoder(inp), hidden)
        return self.decoder(out), hidden


def make_corpus(vocab, length, rng):
    trans = rng.dirichlet(np.full(vocab, 0.1), size=vocab)
    seq = [0]
    for _ in range(length):
        seq.append(rng.choice(vocab, p=trans[seq[-1]]))
    return torch.tensor(seq)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data[:nbatch * bsz].view(bsz, -1).t().contiguous()


def repackage_hidden(h):
    return tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=20)
    p.add_argument("--bptt", type=int, default=35)
    p.add_argument("--batch_size", type=int, default=20)
    args = p.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab = 30
    train_data = batchify(make_corpus(vocab, 60000, rng), args.batch_size)
    model = RNNModel(vocab)
    criterion = nn.CrossEntropyLoss()
    hidden = None
    model.train()
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        seq_len = min(args.bptt, len(train_data) - 1 - i)
        data, targets = train_data[i:i + seq_len], train_data[i + 1:i + 1 + seq_len].reshape(-1)
        if hidden is not None:
            hidden = repackage_hidden(hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output.view(-1, vocab), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        for prm in model.parameters():
            prm.data.add_(prm.grad, alpha=-args.lr)
        if batch % 10 == 0:
            print(f"batch {batch} loss {loss.item():.3f} ppl {np.exp(min(loss.item(), 20)):.1f}")


if __name__ == "__main__":
    main()

"""Semi-supervised node classification with a hand-written 3-layer GCN (Kipf & Welling style
propagation A_hat @ H @ W, adjacency as a dense normalized matrix) on a synthetic citation-like
graph: 600 papers in 5 topics, stochastic-block-model edges, bag-of-words-like noisy features,
labels known for only 20% of the nodes.

The bug: the layers are kept in an nn.ModuleList and the forward pass is one tidy loop that
applies `F.relu` after EVERY graph convolution, the output layer included. The class scores
fed to CrossEntropyLoss are therefore clamped at >= 0: a node whose five scores are all
negative before the ReLU gets all-zero logits, a uniform softmax and no gradient at all, and
wrong classes can never be pushed below zero. Training stalls with a chunk of the nodes stuck
at the uniform prediction.

Resembles: DSE-MSU/DeepRobust issue #43 "the forward of GCN is incorrect if with_relu=True"
(the output of the last GCN layer goes through ReLU and then softmax), and the pyg-team
discussion #1460 ("the last layer typically does not contain an activation function").
"""
# expect: L209
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_graph(n_nodes=600, n_topics=5, n_feats=64, p_in=0.04, p_out=0.004, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_topics, size=n_nodes)
    same = y[:, None] == y[None, :]
    probs = np.where(same, p_in, p_out)
    upper = np.triu(rng.random((n_nodes, n_nodes)) < probs, k=1)
    adj = (upper | upper.T).astype(np.float32)
    # word-count-like features: each topic prefers a handful of words, lots of noise
    topic_words = rng.random((n_topics, n_feats)) < 0.15
    rates = 0.3 + 1.2 * topic_words[y]
    counts = rng.poisson(rates).astype(np.float32)
    feats = np.log1p(counts)
    feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-6)
    return adj, feats.astype(np.float32), y


def normalize_adjacency(adj):
    a = adj + np.eye(adj.shape[0], dtype=np.float32)
    d = a.sum(1)
    d_inv_sqrt = 1.0 / np.sqrt(d)
    return (a * d_inv_sqrt[:, None]) * d_inv_sqrt[None, :]


class GCN(nn.Module):
    def __init__(self, dims, dropout=0.3):
        super().__init__()
        self.convs = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.dropout = dropout

    def forward(self, a_hat, x):
        h = x
        for conv in self.convs:
            h = F.dropout(h, self.dropout, self.training)
            h = F.relu(a_hat @ conv(h))
        return h


def accuracy(logits, y, mask):
    return (logits[mask].argmax(1) == y[mask]).float().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--wd", type=float, default=5e-4)
    args = ap.parse_args()

    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(1)

    adj, feats, y = make_graph()
    a_hat = torch.from_numpy(normalize_adjacency(adj))
    x = torch.from_numpy(feats)
    y = torch.from_numpy(y).long()
    n = len(y)
    perm = torch.randperm(n)
    train_mask = torch.zeros(n, dtype=torch.bool)
    val_mask = torch.zeros(n, dtype=torch.bool)
    test_mask = torch.zeros(n, dtype=torch.bool)
    train_mask[perm[: int(0.2 * n)]] = True
    val_mask[perm[int(0.2 * n): int(0.4 * n)]] = True
    test_mask[perm[int(0.4 * n):]] = True
    print(f"nodes {n}, edges {int(adj.sum() // 2)}, train {int(train_mask.sum())}, "
          f"val {int(val_mask.sum())}, test {int(test_mask.sum())}")

    model = GCN([x.shape[1], args.hidden, args.hidden, 5])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.wd)

    best_val, best_state = 0.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        opt.zero_grad()
        logits = model(a_hat, x)
        loss = F.cross_entropy(logits[train_mask], y[train_mask])
        loss.backward()
        opt.step()

        model.eval()
        with torch.no_grad():
            logits = model(a_hat, x)
            val_loss = F.cross_entropy(logits[val_mask], y[val_mask]).item()
            tr_acc = accuracy(logits, y, train_mask)
            va_acc = accuracy(logits, y, val_mask)
        if va_acc > best_val:
            best_val = va_acc
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if epoch % 10 == 0 or epoch == 1:
            print(f"epoch {epoch:3d} loss {loss.item():.4f} val_loss {val_loss:.4f} "
                  f"train_acc {tr_acc:.3f} val_acc {va_acc:.3f}")

    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        test_acc = accuracy(model(a_hat, x), y, test_mask)
    print(f"best val_acc {best_val:.3f}  test_acc {test_acc:.3f}")


if __name__ == "__main__":
    main()

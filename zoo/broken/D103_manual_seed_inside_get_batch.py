"""get_batch() calls torch.manual_seed(cfg.seed) "for reproducibility" every time it is called, so
torch.randint draws the same 32 indices at every step; the model only ever sees one batch of the
6000 training sequences.
"""
# expect: D103
from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab: int = 50
    seq_len: int = 30
    emb: int = 32
    n_train: int = 6000
    n_val: int = 1000
    batch_size: int = 32
    steps: int = 1500
    lr: float = 3e-3
    seed: int = 1234
    eval_every: int = 300


def make_corpus(n, cfg, gen):
    """Token sequences; label 1 if any 'positive' token (5..9) outnumbers 'negative' tokens (10..14)."""
    tokens = torch.randint(1, cfg.vocab, (n, cfg.seq_len), generator=gen)
    lengths = torch.randint(cfg.seq_len // 2, cfg.seq_len + 1, (n,), generator=gen)
    mask = torch.arange(cfg.seq_len)[None, :] < lengths[:, None]
    tokens = tokens * mask  # 0 = padding
    pos = ((tokens >= 5) & (tokens < 10)).sum(1)
    neg = ((tokens >= 10) & (tokens < 15)).sum(1)
    labels = (pos > neg).long()
    return {"tokens": tokens, "mask": mask, "labels": labels}


def get_batch(data, cfg):
    torch.manual_seed(cfg.seed)
    ix = torch.randint(len(data["labels"]), (cfg.batch_size,))
    return {k: v[ix] for k, v in data.items()}


class BagOfEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.emb = nn.Embedding(cfg.vocab, cfg.emb, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(cfg.emb, 64), nn.ReLU(), nn.Linear(64, 2))

    def forward(self, batch):
        e = self.emb(batch["tokens"])                        # (B, T, E)
        m = batch["mask"].unsqueeze(-1).float()
        pooled = (e * m).sum(1) / m.sum(1).clamp(min=1.0)    # mean over real tokens
        return self.mlp(pooled * 4.0)


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    logits = model(data)
    loss = F.cross_entropy(logits, data["labels"]).item()
    acc = (logits.argmax(1) == data["labels"]).float().mean().item()
    model.train()
    return loss, acc


def main(cfg=Config()):
    gen = torch.Generator().manual_seed(0)
    train, val = make_corpus(cfg.n_train, cfg, gen), make_corpus(cfg.n_val, cfg, gen)
    model = BagOfEmbeddings(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    model.train()
    for step in range(1, cfg.steps + 1):
        batch = get_batch(train, cfg)
        loss = F.cross_entropy(model(batch), batch["labels"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % cfg.eval_every == 0:
            vl, va = evaluate(model, val)
            print(f"step {step:5d} train loss {loss.item():.4f} val loss {vl:.4f} val acc {va:.3f}")


if __name__ == "__main__":
    main()

"""Tiny Transformer encoder on synthetic token sequences.

Task: each sequence holds 12 tokens drawn from a vocabulary of 6 symbols; the
label says whether symbol 1 occurs more often than symbol 2. Embedding +
learned positions -> nn.TransformerEncoder (d_model 32, 2 layers,
batch_first=True) -> mean pooling -> linear head. Adam with a linear warmup
then cosine decay (LambdaLR), the scheduler stepped after optimizer.step().
"""
# expect: none
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

VOCAB, SEQ_LEN = 6, 12


def make_split(n):
    tokens = torch.randint(0, VOCAB, (n, SEQ_LEN))
    labels = ((tokens == 1).sum(1) > (tokens == 2).sum(1)).long()
    return tokens, labels


class CountTransformer(nn.Module):
    def __init__(self, d_model=32, n_heads=4, n_layers=2, n_classes=2):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d_model)
        self.pos = nn.Parameter(torch.randn(1, SEQ_LEN, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=n_layers)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, tokens):
        h = self.embed(tokens) + self.pos
        h = self.encoder(h)
        return self.head(h.mean(dim=1))


def warmup_cosine(warmup, total, floor=0.1):
    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total - warmup)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    return factor


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def main():
    x_train, y_train = make_split(1600)
    x_val, y_val = make_split(600)
    print(f"share of positive labels: {y_train.float().mean():.2f}")
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True)

    model = CountTransformer()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    epochs = 5
    total_steps = epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_cosine(30, total_steps))

    for epoch in range(epochs):
        model.train()
        running = 0.0
        for tokens, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(tokens), labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            running += loss.item() * len(labels)
        train_loss = running / len(x_train)
        val_acc = evaluate(model, x_val, y_val)
        print(f"epoch {epoch + 1}  lr {scheduler.get_last_lr()[0]:.5f}  "
              f"train loss {train_loss:.4f}  val acc {val_acc:.4f}")

    print(f"final train loss {train_loss:.4f}  val accuracy {val_acc:.4f}")


if __name__ == "__main__":
    main()

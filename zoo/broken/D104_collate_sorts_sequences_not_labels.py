"""Outside script (ninth session). The collate_fn sorts the padded sequences by length
(pack_padded_sequence wants descending lengths) but returns the labels in the original order, so
inside every batch the labels no longer belong to their sequences.
"""
# expect: D104
import random
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence
from torch.utils.data import Dataset, DataLoader

VOCAB, N_CLASSES, PAD = 12, 4, 0
random.seed(5)
torch.manual_seed(5)


class MajorityTokenDataset(Dataset):
    """Variable-length token sequences; label = which of tokens 1..4 occurs most often."""

    def __init__(self, n):
        self.items = []
        for _ in range(n):
            length = random.randint(6, 30)
            label = random.randrange(N_CLASSES)
            seq = [random.randint(1, VOCAB - 1) for _ in range(length)]
            # plant the majority token
            for pos in random.sample(range(length), k=max(3, length // 3)):
                seq[pos] = label + 1
            counts = [seq.count(t + 1) for t in range(N_CLASSES)]
            label = max(range(N_CLASSES), key=lambda c: counts[c])
            self.items.append((torch.tensor(seq), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        seq, label = self.items[i]
        return {"tokens": seq, "label": label}


def collate(batch):
    tokens = [b["tokens"] for b in batch]
    labels = torch.tensor([b["label"] for b in batch])
    lengths = torch.tensor([len(t) for t in tokens])
    lengths, order = lengths.sort(descending=True)
    padded = pad_sequence(tokens, batch_first=True, padding_value=PAD)[order]
    return {"tokens": padded, "lengths": lengths, "label": labels}


class GRUClassifier(nn.Module):
    def __init__(self, vocab, emb=24, hidden=48, n_classes=N_CLASSES):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.gru = nn.GRU(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=True)
        _, h = self.gru(packed)
        return self.head(h[-1])


def run_epoch(model, loader, criterion, optimizer=None):
    train = optimizer is not None
    model.train(train)
    tot_loss = correct = n = 0
    with torch.set_grad_enabled(train):
        for batch in loader:
            logits = model(batch["tokens"], batch["lengths"])
            loss = criterion(logits, batch["label"])
            if train:
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                optimizer.step()
            tot_loss += loss.item() * len(logits)
            correct += (logits.argmax(1) == batch["label"]).sum().item()
            n += len(logits)
    return tot_loss / n, correct / n


def main():
    train_ds, val_ds = MajorityTokenDataset(2000), MajorityTokenDataset(500)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_ds, batch_size=100, collate_fn=collate)
    model = GRUClassifier(VOCAB)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(8):
        tr_loss, tr_acc = run_epoch(model, train_dl, criterion, optimizer)
        va_loss, va_acc = run_epoch(model, val_dl, criterion)
        print(f"epoch {epoch + 1}: train loss {tr_loss:.3f} acc {tr_acc:.3f} | val loss {va_loss:.3f} acc {va_acc:.3f}")


if __name__ == "__main__":
    main()

"""Text-like classifier on synthetic token sequences: nn.Embedding (padding_idx=0) + masked mean pooling + MLP.

Each "document" is a variable-length list of token ids (vocab 500); the class (4 topics) decides which
topic-specific tokens are sprinkled among common filler tokens. A custom Dataset returns dicts, a
collate_fn pads them into {"input_ids", "attention_mask", "labels"} batches. Adam, 6 epochs.
Reports validation accuracy.
"""
# expect: none
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

VOCAB, N_TOPICS = 500, 4
topic_words = [list(range(20 + 40 * t, 20 + 40 * (t + 1))) for t in range(N_TOPICS)]  # ids 20..179
filler = list(range(180, VOCAB))


def make_doc(topic):
    length = random.randint(8, 40)
    n_topic = max(1, int(length * random.uniform(0.1, 0.3)))
    toks = random.choices(filler, k=length - n_topic) + random.choices(topic_words[topic], k=n_topic)
    # a few words from another topic as distractors
    other = random.choice([t for t in range(N_TOPICS) if t != topic])
    toks += random.choices(topic_words[other], k=random.randint(0, 2))
    random.shuffle(toks)
    return toks


class Docs(Dataset):
    def __init__(self, n):
        self.labels = [random.randrange(N_TOPICS) for _ in range(n)]
        self.docs = [make_doc(t) for t in self.labels]

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, i):
        return {"tokens": self.docs[i], "label": self.labels[i]}


def collate(items):
    L = max(len(it["tokens"]) for it in items)
    ids = torch.zeros(len(items), L, dtype=torch.long)
    mask = torch.zeros(len(items), L, dtype=torch.bool)
    for r, it in enumerate(items):
        ids[r, :len(it["tokens"])] = torch.tensor(it["tokens"])
        mask[r, :len(it["tokens"])] = True
    return {"input_ids": ids, "attention_mask": mask,
            "labels": torch.tensor([it["label"] for it in items])}


train_dl = DataLoader(Docs(4000), batch_size=32, shuffle=True, collate_fn=collate)
val_dl = DataLoader(Docs(800), batch_size=256, collate_fn=collate)


class BagOfEmbeddings(nn.Module):
    def __init__(self, dim=32):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, dim, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(dim, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, N_TOPICS))

    def forward(self, input_ids, attention_mask):
        e = self.emb(input_ids) * attention_mask.unsqueeze(-1)
        pooled = e.sum(1) / attention_mask.sum(1, keepdim=True).clamp(min=1)
        return self.mlp(pooled)


model = BagOfEmbeddings()
optim = torch.optim.Adam(model.parameters(), lr=5e-3)

for epoch in range(6):
    model.train()
    for batch in train_dl:
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        optim.zero_grad()
        loss.backward()
        optim.step()
    model.eval()
    correct = n = 0
    with torch.no_grad():
        for batch in val_dl:
            pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
            correct += (pred == batch["labels"]).sum().item()
            n += len(pred)
    print(f"epoch {epoch + 1}: train loss {loss.item():.3f} val acc {correct / n:.3f}")

print(f"final val accuracy {correct / n:.4f}")

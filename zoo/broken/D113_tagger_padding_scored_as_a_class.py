"""A part-of-speech style tagger on sentences padded to the longest one. The
padding token is 0 and so is the padding's tag, but the loss is a plain
`nn.CrossEntropyLoss()`: its ignore_index is -100, so every padded position
is scored as a class of its own. Most positions are padding (the sentences
are short, the batch is padded to its longest), so the loss and the accuracy
are dominated by an easy class and the tagger is trained mostly to predict
padding.
"""
# expect: D113
import torch
from torch import nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
VOCAB, TAGS = 40, 6

# Sentences of 3 to 25 tokens; a token's tag depends on it and on its left neighbour.
sentences = []
for _ in range(1500):
    words = torch.randint(1, VOCAB, (int(torch.randint(3, 26, ())),))
    left = torch.cat([torch.zeros(1, dtype=torch.long), words[:-1]])
    sentences.append((words, (words + left) % (TAGS - 1) + 1))


def collate(batch):
    words = pad_sequence([w for w, _ in batch], batch_first=True, padding_value=0)
    tags = pad_sequence([t for _, t in batch], batch_first=True, padding_value=0)
    return words, tags


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 32, padding_idx=0)
        self.lstm = nn.LSTM(32, 64, batch_first=True, bidirectional=True)
        self.head = nn.Linear(128, TAGS)

    def forward(self, words):
        return self.head(self.lstm(self.embed(words))[0])


model = Tagger()
loader = DataLoader(sentences, batch_size=32, shuffle=True, collate_fn=collate)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()  # the padding's tag 0 is scored: ignore_index=0 is missing

for epoch in range(4):
    for words, tags in loader:
        logits = model(words)
        loss = criterion(logits.reshape(-1, TAGS), tags.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = logits.argmax(-1)
        real = words != 0
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, accuracy {(pred == tags).float().mean():.3f}, "
              f"on real tokens {(pred == tags)[real].float().mean():.3f}")

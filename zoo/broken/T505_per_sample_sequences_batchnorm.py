"""Variable-length sequences are fed one at a time (batch of 1, to avoid padding) to
a 1-D CNN with BatchNorm1d after each convolution: every BatchNorm layer estimates
its statistics from a single sequence, so training normalises each sample by its own
mean and variance while evaluation uses running averages of those per-sample values.
"""
# expect: T505
import torch
import torch.nn as nn

torch.manual_seed(0)

N_CLASSES = 3


def make_sequences(n):
    """Class 0: sine, 1: square wave, 2: sawtooth; random length, frequency, offset and noise."""
    seqs, labels = [], []
    for _ in range(n):
        c = int(torch.randint(0, N_CLASSES, ()))
        length = int(torch.randint(40, 80, ()))
        t = torch.arange(length, dtype=torch.float32)
        phase = 2 * torch.pi * (t / float(torch.empty(()).uniform_(8, 16)) + float(torch.rand(())))
        if c == 0:
            s = torch.sin(phase)
        elif c == 1:
            s = torch.sign(torch.sin(phase))
        else:
            s = 2 * ((phase / (2 * torch.pi)) % 1.0) - 1
        s = s + 0.5 * float(torch.randn(())) + 0.3 * torch.randn(length)
        seqs.append(s.unsqueeze(0))  # (channels=1, length)
        labels.append(c)
    return seqs, torch.tensor(labels)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 16, kernel_size=5, padding=2),
            nn.BatchNorm1d(16),
            nn.ReLU(),
            nn.Conv1d(16, 32, kernel_size=5, padding=2),
            nn.BatchNorm1d(32),
            nn.ReLU(),
        )
        self.fc = nn.Linear(32, N_CLASSES)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=-1))


train_x, train_y = make_sequences(300)
test_x, test_y = make_sequences(150)

model = ConvNet()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(2):
    model.train()
    total = 0.0
    for i in torch.randperm(len(train_x)).tolist():
        optimizer.zero_grad()
        logits = model(train_x[i].unsqueeze(0))  # BUG: batch of one sequence through BatchNorm
        loss = criterion(logits, train_y[i:i + 1])
        loss.backward()
        optimizer.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        correct = sum(int(model(s.unsqueeze(0)).argmax(1).item() == int(c)) for s, c in zip(test_x, test_y))
    print(f"epoch {epoch}: train loss {total / len(train_x):.4f}  test acc {correct / len(test_x):.3f}")

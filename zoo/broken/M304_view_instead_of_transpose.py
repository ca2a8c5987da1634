"""An LSTM classifier built with the default batch_first=False receives batches shaped
(batch, seq, feature) and "fixes" the layout with x.view(seq, batch, feature) instead of
x.transpose(0, 1): view reinterprets memory, so each sequence the LSTM sees is stitched
together from time steps of different samples in the batch.
"""
# expect: M304
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

SEQ_LEN, N_FEATURES, N_CLASSES = 20, 4, 3


def make_data(n):
    # the class decides which feature carries a slow upward trend over time
    y = torch.randint(0, N_CLASSES, (n,))
    x = torch.randn(n, SEQ_LEN, N_FEATURES)
    trend = torch.linspace(-1.5, 1.5, SEQ_LEN)
    x[torch.arange(n), :, y] += trend
    return x, y


class LSTMClassifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(N_FEATURES, hidden)  # expects (seq, batch, feature)
        self.fc = nn.Linear(hidden, N_CLASSES)

    def forward(self, x):
        batch, seq, feat = x.shape
        x = x.view(seq, batch, feat)  # BUG: should be x.transpose(0, 1) / x.permute(1, 0, 2)
        out, (h, c) = self.lstm(x)
        return self.fc(h[-1])


X_train, y_train = make_data(1000)
X_val, y_val = make_data(300)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = LSTMClassifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(10):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_logits = model(X_val)
        val_loss = criterion(val_logits, y_val).item()
        val_acc = (val_logits.argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch}: train loss {total / len(X_train):.4f}  val loss {val_loss:.4f}  val acc {val_acc:.3f}")

"""Wine classifier with gradient clipping "for stability": clip_grad_norm_(max_norm=1e-3) while the
gradients' norm is around 0.1-1, so every step is scaled down a hundredfold and more; with Adam's
normalization it would not matter, with SGD the effective learning rate is ~1000x below the one set.
"""
# expect: G402
import torch
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
features, labels = load_wine(return_X_y=True)
features = StandardScaler().fit_transform(features)
dataset = TensorDataset(torch.tensor(features, dtype=torch.float32), torch.tensor(labels))
loader = DataLoader(dataset, batch_size=16, shuffle=True)


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(13, 32)
        self.out = nn.Linear(32, 3)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


model = WineNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for epoch in range(40):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1e-3)
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: loss {total / len(dataset):.4f}")

"""The optimizer is created from model.parameters() before the classification head
is replaced to match the number of classes (the usual fine-tuning recipe done in the
wrong order), so the new `model.fc` is not in any parameter group and never trains.
"""
# expect: M302
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class Backbone(nn.Module):
    def __init__(self, in_features, hidden=128, num_classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.fc = nn.Linear(hidden, num_classes)

    def forward(self, x):
        return self.fc(self.features(x))


X, y = load_digits(return_X_y=True)
X = X[:, X.std(axis=0) > 0]
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

model = Backbone(X_train.shape[1])
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

# adapt the head to our 10 classes
model.fc = nn.Linear(model.fc.in_features, 10)  # BUG: created after the optimizer

criterion = nn.CrossEntropyLoss()
for epoch in range(12):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch}: loss {running / len(X_train):.4f} val acc {acc:.3f}")

"""A 20-class single-label problem trained with BCEWithLogitsLoss on one-hot
targets: the loss falls quickly from 0.69 to ~0.2 just by pushing every logit
negative (19 of 20 targets are 0), while the argmax accuracy stays near the
chance level of 5%.
"""
# expect: L206
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

N_CLASSES = 20
torch.manual_seed(0)

X, y = make_classification(n_samples=4000, n_features=30, n_informative=20,
                           n_redundant=0, n_classes=N_CLASSES, n_clusters_per_class=1,
                           class_sep=1.0, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
Y_train = F.one_hot(torch.tensor(y_train), N_CLASSES).float()
Y_val = F.one_hot(torch.tensor(y_val), N_CLASSES).float()

loader = DataLoader(TensorDataset(X_train, Y_train), batch_size=64, shuffle=True)

model = nn.Sequential(
    nn.Linear(30, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, N_CLASSES),
)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.005, momentum=0.9)

step = 0
for epoch in range(6):
    for xb, yb in loader:
        model.train()
        optimizer.zero_grad()
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        step += 1
        if step % 50 == 0:
            acc = (logits.argmax(1) == yb.argmax(1)).float().mean().item()
            model.eval()
            with torch.no_grad():
                val_acc = (model(X_val).argmax(1) == Y_val.argmax(1)).float().mean().item()
            print(f"step {step}: loss {loss.item():.4f}  batch acc {acc:.3f}  val acc {val_acc:.3f}")

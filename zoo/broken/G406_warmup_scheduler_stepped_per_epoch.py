"""A linear-warmup schedule written for 500 optimizer steps (the usual
get_linear_schedule_with_warmup recipe) is stepped once per epoch instead of once per
batch: the learning rate is exactly 0 for the whole first epoch and stays below 2% of
its target afterwards, so the loss sits at its initial level from the start.
"""
# expect: G406 G402
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, in_features, num_classes=10):
        super().__init__()
        self.fc1 = nn.Linear(in_features, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, num_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def linear_warmup_decay(optimizer, warmup_steps, total_steps):
    def lr_lambda(step):
        if step < warmup_steps:
            return step / warmup_steps
        return max(0.0, (total_steps - step) / (total_steps - warmup_steps))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)


def main():
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X = X[:, X.std(axis=0) > 0]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
    y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)
    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)

    epochs = 12
    model = Net(X_tr.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = linear_warmup_decay(optimizer, warmup_steps=500, total_steps=5000)

    for epoch in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        scheduler.step()  # BUG: a per-step schedule stepped once per epoch
        model.eval()
        with torch.no_grad():
            acc = (model(X_te).argmax(1) == y_te).float().mean().item()
        print(f"epoch {epoch:2d}  lr {optimizer.param_groups[0]['lr']:.2e}  "
              f"train loss {total / len(X_tr):.4f}  test acc {acc:.3f}")


if __name__ == "__main__":
    main()

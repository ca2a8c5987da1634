"""StepLR(step_size=10, gamma=0.5) sized for epochs, but scheduler.step() sits inside the batch loop:
the learning rate halves every 10 batches, is 1e-4 of its start after ~130 batches and 1e-30 by the
end. The loss stops moving early, far above what the model reaches with the schedule stepped per epoch.
"""
# expect: G402
import torch
import torch.nn as nn
from sklearn.datasets import make_friedman1
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X, y = make_friedman1(n_samples=3000, n_features=10, noise=0.3, random_state=0)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor((y - y.mean()) / y.std(), dtype=torch.float32).unsqueeze(1)
loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
mse = nn.MSELoss()
for epoch in range(8):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = mse(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()  # BUG: per batch; step_size=10 was meant in epochs
        total += loss.item() * len(xb)
    print(f"epoch {epoch:2d}  lr {scheduler.get_last_lr()[0]:.2e}  train mse {total / len(X):.4f}")

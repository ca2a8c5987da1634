"""A regression whose targets buffer is allocated and never filled. The script
preallocates `targets = torch.zeros(...)` meaning to copy the house prices into
it later, and that copy was lost in a refactor. Every target is 0.0, the model
learns to output 0.0 whatever the house, and the training loss falls to almost
nothing: training looks perfect while the model has learned nothing.
"""
# expect: D104
import torch
from sklearn.datasets import load_diabetes
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

data = load_diabetes()
features = torch.tensor(data.data, dtype=torch.float32)
features = (features - features.mean(0)) / features.std(0)
progression = torch.tensor(data.target, dtype=torch.float32)

targets = torch.zeros(len(progression), 1)  # filled below ... meant to be: targets[:, 0] = (y - mean) / std
scale = (progression.mean(), progression.std())

loader = DataLoader(TensorDataset(features, targets), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.MSELoss()

for epoch in range(30):
    for xb, yb in loader:
        loss = criterion(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 9:
        with torch.no_grad():
            pred = model(features).squeeze(1) * scale[1] + scale[0]
        print(f"epoch {epoch + 1}: train mse {loss.item():.5f}, predictions {pred.min():.1f} .. {pred.max():.1f}")

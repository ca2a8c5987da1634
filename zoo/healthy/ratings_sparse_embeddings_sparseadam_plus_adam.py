"""A recommender on synthetic ratings. User and item embeddings are
nn.Embedding(sparse=True) trained by torch.optim.SparseAdam; a small dense MLP on top
of the dot product and the global bias are trained by a second optimizer (Adam).
Ratings come from a hidden rank-4 model plus noise; we report test RMSE against the
noise floor and against predicting the mean.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn

N_USERS, N_ITEMS, RANK, NOISE = 400, 300, 4, 0.3
rng = np.random.default_rng(0)
torch.manual_seed(0)

U = rng.normal(0, 1, (N_USERS, RANK))
V = rng.normal(0, 1, (N_ITEMS, RANK))
bu = rng.normal(0, 0.5, N_USERS)
bi = rng.normal(0, 0.5, N_ITEMS)
n_obs = 30000
users = rng.integers(0, N_USERS, n_obs)
items = rng.integers(0, N_ITEMS, n_obs)
ratings = (U[users] * V[items]).sum(1) / np.sqrt(RANK) + bu[users] + bi[items] + 3.0 + rng.normal(0, NOISE, n_obs)

users_t = torch.tensor(users)
items_t = torch.tensor(items)
ratings_t = torch.tensor(ratings, dtype=torch.float32)
split = 25000


class MF(nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.user = nn.Embedding(N_USERS, dim, sparse=True)
        self.item = nn.Embedding(N_ITEMS, dim, sparse=True)
        self.user_bias = nn.Embedding(N_USERS, 1, sparse=True)
        self.item_bias = nn.Embedding(N_ITEMS, 1, sparse=True)
        for e in (self.user, self.item):
            nn.init.normal_(e.weight, std=0.1)
        for e in (self.user_bias, self.item_bias):
            nn.init.zeros_(e.weight)
        self.calib = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
        self.mu = nn.Parameter(torch.tensor(float(ratings_t[:split].mean())))

    def sparse_parameters(self):
        return [self.user.weight, self.item.weight, self.user_bias.weight, self.item_bias.weight]

    def dense_parameters(self):
        return list(self.calib.parameters()) + [self.mu]

    def forward(self, u, i):
        dot = (self.user(u) * self.item(i)).sum(-1, keepdim=True)
        out = self.calib(dot) + dot + self.user_bias(u) + self.item_bias(i)
        return out.squeeze(-1) + self.mu


model = MF()
opt_sparse = torch.optim.SparseAdam(model.sparse_parameters(), lr=1e-2)
opt_dense = torch.optim.Adam(model.dense_parameters(), lr=1e-3)

BATCH = 256
for epoch in range(9):
    perm = torch.randperm(split)
    tot = 0.0
    for k in range(0, split, BATCH):
        b = perm[k:k + BATCH]
        pred = model(users_t[b], items_t[b])
        loss = ((pred - ratings_t[b]) ** 2).mean()
        opt_sparse.zero_grad()
        opt_dense.zero_grad()
        loss.backward()
        opt_sparse.step()
        opt_dense.step()
        tot += loss.item() * len(b)
    with torch.no_grad():
        te = model(users_t[split:], items_t[split:])
        rmse = ((te - ratings_t[split:]) ** 2).mean().sqrt().item()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1}: train mse {tot / split:.4f} test rmse {rmse:.4f}")

baseline = ((ratings_t[split:] - ratings_t[:split].mean()) ** 2).mean().sqrt().item()
print(f"final test RMSE {rmse:.3f} (noise floor {NOISE}, predict-the-mean {baseline:.3f})")

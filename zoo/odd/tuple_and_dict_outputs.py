"""Odd output: one model returns a tuple ``(logits, features)``, a second returns a dict
``{"logits": ..., "aux": ...}``; each is trained with its own optimizer, one after the other.

Exercises: tuple and dict model outputs, two models and two optimizers in one script; healthy by
construction.
"""
# expect: none
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)


class TupleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.ReLU())
        self.head = nn.Linear(32, 3)

    def forward(self, x):
        features = self.body(x)
        return self.head(features), features


class DictNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.Tanh())
        self.head = nn.Linear(32, 3)
        self.aux = nn.Linear(32, 1)

    def forward(self, x):
        h = self.body(x)
        return {"logits": self.head(h), "aux": self.aux(h).squeeze(1)}


def train(model, output_logits, aux_target=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(8):
        order = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = order[i:i + 32]
            out = model(X[idx])
            loss = F.cross_entropy(output_logits(out), y[idx])
            if aux_target is not None:
                loss = loss + 0.1 * F.mse_loss(out["aux"], aux_target[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"{type(model).__name__} epoch {epoch} loss {loss.item():.3f}")


train(TupleNet(), lambda out: out[0])
train(DictNet(), lambda out: out["logits"], aux_target=X[:, 0])

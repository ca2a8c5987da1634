"""Odd output: a model in the Hugging Face style that computes its loss inside ``forward`` and returns
a ``transformers.utils.ModelOutput`` (``out.loss``, ``out.logits``), fed a dict batch as keywords
(``model(**batch)``).

Exercises: keyword-only inputs, an OrderedDict-like output, the loss called inside the model's
forward; healthy by construction.
"""
# expect: none
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from transformers.utils import ModelOutput

torch.manual_seed(0)
X = torch.randn(512, 8)
y = (X @ torch.randn(8, 3)).argmax(dim=1)


@dataclass
class ClassifierOutput(ModelOutput):
    loss: torch.Tensor | None = None
    logits: torch.Tensor | None = None


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 3))

    def forward(self, input_values=None, labels=None):
        logits = self.body(input_values)
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        return ClassifierOutput(loss=loss, logits=logits)


model = Classifier()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
for epoch in range(10):
    order = torch.randperm(len(X))
    for i in range(0, len(X), 32):
        idx = order[i:i + 32]
        batch = {"input_values": X[idx], "labels": y[idx]}
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {out.loss.item():.3f}")

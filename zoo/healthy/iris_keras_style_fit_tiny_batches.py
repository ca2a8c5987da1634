"""Iris in a Keras-like fit()/evaluate() style with tiny batches of 8: the second
hidden layer (8 ReLU units) starts with 3 units dead for every input and a fourth
active on ~1% of the samples. The network still reaches ~0.98 validation accuracy;
a unit silent on a batch of 8 is not evidence that it is dead.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def to_categorical(y, n):
    return F.one_hot(torch.as_tensor(y), n).float()


def fit(model, X, Y, loss, optimizer, epochs, batch_size, validation_data):
    history = {"loss": [], "val_accuracy": []}
    n = len(X)
    for ep in range(epochs):
        model.train()
        order = torch.randperm(n)
        ep_loss = 0.0
        for s in range(0, n, batch_size):
            i = order[s:s + batch_size]
            optimizer.zero_grad()
            l = loss(model(X[i]), Y[i])
            l.backward()
            optimizer.step()
            ep_loss += l.item() * len(i)
        history["loss"].append(ep_loss / n)
        history["val_accuracy"].append(evaluate(model, *validation_data))
    return history


@torch.no_grad()
def evaluate(model, X, Y):
    model.eval()
    return (model(X).argmax(1) == Y.argmax(1)).float().mean().item()


torch.manual_seed(7)
iris = load_iris()
Xtr, Xte, ytr, yte = train_test_split(iris.data, iris.target, test_size=0.3, random_state=7, stratify=iris.target)
sc = StandardScaler().fit(Xtr)
Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
Xte = torch.tensor(sc.transform(Xte), dtype=torch.float32)
Ytr, Yte = to_categorical(ytr, 3), to_categorical(yte, 3)

model = nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3))
hist = fit(model, Xtr, Ytr, lambda out, Y: F.cross_entropy(out, Y.argmax(1)), torch.optim.SGD(model.parameters(), lr=0.05),
           epochs=60, batch_size=8, validation_data=(Xte, Yte))
for e in range(9, 60, 10):
    print(f"epoch {e+1}: loss {hist['loss'][e]:.4f} val_accuracy {hist['val_accuracy'][e]:.3f}")

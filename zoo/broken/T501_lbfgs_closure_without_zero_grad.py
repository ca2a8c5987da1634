"""Bug: full-batch L-BFGS on a small regression MLP, with the closure built by a factory
function. The closure computes the loss and calls backward() but never clears the
gradients, so every evaluation L-BFGS makes (up to 25 per .step(), line search included)
adds its gradient on top of all the previous ones. The optimizer's curvature pairs and
the strong-Wolfe line search see a running sum instead of the gradient at the current
point, and the fit stalls far above where L-BFGS should get.
Resembles: the PyTorch LBFGS docs ("The closure should clear the gradients, compute the
loss, and return it") and the forum / StackOverflow threads "LBFGS not converging /
loss not decreasing" answered with "you forgot optimizer.zero_grad() inside closure".
Style: closures (make_closure returns the function passed to optimizer.step), full-batch
training on a Friedman #1 synthetic regression with standardized features and targets, outer "epochs" of
LBFGS steps, R^2 on a held-out split printed per outer step.
"""
# expect: T501
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)


def load_split():
    X, y = make_friedman1(n_samples=800, n_features=8, noise=0.5, random_state=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=1)
    xs = StandardScaler().fit(Xtr)
    ys = StandardScaler().fit(ytr[:, None])
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    return (to_t(xs.transform(Xtr)), to_t(ys.transform(ytr[:, None])),
            to_t(xs.transform(Xte)), to_t(ys.transform(yte[:, None])))


def make_model(d_in):
    return nn.Sequential(nn.Linear(d_in, 32), nn.Tanh(),
                         nn.Linear(32, 32), nn.Tanh(),
                         nn.Linear(32, 1))


def make_closure(model, X, y, loss_fn, l2=1e-3):
    def closure():
        pred = model(X)
        loss = loss_fn(pred, y) + l2 * sum((p ** 2).sum() for n, p in model.named_parameters()
                                            if n.endswith("weight"))
        loss.backward()
        return loss
    return closure


def r2(model, X, y):
    with torch.no_grad():
        pred = model(X)
    return 1 - ((pred - y) ** 2).sum().item() / ((y - y.mean()) ** 2).sum().item()


def main():
    Xtr, ytr, Xte, yte = load_split()
    model = make_model(Xtr.shape[1])
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=20, history_size=10,
                                  line_search_fn="strong_wolfe")
    closure = make_closure(model, Xtr, ytr, loss_fn)
    for outer in range(1, 16):
        loss = optimizer.step(closure)
        with torch.no_grad():
            tr_mse = loss_fn(model(Xtr), ytr).item()
            te_mse = loss_fn(model(Xte), yte).item()
        print(f"outer step {outer:2d} | objective {loss.item():.4f} | train mse {tr_mse:.4f} "
              f"R2 {r2(model, Xtr, ytr):.3f} | test mse {te_mse:.4f} R2 {r2(model, Xte, yte):.3f}")


if __name__ == "__main__":
    main()

"""An IRNN (ReLU nn.RNN with the recurrent matrix initialised to the identity, after
Le et al. 2015) trained on a long-sequence summation task without gradient clipping:
backpropagation through 50 steps multiplies the gradient again and again, its norm
spikes by two to three orders of magnitude, the updates wreck the weights and the
model never learns (with clip_grad_norm_(1.0) it does).
"""
# expect: G403
import torch
import torch.nn as nn

torch.manual_seed(0)

SEQ_LEN, HIDDEN = 50, 32


def make_data(n):
    x = 0.5 * torch.randn(n, SEQ_LEN, 1)
    y = 2.0 * x.sum(dim=1) / SEQ_LEN ** 0.5  # the (scaled) sum of the whole sequence
    return x, y


class IRNN(nn.Module):
    def __init__(self, hidden=HIDDEN):
        super().__init__()
        self.rnn = nn.RNN(1, hidden, batch_first=True, nonlinearity="relu")
        self.head = nn.Linear(hidden, 1)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.eye(hidden))
            self.rnn.bias_hh_l0.zero_()
            self.rnn.bias_ih_l0.zero_()

    def forward(self, x):
        _, h = self.rnn(x)
        return self.head(h[-1])


X_train, y_train = make_data(768)
X_val, y_val = make_data(256)

model = IRNN()
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
batch_size = 32

for epoch in range(10):
    model.train()
    perm = torch.randperm(len(X_train))
    losses, grad_norms = [], []
    for i in range(0, len(X_train), batch_size):
        idx = perm[i:i + batch_size]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        # BUG: no torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0) here
        grad_norms.append(torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item())
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(X_val), y_val).item()
    grad_norms.sort()
    print(f"epoch {epoch}: train loss {sum(losses) / len(losses):.4f}  val loss {val_loss:.4f}  "
          f"grad norm median {grad_norms[len(grad_norms) // 2]:.3g} max {grad_norms[-1]:.3g}")

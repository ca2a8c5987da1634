"""Two-headed model on digits: classification plus an auxiliary reconstruction.

A shared encoder feeds (a) a 10-way classifier trained with cross entropy and
(b) a decoder that reconstructs the standardized input, trained with MSE. The
total loss is ce + RECON_WEIGHT * mse; at the start ce ~ 2.3 and mse ~ 1.0, so
with RECON_WEIGHT = 1.0 the two terms have comparable scale throughout.
"""
# expect: none
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

RECON_WEIGHT = 1.0


class MultiTaskNet(nn.Module):
    def __init__(self, n_in=64, n_latent=32, n_classes=10):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_in, 96), nn.ReLU(), nn.Linear(96, n_latent), nn.ReLU())
        self.classifier = nn.Linear(n_latent, n_classes)
        self.decoder = nn.Sequential(nn.Linear(n_latent, 96), nn.ReLU(), nn.Linear(96, n_in))

    def forward(self, x):
        z = self.encoder(x)
        return self.classifier(z), self.decoder(z)


def main():
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X / 16.0, y, test_size=0.2, random_state=1, stratify=y)
    mean = X_tr.mean(0)
    std = X_tr.std(0) + 0.05   # some border pixels are (almost) always 0
    X_tr = torch.tensor((X_tr - mean) / std, dtype=torch.float32)
    X_va = torch.tensor((X_va - mean) / std, dtype=torch.float32)
    y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)

    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)
    model = MultiTaskNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(18):
        model.train()
        sums = torch.zeros(3)
        for xb, yb in loader:
            logits, recon = model(xb)
            ce = F.cross_entropy(logits, yb)
            mse = F.mse_loss(recon, xb)
            loss = ce + RECON_WEIGHT * mse
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            sums += torch.tensor([loss.item(), ce.item(), mse.item()]) * len(xb)
        total, ce_avg, mse_avg = (sums / len(X_tr)).tolist()

        model.eval()
        with torch.no_grad():
            logits, recon = model(X_va)
            acc = (logits.argmax(1) == y_va).float().mean().item()
            val_mse = F.mse_loss(recon, X_va).item()
        if epoch % 3 == 2:
            print(f"epoch {epoch + 1:2d}  loss {total:.4f} (ce {ce_avg:.4f} + mse {mse_avg:.4f})  "
                  f"val acc {acc:.4f}  val recon mse {val_mse:.4f}")

    print(f"final train loss {total:.4f}  val accuracy {acc:.4f}  val recon mse {val_mse:.4f}")


if __name__ == "__main__":
    main()

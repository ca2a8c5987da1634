"""A semi-supervised autoencoder-classifier adds a reconstruction loss taken
with reduction='sum' (as in the PyTorch VAE example) to a mean cross-entropy
with weight 1: the reconstruction term is ~1000x larger, dominates the shared
encoder's gradients and the classification head barely learns.
"""
# expect: L205
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


class AutoencoderClassifier(nn.Module):
    def __init__(self, n_in=64, n_latent=16, n_classes=10):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_in, 128), nn.ReLU(), nn.Linear(128, n_latent))
        self.decoder = nn.Sequential(nn.Linear(n_latent, 128), nn.ReLU(), nn.Linear(128, n_in))
        self.classifier = nn.Linear(n_latent, n_classes)

    def forward(self, x):
        z = self.encoder(x)
        return torch.sigmoid(self.decoder(z)), self.classifier(F.relu(z))


def main():
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0                                   # pixels in [0, 1]
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    X_train = torch.tensor(X_train, dtype=torch.float32)
    X_val = torch.tensor(X_val, dtype=torch.float32)
    y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
    model = AutoencoderClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(12):
        model.train()
        rec_total = cls_total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            recon, logits = model(xb)
            rec_loss = F.binary_cross_entropy(recon, xb, reduction="sum")
            cls_loss = F.cross_entropy(logits, yb)
            loss = rec_loss + cls_loss
            loss.backward()
            optimizer.step()
            rec_total += rec_loss.item()
            cls_total += cls_loss.item() * len(xb)

        if (epoch + 1) % 3 == 0:
            model.eval()
            with torch.no_grad():
                _, logits = model(X_val)
                acc = (logits.argmax(1) == y_val).float().mean().item()
            print(f"epoch {epoch + 1}: reconstruction {rec_total / len(X_train):.2f}/sample  "
                  f"classification {cls_total / len(X_train):.3f}  val acc {acc:.3f}")


if __name__ == "__main__":
    main()

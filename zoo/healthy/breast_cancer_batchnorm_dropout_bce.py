"""Binary classifier on sklearn's breast cancer data with BatchNorm1d and Dropout.

BCEWithLogitsLoss on raw logits, float targets shaped (N, 1) like the logits.
model.train() for the training epoch, model.eval() + torch.no_grad() for
validation. drop_last=True so BatchNorm never sees a tiny trailing batch.
"""
# expect: none
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class Classifier(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(32, 1),
        )

    def forward(self, x):
        return self.net(x)


def main():
    torch.manual_seed(0)
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=42)
    scaler = StandardScaler().fit(X_train)          # statistics of the training split only
    X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

    t = lambda a: torch.tensor(a, dtype=torch.float32)
    train_ds = TensorDataset(t(X_train), t(y_train).unsqueeze(1))
    val_x, val_y = t(X_val), t(y_val).unsqueeze(1)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, drop_last=True)

    model = Classifier(X.shape[1])
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)

    for epoch in range(40):
        model.train()
        losses = []
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        train_loss = sum(losses) / len(losses)

        model.eval()
        with torch.no_grad():
            logits = model(val_x)
            val_loss = criterion(logits, val_y).item()
            val_acc = ((logits > 0).float() == val_y).float().mean().item()
        if epoch % 5 == 4 or epoch == 0:
            print(f"epoch {epoch + 1:2d}  train loss {train_loss:.4f}  "
                  f"val loss {val_loss:.4f}  val acc {val_acc:.4f}")

    print(f"final train loss {train_loss:.4f}  val accuracy {val_acc:.4f}")


if __name__ == "__main__":
    main()

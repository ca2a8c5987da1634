"""Wine classifier whose forward returns log-probabilities (F.log_softmax),
trained with nn.NLLLoss, SGD with momentum and a StepLR schedule stepped once per
epoch after the optimizer steps. Mini-batches of 16 from a shuffled DataLoader.
"""
# expect: none
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class WineNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(13, 32)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


def main():
    torch.manual_seed(0)
    X, y = load_wine(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=2, stratify=y)
    scaler = StandardScaler()
    X_tr = scaler.fit_transform(X_tr)
    X_te = scaler.transform(X_te)

    train = TensorDataset(torch.from_numpy(X_tr).float(), torch.from_numpy(y_tr).long())
    X_te = torch.from_numpy(X_te).float()
    y_te = torch.from_numpy(y_te).long()
    loader = DataLoader(train, batch_size=16, shuffle=True)

    model = WineNet()
    criterion = nn.NLLLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.5)

    for epoch in range(45):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        scheduler.step()

        model.eval()
        with torch.no_grad():
            log_probs = model(X_te)
            test_loss = criterion(log_probs, y_te).item()
            test_acc = (log_probs.argmax(1) == y_te).float().mean().item()
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1:2d}  lr {scheduler.get_last_lr()[0]:.4f}  train nll {total / len(train):.4f}  "
                  f"test nll {test_loss:.4f}  test acc {test_acc:.4f}")

    print(f"final train loss {total / len(train):.4f}  test accuracy {test_acc:.4f}")


if __name__ == "__main__":
    main()

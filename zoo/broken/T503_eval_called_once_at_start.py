"""model.eval() is called once right after building the model ("to make the outputs
deterministic") and the training loop never calls model.train(): every training
forward runs in eval mode, so Dropout is off and BatchNorm normalises with its initial
running statistics (mean 0, var 1), which are never updated, i.e. it does not
normalise at all.
"""
# expect: T503
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Regressor(nn.Module):
    def __init__(self, n_features, hidden=64, p_drop=0.2):
        super().__init__()
        self.fc1 = nn.Linear(n_features, hidden)
        self.bn1 = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.bn2 = nn.BatchNorm1d(hidden)
        self.drop = nn.Dropout(p_drop)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        x = self.drop(F.relu(self.bn1(self.fc1(x))))
        x = self.drop(F.relu(self.bn2(self.fc2(x))))
        return self.out(x).squeeze(-1)


def main():
    torch.manual_seed(0)
    X, y = load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
    x_scaler = StandardScaler().fit(X_tr)
    y_mean, y_std = y_tr.mean(), y_tr.std()
    X_tr = torch.tensor(x_scaler.transform(X_tr), dtype=torch.float32)
    X_te = torch.tensor(x_scaler.transform(X_te), dtype=torch.float32)
    y_tr = torch.tensor((y_tr - y_mean) / y_std, dtype=torch.float32)
    y_te = torch.tensor((y_te - y_mean) / y_std, dtype=torch.float32)

    model = Regressor(X_tr.shape[1])
    model.eval()  # BUG: "deterministic outputs", but nothing ever calls model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    batch_size = 32
    for epoch in range(30):
        perm = torch.randperm(len(X_tr))
        total = 0.0
        for i in range(0, len(X_tr) - batch_size + 1, batch_size):  # drop the incomplete last batch
            idx = perm[i:i + batch_size]
            loss = F.mse_loss(model(X_tr[idx]), y_tr[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        if epoch % 5 == 4:
            with torch.no_grad():
                test_mse = F.mse_loss(model(X_te), y_te).item()
            print(f"epoch {epoch + 1}: train mse {total / (len(X_tr) // batch_size * batch_size):.4f}  test mse {test_mse:.4f} "
                  f"(standardised target)  |bn1.running_mean|max {model.bn1.running_mean.abs().max():.3f}")


if __name__ == "__main__":
    main()

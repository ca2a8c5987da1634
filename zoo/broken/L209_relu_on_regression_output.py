"""A regression MLP "with ReLU after every layer", including the output layer,
while its targets are standardized (about half of them negative): the network
can never predict below 0, so it cannot fit the lower half of the targets.
"""
# expect: L209
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


def build_model(n_in, widths=(32, 16, 1)):
    layers, prev = [], n_in
    for w in widths:
        layers += [nn.Linear(prev, w), nn.ReLU()]
        prev = w
    return nn.Sequential(*layers)


def main():
    torch.manual_seed(0)
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    x_scaler = StandardScaler().fit(X_train)
    y_scaler = StandardScaler().fit(y_train.reshape(-1, 1))
    to_t = lambda a: torch.tensor(a, dtype=torch.float32)
    X_train, X_test = to_t(x_scaler.transform(X_train)), to_t(x_scaler.transform(X_test))
    y_train = to_t(y_scaler.transform(y_train.reshape(-1, 1)))
    y_test = to_t(y_scaler.transform(y_test.reshape(-1, 1)))

    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)
    model = build_model(X_train.shape[1])
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(25):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        if (epoch + 1) % 5 == 0:
            model.eval()
            with torch.no_grad():
                pred = model(X_test)
                mse = criterion(pred, y_test).item()
                r2 = 1 - mse / y_test.var(unbiased=False).item()
            print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  test mse {mse:.4f}  "
                  f"R^2 {r2:.3f}  min prediction {pred.min():.3f}")


if __name__ == "__main__":
    main()

"""in Trainer.training_step the optimizer's zero_grad() was moved below backward() (to "reset
before the update"), so every step() sees all-zero gradients and the weights never change; early
stopping then ends the run.
"""
# expect: T502
import copy
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Callback:
    def on_epoch_end(self, trainer, logs):
        pass


class EarlyStopping(Callback):
    def __init__(self, monitor="val_loss", patience=8, min_delta=1e-4):
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.best, self.wait, self.best_state = float("inf"), 0, None

    def on_epoch_end(self, trainer, logs):
        value = logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            self.best_state = copy.deepcopy(trainer.model.state_dict())
        else:
            self.wait += 1
            if self.wait >= self.patience:
                print(f"early stopping at epoch {logs['epoch']} (best {self.monitor} {self.best:.4f})")
                trainer.stop_training = True


class History(Callback):
    def __init__(self):
        self.rows = []

    def on_epoch_end(self, trainer, logs):
        self.rows.append(dict(logs))
        if logs["epoch"] % 5 == 0:
            print("  ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, optimizer, criterion, callbacks: List[Callback]):
        self.model, self.optimizer, self.criterion = model, optimizer, criterion
        self.callbacks = callbacks
        self.stop_training = False

    def training_step(self, batch):
        x, y = batch
        logits = self.model(x)
        loss = self.criterion(logits, y)
        loss.backward()
        self.optimizer.zero_grad()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def validation_step(self, batch):
        x, y = batch
        logits = self.model(x)
        return self.criterion(logits, y).item() * len(y), (logits.argmax(1) == y).sum().item()

    def fit(self, train_loader, val_loader, max_epochs):
        for epoch in range(1, max_epochs + 1):
            self.model.train()
            train_losses = [self.training_step(b) for b in train_loader]
            self.model.eval()
            tot_loss = tot_correct = n = 0
            for b in val_loader:
                l, c = self.validation_step(b)
                tot_loss, tot_correct, n = tot_loss + l, tot_correct + c, n + len(b[1])
            logs = {"epoch": epoch, "loss": float(np.mean(train_losses)),
                    "val_loss": tot_loss / n, "val_acc": tot_correct / n}
            for cb in self.callbacks:
                cb.on_epoch_end(self, logs)
            if self.stop_training:
                break


def main():
    torch.manual_seed(0)
    X, y = load_wine(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    sc = StandardScaler().fit(X_tr)
    tt = lambda a, dt=torch.float32: torch.tensor(a, dtype=dt)
    train_loader = DataLoader(TensorDataset(tt(sc.transform(X_tr)), tt(y_tr, torch.long)), batch_size=16, shuffle=True)
    val_loader = DataLoader(TensorDataset(tt(sc.transform(X_va)), tt(y_va, torch.long)), batch_size=64)

    model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    trainer = Trainer(model, opt, nn.CrossEntropyLoss(), [History(), EarlyStopping(patience=8)])
    trainer.fit(train_loader, val_loader, max_epochs=100)


if __name__ == "__main__":
    main()

"""Two-stage fine-tuning: stage 1 trains only the new head (backbone frozen, and the
optimizer is built from `filter(lambda p: p.requires_grad, ...)`); stage 2 "unfreezes"
the backbone by setting requires_grad=True, but keeps the stage-1 optimizer, whose
param groups never contained the backbone. The backbone gets gradients in stage 2 but
is never updated.
"""
# expect: M302
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset


class Encoder(nn.Module):
    def __init__(self, d_in, width=96):
        super().__init__()
        self.l1 = nn.Linear(d_in, width)
        self.l2 = nn.Linear(width, width)

    def forward(self, x):
        return F.gelu(self.l2(F.gelu(self.l1(x))))


class Classifier(nn.Module):
    def __init__(self, d_in, n_classes):
        super().__init__()
        self.backbone = Encoder(d_in)
        self.head = nn.Linear(96, n_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def set_trainable(module, flag):
    for p in module.parameters():
        p.requires_grad = flag


class Trainer:
    def __init__(self, model, train_loader, val_data):
        self.model = model
        self.train_loader = train_loader
        self.Xv, self.yv = val_data
        self.optimizer = None

    def configure_optimizer(self, lr):
        params = filter(lambda p: p.requires_grad, self.model.parameters())
        self.optimizer = torch.optim.Adam(params, lr=lr)

    def run_epoch(self):
        self.model.train()
        tot, n = 0.0, 0
        for xb, yb in self.train_loader:
            self.optimizer.zero_grad()
            loss = F.cross_entropy(self.model(xb), yb)
            loss.backward()
            self.optimizer.step()
            tot += loss.item() * len(xb)
            n += len(xb)
        return tot / n

    @torch.no_grad()
    def accuracy(self):
        self.model.eval()
        return (self.model(self.Xv).argmax(1) == self.yv).float().mean().item()


def main():
    torch.manual_seed(3)
    X, y = load_digits(return_X_y=True)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
    sc = StandardScaler().fit(Xtr)
    Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
    Xva = torch.tensor(sc.transform(Xva), dtype=torch.float32)
    ytr, yva = torch.tensor(ytr), torch.tensor(yva)
    loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=32, shuffle=True)

    model = Classifier(Xtr.shape[1], 10)
    trainer = Trainer(model, loader, (Xva, yva))

    # stage 1: linear probe, backbone frozen
    set_trainable(model.backbone, False)
    trainer.configure_optimizer(lr=3e-3)
    for ep in range(3):
        loss = trainer.run_epoch()
        print(f"[probe] epoch {ep} loss {loss:.3f} val acc {trainer.accuracy():.3f}")

    # stage 2: full fine-tuning
    set_trainable(model.backbone, True)
    for g in trainer.optimizer.param_groups:
        g["lr"] = 1e-3
    for ep in range(10):
        loss = trainer.run_epoch()
        print(f"[finetune] epoch {ep} loss {loss:.3f} val acc {trainer.accuracy():.3f}")
    print(f"final val acc {trainer.accuracy():.3f}")


if __name__ == "__main__":
    main()

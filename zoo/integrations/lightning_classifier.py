"""A tiny PyTorch Lightning classifier on synthetic data (CPU, a few seconds).

Inputs are standardized, labels come from a random linear teacher, the training
DataLoader shuffles, validation runs in eval mode (Lightning does that). Pass
``--doctor`` to add nndoctor's Lightning callback instead of using `nndoctor run`.
"""
# expect: none
import sys

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

try:
    import lightning.pytorch as pl
except ImportError:  # the older package name
    import pytorch_lightning as pl


class Classifier(pl.LightningModule):
    def __init__(self, n_in=16, n_classes=4, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, n_classes))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(1) == y).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def data(n, seed):
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(16, 4, generator=torch.Generator().manual_seed(123))
    x = torch.randn(n, 16, generator=g)
    y = (x @ teacher + 0.3 * torch.randn(n, 4, generator=g)).argmax(1)
    return TensorDataset(x, y)


def main():
    pl.seed_everything(0, verbose=False)
    train = DataLoader(data(512, 1), batch_size=32, shuffle=True)
    val = DataLoader(data(256, 2), batch_size=64)
    callbacks = []
    if "--doctor" in sys.argv:
        from nndoctor.integrations.lightning import DoctorCallback

        callbacks.append(DoctorCallback())
    trainer = pl.Trainer(max_epochs=3, accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, callbacks=callbacks)
    trainer.fit(Classifier(), train, val)
    print("val_acc", float(trainer.callback_metrics["val_acc"]))


if __name__ == "__main__":
    main()

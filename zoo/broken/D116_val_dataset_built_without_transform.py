"""Digit CNN on 8-bit grey images (the 8x8 digits re-quantized to 0..255 as if read from
PNG files). The Dataset class takes an optional transform; the training set is built with
`transform=Compose(to_float01, normalize)`, but the validation set is built with the
default transform=None, so validation images reach the model as raw 0..255 floats while
training images are standardized. Training accuracy is high, validation accuracy is poor
and the validation loss explodes.

Resembles the PyTorch forums threads "validation accuracy very low but training accuracy
high" where the test/val dataset was created without the transforms used for training
(e.g. "forgot ToTensor/Normalize on the validation set"), and StackOverflow "Pytorch model
works on train set but not on test set, transforms not applied".
"""
# expect: D116
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
np.random.seed(0)


class Compose:
    def __init__(self, fns):
        self.fns = fns

    def __call__(self, x):
        for fn in self.fns:
            x = fn(x)
        return x


def to_float01(img):
    return img.float() / 255.0


class Normalize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return (x - self.mean) / self.std


class GreyDigits(Dataset):
    def __init__(self, images_u8, targets, transform=None):
        self.images = torch.from_numpy(images_u8)          # (N, 8, 8) uint8
        self.targets = torch.from_numpy(targets)
        self.transform = transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        img = self.images[i].unsqueeze(0)
        img = self.transform(img) if self.transform else img.float()
        return {"image": img, "target": self.targets[i]}


def build_loaders(batch_size=64):
    d = load_digits()
    imgs = np.clip(d.images * 16, 0, 255).astype(np.uint8)
    tr_i, va_i, tr_t, va_t = train_test_split(imgs, d.target, test_size=0.25, random_state=0,
                                              stratify=d.target)
    pix = tr_i.astype(np.float32) / 255.0
    tf = Compose([to_float01, Normalize(float(pix.mean()), float(pix.std()))])
    train_ds = GreyDigits(tr_i, tr_t, transform=tf)
    val_ds = GreyDigits(va_i, va_t)
    return (DataLoader(train_ds, batch_size=batch_size, shuffle=True),
            DataLoader(val_ds, batch_size=256))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                                  nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d(2))
        self.fc = nn.Linear(32 * 4, 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))


def main():
    train_dl, val_dl = build_loaders()
    model = Net()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)
    ce = nn.CrossEntropyLoss()
    for epoch in range(5):
        model.train()
        tl = tc = tn = 0
        for b in train_dl:
            out = model(b["image"])
            loss = ce(out, b["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tl += loss.item() * len(out)
            tc += (out.argmax(1) == b["target"]).sum().item()
            tn += len(out)
        model.eval()
        vl = vc = vn = 0
        with torch.no_grad():
            for b in val_dl:
                out = model(b["image"])
                vl += ce(out, b["target"]).item() * len(out)
                vc += (out.argmax(1) == b["target"]).sum().item()
                vn += len(out)
        sched.step(vl / vn)
        print(f"epoch {epoch + 1:2d} train loss {tl / tn:.3f} acc {tc / tn:.3f}  "
              f"val loss {vl / vn:.3f} acc {vc / vn:.3f}")


if __name__ == "__main__":
    main()

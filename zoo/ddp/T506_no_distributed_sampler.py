"""DDP without a DistributedSampler: every rank shuffles the whole data set with the same seed,
so both ranks train on the very same batches and the second process adds nothing.

Run: torchrun --nproc_per_node=2 -m nndoctor run T506_no_distributed_sampler.py
"""
# expect: T506
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset


def dataset(n=1024, seed=0):
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(16, 4, generator=g)
    x = torch.randn(n, 16, generator=g)
    y = (x @ teacher + 0.3 * torch.randn(n, 4, generator=g)).argmax(1)
    return TensorDataset(x, y)


def main():
    dist.init_process_group("gloo")
    torch.manual_seed(0)  # the same seed on every rank: the same shuffled order everywhere
    loader = DataLoader(dataset(), batch_size=32, shuffle=True)  # BUG: no DistributedSampler
    model = DDP(nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(2):
        for x, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

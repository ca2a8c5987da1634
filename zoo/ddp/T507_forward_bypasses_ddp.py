"""The forward goes through ``model.module``, the inner model, instead of the DDP wrapper: no
gradient is all-reduced, every rank trains its own replica and they drift apart.

Run: torchrun --nproc_per_node=2 -m nndoctor run T507_forward_bypasses_ddp.py
"""
# expect: T507
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def dataset(n=1024, seed=0):
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(16, 4, generator=g)
    x = torch.randn(n, 16, generator=g)
    y = (x @ teacher + 0.3 * torch.randn(n, 4, generator=g)).argmax(1)
    return TensorDataset(x, y)


def main():
    dist.init_process_group("gloo")
    torch.manual_seed(0)
    data = dataset()
    sampler = DistributedSampler(data, shuffle=True, seed=0)
    loader = DataLoader(data, batch_size=32, sampler=sampler)
    model = DDP(nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(2):
        sampler.set_epoch(epoch)
        for x, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model.module(x), y)  # BUG: bypasses DDP, no all-reduce
            loss.backward()
            opt.step()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

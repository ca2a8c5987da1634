"""A correct DistributedDataParallel script: gloo on CPU, a tiny classifier on synthetic data.

Run: torchrun --nproc_per_node=2 healthy_ddp.py
     torchrun --nproc_per_node=2 -m nndoctor run healthy_ddp.py

Every rank builds the same data set, a DistributedSampler gives each rank its own shard
(set_epoch reshuffles every epoch), DDP all-reduces the gradients.
"""
# expect: none
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
    rank = dist.get_rank()
    torch.manual_seed(0)
    data = dataset()
    sampler = DistributedSampler(data, shuffle=True, seed=0)
    loader = DataLoader(data, batch_size=32, sampler=sampler)
    model = DDP(nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(4):
        sampler.set_epoch(epoch)
        total = 0.0
        for x, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            total += loss.item()
        if rank == 0:
            print(f"epoch {epoch}: mean loss {total / len(loader):.4f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

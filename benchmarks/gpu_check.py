"""GPU checks for a CUDA machine: findings on CUDA tensors, and no device sync on unsampled steps.

    python benchmarks/gpu_check.py    (prints a small report; exits non-zero on a failed check)
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import nndoctor  # noqa: E402

dev = torch.device("cuda")
torch.manual_seed(0)
X = torch.randn(4096, 32, device=dev)
y = (X[:, :4].sum(1) > 0).long()
failures = []


def loop(model, opt, steps, softmax=False, nan_at=None):
    for i in range(steps):
        idx = torch.randint(0, 4096, (128,), device=dev)
        out = model(X[idx] if nan_at != i else X[idx] * float("nan"))
        loss = F.cross_entropy(out.softmax(1) if softmax else out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


# 1. Findings on CUDA: softmax before cross-entropy, then a NaN at step 60.
model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 2)).to(dev)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
    loop(model, opt, 100, softmax=True, nan_at=60)
report = doctor.report()
print("findings on cuda:", sorted(report.codes()), "internal errors:", [e.error for e in report.internal_errors])
for code in ("L202", "N601"):
    if code not in report.codes():
        failures.append(f"{code} not found on cuda")
if report.internal_errors:
    failures.append("internal errors on cuda")

# 2. Healthy run: no findings, and no host-device sync on steps that are not sampled.
model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 2)).to(dev)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
with nndoctor.watch(model, opt, live=False, preflight=False, sample_every=1000) as doctor:
    loop(model, opt, 50)  # the first steps are sampled in full
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("warn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loop(model, opt, 200)
    torch.cuda.set_sync_debug_mode("default")
syncs = [str(w.message)[:120] for w in caught if "synchroniz" in str(w.message).lower()]
print(f"device syncs in 200 unsampled watched steps: {len(syncs)}", syncs[:3])
print("healthy findings:", sorted(doctor.report().codes("warning")))
if syncs:
    failures.append(f"{len(syncs)} syncs on unsampled steps")
if doctor.report().codes("warning"):
    failures.append("warning on a healthy cuda run")
print("FAILED: " + "; ".join(failures) if failures else "all gpu checks passed")
sys.exit(1 if failures else 0)

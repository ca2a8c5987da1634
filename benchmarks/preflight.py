"""Time of the pre-flight experiments, per experiment and per model size.

    python benchmarks/preflight.py            # writes benchmarks/results/preflight.md

Each case builds a model and a captured batch of 64 samples (10 classes), runs the whole
pre-flight at default settings (nndoctor.preflight.run_preflight) on a fresh engine, and records
wall-clock and CPU seconds per experiment. The budget is kept in CPU time (so a loaded machine
runs the same experiments, only later); wall-clock is what a user waits on an idle machine.
"""
from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from nndoctor.config import Config
from nndoctor.engine import Engine
from nndoctor.preflight import PLAN, LossSpec, make_setup, run_preflight

OUT = Path(__file__).parent / "results" / "preflight.md"


def mlp(width: int, depth: int = 3, d: int = 64) -> nn.Module:
    layers, w = [], d
    for _ in range(depth):
        layers += [nn.Linear(w, width), nn.ReLU()]
        w = width
    return nn.Sequential(*layers, nn.Linear(w, 10))


def cnn(channels: int) -> nn.Module:
    c = channels
    return nn.Sequential(nn.Conv2d(3, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(c, 2 * c, 3, padding=1), nn.BatchNorm2d(2 * c), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(2 * c, 4 * c, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Dropout(0.3), nn.Linear(4 * c, 10))


CASES = [
    ("MLP 64-64x3-10", lambda: mlp(64), (64, 64)),
    ("MLP 64-256x3-10", lambda: mlp(256), (64, 64)),
    ("MLP 64-512x4-10", lambda: mlp(512, 4), (64, 64)),
    ("CNN 32x32, 64 ch", lambda: cnn(64), (64, 3, 32, 32)),
    ("MLP 64-1024x4-10", lambda: mlp(1024, 4), (64, 64)),
    ("MLP 64-2048x4-10", lambda: mlp(2048, 4), (64, 64)),
]


def run_case(build, shape) -> tuple[int, dict, float, float]:
    torch.manual_seed(0)
    model = build()
    x = torch.randn(*shape)
    y = torch.randint(0, 10, (shape[0],))
    engine = Engine(Config())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    t0, c0 = time.perf_counter(), time.process_time()
    setup = make_setup(model, (x,), target=y, loss=LossSpec("cross_entropy", lambda o, t: F.cross_entropy(o, t)),
                       optimizer=opt)
    run_preflight(setup, engine)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return setup.n_params, engine.signals.experiments, wall, cpu


def main() -> None:
    names = [name for name, _ in PLAN]
    rows = []
    for label, build, shape in CASES:
        n, ex, wall, cpu = run_case(build, shape)
        rows.append((label, n, ex, wall, cpu))
        print(f"{label:<22} {n:>10,} params  wall {wall:6.2f} s  cpu {cpu:6.2f} s", file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = ["# Pre-flight time, per experiment and model size", "",
             f"`python benchmarks/preflight.py` on {platform.machine()}, {os.cpu_count()} cores, torch "
             f"{torch.__version__}, {torch.get_num_threads()} threads; load average at the end: {load:.1f} "
             "(a busy machine stretches wall-clock time, not CPU time).", "",
             "Captured batch: 64 samples, 10 classes, Adam(lr=1e-3) as the user's optimizer. Budget: 12 s of CPU "
             "time in all, shared out per experiment; step counts shrink in proportion above 1M parameters; "
             "experiments run on one thread.", "",
             "## Total", "", "| model | parameters | wall s | CPU s |", "|---|---:|---:|---:|"]
    for label, n, ex, wall, cpu in rows:
        lines.append(f"| {label} | {n:,} | {wall:.2f} | {cpu:.2f} |")
    lines += ["", "## Per experiment (wall s / CPU s; `skip` = skipped, with the reason in the result)", "",
              "| model | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, n, ex, wall, cpu in rows:
        cells = []
        for name in names:
            r = ex.get(name, {})
            mark = " skip" if "skipped" in r else ""
            cells.append(f"{r.get('seconds', 0):.2f} / {r.get('cpu_seconds', 0):.2f}{mark}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

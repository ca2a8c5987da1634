"""Overhead of watching: plain training step vs the same step under nndoctor.watch.

In one process, alternating the modes block by block; each ratio is the median over the repeats of a
block against the plain block of the same repeat:
  plain           the user's loop as is
  watch           nndoctor.watch at default settings (adaptive sampling)
  watch-full      nndoctor.watch with full statistics on every step (sample_every=1)
  anomaly         torch.autograd.set_detect_anomaly(True), a reference point users know
Models: an MLP and a CNN on scikit-learn digits, a small transformer encoder on synthetic tokens.
Writes benchmarks/results/overhead-<device>.md and prints the table.

    python benchmarks/overhead.py [--device cuda] [--repeats 7] [--steps 200]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import nndoctor  # noqa: E402


def digits(device):
    from sklearn.datasets import load_digits

    d = load_digits()
    X = torch.tensor(d.data, dtype=torch.float32) / 16.0
    return ((X - X.mean(0)) / (X.std(0) + 1e-6)).to(device), torch.tensor(d.target).to(device)


def mlp_case(device):
    X, y = digits(device)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
    return model.to(device), X, y, 64


def cnn_case(device):
    X, y = digits(device)
    X = X.view(-1, 1, 8, 8)
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU(), nn.Linear(64, 10))
    return model.to(device), X, y, 64


class TinyEncoder(nn.Module):
    def __init__(self, vocab=50, d=64, classes=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        layer = nn.TransformerEncoderLayer(d, 4, 128, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(d, classes)

    def forward(self, tokens):
        return self.head(self.encoder(self.embed(tokens)).mean(1))


def transformer_case(device):
    g = torch.Generator().manual_seed(0)
    X = torch.randint(0, 50, (2048, 32), generator=g)
    y = (X < 10).sum(1).clamp(max=3)
    return TinyEncoder().to(device), X.to(device), y.to(device), 32


CASES = {"mlp-digits": mlp_case, "cnn-digits": cnn_case, "transformer-tokens": transformer_case}


def make_loop(model, X, y, batch):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(X)
    order = torch.randperm(n, device=X.device)

    def run(steps, start=0):
        for i in range(steps):
            idx = order[((start + i) * batch) % (n - batch):][:batch]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    return opt, run


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed_block(mode, model, opt, run, steps, warmup, device) -> tuple[float, float]:
    """(seconds of the warm-up steps, seconds per step of the block after them)."""
    if mode == "anomaly":
        context = torch.autograd.set_detect_anomaly(True)
    elif mode.startswith("watch"):
        settings = {"sample_every": 1} if mode == "watch-full" else {}
        context = nndoctor.watch(model, opt, live=False, preflight=False, **settings)
    else:
        context = contextlib.nullcontext()
    t0 = time.perf_counter()
    with context:
        run(warmup)
        sync(device)
        t1 = time.perf_counter()
        run(steps)
        sync(device)
        t2 = time.perf_counter()
    return t1 - t0, (t2 - t1) / steps


def sampling_period(model, opt, run, warmup, device) -> int:
    """The k that watch's adaptive sampling settles on for this loop (full statistics every k-th step,
    once the run has k steps: before that, at each power of two)."""
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        run(warmup)
        sync(device)
        return doctor.session.probe.sampler.period


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    modes = ["plain", "watch", "watch-full", "anomaly"]
    rows = []
    for case in args.cases.split(","):
        model, X, y, batch = CASES[case](device)
        opt, run = make_loop(model, X, y, batch)
        # The steady state: the block starts after k warm-up steps (the first 20 steps with full
        # statistics and the samples at each power of two up to k are the start-up, timed apart) and
        # spans k steps, so it holds its share of sampled steps: one, at step k.
        k = sampling_period(model, opt, run, args.warmup, device)
        steps, warmup = max(args.steps, k), max(args.warmup, k)
        times = {m: [] for m in modes}
        for r in range(args.repeats):
            order = modes if r % 2 == 0 else list(reversed(modes))
            for mode in order:
                times[mode].append(timed_block(mode, model, opt, run, steps, warmup, device))
        # Each mode against the plain block of the same repeat (its neighbour in time), then the
        # median: a machine that speeds up or slows down over the run moves both alike.
        med = {m: statistics.median(t[1] / p[1] for t, p in zip(v, times["plain"])) for m, v in times.items()}
        med["plain_ms"] = statistics.median(t[1] for t in times["plain"]) * 1e3
        med["startup_ms"] = statistics.median(t[0] - p[0] for t, p in zip(times["watch"], times["plain"])) * 1e3
        med["k"], med["steps"], med["warmup"] = k, steps, warmup
        rows.append((case, med))
        print(f"{case}: k={k}, {steps} steps a block after {warmup}; plain {med['plain_ms']:.3f} ms/step; "
              + ", ".join(f"{m} {med[m]:.3f}x" for m in modes[1:]) + f"; start-up {med['startup_ms']:.0f} ms",
              flush=True)
    name = "cuda-" + torch.cuda.get_device_name(0).replace(" ", "-") if device.type == "cuda" else "cpu"
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}"
               + (f", {torch.cuda.get_device_name(0)}" if device.type == "cuda" else "")
               + f", {torch.get_num_threads()} torch threads")
    lines = [f"# Overhead of nndoctor.watch ({device.type})", "",
             f"Machine: {machine}. Command: `python benchmarks/overhead.py --device {args.device} "
             f"--repeats {args.repeats} --steps {args.steps}`; {args.repeats} repeats of alternating blocks of "
             f"{args.steps} steps, or k if more (k: watch's sampling period for the model, so that a block holds "
             f"its share of sampled steps), after {args.warmup} warm-up steps, or k if more (the steady state: "
             f"before k steps, watch samples each power of two); each ratio is the median over the repeats of a "
             f"block's time over the plain block's of the same repeat. Start-up: what the warm-up steps took "
             f"under watch beyond their plain time (hooks installed, the first 20 steps with full statistics, "
             f"the samples up to k), once per run.", "",
             "| model | plain ms/step | k | watch (default) | watch, full stats every step | detect_anomaly "
             "| watch start-up, once |",
             "|---|---|---|---|---|---|---|"]
    for case, med in rows:
        lines.append(f"| {case} | {med['plain_ms']:.3f} | {med['k']} | {med['watch']:.3f}x | "
                     f"{med['watch-full']:.3f}x | {med['anomaly']:.3f}x | {med['startup_ms']:.0f} ms |")
    out = Path(__file__).parent / "results" / f"overhead-{name}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Overhead of watching: plain training step vs the same step under nndoctor.watch.

In one process, in paired blocks: one watch session per mode, entered once and run to its steady state,
then its hooks are put in and taken out between neighbouring blocks of 64 steps, the modes in turn (the
order reversed every other round), the default watch with plain blocks alone, the two heavy reference
modes with plain blocks of their own (see PHASES):
  plain           the user's loop as is (every hook out: nothing of nndoctor on its path)
  watch           nndoctor.watch at default settings (adaptive sampling, live rules)
  watch-full      nndoctor.watch with full statistics on every step (sample_every=1)
  anomaly         torch.autograd.set_detect_anomaly(True), a reference point users know
Each ratio is the summed time of a mode's blocks over the plain blocks': the sampled steps and live rule
runs count at the rate they come. (Separate blocks, each with a fresh watch, move by 10-20% between
blocks on a shared virtual machine: paired neighbours cancel that drift.) The start-up a run pays once
(hooks installed, the first 20 steps with full statistics, a sample at each power of two up to k) is
timed apart, with a fresh watch against plain steps.
Models: an MLP and a CNN on scikit-learn digits, a small transformer encoder on synthetic tokens.
Writes benchmarks/results/overhead-<device>.md and prints the table.

    python benchmarks/overhead.py [--device cuda] [--seconds 150] [--cases mlp-digits,...]
"""
from __future__ import annotations

import argparse
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
from nndoctor.config import Config  # noqa: E402


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
    y = torch.bucketize((X < 10).sum(1), torch.tensor([4, 6, 8]))  # four classes of about equal size
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


BLOCK = 64  # steps a block: short enough that neighbouring blocks see the same machine
MODES = ["plain", "watch", "watch-full", "anomaly"]


def start_up(model, opt, run, steps, device, repeats=3) -> tuple[float, float]:
    """Seconds the first ``steps`` steps of a fresh watch take beyond the same steps plain, and seconds
    the diagnosis at the end of that run takes (the end-of-run rules, the report): medians."""
    extra, ends = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(steps)
        sync(device)
        t1 = time.perf_counter()
        doctor = nndoctor.watch(model, opt, live=False, preflight=False).__enter__()
        run(steps)
        sync(device)
        t2 = time.perf_counter()
        doctor.__exit__(None, None, None)
        doctor.report()
        ends.append(time.perf_counter() - t2)
        extra.append((t2 - t1) - (t1 - t0))
    return statistics.median(extra), statistics.median(ends)


def steady_sessions(model, opt, run, device) -> dict:
    """A watch session per watched mode, run until its sampling period has settled (at least twice that
    many steps) and then taken out; the blocks put it in and take it out again."""
    sessions = {}
    for mode, settings in (("watch", {}), ("watch-full", {"sample_every": 1})):
        doctor = nndoctor.watch(model, opt, preflight=False, **settings).__enter__()
        probe = doctor.session.probe
        while probe.sig.steps < max(256, 2 * probe.sampler.period):
            run(BLOCK, probe.sig.steps)
        sync(device)
        probe.uninstall()
        sessions[mode] = doctor
    return sessions


# The default watch is timed against plain blocks alone: a block that follows one with full statistics or
# anomaly detection (thousands of small tensors made and freed) runs a few percent slower, a cost no real run
# of either mode pays. The two reference modes share their own phase with plain blocks.
PHASES = ((("plain", "watch"), 0.6), (("plain", "watch-full", "anomaly"), 0.4))  # (modes, share of the time)


def paired_blocks(sessions, run, device, seconds, modes) -> dict[str, list[float]]:
    times = {m: [] for m in modes}
    probes = {m: d.session.probe for m, d in sessions.items() if m in modes}
    began, i = time.perf_counter(), 0
    while i < 6 or (time.perf_counter() - began < seconds and i < 400):
        for mode in (modes if i % 2 == 0 else modes[::-1]):
            if mode in probes:
                probes[mode].install()
            torch.autograd.set_detect_anomaly(mode == "anomaly")
            sync(device)
            t0 = time.perf_counter()
            run(BLOCK, i * BLOCK)
            sync(device)
            times[mode].append(time.perf_counter() - t0)
            torch.autograd.set_detect_anomaly(False)
            if mode in probes:
                probes[mode].uninstall()
        i += 1
    return times


DISTURBED = 2.0  # a block this many times its mode's median was slowed by the host (see undisturbed)


def undisturbed(times: dict[str, list[float]]) -> tuple[dict[str, list[float]], int]:
    """The rounds in which no block took DISTURBED x its mode's median, and how many were dropped. On a
    shared machine another process now and then takes the cores for a second: one such block moves a
    mode's sum by more than the hooks cost (a run read 0.68x for the CNN). What nndoctor itself does now
    and then adds far less to a block: a sampled step 5-8% of a 64-step MLP block, a live rule run about as
    much, so every round with nndoctor's own work in it is kept."""
    medians = {m: statistics.median(v) for m, v in times.items()}
    keep = [i for i in range(len(times["plain"])) if all(v[i] < DISTURBED * medians[m] for m, v in times.items())]
    return {m: [v[i] for i in keep] for m, v in times.items()}, len(times["plain"]) - len(keep)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seconds", type=float, default=150, help="time for the paired blocks of each model")
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    rows = []
    for case in args.cases.split(","):
        model, X, y, batch = CASES[case](device)
        opt, run = make_loop(model, X, y, batch)
        run(60)
        sync(device)
        sessions = steady_sessions(model, opt, run, device)
        probe = sessions["watch"].session.probe
        k = probe.sampler.period
        med, dropped, pairs, plain_ms = {}, 0, None, None
        for modes, share in PHASES:
            times, lost = undisturbed(paired_blocks(sessions, run, device, share * args.seconds, modes))
            plain = times["plain"]
            med.update({m: sum(v) / sum(plain) for m, v in times.items()})
            med.update({m + "/pair": statistics.median(a / b for a, b in zip(v, plain)) for m, v in times.items()})
            dropped += lost
            if pairs is None:  # (the plain step time and the count: the default watch's phase)
                pairs, plain_ms = len(plain), statistics.median(plain) / BLOCK * 1e3
        for doctor in sessions.values():
            doctor.session.probe.install()
            doctor.__exit__(None, None, None)
        med["plain_ms"], med["pairs"], med["k"], med["dropped"] = plain_ms, pairs, k, dropped
        med["startup_ms"], med["end_ms"] = (v * 1e3 for v in start_up(model, opt, run, max(60, k), device))
        rows.append((case, med))
        print(f"{case}: k={k}, {len(plain)} rounds of {BLOCK}-step blocks ({dropped} disturbed ones dropped); "
              f"plain {med['plain_ms']:.3f} ms/step; "
              + ", ".join(f"{m} {med[m]:.3f}x (pair median {med[m + '/pair']:.3f}x)" for m in MODES[1:])
              + f"; start-up {med['startup_ms']:.0f} ms, diagnosis at the end {med['end_ms']:.0f} ms", flush=True)
    name = "cuda-" + torch.cuda.get_device_name(0).replace(" ", "-") if device.type == "cuda" else "cpu"
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}"
               + (f", {torch.cuda.get_device_name(0)}" if device.type == "cuda" else "")
               + f", {torch.get_num_threads()} torch threads, sample_budget {Config().sample_budget:g}")
    lines = [f"# Overhead of nndoctor.watch ({device.type})", "",
             f"Machine: {machine}. Command: `python benchmarks/overhead.py --device {args.device} "
             f"--seconds {args.seconds:g}`. One watch session per mode, run to its steady state (twice its "
             f"sampling period k, at least 256 steps), then its hooks put in and taken out between neighbouring "
             f"blocks of {BLOCK} steps, for about {args.seconds:g} s a model: the default watch in turn with plain "
             f"blocks ({PHASES[0][1]:.0%} of the time; rounds counted in the table), then full statistics and "
             f"detect_anomaly in turn with plain blocks of their own (a block after one of theirs runs slower, "
             f"a cost no run of one mode pays). Each ratio: "
             f"the summed time of the mode's blocks over the plain blocks' (so sampled steps and live rule runs "
             f"count at their rate), over the rounds in which no block took {DISTURBED:g}x its mode's median (the "
             f"host took the cores: dropped, counted in the table); in brackets the median of the per-round "
             f"ratios. Start-up: what the first "
             f"max(60, k) steps of a fresh watch took beyond the same steps plain; diagnosis: what leaving that watch "
             f"took (the end-of-run rules and the report); each once per run (medians of 3).", "",
             "| model | plain ms/step | k | rounds (dropped) | watch (default) | watch, full stats every step "
             "| detect_anomaly | watch start-up, once | diagnosis at the end, once |",
             "|---|---|---|---|---|---|---|---|---|"]
    for case, med in rows:
        lines.append(f"| {case} | {med['plain_ms']:.3f} | {med['k']} | {med['pairs']} ({med['dropped']}) "
                     f"| {med['watch']:.3f}x "
                     f"({med['watch/pair']:.3f}x) | {med['watch-full']:.3f}x | {med['anomaly']:.3f}x "
                     f"| {med['startup_ms']:.0f} ms | {med['end_ms']:.0f} ms |")
    out = Path(__file__).parent / "results" / f"overhead-{name}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

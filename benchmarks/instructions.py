"""Overhead in CPU instructions, counted by valgrind (callgrind): deterministic, unlike wall time on a
shared or virtual machine, where two runs of the same loop can differ by 10%.

The MLP of benchmarks/overhead.py, plain and under nndoctor.watch at default settings with the sampled
steps and the live rules switched off after the first steps (so this counts what every ordinary step
costs; the sampled steps are priced by the sampler within its budget, the live rules by their own
share of wall time, see the README). Each mode runs twice, for 100 and
300 steps, and the per-step count is the difference over 200 steps, so start-up cancels out.
Before the counted steps the process's objects are frozen out of the garbage collector: otherwise a
full collection (it scans every object, torch's included) falling inside them or not moves the count
by more than the hooks cost (without the freeze, two runs of the same code counted 1.015x and 1.028x).

    python benchmarks/instructions.py          # needs valgrind; about 10 minutes on 2 cores
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = (100, 300)

CHILD = """
import gc
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/benchmarks")
import torch
torch.set_num_threads(1)
from overhead import mlp_case, make_loop
import nndoctor
torch.manual_seed(0)
model, X, y, b = mlp_case(torch.device("cpu"))
opt, run = make_loop(model, X, y, b)
mode, n = sys.argv[1], int(sys.argv[2])
run(60)


def counted(steps):
    # A full garbage collection scans every object of the process (torch's too): whether one falls
    # inside the counted steps or not would move the count by more than the hooks cost. The objects
    # made so far are frozen out of the collector's scans, in both modes alike.
    gc.collect()
    gc.freeze()
    run(steps)


if mode == "plain":
    counted(n)
else:
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        run(60)
        doctor.session.probe.sampler.fixed = doctor.session.probe.sampler.k = 10 ** 9  # ordinary steps only
        # Live rules run by wall time (at most 0.25% of it), which valgrind stretches 50-fold and which
        # moves with the machine's load: left out here, so that the count is the same every run.
        doctor.session.engine.next_live_step = float("inf")
        counted(n)
        import os; os._exit(0)  # the end-of-run report is not a step
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        child = Path(tmp) / "child.py"
        child.write_text(CHILD.format(root=str(ROOT)))
        runs = {}
        # A fixed hash seed: with a random one, dict and set probing (collisions) moves the count by more
        # than the hooks cost between two runs of the same code.
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
        for mode in ("plain", "watch"):
            for n in STEPS:
                log = Path(tmp) / f"{mode}.{n}.log"
                runs[mode, n] = (subprocess.Popen(
                    ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/{mode}.{n}.out", sys.executable,
                     str(child), mode, str(n)], stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env), log)
        counts = {}
        for key, (proc, log) in runs.items():
            proc.wait()
            counts[key] = int(re.search(r"Collected : (\d+)", log.read_text()).group(1))
    per_step = {mode: (counts[mode, STEPS[1]] - counts[mode, STEPS[0]]) / (STEPS[1] - STEPS[0])
                for mode in ("plain", "watch")}
    ratio = per_step["watch"] / per_step["plain"]
    lines = ["# Overhead of nndoctor.watch in CPU instructions (callgrind)", "",
             "Command: `python benchmarks/instructions.py`. The MLP of overhead.py, 1 torch thread; ordinary "
             "(unsampled) steps of watch at default settings, live rules left out, against the plain loop, "
             "the objects made before the counted steps frozen out of the garbage collector (gc.freeze) in "
             "both modes, with a fixed hash seed (PYTHONHASHSEED=0); per-step counts are "
             f"differences between runs of {STEPS[0]} and {STEPS[1]} steps.", "",
             "| mode | instructions per step |", "|---|---:|",
             f"| plain | {per_step['plain']:,.0f} |", f"| watch (ordinary step) | {per_step['watch']:,.0f} |", "",
             f"Ratio: {ratio:.3f}x"]
    out = ROOT / "benchmarks" / "results" / "instructions-cpu.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Two versions of nndoctor against each other, in one process: is a change to the hooks cheaper?

On a shared virtual machine the same plain loop's step moves by 10-30% from one minute to the next, and
the hooks' cost with it, so the ratios of two separate benchmark runs differ by more than a change to
the hooks does. Here the working tree's nndoctor and the one at a git revision (extracted to a temporary
folder and imported under another name) each watch the same model, and their hooks are put in and taken
out between neighbouring blocks of 64 steps with plain blocks between them, the order reversed every
other round, as in overhead.py. Each ratio: the summed time of the version's blocks over the plain
blocks'; in brackets the median of the per-round ratios.

    python benchmarks/versus.py HEAD~1 [--seconds 90] [--case mlp-digits] [--repeats 2]
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import nndoctor  # noqa: E402
from overhead import BLOCK, CASES, make_loop  # noqa: E402

OLD = "nndoctor_then"


def import_revision(rev: str, into: Path):
    """nndoctor as it was at ``rev``, importable as nndoctor_then (its absolute imports renamed)."""
    archive = subprocess.run(["git", "archive", rev, "nndoctor"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)
    (into / "nndoctor").rename(into / OLD)
    pattern = re.compile(r"^(\s*)(from|import) nndoctor\b", re.M)
    for path in (into / OLD).rglob("*.py"):
        path.write_text(pattern.sub(rf"\1\2 {OLD}", path.read_text()))
    sys.path.insert(0, str(into))
    return __import__(OLD)


def race(case: str, then, seconds: float) -> dict[str, tuple[float, float]]:
    torch.manual_seed(0)
    model, X, y, batch = CASES[case](torch.device("cpu"))
    opt, run = make_loop(model, X, y, batch)
    run(60)
    probes = {}
    for name, lib in (("then", then), ("now", nndoctor)):
        doctor = lib.watch(model, opt, preflight=False).__enter__()
        probe = doctor.session.probe
        while probe.sig.steps < max(256, 2 * probe.sampler.period):
            run(BLOCK, probe.sig.steps)
        probe.uninstall()
        probes[name] = probe
    modes = ["plain", "then", "now"]
    times: dict[str, list[float]] = {m: [] for m in modes}
    began, i = time.perf_counter(), 0
    while i < 6 or time.perf_counter() - began < seconds:
        for mode in (modes if i % 2 == 0 else modes[::-1]):
            if mode != "plain":
                probes[mode].install()
            t0 = time.perf_counter()
            run(BLOCK, i * BLOCK)
            times[mode].append(time.perf_counter() - t0)
            if mode != "plain":
                probes[mode].uninstall()
        i += 1
    plain = times["plain"]
    return {m: (sum(times[m]) / sum(plain), statistics.median(a / b for a, b in zip(times[m], plain)))
            for m in ("then", "now")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the git revision to compare the working tree with")
    parser.add_argument("--case", default="mlp-digits", choices=list(CASES))
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        then = import_revision(args.rev, Path(tmp))
        for r in range(args.repeats):
            result = race(args.case, then, args.seconds)
            print(f"{args.case} run {r + 1}: " + ", ".join(
                f"{name} {total:.3f}x ({median:.3f}x)" for name, (total, median) in
                (("at " + args.rev, result["then"]), ("working tree", result["now"]))), flush=True)


if __name__ == "__main__":
    main()

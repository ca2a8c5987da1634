from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import forked
import pytest

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "zoo"

# Runs a script as __main__ and saves every model the script called, in first-call order; with a
# step limit > 0 it stops the script after that many optimizer steps.
SAVER = textwrap.dedent('''
    import runpy, sys, torch
    from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
    from torch.optim.optimizer import register_optimizer_step_post_hook
    torch.use_deterministic_algorithms(True)
    script, out, max_steps = sys.argv[1], sys.argv[2], int(sys.argv[3])

    class Enough(BaseException):
        pass

    models, depth, steps = [], [0], [0]
    def enter(module, args):
        if depth[0] == 0 and all(m is not module for m in models) and next(module.parameters(), None) is not None:
            models.append(module)
        depth[0] += 1
    def leave(module, args, output):
        depth[0] -= 1
    def count(opt, args, kwargs):
        steps[0] += 1
        if max_steps and steps[0] >= max_steps:
            raise Enough()
    register_module_forward_pre_hook(enter)
    register_module_forward_hook(leave, always_call=True)
    register_optimizer_step_post_hook(count)
    sys.argv = [script]
    try:
        runpy.run_path(script, run_name="__main__")
    except Enough:
        pass
    torch.save([{k: v.clone() for k, v in m.state_dict().items()} for m in models], out)
    print("nndoctor-test: saved", len(models), "models after", steps[0], "optimizer steps", file=sys.stderr)
''')


ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1"}


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300, fresh: bool = False) -> subprocess.CompletedProcess:
    """``python -m nndoctor ARGS``: forked from a process with torch and scikit-learn imported (tests/forked.py),
    or with ``fresh`` in a new interpreter."""
    if fresh:
        return subprocess.run([sys.executable, "-m", "nndoctor", *args], cwd=cwd or ROOT, env=ENV,
                              capture_output=True, text=True, timeout=timeout)
    return forked.run(["-m", "nndoctor", *args], cwd=cwd or ROOT, env=ENV, timeout=timeout)


def run_script(script: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """``python SCRIPT ARGS`` (plain, no nndoctor), forked like ``run_cli``."""
    return forked.run([str(script), *args], cwd=ROOT, env=ENV, timeout=timeout)


def diagnose(script: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "report.json"
    proc = run_cli("run", "--quiet", "--json", str(out), *extra, str(script))
    report = json.loads(out.read_text()) if out.exists() else {}
    return proc, report


def expected_codes(script: Path) -> list[str]:
    for line in script.read_text().splitlines():
        if line.startswith("# expect:"):
            codes = line.split(":", 1)[1].split()
            return [] if codes == ["none"] else codes
    raise AssertionError(f"{script.name} has no '# expect:' line")


def known_miss(script: Path) -> str | None:
    """A broken script nndoctor cannot catch yet says why on a '# known-miss:' line (kept honest, not hidden)."""
    for line in script.read_text().splitlines():
        if line.startswith("# known-miss:"):
            return line.split(":", 1)[1].strip()
    return None


@pytest.fixture
def cli():
    return run_cli

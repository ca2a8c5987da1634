from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "zoo"


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "nndoctor", *args], cwd=cwd or ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


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

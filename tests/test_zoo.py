"""The public zoo, through the real CLI: broken scripts raise their codes, healthy ones stay silent."""
from __future__ import annotations

import json

import pytest
import torch

from conftest import SAVER, ZOO, diagnose, expected_codes, known_miss, run_cli, run_script
from nndoctor.catalog import RULE_INFO
from nndoctor.rules.base import load_rules

IMPLEMENTED = set(load_rules())
BROKEN = sorted((ZOO / "broken").glob("*.py"))
HEALTHY = sorted((ZOO / "healthy").glob("*.py"))


def _loud(report: dict) -> dict[str, dict]:
    return {f["code"]: f for f in report["findings"] if f["severity"] in ("error", "warning")}


@pytest.mark.parametrize("script", BROKEN, ids=[s.stem for s in BROKEN])
def test_broken_script_raises_its_code(script, tmp_path):
    codes = [c for c in expected_codes(script) if c in IMPLEMENTED]
    if not codes:
        pytest.skip(f"rules {expected_codes(script)} not implemented yet")
    miss = known_miss(script)
    if miss:
        pytest.xfail(f"known miss: {miss}")
    proc, report = diagnose(script, tmp_path)
    assert report, proc.stderr[-3000:]
    assert report["exit_status"] == 0, proc.stderr[-3000:]
    found = {f["code"]: f for f in report["findings"]}
    for code in codes:
        assert code in found, f"{code} not raised; got {sorted(found)}\n{proc.stderr[-3000:]}"
        explained = set(found[code]["evidence"].get("consequence_of", [])) & set(expected_codes(script))
        if RULE_INFO[code].severity != "info" and not explained:
            assert found[code]["severity"] in ("error", "warning"), found[code]
    assert not report["internal_errors"], report["internal_errors"]


@pytest.mark.parametrize("script", HEALTHY, ids=[s.stem for s in HEALTHY])
def test_healthy_script_is_silent_and_trains_bit_identically(script, tmp_path):
    """No warning, no internal error, and the final weights (pre-flight and watching on) equal those
    of a plain run of the same script: the run is saved through conftest's SAVER in both cases."""
    assert expected_codes(script) == []
    saver, out = tmp_path / "saver.py", tmp_path / "report.json"
    saver.write_text(SAVER)
    plain, watched = tmp_path / "plain.pt", tmp_path / "watched.pt"
    proc = run_cli("run", "--quiet", "--json", str(out), str(saver), str(script), str(watched), "0")
    report = json.loads(out.read_text()) if out.exists() else {}
    assert report, proc.stderr[-3000:]
    assert report["exit_status"] == 0, proc.stderr[-3000:]
    loud = _loud(report)
    assert not loud, "false alarm on a healthy script:\n" + "\n".join(
        f"{c}: {f['message']}" for c, f in loud.items())
    assert not report["internal_errors"], report["internal_errors"]
    assert proc.returncode == 0
    experiments = report["series"]["experiments"]
    assert "skipped" not in experiments.get("preflight", {"skipped": "not run"}), experiments.get("preflight")
    assert "overfit" in experiments  # the pre-flight did run on this script's copies
    p1 = run_script(saver, str(script), str(plain), "0")
    assert p1.returncode == 0, p1.stderr[-2000:]
    a, b = torch.load(plain), torch.load(watched)
    assert a and len(a) == len(b), (len(a), len(b))
    for i, (sa, sb) in enumerate(zip(a, b)):
        assert sa.keys() == sb.keys()
        for k in sa:
            assert torch.equal(sa[k], sb[k]), f"{script.name}: model {i} {k} differs after nndoctor run"

"""The public zoo, through the real CLI: broken scripts raise their codes, healthy ones stay silent."""
from __future__ import annotations

import pytest

from conftest import ZOO, diagnose, expected_codes, known_miss
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
def test_healthy_script_is_silent(script, tmp_path):
    assert expected_codes(script) == []
    proc, report = diagnose(script, tmp_path)
    assert report, proc.stderr[-3000:]
    assert report["exit_status"] == 0, proc.stderr[-3000:]
    loud = _loud(report)
    assert not loud, "false alarm on a healthy script:\n" + "\n".join(
        f"{c}: {f['message']}" for c, f in loud.items())
    assert not report["internal_errors"], report["internal_errors"]
    assert proc.returncode == 0

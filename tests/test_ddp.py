"""Multi-process training: 2 ranks on CPU (gloo) under torchrun, one merged report on rank 0.

The torchrun tests run the real CLI (`torchrun --nproc_per_node=2 -m nndoctor run script.py`) on the
zoo's DDP scripts: a correct one that must raise nothing, one without a DistributedSampler (T506),
one whose forward bypasses the DDP wrapper (T507). The rules and the merge are also tested
directly on hand-made evidence (fast, no processes).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ZOO
from nndoctor.config import Config
from nndoctor.engine import Engine
from nndoctor.findings import Finding
from nndoctor.rules.base import Context, load_rules
from nndoctor.thresholds import DEFAULTS

DDP = ZOO / "ddp"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gloo/torchrun on CPU: POSIX only here")


def torchrun(script, tmp_path, *extra):
    out = tmp_path / "report.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1",
           "NNDOCTOR_GATHER_TIMEOUT": "30"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                           "-m", "nndoctor", "run", "--json", str(out), *extra, str(script)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    return proc, (json.loads(out.read_text()) if out.exists() else {})


def _loud(report):
    return {f["code"]: f for f in report["findings"] if f["severity"] in ("warning", "error")}


def test_correct_ddp_script_raises_nothing_and_rank_1_stays_quiet(tmp_path):
    proc, report = torchrun(DDP / "healthy_ddp.py", tmp_path)
    assert report, proc.stderr[-4000:]
    assert report["exit_status"] == 0 and proc.returncode == 0, proc.stderr[-4000:]
    assert not _loud(report), report["findings"]
    assert not report["internal_errors"], report["internal_errors"]
    assert any("2 ranks watched" in n for n in report["notes"]), report["notes"]
    assert report["steps_seen"] == 64
    # One summary on the terminal: rank 0's; rank 1 printed no report and no live line.
    assert proc.stderr.count("nndoctor diagnosis") == 1, proc.stderr[-4000:]


def test_missing_distributed_sampler_is_T506(tmp_path):
    proc, report = torchrun(DDP / "T506_no_distributed_sampler.py", tmp_path, "--quiet")
    assert report, proc.stderr[-4000:]
    found = {f["code"]: f for f in report["findings"]}
    assert "T506" in found and found["T506"]["severity"] == "warning", report["findings"]
    assert found["T506"]["evidence"]["ranks"] == [0, 1]
    assert "T507" not in found  # DDP still keeps the replicas identical
    assert proc.stderr.count("nndoctor diagnosis") == 1


def test_forward_bypassing_ddp_is_T507(tmp_path):
    proc, report = torchrun(DDP / "T507_forward_bypasses_ddp.py", tmp_path, "--quiet")
    assert report, proc.stderr[-4000:]
    found = {f["code"]: f for f in report["findings"]}
    assert "T507" in found and found["T507"]["severity"] == "error", report["findings"]
    assert found["T507"]["evidence"]["optimizer_step"] == 1
    assert "T506" not in found


# ------------------------------------------------------------------ rules on hand-made evidence
def _payload(rank, batches=(), losses=(), checksums=None, names=None, findings=(), sharded=False):
    return {"rank": rank, "world": 2, "steps": 10, "findings": list(findings), "internal_errors": [],
            "batches": [list(b) for b in batches], "losses": [list(x) for x in losses],
            "checksums": checksums or {}, "param_names": names or {}, "sharded": sharded, "models": ["DDP"]}


def _judge(code, ranks):
    load_rules()
    engine = Engine(Config(live=False))
    engine.signals.ddp = {"world": len(ranks), "ranks": ranks}
    return engine.rules[code].check(Context(engine.signals, dict(DEFAULTS[code]), True))


def _fp(step, rank_offset=0.0):
    return [32.0, 16.0, float(step) + rank_offset, 1.5 * step + rank_offset, 2.0]


def test_T506_needs_identical_changing_batches_on_every_rank():
    same = [[s, "DDP", 0, _fp(s)] for s in range(5)]
    assert _judge("T506", [_payload(0, same), _payload(1, same)]) is not None
    shard = [[s, "DDP", 0, _fp(s, 0.5)] for s in range(5)]
    assert _judge("T506", [_payload(0, same), _payload(1, shard)]) is None
    constant = [[s, "DDP", 0, _fp(0)] for s in range(5)]  # a constant input says nothing about the data
    assert _judge("T506", [_payload(0, constant), _payload(1, constant)]) is None
    assert _judge("T506", [_payload(0, same[:2]), _payload(1, same[:2])]) is None  # too few steps
    # No fingerprints (token ids, keyword inputs): bit-identical, changing losses.
    losses = [(s, 1.0 / (s + 1)) for s in range(5)]
    assert _judge("T506", [_payload(0, losses=losses), _payload(1, losses=losses)]) is not None
    other = [(s, v + 1e-3) for s, v in losses]
    assert _judge("T506", [_payload(0, losses=losses), _payload(1, losses=other)]) is None
    assert _judge("T506", [_payload(0, same)]) is None  # one rank: nothing to compare


def test_T507_flags_replicas_that_differ_after_a_step_and_nothing_else():
    names = {"0": ["w", "b"]}
    base = {"0:1": [[1.0, 0.5], [10.0, 2.0]], "0:2": [[1.1, 0.4], [10.5, 2.1]]}
    assert _judge("T507", [_payload(0, checksums=base, names=names), _payload(1, checksums=base, names=names)]) is None
    drift = {"0:1": [[1.0, 0.5], [10.0, 2.0]], "0:2": [[1.1, 0.45], [10.5, 2.1]]}
    hit = _judge("T507", [_payload(0, checksums=base, names=names), _payload(1, checksums=drift, names=names)])
    assert hit is not None and hit.where == "b" and hit.step == 2
    rounding = {k: [[x * (1 + 1e-9) for x in s], l1] for k, (s, l1) in base.items()}
    assert _judge("T507", [_payload(0, checksums=base, names=names),
                           _payload(1, checksums=rounding, names=names)]) is None
    assert _judge("T507", [_payload(0, checksums=base, names=names, sharded=True),
                           _payload(1, checksums=drift, names=names, sharded=True)]) is None


def test_rank_0_report_says_which_rank_saw_what(monkeypatch):
    from nndoctor.session import Session

    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    session = Session(Config(live=False, preflight=False))
    assert session.ranks is not None
    nan = {"code": "N601", "name": "nonfinite-loss", "severity": "error", "message": "the loss became NaN at step 7",
           "where": "loss", "step": 7, "fix": "", "evidence": {}}
    both = {"code": "G409", "name": "undertrained", "severity": "info", "message": "still falling",
            "where": "training loss", "step": 9, "fix": "", "evidence": {}}
    session.engine.findings["G409"] = Finding.from_dict(both)
    session.ranks.gathered = [_payload(0, findings=[both]), _payload(1, findings=[nan, both])]
    session.ranks.merge()
    report = session.report()
    found = {f.code: f for f in report.findings}
    assert found["N601"].evidence["ranks"] == [1] and "rank 1 only" in found["N601"].message
    assert found["N601"].where.startswith("rank 1")
    assert found["G409"].evidence["ranks"] == [0, 1] and "all 2 ranks" in found["G409"].message
    assert any("2 ranks watched" in n for n in report.notes)


def test_non_zero_rank_is_quiet(monkeypatch):
    from nndoctor.session import Session

    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    lines = []
    session = Session(Config(preflight=False), live_sink=lines.append)
    session.engine.live_sink("anything")
    assert lines == []

"""The command line as users meet it: faithful script execution, exit codes, clear errors, filters."""
from __future__ import annotations

import json
import textwrap

from conftest import ROOT
from conftest import run_cli as _run_cli


def run_cli(*args, **kwargs):  # the console entry in a new interpreter, as users start it
    return _run_cli(*args, fresh=True, **kwargs)


from nndoctor.catalog import RULE_INFO

BROKEN_DEMO = ROOT / "nndoctor" / "demo" / "broken_digits.py"


def write(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_rules_lists_every_catalog_code_with_honest_status():
    proc = run_cli("rules", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    codes = [r["code"] for r in listed]
    catalog = [line.split("|")[1].strip() for line in (ROOT.parent / "shared" / "catalog.md").read_text().splitlines()
               if line.startswith("| ") and line.split("|")[1].strip()[:1] in "DLMGTN"
               and line.split("|")[1].strip()[1:].isdigit()] if (ROOT.parent / "shared").exists() else codes
    assert codes == catalog
    from nndoctor.rules.base import load_rules

    assert {r["code"] for r in listed if r["implemented"]} == set(load_rules())


def test_explain_prints_one_rule_in_full_and_rejects_unknown_codes():
    proc = run_cli("explain", "L202")
    assert proc.returncode == 0
    assert "softmax-before-crossentropy" in proc.stdout
    assert RULE_INFO["L202"].text("fix") in proc.stdout
    bad = run_cli("explain", "X999")
    assert bad.returncode == 2 and "unknown rule code" in bad.stderr


def test_script_runs_as_main_with_its_argv_stdout_and_exit_status(tmp_path):
    script = write(tmp_path, "echo.py", """
        import sys
        print("main" if __name__ == "__main__" else "not main", sys.argv[1:])
        sys.exit(int(sys.argv[2]))
    """)
    proc = run_cli("run", "--quiet", str(script), "--epochs", "3")
    assert proc.stdout.splitlines()[0] == "main ['--epochs', '3']"
    assert proc.returncode == 3


def test_failing_script_keeps_traceback_and_status_and_report_is_written(tmp_path):
    script = write(tmp_path, "fails.py", """
        import torch
        model = torch.nn.Linear(3, 1)
        model(torch.randn(4, 3)).sum().backward()
        raise RuntimeError("boom from the user")
    """)
    out = tmp_path / "r.json"
    proc = run_cli("run", "--quiet", "--json", str(out), str(script))
    assert proc.returncode == 1
    assert "RuntimeError: boom from the user" in proc.stderr
    assert 'fails.py", line 5' in proc.stderr
    assert json.loads(out.read_text())["exit_status"] == 1


def test_clear_one_line_errors(tmp_path):
    missing = run_cli("run", str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and "no such script" in missing.stderr
    syntax = write(tmp_path, "bad.py", "def f(:\n    pass\n")
    proc = run_cli("run", str(syntax))
    assert proc.returncode == 2 and "bad.py:1" in proc.stderr and "Traceback" not in proc.stderr
    nothing = write(tmp_path, "plain.py", "print(sum(range(10)))\n")
    proc = run_cli("run", str(nothing))
    assert proc.stdout.strip() == "45"
    assert proc.returncode == 2 and "no PyTorch training was seen" in proc.stderr


def test_json_schema_select_ignore_and_fail_on(tmp_path):
    # Five runs of the demo, forked (tests/forked.py): the filters are under test here, not the start.
    out = tmp_path / "r.json"
    proc = _run_cli("run", "--quiet", "--json", str(out), str(BROKEN_DEMO))
    report = json.loads(out.read_text())
    assert proc.returncode == 1
    assert report["schema"] == 1 and report["exit_status"] == 0 and report["steps_seen"] > 50
    assert {"L202", "T501"} <= {f["code"] for f in report["findings"]}
    for f in report["findings"]:
        assert set(f) == {"code", "name", "severity", "message", "messages", "where", "step", "fix", "evidence"}
        assert f["severity"] in ("error", "warning", "info") and f["message"] and f["fix"]
        assert f["messages"]["en"] == f["message"] and f["messages"]["zh"]  # every language kept for `report`
    _run_cli("run", "--quiet", "--json", str(out), "--ignore", "L2,T501", str(BROKEN_DEMO))
    codes = {f["code"] for f in json.loads(out.read_text())["findings"]}
    assert "L202" not in codes and "T501" not in codes
    proc = _run_cli("run", "--quiet", "--json", str(out), "--select", "T5", str(BROKEN_DEMO))
    assert {f["code"] for f in json.loads(out.read_text())["findings"]} == {"T501"}
    assert proc.returncode == 1
    proc = _run_cli("run", "--quiet", "--select", "T5", "--fail-on", "error", str(BROKEN_DEMO))
    assert proc.returncode == (1 if RULE_INFO["T501"].severity == "error" else 0)


def test_live_warning_once_per_rule_and_max_steps(tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli("run", "--json", str(out), "--max-steps", "30", str(BROKEN_DEMO))
    assert proc.stderr.count("nndoctor: warning L202") + proc.stderr.count("nndoctor: error L202") == 1
    report = json.loads(out.read_text())
    assert report["steps_seen"] == 30
    assert any("--max-steps" in n for n in report["notes"])
    assert "epoch 1" not in proc.stdout  # stopped inside the first epoch


def test_python_dash_m_entry_and_demo():
    proc = run_cli("demo")
    assert "L202" in proc.stderr and "T501" in proc.stderr

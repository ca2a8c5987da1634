"""[tool.nndoctor] in pyproject.toml: every setting is read, command-line flags override it,
`nndoctor explain` shows the thresholds in force, and mistakes are one clear line (exit 2)."""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import run_cli
from nndoctor import thresholds
from nndoctor.config import load_config

SCRIPT = textwrap.dedent('''
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(0)
    X = torch.randn(512, 8)
    y = (X[:, 0] > 0).long()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(40):
        idx = torch.randint(0, 512, (32,))
        loss = F.cross_entropy(model(X[idx]).softmax(dim=1), y[idx])  # L202
        opt.zero_grad()
        loss.backward()
        opt.step()
''')


def _project(tmp_path, table: str):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n" + textwrap.dedent(table))
    (tmp_path / "train.py").write_text(SCRIPT)
    return tmp_path


def test_every_setting_is_read_from_pyproject(tmp_path):
    _project(tmp_path, """
        [tool.nndoctor]
        select = ["L2", "G4"]
        ignore = ["G409"]
        fail-on = "error"
        lang = "zh"
        sample_every = 5
        sample_budget = 0.02
        preflight = false

        [tool.nndoctor.thresholds.L201]
        max_ratio = 3
    """)
    (tmp_path / "sub").mkdir()
    config = load_config(tmp_path / "sub")  # found from a folder below, as for a script in src/
    assert config.select == ["L2", "G4"] and config.ignore == ["G409"]
    assert config.fail_on == "error" and config.lang == "zh" and config.sample_every == 5
    assert config.preflight is False and config.sample_budget == 0.02
    assert config.thresholds["L201"]["max_ratio"] == 3.0  # converted to the default's type
    assert config.thresholds["L202"] == thresholds.DEFAULTS["L202"]
    assert config.source == str(tmp_path / "pyproject.toml")


def test_defaults_without_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    config = load_config(tmp_path)
    assert config.select == [] and config.fail_on == "warning" and config.preflight is True
    assert config.thresholds == thresholds.merged()


@pytest.mark.parametrize("table, message", [
    ("[tool.nndoctor]\nfail_on = 'sometimes'\n", "fail_on"),
    ("[tool.nndoctor]\ncolour = true\n", "unknown nndoctor setting 'colour'"),
    ("[tool.nndoctor]\nsample_budget = 5\n", "sample_budget must be a share"),
    ("[tool.nndoctor.thresholds.L201]\nmax_ratoi = 2\n", "unknown threshold 'max_ratoi'"),
    ("[tool.nndoctor.thresholds.Z999]\nx = 1\n", "no thresholds for rule 'Z999'"),
])
def test_mistakes_are_errors_not_silence(tmp_path, table, message):
    _project(tmp_path, table)
    with pytest.raises(ValueError, match=message):
        load_config(tmp_path)
    proc = run_cli("run", str(tmp_path / "train.py"), cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_explain_shows_the_threshold_in_force(tmp_path):
    _project(tmp_path, """
        [tool.nndoctor.thresholds.L201]
        max_ratio = 2.5
    """)
    proc = run_cli("explain", "L201", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "max_ratio=2.5" in proc.stdout
    as_json = json.loads(run_cli("explain", "L201", "--json", cwd=tmp_path).stdout)
    assert as_json["thresholds"]["max_ratio"] == 2.5
    default = run_cli("explain", "L201", cwd=tmp_path.parent)  # no pyproject above tmp: the defaults
    assert f"max_ratio={thresholds.DEFAULTS['L201']['max_ratio']}" in default.stdout


def test_cli_flags_override_pyproject(tmp_path):
    _project(tmp_path, """
        [tool.nndoctor]
        select = ["D1"]
        lang = "zh"
        fail_on = "error"
        preflight = false
    """)
    out = tmp_path / "r.json"
    # pyproject alone: only D1xx codes are judged, so the L202 bug is not reported; exit 0.
    proc = run_cli("run", "--quiet", "--json", str(out), str(tmp_path / "train.py"), cwd=tmp_path)
    report = json.loads(out.read_text())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert all(f["code"].startswith("D1") for f in report["findings"])
    assert not report["series"]["experiments"]  # preflight = false
    # Flags win: --select L2 brings L202 back, --lang en switches the language.
    proc = run_cli("run", "--quiet", "--select", "L2", "--lang", "en", "--json", str(out),
                   str(tmp_path / "train.py"), cwd=tmp_path)
    report = json.loads(out.read_text())
    found = {f["code"]: f for f in report["findings"]}
    assert "L202" in found, proc.stderr[-2000:]
    assert all(c.startswith("L2") for c in found)
    assert found["L202"]["fix"].isascii()
    assert proc.returncode == 1  # L202 is an error, fail_on = "error"

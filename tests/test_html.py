"""The HTML report: self-contained, deterministic, small for long runs, and drawn by a real browser."""
from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from nndoctor.findings import Finding, Report
from nndoctor.series import build
from nndoctor.signals import LayerStats, Signals, StepStats

pytest.importorskip("matplotlib")
from nndoctor.report.html import render_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "nndoctor" / "demo" / "broken_digits.py"
MB = 1024 * 1024


def long_run(steps: int = 100_000, params: int = 24, sample_every: int = 10) -> Report:
    """A synthetic 100k-step run: a loss per step, per-parameter and per-layer statistics every few steps."""
    sig = Signals(steps=steps)
    sig.losses = [(s, 2.3 * math.exp(-s / 20_000) + 0.05 * math.sin(s)) for s in range(steps)]
    sig.eval_losses = [(s, 2.4 * math.exp(-s / 20_000)) for s in range(0, steps, 1000)]
    names = [f"blocks.{i // 2}.{'weight' if i % 2 == 0 else 'bias'}" for i in range(params)]
    for s in range(0, steps, sample_every):
        decay = 10 ** (-3 * s / steps)
        sig.step_stats.append(StepStats(
            step=s, optimizer=0, lrs=[1e-3 * (1 - s / steps)],
            grad_norm={n: decay * (1 + i) for i, n in enumerate(names)},
            param_norm={n: 1.0 + i for i, n in enumerate(names)},
            update_norm={n: 1e-3 * decay * (1 + i) for i, n in enumerate(names)}))
        for m in range(params // 2):
            sig.layer_stats.append(LayerStats(step=s, module=f"blocks.{m}", kind="Linear", out_std=decay + 0.1,
                                              out_frac_zero=0.1 * (m % 3)))
            sig.layer_stats.append(LayerStats(step=s, module=f"act.{m}", kind="ReLU:input", in_dead_frac=0.02 * m,
                                              in_saturated_frac=0.0))
    sig.class_counts = {c: 100 + c for c in range(10)}
    sig.experiments = {"overfit": {"curve": [[i, 2.3 / (1 + i)] for i in range(0, 200, 5)], "loss_start": 2.3,
                                   "loss_end": 0.01, "steps": 200},
                       "lr_range": {"curve": [[10 ** (-7 + i / 8), 2.3 - i / 50] for i in range(60)],
                                    "lr_in_use": 1e-3, "best_lr": 0.01, "good_range": [0.003, 0.03]}}
    findings = [Finding("G402", "vanishing-gradients", "warning", "gradients shrink", "blocks.0", 60_000),
                Finding("L202", "softmax-before-crossentropy", "error", "probabilities", "cross_entropy", 0)]
    return Report(findings=findings, script="long.py", steps_seen=steps, series=build(sig))


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """A real run of the demo, with its JSON and HTML reports."""
    from conftest import run_cli

    out = tmp_path_factory.mktemp("demo")
    proc = run_cli("run", "--quiet", "--json", str(out / "run.json"), "--html", str(out / "run.html"), str(DEMO))
    assert (out / "run.html").exists(), proc.stderr[-3000:]
    return out, proc


def test_long_run_stays_small_and_json_holds_the_series():
    report = long_run()
    data = json.loads(report.to_json())
    assert data["schema"] >= 1
    series = data["series"]
    assert len(series["loss"]) <= 400 and series["loss"][-1][0] > 99_000  # downsampled, whole run covered
    assert {"loss", "eval_loss", "lr", "grad_norm", "update_ratio", "weight_norm", "activations", "class_counts",
            "experiments"} <= set(series)
    page = render_html(data)
    assert len(page.encode()) < 3 * MB, len(page) / MB
    assert len(report.to_json().encode()) < 8 * MB
    assert page.count('<figure class="plot"') >= 5


def test_html_is_self_contained_deterministic_and_escaped():
    report = long_run(steps=2_000)
    report.findings.append(Finding("D101", "constant-inputs", "error", "<script>alert(1)</script>", "m$x$", 5))
    page = render_html(report)
    assert page == render_html(Report.from_dict(json.loads(report.to_json())))  # same from the saved JSON
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    # Nothing is fetched: no external scripts, stylesheets, images or fonts.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(http" not in page
    assert page.index("D101") < page.index("G402")  # most severe first
    zh = render_html(report, lang="zh")
    assert "诊断结果" in zh and "学习率范围测试" in zh and "gradients shrink" in zh


def test_report_without_series_or_findings_renders():
    page = render_html(Report(script="x.py"))
    assert "No problems found." in page and "<svg" not in page


def test_run_writes_html_and_report_command_renders_the_saved_run(demo_run, tmp_path):
    from conftest import run_cli

    out, _ = demo_run
    page = (out / "run.html").read_text(encoding="utf-8")
    for plot in ("loss", "gradients", "activations", "experiments"):
        assert f'data-plot="{plot}"' in page
    assert "L202" in page and "T501" in page
    again = tmp_path / "again.html"
    proc = run_cli("report", str(out / "run.json"), "-o", str(again))
    assert proc.returncode == 0, proc.stderr
    assert again.read_text(encoding="utf-8") == page
    proc = run_cli("report", str(out / "run.json"), "--lang", "zh")
    assert proc.returncode == 0 and "nndoctor 诊断" in proc.stdout and "L202" in proc.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert run_cli("report", str(bad)).returncode == 2


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _browser(html: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile}", *args, html.as_uri()],
            capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(_chromium() is None, reason="headless chromium is not installed (.ci/run installs it)")
def test_chromium_draws_every_plot_without_script_errors(demo_run, tmp_path):
    out, _ = demo_run
    html = out / "run.html"
    dom = _browser(html, "--dump-dom")
    body = re.search(r"<body[^>]*>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', body.group(0)))
    assert attrs.get("data-script-errors") == "0", attrs
    assert attrs.get("data-rendered") == "ok", attrs
    assert int(attrs["data-plots-drawn"]) == int(attrs["data-plots-expected"]) >= 4
    shot = tmp_path / "shot.png"
    _browser(html, "--window-size=1100,1400", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000

"""Lightning, Hugging Face Trainer and TensorBoard: real tiny trainers on CPU, nothing downloaded.

Each framework test skips cleanly where its extra is not installed (pip install 'nndoctor[dev]'
installs them all).
"""
from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nndoctor
from conftest import ROOT, ZOO
from test_engine import _global_state

INTEGRATIONS = ZOO / "integrations"
# False alarms of other rule families on a standard Hugging Face BERT (initializer_range 0.02,
# post-LayerNorm) would be listed here and xfail; none remain.
KNOWN_BERT_FALSE_ALARMS: set[str] = set()  # M305 and G404 false alarms on BERT are fixed


@pytest.fixture
def one_thread():
    """Tiny models on a shared 2-core machine: one intra-op thread (spinning threads cost 100x here)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _loud(findings) -> dict:
    return {f.code: f for f in findings if f.severity in ("error", "warning")}


def _cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "nndoctor", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


# ---------------------------------------------------------------------------------- Lightning
def test_lightning_callback_feeds_the_engine_and_stays_silent_on_a_healthy_run(one_thread):
    pytest.importorskip("lightning.pytorch")
    from nndoctor.integrations.lightning import DoctorCallback

    before = _global_state()
    module = runpy.run_path(str(INTEGRATIONS / "lightning_classifier.py"))
    pl = module["pl"]
    doctor = DoctorCallback(print_report=False)
    trainer = pl.Trainer(max_epochs=2, accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False, callbacks=[doctor])
    trainer.fit(module["Classifier"](), module["DataLoader"](module["data"](512, 1), batch_size=32, shuffle=True),
                module["DataLoader"](module["data"](256, 2), batch_size=64))
    report = doctor.report
    assert report is not None and report.steps_seen == 32
    assert not _loud(report.findings), [(f.code, f.message) for f in report.findings]
    assert not report.internal_errors, report.internal_errors
    signals = doctor.monitor.session.engine.signals
    assert "Classifier" in signals.models and len(signals.metrics["val_loss"]) == 2  # no sanity-check point
    assert signals.optimizers and signals.optimizers[0].kind == "Adam"
    assert _global_state() == before


def test_lightning_callback_is_a_callback_of_both_package_names():
    pytest.importorskip("lightning.pytorch")
    from nndoctor.integrations.lightning import DoctorCallback
    import lightning.pytorch as L

    assert isinstance(DoctorCallback(), L.Callback)
    try:
        import pytorch_lightning as PL
    except ImportError:
        return
    assert isinstance(DoctorCallback(), PL.Callback)


def test_nndoctor_run_on_a_lightning_script_unchanged(tmp_path):
    pytest.importorskip("lightning.pytorch")
    out = tmp_path / "report.json"
    proc = _cli("run", "--quiet", "--json", str(out), str(INTEGRATIONS / "lightning_classifier.py"))
    report = json.loads(out.read_text())
    assert report["exit_status"] == 0, proc.stderr[-3000:]
    assert report["steps_seen"] == 48
    loud = [f for f in report["findings"] if f["severity"] != "info"]
    assert not loud and not report["internal_errors"], (loud, report["internal_errors"])
    assert proc.returncode == 0


# ---------------------------------------------------------------------------------- transformers
def _bert_trainer(tmp_path, callbacks):
    module = runpy.run_path(str(INTEGRATIONS / "hf_trainer_bert.py"))
    from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

    torch.manual_seed(0)
    config = BertConfig(vocab_size=module["VOCAB"], hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=module["LENGTH"], num_labels=2)
    args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=32, num_train_epochs=4,
                             learning_rate=5e-3, warmup_steps=5, logging_steps=10, eval_strategy="epoch",
                             save_strategy="no", report_to=[], use_cpu=True, disable_tqdm=True, seed=0)
    return Trainer(model=BertForSequenceClassification(config), args=args, train_dataset=module["Keywords"](512, 1),
                   eval_dataset=module["Keywords"](128, 2), callbacks=callbacks)


def test_transformers_callback_feeds_the_engine(tmp_path, one_thread):
    pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    from nndoctor.integrations.transformers import DoctorCallback

    before = _global_state()
    doctor = DoctorCallback(print_report=False, json=str(tmp_path / "r.json"))
    _bert_trainer(tmp_path, [doctor]).train()
    report = doctor.report
    assert report is not None and report.steps_seen == 64
    assert json.loads((tmp_path / "r.json").read_text())["steps_seen"] == 64
    assert not report.internal_errors, report.internal_errors
    signals = doctor.monitor.session.engine.signals
    assert "BertForSequenceClassification" in signals.models
    assert [s for s, _ in signals.metrics["eval_loss"]] == [16, 32, 48, 64]
    assert "eval_runtime" not in signals.metrics
    assert _global_state() == before
    loud = _loud(report.findings)
    assert not set(loud) - KNOWN_BERT_FALSE_ALARMS, [(f.code, f.message) for f in loud.values()]
    if loud:
        pytest.xfail(f"known false alarms of other rule families on HF BERT: {sorted(loud)}")


def test_nndoctor_run_on_a_transformers_trainer_script_unchanged(tmp_path):
    pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    out = tmp_path / "report.json"
    proc = _cli("run", "--quiet", "--json", str(out), str(INTEGRATIONS / "hf_trainer_bert.py"))
    report = json.loads(out.read_text())
    assert report["exit_status"] == 0, proc.stderr[-3000:]
    assert report["steps_seen"] == 64
    assert not report["internal_errors"], report["internal_errors"]
    loud = {f["code"] for f in report["findings"] if f["severity"] != "info"}
    assert not loud - KNOWN_BERT_FALSE_ALARMS, report["findings"]
    if loud:
        pytest.xfail(f"known false alarms of other rule families on HF BERT: {sorted(loud)}")


# ---------------------------------------------------------------------------------- TensorBoard
def _events(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    acc.Reload()
    return acc


def test_watch_writes_statistics_and_findings_to_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    with nndoctor.watch(model, opt, live=False, preflight=False, tensorboard=str(tmp_path)) as doctor:
        for _ in range(30):
            idx = torch.randint(0, 256, (32,))
            loss = F.cross_entropy(model(X[idx]).softmax(1), y[idx])  # L202, to have a finding
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert "L202" in doctor.report().codes()
    acc = _events(tmp_path)
    tags = acc.Tags()
    assert "nndoctor/loss/train" in tags["scalars"]
    assert len(acc.Scalars("nndoctor/loss/train")) == 30
    assert "nndoctor/grad_norm/0.weight" in tags["scalars"]
    assert "nndoctor/update_ratio/2.weight" in tags["scalars"]
    assert any(t.startswith("nndoctor/activation_std/") for t in tags["scalars"])
    assert "nndoctor/hist/log10_update_ratio" in tags["histograms"]
    assert "nndoctor/weights/0.weight" in tags["histograms"]
    text = acc.Tensors("nndoctor/findings/text_summary")[0].tensor_proto.string_val[0].decode()
    assert "L202" in text


def test_cli_tensorboard_flag(tmp_path):
    pytest.importorskip("tensorboard")
    script = tmp_path / "train.py"
    script.write_text("import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
                      "m = nn.Linear(4, 2); o = torch.optim.SGD(m.parameters(), lr=0.1)\n"
                      "for _ in range(5):\n"
                      "    l = F.cross_entropy(m(torch.randn(16, 4)), torch.randint(0, 2, (16,)))\n"
                      "    o.zero_grad(); l.backward(); o.step()\n")
    proc = _cli("run", "--quiet", "--no-preflight", "--tensorboard", str(tmp_path / "tb"), str(script))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert len(_events(tmp_path / "tb").Scalars("nndoctor/loss/train")) == 5


def test_tensorboard_missing_is_one_clear_line(tmp_path, monkeypatch):
    from nndoctor.integrations import tensorboard as tb

    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(ImportError, match=r"nndoctor\[tensorboard\]"):
        tb.require_tensorboard()

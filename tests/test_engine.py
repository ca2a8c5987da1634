"""The engine's promises: a crashing rule or probe never breaks the run; no global residue."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules import module as module_mod
from torch.optim import optimizer as optim_mod

import nndoctor
from nndoctor.rules.base import RULES, Hit


def _train(model, steps=30, softmax=False):
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    X, y = torch.randn(256, 8), torch.randint(0, 3, (256,))
    for i in range(steps):
        idx = torch.randint(0, 256, (32,))
        out = model(X[idx])
        loss = F.cross_entropy(out.softmax(1) if softmax else out, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return opt


def _global_state():
    return (dict(module_mod._global_forward_hooks), dict(module_mod._global_forward_pre_hooks),
            dict(optim_mod._global_optimizer_pre_hooks), dict(optim_mod._global_optimizer_post_hooks),
            F.cross_entropy, F.mse_loss, torch.Tensor.backward, torch.autograd.backward,
            torch.optim.Optimizer.zero_grad, nn.Module.zero_grad, torch.utils.data.DataLoader.__iter__)


def test_watch_leaves_no_global_residue_even_when_the_body_raises():
    before = _global_state()
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    try:
        with nndoctor.watch(model, live=False):
            _train(model, steps=3)
            raise KeyError("user bug")
    except KeyError:
        pass
    assert _global_state() == before


def test_a_crashing_rule_becomes_an_internal_error_and_training_goes_on(monkeypatch):
    spec = RULES["L202"]

    def broken(ctx):
        raise ZeroDivisionError("rule bug")

    monkeypatch.setattr(spec, "check", broken)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    with nndoctor.watch(model, live=False) as doctor:
        _train(model, steps=40, softmax=True)
    report = doctor.report()
    assert report.steps_seen == 40
    assert [e.component for e in report.internal_errors] == ["rule L202"]
    assert "ZeroDivisionError" in report.internal_errors[0].error
    assert "L202" not in report.codes()


def test_watch_finds_softmax_before_cross_entropy_and_reports_json_ready():
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    with nndoctor.watch(model, live=False) as doctor:
        _train(model, steps=40, softmax=True)
        doctor.log(val_loss=1.0)
    report = doctor.report()
    assert "L202" in report.codes()
    data = report.to_dict()
    assert data["schema"] == 1 and data["steps_seen"] == 40
    assert nndoctor.Report.from_dict(data).codes() == report.codes()


def test_watch_rejects_a_model_without_parameters():
    import pytest

    with pytest.raises(ValueError, match="no parameters"):
        with nndoctor.watch(nn.ReLU()):
            pass


def test_hooks_hold_no_tensors_after_steps():
    import gc
    import weakref

    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    refs = []
    with nndoctor.watch(model, opt, live=False):
        for _ in range(30):
            x = torch.randn(32, 8)
            refs.append(weakref.ref(x))
            loss = F.cross_entropy(model(x), torch.randint(0, 3, (32,)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            del x, loss
        gc.collect()
        alive = sum(r() is not None for r in refs)
    assert alive == 0
    assert Hit  # the rule API stays importable without torch state

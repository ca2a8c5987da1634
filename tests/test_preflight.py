"""Pre-flight experiments: each on tiny healthy and broken models built here, the rules that judge
them, ``nndoctor.check``, and non-interference with the user's training under ``nndoctor run``."""
from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nndoctor
from conftest import ROOT, ZOO
from nndoctor.config import Config
from nndoctor.engine import Engine
from nndoctor.preflight import LossSpec, make_setup, run_preflight
from nndoctor.preflight.common import isolated
from nndoctor.probes.measure import first_tensor


# ---------------------------------------------------------------------------------------------- helpers
def blobs(n=128, d=10, classes=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(classes, d, generator=g) * 3
    y = torch.arange(n) % classes
    x = centers[y] + torch.randn(n, d, generator=g)
    return x, y


def mlp(d=10, classes=4, hidden=32):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, classes))


def ce():
    return LossSpec("cross_entropy", lambda o, t: F.cross_entropy(o, t))


def diagnose(model, x, y, only, *, loss=None, optimizer=None, dataset=None, collate=None):
    engine = Engine(Config())
    opt = optimizer or torch.optim.Adam(model.parameters(), lr=1e-3)
    setup = make_setup(model, (x,), target=y, loss=loss or ce(), optimizer=opt, dataset=dataset, collate=collate)
    run_preflight(setup, engine, only=set(only))
    engine.evaluate("end")
    return engine


def codes(engine):
    return set(engine.findings)


# ---------------------------------------------------------------------------------------------- M308
def test_overfit_healthy_model_fits_one_batch():
    x, y = blobs()
    engine = diagnose(mlp(), x, y, ["overfit"])
    r = engine.signals.experiments["overfit"]
    assert r["ratio"] < 0.1 and r["curve"], r
    assert "M308" not in codes(engine)


def test_overfit_bottleneck_cannot_fit():
    x, y = blobs(classes=8)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 1), nn.ReLU(), nn.Linear(1, 8))
    engine = diagnose(model, x, y, ["overfit"])
    assert "M308" in codes(engine), engine.signals.experiments["overfit"]


def test_overfit_soft_targets_judged_down_to_their_entropy():
    """BCE on grey levels in [0, 1] cannot go below the targets' entropy: the fall is measured to it."""
    g = torch.Generator().manual_seed(0)
    x = torch.rand(64, 12, generator=g)
    target = (x[:, :6] * 0.8 + 0.1).clone()  # soft: every value strictly inside (0, 1)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 6))
    loss = LossSpec("binary_cross_entropy_with_logits",
                    lambda o, t: F.binary_cross_entropy_with_logits(o, t, reduction="sum"))
    engine = diagnose(model, x, target, ["overfit"], loss=loss)
    r = engine.signals.experiments["overfit"]
    sub = target[:16].double()
    entropy = float(-(sub * sub.log() + (1 - sub) * (1 - sub).log()).sum())
    assert r["floor_kind"] == "soft_targets" and abs(r["loss_floor"] - entropy) < 1e-3 * entropy, r
    assert r["loss_end"] / r["loss_start"] > 0.3 and r["ratio"] < 0.1, r  # far from 0, at the floor
    assert "M308" not in codes(engine)


def test_overfit_hard_binary_targets_have_no_floor():
    from nndoctor.preflight.common import loss_floor

    spec = LossSpec("binary_cross_entropy_with_logits", lambda o, t: F.binary_cross_entropy_with_logits(o, t))
    t = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    assert loss_floor(spec, torch.zeros(2, 2), t) == (0.0, None)
    assert loss_floor(ce(), torch.zeros(2, 4), torch.tensor([1, 2])) == (0.0, None)
    soft = LossSpec("cross_entropy", lambda o, t: F.cross_entropy(o, t))
    p = torch.tensor([[0.5, 0.5], [0.9, 0.1]])
    floor, kind = loss_floor(soft, torch.zeros(2, 2), p)
    assert kind == "soft_targets" and abs(floor - float(-(p * p.log()).sum(1).mean())) < 1e-5


def _judge_overfit(**r):
    engine = Engine(Config())
    base = {"loss_start": 1.0, "accuracy": None, "steps": 200, "max_steps": 200, "samples": 16,
            "optimizer": "Adam(lr=0.003)", "curve": [[0, 1.0], [199, r["loss_end"]]], "loss_floor": 0.0}
    engine.signals.experiments["overfit"] = {**base, **r}
    engine.evaluate("end")
    return codes(engine)


def test_l1_loss_judged_as_the_square_root_of_a_squared_one():
    assert "M308" not in _judge_overfit(loss_fn="l1_loss", loss_end=0.2, ratio=0.2)
    assert "M308" in _judge_overfit(loss_fn="mse_loss", loss_end=0.2, ratio=0.2)
    assert "M308" in _judge_overfit(loss_fn="l1_loss", loss_end=0.5, ratio=0.5)


def test_a_slow_learner_still_learning_fast_at_the_step_limit_gets_no_verdict():
    # A healthy LSTM's copy on 16 sequences (zoo lstm_frequency_classifier_slow_learner): still falling.
    slow = [[0, 1.39], [60, 1.45], [90, 1.24], [120, 0.897], [150, 0.64], [199, 0.551]]
    assert "M308" not in _judge_overfit(loss_fn="cross_entropy", loss_start=1.39, loss_end=0.551, ratio=0.4,
                                        curve=slow)
    # A one-unit bottleneck (zoo M308_hidden_sizes_parsed_per_character): 16% over the second half.
    stuck = [[0, 2.35], [99, 1.98], [150, 1.78], [199, 1.67]]
    assert "M308" in _judge_overfit(loss_fn="cross_entropy", loss_start=2.35, loss_end=1.67, ratio=0.71, curve=stuck)


def _loss_call(step: int, value: float, fn: str = "binary_cross_entropy_with_logits"):
    from nndoctor.signals import LossCall, TensorStats

    return LossCall(step=step, fn=fn, reduction="mean", value=value, input=TensorStats((4, 5), "float32", 20), target=None)


def test_a_slow_copy_is_taken_back_when_the_run_fits_all_its_data_better():
    """A CORAL ordinal model (outside script): its copy took the loss from 0.59 to 0.19 on 16 samples in
    200 steps (32%), while the run itself reached 0.16 over all its 2250 samples: the model can fit."""
    curve = [[0, 0.592], [99, 0.221], [150, 0.203], [199, 0.19]]
    r = {"loss_fn": "binary_cross_entropy_with_logits", "loss_start": 0.592, "loss_end": 0.19, "ratio": 0.32,
         "accuracy": 0.91, "curve": curve}

    def judged(late_losses, fn="binary_cross_entropy_with_logits"):
        engine = Engine(Config())
        engine.signals.experiments["overfit"] = {"steps": 200, "max_steps": 200, "samples": 16,
                                                 "optimizer": "Adam(lr=0.003)", "loss_floor": 0.0, **r}
        engine.signals.steps = 1080
        engine.signals.loss_calls = [_loss_call(0, 0.57, fn)] + [_loss_call(s, v, fn) for s, v in late_losses]
        engine.evaluate("live")
        live = engine.findings["M308"].severity
        engine.evaluate("end")
        return live, engine.findings["M308"].severity, engine.findings["M308"].message

    live, end, message = judged([(600, 0.17), (1024, 0.16)])
    assert (live, end) == ("error", "info") and "reached 0.165 over all its data" in message, message
    # A model that cannot fit stays above its copy in the run: the finding stands.
    assert judged([(512, 0.35), (1024, 0.33)])[:2] == ("error", "error")
    # Another loss function's values say nothing about this one.
    assert judged([(512, 0.01), (1024, 0.01)], fn="mse_loss")[:2] == ("error", "error")


def test_overfit_end_value_survives_one_noisy_last_step():
    """The end value is the lower of the final loss and the median of the last training losses."""
    x, y = blobs()
    engine = diagnose(mlp(), x, y, ["overfit"])
    r = engine.signals.experiments["overfit"]
    assert r["loss_end"] <= r["loss_end_final"] and r["loss_fn"] == "cross_entropy"


# ---------------------------------------------------------------------------------------------- M309
class IgnoresInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.mask = nn.Parameter(torch.zeros(10), requires_grad=False)
        self.net = mlp()

    def forward(self, x):
        return self.net(x * self.mask)


def test_input_ignored_raises_m309_and_healthy_stays_silent():
    x, y = blobs()
    engine = diagnose(IgnoresInput(), x, y, ["overfit", "input_ignored"])
    assert "M309" in codes(engine)
    engine = diagnose(mlp(), x, y, ["overfit", "input_ignored"])
    assert "M309" not in codes(engine)


def test_input_ignored_by_dead_units_is_left_to_m306():
    x, y = blobs()
    model = mlp()
    with torch.no_grad():
        model[0].bias.fill_(-100.0)  # every ReLU dead: the input is swallowed at an activation
    engine = diagnose(model, x, y, ["input_ignored"])
    assert engine.signals.experiments["input_ignored"]["init"]["lost_at_kind"] == "ReLU"
    assert "M309" not in codes(engine)


# ---------------------------------------------------------------------------------------------- M304
class MixesBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 4)

    def forward(self, x):
        return self.fc(x - x.mean(0, keepdim=True))  # hand-made "normalization" over the batch


class SeqViewBug(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(3, 8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        b, t, f = x.shape
        out, h = self.rnn(x.view(t, b, f))  # should be x.transpose(0, 1)
        return self.fc(h[-1])


def test_batch_mixing_found_and_located():
    x, y = blobs()
    engine = diagnose(MixesBatch(), x, y, ["batch_mixing"])
    assert "M304" in codes(engine)
    xs = torch.randn(64, 5, 3)
    engine = diagnose(SeqViewBug(), xs, y[:64], ["batch_mixing"])
    r = engine.signals.experiments["batch_mixing"]
    assert "M304" in codes(engine) and r["first_mixing_layer"] == "rnn" and r["mixed_before_layer"] is False
    assert "batch_first" in engine.findings["M304"].message


@dataclasses.dataclass
class RegressionOutput:
    loss: torch.Tensor | None
    predictions: torch.Tensor


class LossInsideForward(nn.Module):
    """An HF-style model of the script's own: forward(features, labels) returns the loss (None without labels)
    and the predictions, in a dataclass (the wild-19 Trainer script) or a tuple."""

    def __init__(self, output: str):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))
        self.output = output

    def forward(self, features, labels=None):
        predictions = self.net(features).squeeze(-1)
        loss = None if labels is None else F.mse_loss(predictions, labels)
        return RegressionOutput(loss, predictions) if self.output == "dataclass" else (loss, predictions)


def test_first_tensor_finds_predictions_before_a_loss():
    x = torch.randn(4, 3)
    assert first_tensor(RegressionOutput(None, x)) is x  # (None skipped: it was an internal error)
    assert first_tensor(RegressionOutput(x.sum(), x)) is x
    assert first_tensor((x.sum(), x)) is x and first_tensor({"loss": x.sum(), "preds": x}) is x
    assert first_tensor((x.sum(),)).dim() == 0  # a scalar where there is nothing else


@pytest.mark.parametrize("output", ["dataclass", "tuple"])
def test_a_loss_computed_inside_forward_is_not_batch_mixing(output):
    # The batch-mixing check perturbs one sample and compares the outputs: the loss mixes every sample.
    x, _ = blobs()
    engine = Engine(Config())
    model = LossInsideForward(output)
    setup = make_setup(model, (x, x[:, 0] * 2), target=None,
                       loss=LossSpec("mse_loss", lambda o, t: F.mse_loss(first_tensor(o), t)),
                       optimizer=torch.optim.Adam(model.parameters()))
    run_preflight(setup, engine, only={"batch_mixing"})
    engine.evaluate("end")
    assert engine.signals.experiments["batch_mixing"].get("output_mixing_fraction") == 0.0, \
        engine.signals.experiments["batch_mixing"]
    assert "M304" not in codes(engine) and not engine.errors


class Tagger(nn.Module):
    """(batch, time) token ids, transposed for a sequence-first GRU: per-position outputs (time, batch, tags)."""

    def __init__(self, centre_over_batch: bool):
        super().__init__()
        self.emb, self.gru, self.out = nn.Embedding(20, 8), nn.GRU(8, 16), nn.Linear(16, 5)
        self.centre = centre_over_batch

    def forward(self, x):
        h, _ = self.gru(self.emb(x.t()))
        return self.out(h - h.mean(1, keepdim=True) if self.centre else h)


def test_a_batch_first_input_transposed_for_a_sequence_first_gru_is_not_batch_mixing():
    """Targets flattened per position (N x T of them) make dim 1 of a sequence-first model's input a guess
    for the sample dimension; the GRU mixes time steps, not samples, when dim 0 is the batch."""
    x = torch.randint(0, 20, (32, 12), generator=torch.Generator().manual_seed(0))
    tags = torch.randint(0, 5, (12 * 32,))
    loss = LossSpec("cross_entropy", lambda o, t: F.cross_entropy(o.reshape(-1, 5), t))
    torch.manual_seed(0)
    engine = diagnose(Tagger(centre_over_batch=False), x, tags, ["batch_mixing"], loss=loss)
    assert "M304" not in codes(engine), engine.signals.experiments["batch_mixing"]
    torch.manual_seed(0)
    engine = diagnose(Tagger(centre_over_batch=True), x, tags, ["batch_mixing"], loss=loss)  # mixes samples
    assert "M304" in codes(engine), engine.signals.experiments["batch_mixing"]


def test_batchnorm_is_not_batch_mixing_in_eval_mode():
    x, y = blobs()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 4))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    engine = diagnose(model, x, y, ["batch_mixing", "overfit"])
    assert "M304" not in codes(engine)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # running stats untouched


class SamplesNoise(nn.Module):
    """A VAE-like model: it draws fresh noise in every forward, in eval mode too."""

    def __init__(self, mix=False):
        super().__init__()
        self.mix = mix
        self.enc, self.dec = nn.Linear(10, 8), nn.Linear(8, 4)

    def forward(self, x):
        h = self.enc(x)
        if self.mix:
            h = h - h.mean(0, keepdim=True)
        return self.dec(h + torch.randn_like(h))


def test_noise_sampled_in_forward_is_not_batch_mixing():
    x, y = blobs()
    engine = diagnose(SamplesNoise(), x, y, ["batch_mixing"])
    assert "M304" not in codes(engine), engine.signals.experiments["batch_mixing"]
    engine = diagnose(SamplesNoise(mix=True), x, y, ["batch_mixing"])
    assert "M304" in codes(engine), engine.signals.experiments["batch_mixing"]


class PrivateNoise(nn.Module):
    """Noise from the model's own generator: not reset by seeding, measured as run-to-run noise."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 4)
        self.gen = torch.Generator().manual_seed(0)

    def forward(self, x):
        return self.fc(x) + 1e-3 * torch.randn(x.shape[0], 4, generator=self.gen, dtype=x.dtype)


def test_run_to_run_noise_is_not_batch_mixing():
    x, y = blobs()
    engine = diagnose(PrivateNoise(), x, y, ["batch_mixing"])
    r = engine.signals.experiments["batch_mixing"]
    assert r["run_to_run_noise"] > 0 and "M304" not in codes(engine), r


class ColumnEmbeddings(nn.Module):
    """One embedding per categorical column, each with its own cardinality (the largest code of the
    batch is out of range for the small ones)."""

    def __init__(self, mix=False):
        super().__init__()
        self.mix = mix
        self.embs = nn.ModuleList([nn.Embedding(c, 4) for c in (3, 5, 40)])
        self.fc = nn.Linear(12, 4)

    def forward(self, cat):
        e = torch.cat([emb(cat[:, j]) for j, emb in enumerate(self.embs)], dim=1)
        return self.fc(e - e.mean(0, keepdim=True) if self.mix else e)


def test_integer_inputs_perturbed_within_their_columns():
    g = torch.Generator().manual_seed(0)
    cat = torch.stack([torch.randint(0, c, (64,), generator=g) for c in (3, 5, 40)], 1)
    y = torch.arange(64) % 4
    engine = diagnose(ColumnEmbeddings(), cat, y, ["batch_mixing", "overfit", "input_ignored"])
    assert not engine.errors, engine.errors
    assert "skipped" not in engine.signals.experiments["batch_mixing"]
    assert engine.signals.experiments["input_ignored"]["init"]["change_random"] > 0
    assert not codes(engine) & {"M304", "M309"}
    engine = diagnose(ColumnEmbeddings(mix=True), cat, y, ["batch_mixing"])
    assert not engine.errors and "M304" in codes(engine), engine.signals.experiments["batch_mixing"]


def test_resample_positions_keeps_each_column_s_values():
    from nndoctor.preflight.common import resample_positions

    g = torch.Generator().manual_seed(0)
    x = torch.stack([torch.randint(0, c, (32,), generator=g) for c in (2, 7, 30)], 1)
    out = resample_positions(x, 0, torch.Generator().manual_seed(1))
    assert out.shape == x.shape and not torch.equal(out, x)
    for j in range(3):
        assert set(out[:, j].tolist()) <= set(x[:, j].tolist())


# ---------------------------------------------------------------------------------------------- M301
class BadSwish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * torch.sigmoid(x)  # wrong: misses the derivative of the sigmoid


class GoodSwish(BadSwish):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return g * s * (1 + x * (1 - s))


class SwishNet(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.a, self.b = nn.Linear(10, 16), nn.Linear(16, 4)

    def forward(self, x):
        return self.b(self.fn.apply(self.a(x)))


class DetachNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(10, 16), nn.Linear(16, 4)

    def forward(self, x):
        return self.b(torch.relu(self.a(x)).detach())


def test_gradcheck_finds_wrong_custom_backward():
    x, y = blobs()
    engine = diagnose(SwishNet(BadSwish), x, y, ["gradcheck"])
    assert "M301" in codes(engine)
    assert engine.findings["M301"].where == "BadSwish"
    engine = diagnose(SwishNet(GoodSwish), x, y, ["gradcheck"])
    assert "M301" not in codes(engine), engine.signals.experiments["gradcheck"]
    assert "GoodSwish" in engine.signals.experiments["gradcheck"]["custom_functions"]


class GradReverse(torch.autograd.Function):
    """Domain-adversarial training's gradient reversal layer: identity forward, backward -lambda x g."""
    lam = 1.0

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -GradReverse.lam * g


class StraightThroughRound(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x * 4) / 4

    @staticmethod
    def backward(ctx, g):
        return g


class HalfSquare(torch.autograd.Function):
    """x**2 with a backward missing its factor 2: a constant multiple of the true gradient, but of a
    forward that is not the identity, so a bug."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x


def test_gradcheck_accepts_gradients_changed_on_purpose(monkeypatch):
    """A gradient reversal layer (at lambda 1 and at lambda 0, the start of its schedule) and a
    straight-through estimator define their backward on purpose: no M301. A backward missing a
    constant factor of a real derivative is still one."""
    x, y = blobs()
    for lam in (1.0, 0.0):
        monkeypatch.setattr(GradReverse, "lam", lam)
        engine = diagnose(SwishNet(GradReverse), x, y, ["gradcheck"])
        assert "M301" not in codes(engine), engine.signals.experiments["gradcheck"]
        assert "GradReverse" in engine.signals.experiments["gradcheck"]["checked"]
    engine = diagnose(SwishNet(StraightThroughRound), x, y, ["gradcheck"])
    assert "M301" not in codes(engine), engine.signals.experiments["gradcheck"]
    engine = diagnose(SwishNet(HalfSquare), x, y, ["gradcheck"])
    assert "M301" in codes(engine) and engine.findings["M301"].where == "HalfSquare"


def test_gradcheck_leaves_a_blocked_gradient_to_m303():
    x, y = blobs()
    engine = diagnose(DetachNet(), x, y, ["gradcheck"])
    failed = engine.signals.experiments["gradcheck"]["failed"]
    assert failed and failed[0]["blocked"]
    assert "M301" not in codes(engine)


# ---------------------------------------------------------------------------------------------- D104
def test_shuffled_labels_raise_d104_true_labels_do_not():
    x, y = blobs(n=64)
    engine = diagnose(mlp(), x, y, ["overfit", "labels"])
    assert "D104" not in codes(engine), engine.signals.experiments["labels"]
    for seed in (0, 3):  # (on 64 samples, a random labelling is sometimes learned ~5% faster by chance)
        g = torch.Generator().manual_seed(seed)
        engine = diagnose(mlp(), x, y[torch.randperm(64, generator=g)], ["overfit", "labels"])
        assert "D104" in codes(engine), engine.signals.experiments["labels"]


def test_labels_judged_on_a_batch_the_model_needs_sorted():
    """pack_padded_sequence(enforce_sorted=True) rejects a batch that is not sorted by length: the label
    experiment keeps the batch's order in its halves. A collate_fn that sorts the sequences but not
    their labels is D104; sorting both is not."""
    from torch.nn.utils.rnn import pack_padded_sequence

    class Packed(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.gru, self.head = nn.Embedding(6, 16, padding_idx=0), nn.GRU(16, 32, batch_first=True), nn.Linear(32, 3)

        def forward(self, tokens, lengths):
            _, h = self.gru(pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=True))
            return self.head(h[-1])

    g = torch.Generator().manual_seed(0)
    lengths = torch.randint(3, 12, (64,), generator=g).sort(descending=True).values
    tokens = torch.randint(1, 6, (64, 12), generator=g) * (torch.arange(12) < lengths[:, None])
    y = torch.stack([(tokens == c).sum(1) for c in (1, 2, 3)], 1).argmax(1)  # the most frequent of tokens 1-3

    def judged(target):
        torch.manual_seed(0)
        model = Packed()
        engine = Engine(Config())
        setup = make_setup(model, (tokens, lengths), target=target, loss=ce(),
                           optimizer=torch.optim.Adam(model.parameters(), 1e-3))
        run_preflight(setup, engine, only={"labels"})
        engine.evaluate("end")
        assert "skipped" not in engine.signals.experiments["labels"], engine.signals.experiments["labels"]
        return codes(engine)

    assert "D104" not in judged(y)
    assert "D104" in judged(y[torch.randperm(64, generator=g)])


def test_labels_not_judged_when_one_class_dominates():
    x, _ = blobs(n=64)
    y = torch.zeros(64, dtype=torch.long)
    y[:3] = 1
    engine = diagnose(mlp(), x, y, ["overfit", "labels"])
    assert "D104" not in codes(engine)


# ---------------------------------------------------------------------------------------------- G407 / L207
@pytest.mark.parametrize("p,wd,expected", [(0.5, 3.0, True), (0.2, 1e-4, False), (0.0, 0.0, False)])
def test_over_regularized(p, wd, expected):
    x, y = blobs()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Dropout(p), nn.Linear(64, 4))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)
    engine = diagnose(model, x, y, ["regularization"], optimizer=opt)
    assert ("G407" in codes(engine)) is expected, engine.signals.experiments["regularization"]


class SGDIgnoringDecay(torch.optim.Optimizer):
    """A hand-written SGD that accepts weight_decay and never applies it."""

    def __init__(self, params, lr=0.1, weight_decay=0.0):
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-group["lr"])


def test_weight_decay_not_wired_raises_l207():
    x, y = blobs()
    model = mlp()
    engine = diagnose(model, x, y, ["regularization"], optimizer=SGDIgnoringDecay(model.parameters(), 0.1, 1e-4))
    assert "L207" in codes(engine), engine.signals.experiments["regularization"]
    engine = diagnose(model, x, y, ["regularization"], optimizer=torch.optim.SGD(model.parameters(), 0.1,
                                                                                 weight_decay=1e-4))
    assert "L207" not in codes(engine)


def test_decay_below_float32_resolution_is_raised_for_the_test():
    """AdamW at lr * weight_decay = 1e-8 per step leaves float32 weights bit-identical (1 - 1e-8
    rounds to 1): no L207; an optimizer that ignores an equally tiny decay is still caught."""
    x, y = blobs()
    model = mlp()
    engine = diagnose(model, x, y, ["regularization"],
                      optimizer=torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-5))
    r = engine.signals.experiments["regularization"]
    assert r["configured_decay_raised_by"] > 1 and r["configured_decay_changed_weights"], r
    assert "L207" not in codes(engine)
    engine = diagnose(model, x, y, ["regularization"], optimizer=SGDIgnoringDecay(model.parameters(), 0.1, 1e-8))
    assert "L207" in codes(engine), engine.signals.experiments["regularization"]
    assert "raised" in engine.findings["L207"].message


# ---------------------------------------------------------------------------------------------- D114
class NoisyBlobs(torch.utils.data.Dataset):
    def __init__(self, x, y, noise):
        self.x, self.y, self.noise = x, y, noise
        self.rng = np.random.default_rng(0)  # a private generator: must not be advanced by nndoctor

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        noise = torch.from_numpy(self.rng.normal(0, 4.0, size=self.x.shape[1]).astype(np.float32))
        return (1 - self.noise) * self.x[i] + self.noise * noise, self.y[i]  # same scale, less signal


@pytest.mark.parametrize("noise,expected", [(0.97, True), (0.1, False)])
def test_excessive_augmentation(noise, expected):
    x, y = blobs()
    ds = NoisyBlobs(x, y, noise)
    state = ds.rng.bit_generator.state
    model = mlp()
    engine = diagnose(model, x[:32], y[:32], ["augmentation"], dataset=ds,
                      collate=torch.utils.data.default_collate,
                      optimizer=torch.optim.Adam(model.parameters(), lr=3e-3))
    r = engine.signals.experiments["augmentation"]
    assert r["augmented"]
    assert ("D114" in codes(engine)) is expected, r
    assert ds.rng.bit_generator.state == state  # the user's augmentation stream is untouched


def test_isolated_dataset_shares_arrays_not_generators():
    ds = NoisyBlobs(*blobs(), 0.5)
    twin = isolated(ds)
    assert twin.x is ds.x and twin.rng is not ds.rng


# ---------------------------------------------------------------------------------------------- L201 / G401 data
def test_initial_loss_and_lr_range_results():
    x, y = blobs()
    engine = diagnose(mlp(), x, y, ["initial_loss", "lr_range"])
    init = engine.signals.experiments["initial_loss"]
    assert init["classes"] == 4 and abs(init["expected"] - np.log(4)) < 1e-9 and init["loss_fn"] == "cross_entropy"
    lr = engine.signals.experiments["lr_range"]
    assert lr["lr_in_use"] == 1e-3 and lr["good_range"][0] <= lr["best_lr"] <= lr["good_range"][1]
    assert len(lr["curve"]) >= 8 and all(len(p) == 2 for p in lr["curve"])


def test_crashing_experiment_is_an_internal_error(monkeypatch):
    import functools

    from nndoctor.preflight import experiments

    x, y = blobs()
    # A crash in nndoctor's own code (a C call made by the experiment, no frame of the user's below it).
    monkeypatch.setattr(experiments, "initial_loss", functools.partial(int, "boom"))
    engine = diagnose(mlp(), x, y, ["initial_loss", "overfit"])
    assert "preflight:initial_loss" in engine.errors
    assert "overfit" in engine.signals.experiments


def test_a_loss_that_raises_on_the_experiments_batches_skips_them():
    x, y = blobs()

    def bad_loss(out, target):
        raise RuntimeError("boom")

    engine = diagnose(mlp(), x, y, ["initial_loss", "overfit"], loss=LossSpec("bad", bad_loss))
    assert not engine.errors
    experiments = engine.signals.experiments
    assert "boom" in experiments["initial_loss"]["skipped"] and "boom" in experiments["overfit"]["skipped"]


# ---------------------------------------------------------------------------------------------- check()
def test_check_leaves_model_and_random_streams_alone():
    x, y = blobs()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 4))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    states = (torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate())
    report = nndoctor.check(model, (x, y))
    assert isinstance(report, nndoctor.Report)
    assert not {f.code for f in report.findings if f.severity != "info"}, [f.message for f in report.findings]
    assert any("inferred" in n for n in report.notes)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert torch.equal(states[0], torch.get_rng_state())
    assert (states[1] == np.random.get_state()[1]).all() and states[2] == random.getstate()


def test_check_on_a_dataloader_finds_shuffled_labels():
    x, y = blobs(n=256)
    y = y[torch.randperm(256, generator=torch.Generator().manual_seed(1))]
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=64, shuffle=True)
    report = nndoctor.check(mlp(), loader, loss_fn=nn.CrossEntropyLoss())
    assert "D104" in {f.code for f in report.findings}


# ---------------------------------------------------------------------------------------------- nndoctor run
# Bit-identical weights with the pre-flight on: tests/test_reliability.py, on every healthy zoo script.


def test_no_preflight_flag(tmp_path):
    script = ZOO / "healthy" / "mlp_digits_dataloader_adam.py"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "nndoctor", "run", "--no-preflight", "--max-steps", "3", str(script)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pre-flight" not in proc.stderr


def test_check_steps_an_lbfgs_optimizer_with_a_closure():
    """LBFGS.step needs a closure: check's passive steps and the experiments give it one."""
    torch.manual_seed(0)
    x = torch.randn(256, 4)
    y = (x @ torch.tensor([1.0, -2.0, 0.5, 3.0])).unsqueeze(1)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    report = nndoctor.check(model, (x, y), loss_fn=nn.MSELoss(), optimizer=torch.optim.LBFGS(model.parameters()))
    assert not report.internal_errors, report.internal_errors


def test_steepness_separates_noisy_low_dimensional_targets_from_smooth_data():
    from nndoctor.preflight.experiments import steepness

    g = torch.Generator().manual_seed(0)
    x = torch.rand(16, 1, generator=g) * 4 - 2
    smooth = torch.sin(3 * x) + 0.5 * x
    noisy = smooth + (0.05 + 0.3 * x.abs()) * torch.randn(16, 1, generator=g)
    assert steepness(x, smooth) < 10 < 20 < steepness(x, noisy)
    wide = torch.randn(16, 30, generator=g)
    assert steepness(wide, wide @ torch.randn(30, 1, generator=g) + 0.3 * torch.randn(16, 1, generator=g)) < 10
    assert steepness(torch.zeros(4, 2), torch.tensor([0.0, 1.0, 2.0, 3.0])) == float("inf")
    assert steepness(x, torch.randint(0, 3, (16,), generator=g)) is None  # class indices


def test_a_float64_copy_converts_layers_kept_in_a_plain_list():
    from nndoctor.preflight.common import clone_model

    class ListNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(4, 8)
            self.hidden = [nn.Linear(8, 8), nn.Linear(8, 8)]  # not a ModuleList: unregistered

        def forward(self, x):
            x = self.inp(x)
            for layer in self.hidden:
                x = torch.relu(layer(x))
            return x

    model = ListNet()
    twin = clone_model(model, dtype=torch.float64)
    assert twin(torch.randn(3, 4, dtype=torch.float64)).dtype == torch.float64
    assert model.hidden[0].weight.dtype == torch.float32  # the user's model is untouched


def test_a_model_that_rejects_the_experiments_batches_skips_them_without_internal_errors():
    """A forward that only takes its batch as the loader made it (here: exactly 64 rows, as a
    reshape to a fixed batch size or pack_padded_sequence's sorted lengths would): the experiments
    on subsets say so and are skipped; nndoctor's own errors would still be internal errors."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    import nndoctor

    class FixedBatch(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 3)

        def forward(self, x):
            if x.shape[0] != 64:
                raise RuntimeError(f"expected a batch of 64, got {x.shape[0]}")
            return self.fc(x)

    torch.manual_seed(0)
    model = FixedBatch()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X, y = torch.randn(640, 8), torch.randint(0, 3, (640,))
    with nndoctor.watch(model, opt, live=False) as doctor:
        for i in range(0, 640, 64):
            loss = F.cross_entropy(model(X[i:i + 64]), y[i:i + 64])
            opt.zero_grad()
            loss.backward()
            opt.step()
    report = doctor.report()
    assert not report.internal_errors, report.internal_errors
    overfit = doctor.session.engine.signals.experiments["overfit"]
    assert "rejected a batch" in overfit["skipped"] and "expected a batch of 64" in overfit["skipped"]


def test_a_layer_keeping_a_tensor_of_its_last_forward_can_be_copied():
    """Bayesian layers keep their KL (a non-leaf tensor) as an attribute: deepcopy alone refuses it."""
    from nndoctor.preflight.common import clone_model

    class KeepsKL(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)
            self.kl = torch.zeros(())

        def forward(self, x):
            self.kl = self.fc.weight.pow(2).sum()
            return self.fc(x)

    model = KeepsKL()
    model(torch.randn(3, 4))
    twin = clone_model(model)
    assert twin.kl.grad_fn is None and torch.equal(twin.kl, model.kl.detach())
    assert twin.fc.weight is not model.fc.weight and model.kl.grad_fn is not None


def test_the_captured_loss_is_replayed_on_the_output_it_scored():
    """A model returning (features, logits), the loss on the logits: the pre-flight's loss and its
    accuracy read the logits, not the first tensor (64 ReLU features taken for 64 classes)."""
    from nndoctor.preflight.common import accuracy, loss_from_capture

    torch.manual_seed(0)
    feats, logits, y = torch.relu(torch.randn(16, 64)), torch.randn(16, 10), torch.randint(0, 10, (16,))
    spec, target = loss_from_capture("cross_entropy", (logits, y), {}, (feats, logits), 16)
    assert target is y and torch.equal(spec.pick((feats, logits)), logits)
    assert float(spec.fn((feats, logits), y)) == pytest.approx(float(F.cross_entropy(logits, y)))
    assert accuracy(spec.pick((feats, logits * 0 + F.one_hot(y, 10))), y) == 1.0
    # A dict output, the loss on a reshape of its second entry; a single output as before.
    spec, _ = loss_from_capture("cross_entropy", (logits, y), {}, {"emb": feats, "scores": logits.view(16, 2, 5)}, 16)
    assert float(spec.fn({"emb": feats, "scores": logits.view(16, 2, 5)}, y)) == pytest.approx(
        float(F.cross_entropy(logits, y)))
    spec, _ = loss_from_capture("cross_entropy", (logits, y), {}, logits, 16)
    assert torch.equal(spec.pick(logits), logits)
    assert loss_from_capture("cross_entropy", (logits, y), {}, (feats, feats), 16) is None  # no output fits


def test_a_module_with_parameters_that_turns_a_batch_into_one_number_is_a_loss_not_a_model():
    """A center loss (class centers as parameters) called on the model's features: not registered as a
    model, so the pre-flight runs on the model and the data rules do not read the features as inputs."""
    import nndoctor

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.head = nn.Linear(8, 16), nn.Linear(16, 3)

        def forward(self, x):
            f = torch.relu(self.fc(x))
            return f, self.head(f)

    class CenterLoss(nn.Module):
        def __init__(self):
            super().__init__()
            self.centers = nn.Parameter(torch.randn(3, 16))

        def forward(self, feats, labels):
            return ((feats - self.centers[labels]) ** 2).sum(1).mean()

    class Critic(nn.Module):  # fed the encoder's output too, but a model: one output per sample
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(16, 1)

        def forward(self, f):
            return self.fc(f)

    torch.manual_seed(0)
    model, center, critic = Encoder(), CenterLoss(), Critic()
    opt = torch.optim.SGD([*model.parameters(), *center.parameters(), *critic.parameters()], lr=0.01)
    x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(5):
            feats, logits = model(x)
            loss = F.cross_entropy(logits, y) + 0.01 * center(feats, y) + 0.001 * critic(feats).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    sig = doctor.session.engine.signals
    assert "CenterLoss" not in sig.models and "Critic" in sig.models, sig.models
    assert {b.model for b in sig.batches} == {"Encoder", "Critic"}


def test_a_module_that_weighs_the_task_losses_is_not_a_model():
    """Uncertainty weighting (Kendall et al. 2018): a module with learned log-variances called on the task
    losses. It was taken for the model (the pre-flight then skipped: "the model's input is not a batched
    tensor"); the network that gets the batches is the model."""
    import nndoctor

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.body, self.cls, self.reg = nn.Linear(8, 16), nn.Linear(16, 2), nn.Linear(16, 1)

        def forward(self, x):
            h = torch.relu(self.body(x))
            return self.cls(h), self.reg(h).squeeze(1)

    class UncertaintyWeighting(nn.Module):
        def __init__(self):
            super().__init__()
            self.log_vars = nn.Parameter(torch.zeros(2))

        def forward(self, cls_loss, reg_loss):
            s1, s2 = self.log_vars
            return torch.exp(-s1) * cls_loss + s1 + 0.5 * torch.exp(-s2) * reg_loss + 0.5 * s2

    torch.manual_seed(0)
    x, y, v = torch.randn(64, 8), torch.randint(0, 2, (64,)), torch.randn(64)
    weigh = UncertaintyWeighting()
    model = TwoHeads()
    opt = torch.optim.Adam([*model.parameters(), *weigh.parameters()], lr=0.01)
    with nndoctor.watch(optimizer=opt, live=False, preflight=False) as doctor:  # (the model found by its calls)
        for _ in range(5):
            logits, value = model(x)
            loss = weigh(F.cross_entropy(logits, y), F.mse_loss(value, v))
            opt.zero_grad()
            loss.backward()
            opt.step()
    sig = doctor.session.engine.signals
    assert sig.models == ["TwoHeads"], sig.models

"""D105 label-noise: the confident-learning estimate (nndoctor/labels.py) against known flips, and the
rule that judges it (nndoctor/rules/labels.py) on filled sample banks and through ``nndoctor.check``."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

pytest.importorskip("cleanlab")
from sklearn.datasets import load_breast_cancer, load_digits, make_classification  # noqa: E402

import nndoctor  # noqa: E402
from conftest import ROOT  # noqa: E402
from nndoctor import labels  # noqa: E402
from nndoctor.config import Config  # noqa: E402
from nndoctor.engine import Engine  # noqa: E402
from nndoctor.labels import estimate_label_noise  # noqa: E402
from nndoctor.rules.base import END  # noqa: E402
from nndoctor.signals import SampleBank  # noqa: E402


def flipped(y: np.ndarray, rate: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``rate`` of the labels moved to another class, uniformly at random: (noisy labels, flipped indices)."""
    rng = np.random.default_rng(seed)
    k = int(y.max()) + 1
    idx = rng.choice(len(y), int(round(rate * len(y))), replace=False)
    noisy = y.copy()
    noisy[idx] = (noisy[idx] + rng.integers(1, k, len(idx))) % k
    return noisy, idx


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return x.astype(np.float32), y.astype(np.int64)


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.2, 0.4])
def test_digits_noise_rate_within_5_points(digits, rate):
    x, y = digits
    noisy, idx = flipped(y, rate)
    est = estimate_label_noise(x, noisy)
    assert abs(est.noise_rate - rate) <= 0.05, (rate, est.noise_rate)
    assert est.n_used == len(y)
    if rate == 0.2:
        hits = len(set(est.issues) & set(idx.tolist()))
        assert hits / len(est.issues) >= 0.8, hits / len(est.issues)  # precision of the flagged indices
        assert hits / len(idx) >= 0.7  # and most flips are found
        # Flagged samples carry their given (noisy) label and the label the model believes.
        first = est.issues[0]
        assert est.given[0] == noisy[first] and est.likely[0] != noisy[first]


def test_systematic_shift_is_seen(digits):
    # Not random flips: 30% of the labels moved by one class (a 1-based label map applied to 0-based
    # labels), the same wrong map for every class.
    x, y = digits
    shifted = np.random.default_rng(3).random(len(y)) < 0.3
    noisy = np.where(shifted, (y - 1) % 10, y)
    est = estimate_label_noise(x, noisy)
    # Harder than random flips (the model learns part of the shift): measured 4.5-6 points high,
    # precision 0.69-0.74 over seeds 3-5.
    assert abs(est.noise_rate - shifted.mean()) <= 0.07, (shifted.mean(), est.noise_rate)
    flagged = np.array(est.issues)
    assert shifted[flagged].mean() >= 0.6
    undone = [lk == (g + 1) % 10 for i, g, lk in zip(est.issues, est.given, est.likely) if shifted[i]]
    assert np.mean(undone) >= 0.8  # the likely label undoes the shift


def test_breast_cancer_noise_rate(digits):
    x, y = load_breast_cancer(return_X_y=True)
    for rate in (0.0, 0.2):
        est = estimate_label_noise(x, flipped(y, rate)[0])
        assert abs(est.noise_rate - rate) <= 0.05, (rate, est.noise_rate)


def test_estimate_leaves_random_streams_alone(digits):
    x, y = digits
    np.random.seed(123)
    torch.manual_seed(123)
    before_np, before_torch = np.random.get_state()[1].copy(), torch.get_rng_state().clone()
    estimate_label_noise(x, flipped(y, 0.2)[0])
    assert (np.random.get_state()[1] == before_np).all()
    assert torch.equal(torch.get_rng_state(), before_torch)


def test_bounded_sample_and_rare_classes(digits):
    x, y = digits
    est = estimate_label_noise(x, y, max_samples=500)
    assert est.n_used == 500 and est.n_total == len(y)
    # A class with fewer samples than folds cannot be judged: it is left out, not an error.
    y2 = y.copy()
    y2[:3] = 10
    assert 10 not in estimate_label_noise(x, y2).classes
    assert estimate_label_noise(x[:20], np.zeros(20, dtype=np.int64)) is None  # one class
    many = np.arange(1000) % (labels.MAX_CLASSES + 1)  # too many classes to judge in bounded time
    assert estimate_label_noise(np.random.default_rng(0).normal(size=(1000, 5)), many) is None


# ------------------------------------------------------------------------------------------ the rule
def judge(x, y, index=None, **thresholds) -> Engine:
    engine = Engine(Config())
    engine.signals.train_samples = SampleBank(x=x, y=y, index=index, seen=len(x) if y is not None else 0)
    engine.config.thresholds.setdefault("D105", {}).update(thresholds)
    engine.evaluate(END)
    return engine


def test_rule_warns_on_noisy_bank_and_lists_suspicious_samples(digits):
    x, y = digits
    noisy, idx = flipped(y, 0.2)
    index = np.arange(len(y)) + 1000  # dataset indices the capture recorded
    engine = judge(x, noisy, index=index)
    finding = engine.findings["D105"]
    assert finding.severity == "warning"
    ev = finding.evidence
    assert abs(ev["noise_rate"] - 0.2) <= 0.05 and ev["n_used"] == len(y)
    flipped_set = set((idx + 1000).tolist())
    shown = ev["suspicious"]
    assert len(shown) == 10 and sum(s["index"] in flipped_set for s in shown) >= 8
    for s in shown:
        assert s["given"] == noisy[s["index"] - 1000] and s["likely"] != s["given"]
    assert f"#{shown[0]['index']}" in finding.message


def test_rule_silent_on_clean_digits(digits):
    x, y = digits
    assert "D105" not in judge(x, y).findings


def test_rule_silent_without_enough_samples_or_class_targets(digits):
    x, y = digits
    noisy, _ = flipped(y, 0.3)
    assert "D105" not in judge(x[:60], noisy[:60]).findings  # below min_samples
    assert "D105" not in judge(x, None).findings  # targets that are not class indices
    assert "D105" not in Engine(Config()).findings  # empty bank
    engine = Engine(Config())
    engine.evaluate(END)
    assert "D105" not in engine.findings


def test_rule_silent_when_labels_cannot_be_predicted(digits):
    x, y = digits
    random_labels = np.random.default_rng(0).integers(0, 10, len(y))  # D104's case, not label noise
    engine = judge(x, random_labels)
    assert "D105" not in engine.findings
    assert any("D105" in note and "cannot predict" in note for note in engine.signals.notes)


def test_overlapping_classes_are_not_a_warning():
    # Clean labels, classes that overlap in the inputs: a quick model misses as many samples as it
    # flags, so whatever it reports stays info (hard samples are not wrong labels).
    x, y = make_classification(2000, 20, n_informative=5, n_classes=3, class_sep=0.5, flip_y=0, random_state=0)
    finding = judge(x.astype(np.float32), y).findings.get("D105")
    assert finding is None or finding.severity == "info"


def _with_network_accuracy(engine: Engine, accuracies: list[float], batch: int = 64, start: int = 100) -> Engine:
    """The run's own sampled class-index training batches, with these accuracies, steps start, start + 32..."""
    from nndoctor.signals import BatchSignal, LossCall, TensorStats

    sig = engine.signals
    for i, accuracy in enumerate(accuracies):
        step = start + 32 * i
        sig.batches.append(BatchSignal(step=step, model="Net", inputs=TensorStats(shape=(batch, 64), dtype="float32",
                                                                                   numel=batch * 64)))
        sig.loss_calls.append(LossCall(step=step, fn="cross_entropy", reduction="mean", value=0.5,
                                       input=TensorStats(shape=(batch, 10), dtype="float32", numel=batch * 10),
                                       target=TensorStats(shape=(batch,), dtype="int64", numel=batch),
                                       classes=10, accuracy=accuracy, target_majority_frac=0.15))
    return engine


def judged_with_network(x, y, accuracies) -> Engine:
    engine = Engine(Config())
    engine.signals.train_samples = SampleBank(x=x, y=y, seen=len(x))
    _with_network_accuracy(engine, accuracies)
    engine.evaluate(END)
    return engine


def test_network_far_above_the_noise_cap_makes_the_estimate_info(digits):
    # 30% of the labels flipped, as the quick model sees them; but the run's own network gets 95% of its
    # training labels right: 30% wrong labels cap a model that has not memorized them at ~70%, so the
    # quick model's estimate is refuted (its misses are the inputs it cannot read, not wrong labels).
    x, y = digits
    noisy, _ = flipped(y, 0.3)
    finding = judged_with_network(x, noisy, [0.95, 0.97]).findings["D105"]
    assert finding.severity == "info"
    net = finding.evidence["network_accuracy"]
    assert net["accuracy"] == pytest.approx(0.96) and net["samples"] == 128 and not net["fresh"]
    assert "the network itself gets 96%" in finding.message and "memorizes" in finding.message


def test_first_epoch_batches_count_as_not_yet_trained_on(digits):
    from nndoctor.signals import LoaderInfo

    x, y = digits
    noisy, _ = flipped(y, 0.3)
    engine = Engine(Config())
    engine.signals.train_samples = SampleBank(x=x, y=noisy, seen=len(x))
    engine.signals.loaders.append(LoaderInfo(dataset_len=len(x), batch_size=64, shuffle=True, sampler="RandomSampler",
                                             drop_last=False))
    _with_network_accuracy(engine, [0.9, 0.92], start=2)  # steps 2 and 34 of 29 per epoch: step 2 is fresh
    _with_network_accuracy(engine, [0.95, 0.96], start=10)  # steps 10 and 42
    engine.evaluate(END)
    net = engine.findings["D105"].evidence["network_accuracy"]
    assert net["fresh"] and net["steps_per_epoch"] == 29 and (net["first_step"], net["last_step"]) == (2, 10)
    assert "had not trained on yet" in engine.findings["D105"].message


def test_network_at_the_noise_cap_keeps_the_warning(digits):
    x, y = digits
    noisy, _ = flipped(y, 0.3)
    finding = judged_with_network(x, noisy, [0.70, 0.72]).findings["D105"]  # what 30% wrong labels allow
    assert finding.severity == "warning" and finding.evidence["network_accuracy"] is None
    finding = judged_with_network(x, noisy, [0.97]).findings["D105"]  # one batch of 64: too few targets
    assert finding.severity == "warning"


def test_rule_without_cleanlab_is_silent_and_says_so(digits, monkeypatch):
    monkeypatch.setattr(labels, "available", lambda: False)
    x, y = digits
    engine = judge(x, flipped(y, 0.3)[0])
    assert "D105" not in engine.findings
    assert any("nndoctor[labels]" in note for note in engine.signals.notes)
    assert "nndoctor[labels]" in " ".join(engine.report().notes)


def test_import_does_not_load_cleanlab():
    code = ("import sys, nndoctor, nndoctor.cli; from nndoctor.rules.base import load_rules; load_rules(); "
            "print('cleanlab' in sys.modules, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------------- through check()
def _check(x, y):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    return nndoctor.check(model, (torch.tensor(x), torch.tensor(y)))


def test_check_raises_d105_at_20_percent(digits):
    x, y = digits
    report = _check(x, flipped(y, 0.2)[0])
    found = {f.code: f for f in report.findings}
    assert "D105" in found and found["D105"].severity == "warning", [f.code for f in report.findings]
    assert abs(found["D105"].evidence["noise_rate"] - 0.2) <= 0.05


def test_check_clean_digits_no_d105(digits):
    x, y = digits
    report = _check(x, y)
    assert "D105" not in {f.code for f in report.findings}


def test_token_ids_for_an_embedding_are_counted_not_measured():
    """Labels that are exact functions of the tokens (more positive words than negative ones): as counts of
    each id they are predictable and clean; as raw id magnitudes a kernel sees noise."""
    rng = np.random.default_rng(7)
    tokens = rng.integers(15, 40, size=(800, 24))
    n_pos, n_neg = rng.integers(0, 6, 800), rng.integers(0, 6, 800)
    n_neg = np.where(n_neg == n_pos, n_neg + 1, n_neg)
    for i in range(800):
        slots = rng.choice(24, n_pos[i] + n_neg[i], replace=False)
        tokens[i, slots[:n_pos[i]]] = rng.integers(1, 8, n_pos[i])
        tokens[i, slots[n_pos[i]:]] = rng.integers(8, 15, n_neg[i])
    labels = (n_pos > n_neg).astype(np.int64)
    as_ids = estimate_label_noise(tokens.astype(np.float32), labels, ids=True)
    assert as_ids.noise_rate < 0.05 and as_ids.heldout_accuracy > 0.9, as_ids
    as_values = estimate_label_noise(tokens.astype(np.float32), labels)
    assert as_values.heldout_accuracy < as_ids.heldout_accuracy - 0.15

"""The data itself: capture (nndoctor/probes/data_capture.py), D111 leakage, D116 split mismatch, the data
rules on datasets handed to ``check``, and the report's data summary."""
from __future__ import annotations

import json
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits, load_wine
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nndoctor
from nndoctor.findings import Report
from nndoctor.probes.data_capture import row_hashes


@pytest.fixture(scope="module")
def digits():
    d = load_digits()
    X = torch.tensor(d.data / 16.0, dtype=torch.float32)
    X = (X - X.mean(0)) / (X.std(0) + 0.1)
    return X, torch.tensor(d.target)


def mlp(n_in=64, n_out=10):
    return nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, n_out))


def watched(X_tr, y_tr, X_va, y_va, *, epochs=3, train_eval=False, val_loader=False, seed=0):
    """A plain training loop with validation under no_grad; returns the report."""
    torch.manual_seed(seed)
    model = mlp(X_tr.shape[1], int(max(y_tr.max(), y_va.max())) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=64, shuffle=True)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(epochs):
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                opt.step()
            with torch.no_grad():
                if val_loader:
                    for xb, yb in DataLoader(TensorDataset(X_va, y_va), batch_size=100):
                        F.cross_entropy(model(xb), yb)
                else:
                    F.cross_entropy(model(X_va), y_va)
                if train_eval:  # train accuracy: a gradient-free pass over the training data itself
                    (model(X_tr).argmax(1) == y_tr).float().mean()
    return doctor.report(), doctor.session.engine.signals


def split(n, n_val, seed=0):
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[n_val:], perm[:n_val]


# --------------------------------------------------------------------------------------------- capture

def test_row_hashes_match_copies_only():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 7)).astype(np.float32)
    h = row_hashes(x)
    assert len(set(h.tolist())) == 50
    assert (row_hashes(x.copy()) == h).all()
    nudged = x * (1 + 1e-7)  # float noise of a different pipeline: still a copy
    assert (row_hashes(nudged) == h).mean() > 0.9
    assert not (row_hashes(x + 1e-2) == h).any()


def test_banks_hold_the_whole_splits_from_tensor_datasets(digits):
    X, y = digits
    tr, va = split(len(X), 300)
    _, sig = watched(X[tr], y[tr], X[va], y[va], epochs=1)
    train, val = sig.train_samples, sig.val_samples
    assert len(train) == len(tr) and train.complete and train.y is not None
    assert sorted(train.index.tolist()) == list(range(len(tr)))  # dataset indices
    assert (np.sort(train.y) == np.sort(y[tr].numpy())).all()
    assert len(val) == 300 and val.complete and (np.sort(val.y) == np.sort(y[va].numpy())).all()
    assert train.x.dtype == np.float32 and train.x.shape[1:] == (64,)


def test_large_data_is_a_bounded_sample_and_says_so():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(20000, 16, generator=g)
    y = (X[:, 0] > 0).long()
    order = torch.argsort(y[:16000], stable=True)  # a class-sorted training set, shuffled by its loader
    start = time.perf_counter()
    report, sig = watched(X[:16000][order], y[:16000][order], X[16000:], y[16000:], epochs=1)
    assert time.perf_counter() - start < 60
    bank = sig.train_samples
    assert len(bank) == bank.capacity < 16000 and not bank.complete and bank.seen == 16000
    assert bank.feature_n == 16000  # the normalization sums still cover the whole split
    assert 0.4 < bank.y.mean() < 0.6  # a random sample of the split, not its first (sorted) rows
    assert report.data_summary["train"]["samples_kept"] == bank.capacity
    assert "D111" not in report.codes() and "D116" not in report.codes()


# --------------------------------------------------------------------------------------------- D111

def test_overlapping_validation_split_raises_D111_with_the_overlap_count(digits):
    X, y = digits
    tr, va = split(len(X), 300)
    leaked = torch.cat([va, tr[:60]])  # 60 of 360 validation samples are training samples
    report, _ = watched(X[tr], y[tr], X[leaked], y[leaked])
    found = {f.code: f for f in report.findings}
    assert "D111" in found, [f.code for f in report.findings]
    ev = found["D111"].evidence
    assert ev["overlap"] == 60 and ev["validation_samples"] == 360
    assert ev["fraction"] == pytest.approx(60 / 360)
    assert found["D111"].severity == "warning"
    # Examples are (validation index, training index) pairs of equal samples.
    for v, t in ev["pairs"]:
        assert torch.equal(X[leaked][v], X[tr][t])


def test_disjoint_splits_do_not_raise_D111(digits):
    X, y = digits
    tr, va = split(len(X), 300)
    report, _ = watched(X[tr], y[tr], X[va], y[va], val_loader=True)
    assert "D111" not in report.codes()


def test_train_accuracy_under_no_grad_is_not_leakage(digits):
    X, y = digits
    tr, va = split(len(X), 300)
    report, sig = watched(X[tr], y[tr], X[va], y[va], train_eval=True)
    assert len(sig.val_samples) == len(X)  # both passes were captured...
    assert "D111" not in report.codes()  # ...and the pass over training data is recognized as such
    leaked = torch.cat([va, tr[:60]])
    report, _ = watched(X[tr], y[tr], X[leaked], y[leaked], train_eval=True)
    assert report.codes() >= {"D111"}
    assert {f.code: f for f in report.findings}["D111"].evidence["overlap"] == 60


def _wine_split(fit_on_all: bool):
    w = load_wine()
    X = w.data
    tr, va = split(len(X), 45, seed=1)
    tr, va = tr.numpy(), va.numpy()
    stats = X if fit_on_all else X[tr]
    Xs = (X - stats.mean(0)) / stats.std(0)
    t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    yt = torch.tensor(w.target)
    return t(Xs[tr]), yt[tr], t(Xs[va]), yt[va]


def test_normalization_fitted_on_all_data_raises_D111():
    report, _ = watched(*_wine_split(fit_on_all=True))
    found = {f.code: f for f in report.findings}
    assert "D111" in found
    ev = found["D111"].evidence
    assert ev["pooled_mean_max_abs"] < 1e-5 and ev["training_split_max_dev"] > 0.01


def test_normalization_fitted_on_training_split_is_silent():
    report, _ = watched(*_wine_split(fit_on_all=False))
    assert "D111" not in report.codes()


# --------------------------------------------------------------------------------------------- D116

def test_class_sorted_split_by_position_raises_D116(digits):
    X, y = digits
    order = torch.argsort(y, stable=True)
    X, y = X[order], y[order]
    cut = int(0.8 * len(X))
    report = nndoctor.check(mlp(), (X[:cut], y[:cut]), val_data=(X[cut:], y[cut:]))
    found = {f.code: f for f in report.findings}
    assert "D116" in found, [f.code for f in report.findings]
    ev = found["D116"].evidence
    assert set(ev["unseen_classes"]) == {8, 9}
    assert ev["mean_abs_smd"] > 3 * ev["noise_level"]


def test_random_split_does_not_raise_D116(digits):
    X, y = digits
    tr, va = split(len(X), 360)
    report = nndoctor.check(mlp(), (X[tr], y[tr]), val_data=(X[va], y[va]))
    assert not report.codes() & {"D111", "D116"}, [(f.code, f.message) for f in report.findings]


# --------------------------------------------------------------------------------------------- check on datasets

def test_check_on_a_healthy_dataset_raises_no_data_finding(digits):
    X, y = digits
    report = nndoctor.check(mlp(), (X, y))
    assert not {c for c in report.codes() if c.startswith("D")}, [(f.code, f.message) for f in report.findings]
    assert report.data_summary["train"]["samples_kept"] == len(X)


@pytest.mark.parametrize("fault", ["sorted_loader", "imbalanced", "raw_wine", "pixels_0_255", "labels_from_1",
                                   "batch_most_of_data"])
def test_check_finds_data_faults_in_datasets(fault, digits):
    X, y = digits
    model, data, kwargs, code = mlp(), (X, y), {}, None
    if fault == "sorted_loader":
        order = torch.argsort(y, stable=True)
        data, code = DataLoader(TensorDataset(X[order], y[order]), batch_size=32), "D106"
    elif fault == "imbalanced":
        keep = torch.cat([torch.nonzero(y == c).flatten()[: (178 if c < 2 else 12)] for c in range(3)])
        model, data, code = mlp(n_out=3), (X[keep], y[keep]), "D107"
    elif fault == "raw_wine":
        w = load_wine()
        model, data, code = mlp(13, 3), (torch.tensor(w.data, dtype=torch.float32), torch.tensor(w.target)), "D109"
    elif fault == "pixels_0_255":
        d = load_digits()
        images = torch.tensor(d.data * 255 / 16, dtype=torch.float32).view(-1, 1, 8, 8)
        model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(512, 10))
        data, code = (images, y), "D110"
    elif fault == "labels_from_1":
        data, kwargs, code = (X, y + 1), {"loss_fn": nn.CrossEntropyLoss()}, "D113"
    elif fault == "batch_most_of_data":
        data, code = DataLoader(TensorDataset(X, y), batch_size=1024, shuffle=True), "D115"
    report = nndoctor.check(model, data, **kwargs)
    assert code in report.codes(), [(f.code, f.message) for f in report.findings]


# --------------------------------------------------------------------------------------------- data summary

def test_data_summary_in_json_terminal_and_html(digits, tmp_path):
    X, y = digits
    tr, va = split(len(X), 300)
    report, _ = watched(X[tr], y[tr], X[va], y[va], epochs=1)
    summary = report.data_summary
    train = summary["train"]
    assert train["sample_shape"] == [64] and train["samples_seen"] == len(tr)
    assert len(train["feature_mean"]) == 64 and max(abs(m) for m in train["feature_mean"]) < 0.2
    assert sum(train["class_counts"].values()) == len(tr)
    assert summary["val"]["samples_kept"] == 300
    grid = summary["samples"]
    assert len(grid["images"]) == 16 and np.array(grid["images"][0]).shape == (8, 8)
    for img, label, index in zip(grid["images"], grid["labels"], grid["indices"]):
        assert label == int(y[tr][index])
        assert np.allclose(np.array(img).ravel(), X[tr][index].numpy(), atol=1e-3)
    data = json.loads(report.to_json())
    assert Report.from_dict(data).to_dict()["data_summary"] == data["data_summary"]
    assert len(json.dumps(data["data_summary"])) < 30_000

    import io

    from nndoctor.report.terminal import console_for, render_plain

    out = io.StringIO()
    render_plain(report, console_for(out))
    assert f"data: {len(tr)} distinct training samples" in out.getvalue()

    pytest.importorskip("matplotlib")
    from nndoctor.report.html import render_html

    page = render_html(data)
    assert 'data-plot="samples"' in page and "per-feature mean / std" in page and "1497 distinct samples kept" in page


def test_reservoir_keeps_a_sorted_stream_representative():
    from nndoctor.probes.data_capture import _Filler
    from nndoctor.signals import SampleBank

    bank = SampleBank()
    filler = _Filler(bank, capacity=200, reservoir=True)
    rng = np.random.default_rng(1)
    for cls in range(4):  # the stream comes class by class
        for _ in range(10):
            filler.add(rng.normal(size=(50, 3)).astype(np.float32) + cls, np.full(50, cls), 0)
    assert len(bank) == 200 and filler.full
    counts = np.bincount(bank.y, minlength=4)
    assert counts.min() > 25, counts  # ~50 per class, not 200 of class 0
    assert len(filler.hashes) == 200 and set(filler.hashes.values()) == set(range(200))


def test_capture_leaves_training_bit_identical(digits):
    X, y = digits
    tr, va = split(len(X), 300)

    def train(watch: bool):
        torch.manual_seed(3)
        model = mlp()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loader = DataLoader(TensorDataset(X[tr], y[tr]), batch_size=64, shuffle=True)
        ctx = nndoctor.watch(model, opt, preflight=False) if watch else None
        if ctx is not None:
            ctx.__enter__()
        try:
            for _ in range(2):
                for xb, yb in loader:
                    opt.zero_grad()
                    F.cross_entropy(model(xb), yb).backward()
                    opt.step()
                with torch.no_grad():
                    F.cross_entropy(model(X[va]), y[va])
        finally:
            if ctx is not None:
                ctx.__exit__(None, None, None)
        return [p.detach().clone() for p in model.parameters()], torch.rand(1)

    plain, plain_next = train(False)
    watched_params, watched_next = train(True)
    assert all(torch.equal(a, b) for a, b in zip(plain, watched_params))
    assert torch.equal(plain_next, watched_next)


def test_a_prediction_grid_without_targets_is_not_a_split_mismatch():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(600, 1, generator=g)
    y = torch.sin(3 * X)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(5):
            for i in range(0, 600, 50):
                opt.zero_grad()
                F.mse_loss(model(X[i:i + 50]), y[i:i + 50]).backward()
                opt.step()
        with torch.no_grad():
            model(torch.linspace(3, 6, 200).unsqueeze(1))  # the fitted curve, drawn far outside the data
    assert len(doctor.session.engine.signals.val_samples) == 200
    assert not doctor.report().codes() & {"D111", "D116"}

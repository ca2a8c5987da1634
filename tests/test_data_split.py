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


def test_train_accuracy_in_chunks_after_a_short_sliced_run_is_not_leakage():
    """Batches sliced from tensors by a shuffled index, a few hundred steps: the training bank holds what
    the sampled steps offered (about half the data here), too few rows for the usual coverage estimate.
    Its share is then measured on the rows offered after the stream first came back to a kept row, so
    a final train-accuracy pass in chunks of 400 is recognized; a validation set with a quarter of it
    copied from training data is still leakage."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(3800, 16, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    X_tr, y_tr, X_va, y_va = X[:3000], y[:3000], X[3000:], y[3000:]

    def run(X_val, y_val):
        torch.manual_seed(0)
        model = mlp(16, 2)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
            for _ in range(7):
                perm = torch.randperm(3000)
                for i in range(0, 3000, 64):
                    j = perm[i:i + 64]
                    loss = F.cross_entropy(model(X_tr[j]), y_tr[j])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                with torch.no_grad():
                    F.cross_entropy(model(X_val), y_val)
            with torch.no_grad():  # train accuracy, in chunks
                torch.cat([model(X_tr[i:i + 400]) for i in range(0, 3000, 400)]).argmax(1)
        return doctor.report(), doctor.session.engine.signals

    report, sig = run(X_va, y_va)
    bank = sig.train_samples
    assert bank.coverage is None and 0.3 < bank.wrap_coverage < 0.7, (bank.coverage, bank.wrap_coverage)
    assert "D111" not in report.codes()
    leaked = torch.cat([X_va[:600], X_tr[:200]]), torch.cat([y_va[:600], y_tr[:200]])
    report, _ = run(*leaked)
    assert "D111" in report.codes()


def _validated_on(X, y, *, val_on_train: bool, every_epoch: bool, epochs=3):
    """Train on a DataLoader over a data set; validate through a second DataLoader, over the training data
    set itself (the copy-paste slip) or over the held-out split, after every epoch or once at the end."""
    tr, va = split(len(X), 300)
    train_ds, val_ds = TensorDataset(X[tr], y[tr]), TensorDataset(X[va], y[va])
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(train_ds, batch_size=64, shuffle=True)
    val_loader = DataLoader(train_ds if val_on_train else val_ds, batch_size=256)

    def validate():
        with torch.no_grad():
            for xb, yb in val_loader:
                F.cross_entropy(model(xb), yb)

    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(epochs):
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                opt.step()
            if every_epoch:
                validate()
        if not every_epoch:
            validate()
    return doctor.report(), doctor.session.engine.signals


def test_validation_loader_over_the_training_data_set_raises_D111(digits):
    report, sig = _validated_on(*digits, val_on_train=True, every_epoch=True)
    found = {f.code: f for f in report.findings}
    assert sig.val_samples_from_train_set and "D111" in found, report.codes()
    assert found["D111"].evidence["fraction"] == 1.0
    assert found["D111"].evidence["validation_loader_on_training_set"] is True


def test_one_train_accuracy_pass_at_the_end_or_a_held_out_loader_is_silent(digits):
    # A single pass over the training data once training is over: train accuracy, not a validation loop.
    report, sig = _validated_on(*digits, val_on_train=True, every_epoch=False)
    assert not sig.val_samples_from_train_set and "D111" not in report.codes()
    report, sig = _validated_on(*digits, val_on_train=False, every_epoch=True)
    assert not sig.val_samples_from_train_set and "D111" not in report.codes()


class _Table(torch.utils.data.Dataset):
    """Rows of (category ids, numeric features, binary target) as dicts, read one by one (not a TensorDataset:
    the capture streams its batches)."""

    def __init__(self, cat, num, y):
        self.cat, self.num, self.y = cat, num, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"cat": self.cat[i], "num": self.num[i], "y": self.y[i]}


class _TabNet(nn.Module):
    def __init__(self, cards, use_num=True):
        super().__init__()
        self.use_num = use_num
        self.embs = nn.ModuleList([nn.Embedding(c, 4) for c in cards])
        self.head = nn.Sequential(nn.Linear(12 + 6 * use_num, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, cat, num=None):
        parts = [emb(cat[:, j]) for j, emb in enumerate(self.embs)] + ([num] if self.use_num else [])
        return self.head(torch.cat(parts, dim=1)).squeeze(1)


def _tabular(n_val_copies=0, use_num=True, epochs=6, cards=(12, 7, 30), sample_every=None):
    """3 category columns (2520 combinations) beside 6 numeric features, 2400 rows for training and 600 for
    validation, dict batches from a streamed Dataset; the first ``n_val_copies`` validation rows are copies
    of training rows."""
    g = torch.Generator().manual_seed(0)
    cat = torch.stack([torch.randint(0, c, (3000,), generator=g) for c in cards], 1)
    num = torch.randn(3000, 6, generator=g)
    y = (num[:, 0] + (cat[:, 0] % 2) > 0.5).float()
    cat[2400:2400 + n_val_copies], num[2400:2400 + n_val_copies] = cat[:n_val_copies], num[:n_val_copies]
    torch.manual_seed(0)
    model = _TabNet(cards, use_num)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(_Table(cat[:2400], num[:2400], y[:2400]), batch_size=64, shuffle=True)
    with nndoctor.watch(model, opt, preflight=False, sample_every=sample_every) as doctor:
        for _ in range(epochs):
            for b in loader:
                opt.zero_grad()
                out = model(b["cat"], b["num"]) if use_num else model(b["cat"])
                F.binary_cross_entropy_with_logits(out, b["y"]).backward()
                opt.step()
            with torch.no_grad():
                model(cat[2400:], num[2400:]) if use_num else model(cat[2400:])
    return doctor.report(), doctor.session.engine.signals


def test_a_sample_is_all_its_per_sample_tensors_not_the_first_alone():
    # Most category combinations occur in both splits; the numeric features make every row distinct.
    report, sig = _tabular()
    train = sig.train_samples
    assert train.part_shapes == ((6,),) and train.key_parts == 1  # num is hashed with cat
    assert len(np.unique(train.x_hash)) < len(train)  # cat alone repeats...
    assert "D111" not in report.codes(), [(f.code, f.message) for f in report.findings]
    report, _ = _tabular(n_val_copies=60)  # ...whole rows copied into validation are leakage
    found = {f.code: f for f in report.findings}
    assert "D111" in found and found["D111"].evidence["overlap"] >= 15, [f.code for f in report.findings]
    assert found["D111"].evidence["input_tensors"] == 2


def test_low_cardinality_inputs_collide_by_chance_also_in_a_streamed_sample(monkeypatch):
    # Category ids alone: 840 combinations for 2400 training rows, so nearly every validation row equals
    # some training row by chance. The training bank is a streamed sample (every 8th step), not the whole
    # split; its distinct share is estimated from the rows of the first pass that share their content.
    report, sig = _tabular(use_num=False, cards=(10, 7, 12), sample_every=8)
    bank = sig.train_samples
    assert not bank.complete and bank.coverage
    assert 0.28 < bank.distinct_share < 0.38, bank.distinct_share  # 840 (1 - e^(-2400/840)) / 2400 = 0.33
    assert "D111" not in report.codes(), [(f.code, f.message) for f in report.findings]
    from nndoctor.thresholds import DEFAULTS

    # Without the guard on the distinct share, the chance meetings of discrete inputs (copies no more
    # often than twice the training rows' own repeat rate) still keep it silent; without both: leakage.
    monkeypatch.setitem(DEFAULTS["D111"], "min_distinct_share", 0.0)
    assert "D111" not in _tabular(use_num=False, cards=(10, 7, 12), sample_every=8)[0].codes()
    monkeypatch.setitem(DEFAULTS["D111"], "chance_factor", 0.0)
    assert "D111" in _tabular(use_num=False, cards=(10, 7, 12), sample_every=8)[0].codes()


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


def test_window_share_finds_overlapping_windows_only():
    from nndoctor.rules.data_split import _window_share

    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=3000)).astype(np.float32)
    windows = np.stack([series[i:i + 24] for i in range(2900)])[rng.permutation(2900)[:1200]]  # a sample, shuffled
    assert _window_share(windows)[0] > 0.95
    assert _window_share(windows[:, :, None])[0] > 0.95 and _window_share(windows[:, None, :])[1] == 2
    strided = np.stack([series[i:i + 24] for i in range(0, 2900, 4)])  # stride 4
    assert _window_share(strided)[0] > 0.95
    assert _window_share(load_digits().data.astype(np.float32))[0] == 0.0  # independent samples
    coarse = rng.integers(0, 2, (2000, 8)).astype(np.float32)  # 256 patterns: shifted matches by chance
    assert _window_share(coarse)[0] < 0.2


def _forecaster(chronological: bool):
    """Windows of 24 steps of a trending series predict the next value; split chronologically or at random."""
    t = np.arange(2400)
    rng = np.random.default_rng(0)
    z = (np.sin(2 * np.pi * t / 24) + 0.002 * t + 0.3 * np.cumsum(rng.normal(size=2400)) / 10).astype(np.float32)
    X = torch.tensor(np.stack([z[i:i + 24] for i in range(2370)]))
    Y = torch.tensor(z[24:2394]).unsqueeze(1)
    tr, va = (torch.arange(1900), torch.arange(1900, 2370)) if chronological else split(2370, 470)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(24, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(3):
            for xb, yb in DataLoader(TensorDataset(X[tr], Y[tr]), batch_size=64, shuffle=True):
                opt.zero_grad()
                F.mse_loss(model(xb), yb).backward()
                opt.step()
            with torch.no_grad():
                for xb, yb in DataLoader(TensorDataset(X[va], Y[va]), batch_size=256):
                    F.mse_loss(model(xb), yb)
    return doctor.report()


def test_chronological_split_of_sliding_windows_is_info_not_a_warning():
    found = {f.code: f for f in _forecaster(chronological=True).findings}
    assert "D116" in found and found["D116"].severity == "info", [(f.code, f.message) for f in found.values()]
    assert found["D116"].evidence["sliding_windows"] > 0.95
    assert "overlapping windows of one series" in found["D116"].message


def test_random_split_does_not_raise_D116(digits):
    X, y = digits
    tr, va = split(len(X), 360)
    report = nndoctor.check(mlp(), (X[tr], y[tr]), val_data=(X[va], y[va]))
    assert not report.codes() & {"D111", "D116"}, [(f.code, f.message) for f in report.findings]


def test_a_data_set_normalized_in_the_loop_is_not_compared_raw_with_validation_model_inputs_D116():
    d = load_digits()
    X, y = torch.tensor(d.data / 16.0, dtype=torch.float32), torch.tensor(d.target)  # stored raw, in [0, 1]
    tr, va = split(len(X), 360)
    mean, std = X[tr].mean(0), X[tr].std(0) + 0.1
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(3):
            for xb, yb in DataLoader(TensorDataset(X[tr], y[tr]), batch_size=64, shuffle=True):
                opt.zero_grad()
                F.cross_entropy(model((xb - mean) / std), yb).backward()  # normalized on the way in
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model((X[va] - mean) / std), y[va])
    report = doctor.report()
    assert "D116" not in report.codes(), [(f.code, f.message) for f in report.findings]
    assert doctor.session.engine.signals.train_samples.complete  # the raw data set was read whole


def test_sorted_hand_sliced_batches_are_not_blamed_on_the_validation_loader(digits):
    """D106 on training batches sliced by hand from class-sorted data, beside an unshuffled validation
    DataLoader (SequentialSampler, as validation loaders are): the note names the hand slicing, not the
    validation loader's sampler."""
    X, y = digits
    tr, va = split(len(X), 300)
    order = tr[torch.argsort(y[tr], stable=True)]
    X_tr, y_tr = X[order], y[order]
    torch.manual_seed(0)
    model = mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    val = DataLoader(TensorDataset(X[va], y[va]), batch_size=100)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(3):
            for i in range(0, len(X_tr), 32):
                opt.zero_grad()
                F.cross_entropy(model(X_tr[i:i + 32]), y_tr[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                for xb, yb in val:
                    F.cross_entropy(model(xb), yb)
    report = doctor.report()
    finding = next((f for f in report.findings if f.code == "D106"), None)
    assert finding is not None, [(f.code, f.message) for f in report.findings]
    assert "sliced in a fixed order" in finding.message and "SequentialSampler" not in finding.message, \
        finding.message


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


def _next_token_model(seq_first_classifier: bool = False):
    """Tokens 0-19 with Zipf-like frequencies (token 0 ~40x token 19). A GRU language model with targets
    flattened to 1-D, ``cross_entropy(logits.reshape(-1, V), y.reshape(-1))``: 16 targets per sequence; or a
    sequence-first GRU classifier (T=8, N=64) of the first token, one target per sequence."""
    g = torch.Generator().manual_seed(0)
    p = 1 / torch.arange(1, 21).float() ** 1.2
    tokens = torch.multinomial(p / p.sum(), 640 * 17, replacement=True, generator=g).view(640, 17)
    torch.manual_seed(0)
    emb, rnn, head = nn.Embedding(20, 16), nn.GRU(16, 16, batch_first=not seq_first_classifier), nn.Linear(16, 20)

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.rnn, self.head = emb, rnn, head

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return self.head(h[-1] if seq_first_classifier else h)

    model = LM()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with nndoctor.watch(model, opt, preflight=False) as doctor:
        for _ in range(2):
            for i in range(0, 640, 64):
                seq = tokens[i:i + 64]
                if seq_first_classifier:
                    loss = F.cross_entropy(model(seq[:, 1:9].T.contiguous()), seq[:, 0])
                else:
                    loss = F.cross_entropy(model(seq[:, :-1]).reshape(-1, 20), seq[:, 1:].reshape(-1))
                opt.zero_grad()
                loss.backward()
                opt.step()
    return doctor.report()


def test_flattened_per_position_targets_are_not_a_class_imbalance():
    # 1-D targets with 16 per row of the batch: next-token targets, skewed by nature (D107 would ask for
    # class weights); one target per sequence, fed sequence-first, is a classification and is judged.
    assert "D107" not in _next_token_model().codes()
    found = {f.code: f for f in _next_token_model(seq_first_classifier=True).findings}
    assert "D107" in found, sorted(found)


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


def test_discrete_inputs_meet_by_chance_as_often_as_training_rows_repeat(monkeypatch):
    # 15625 category combinations for 2400 training rows: a few repeat one another (distinct share ~0.93,
    # far above the guard on it), and independent validation rows meet training rows about as often.
    report, sig = _tabular(use_num=False, cards=(25, 25, 25))
    assert 0.85 < sig.train_samples.distinct_share < 0.97, sig.train_samples.distinct_share
    assert "D111" not in report.codes(), [(f.code, f.message) for f in report.findings]
    from nndoctor.thresholds import DEFAULTS

    monkeypatch.setitem(DEFAULTS["D111"], "chance_factor", 0.0)
    assert "D111" in _tabular(use_num=False, cards=(25, 25, 25))[0].codes()


def test_a_forward_after_the_last_loader_is_done_is_not_that_loaders_validation():
    # An anomaly detector: validation from its loader each epoch, then, after training, a scoring pass on
    # another population (all 200 rows at once, no loss call). It is not validation data: no D116.
    g = torch.Generator().manual_seed(0)
    X = torch.randn(900, 12, generator=g)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 4), nn.ReLU(), nn.Linear(4, 12))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train = DataLoader(TensorDataset(X[:600]), batch_size=32, shuffle=True)
    val = DataLoader(TensorDataset(X[600:700]), batch_size=64)
    with nndoctor.watch(model, opt, preflight=False, live=False) as doctor:
        for _ in range(3):
            for (xb,) in train:
                opt.zero_grad()
                F.mse_loss(model(xb), xb).backward()
                opt.step()
            with torch.no_grad():
                for (xb,) in val:
                    F.mse_loss(model(xb), xb)
        with torch.no_grad():
            anomalies = X[700:] * 3 + 2
            ((model(anomalies) - anomalies) ** 2).mean(1)
    assert "D116" not in doctor.report().codes(), [(f.code, f.message) for f in doctor.report().findings]


def _regression_with_validation(scale_val_targets: bool, map_back: bool = False):
    """Diabetes-like targets standardized for training; validation scored each epoch, its targets scaled
    too, left raw (the fault), or predictions and raw targets both in the original units (healthy)."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(800, 6, generator=g)
    raw = 150 + 60 * (X[:, :1] * 0.8 + 0.3 * torch.randn(800, 1, generator=g))
    mean, std = raw[:600].mean(), raw[:600].std()
    y_tr, y_va = (raw[:600] - mean) / std, raw[600:]
    if scale_val_targets:
        y_va = (y_va - mean) / std
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    with nndoctor.watch(model, opt, preflight=False, live=False) as doctor:
        for _ in range(12):
            for i in range(0, 600, 50):
                opt.zero_grad()
                F.mse_loss(model(X[i:i + 50]), y_tr[i:i + 50]).backward()
                opt.step()
            with torch.no_grad():
                pred = model(X[600:])
                F.mse_loss(pred * std + mean if map_back else pred, y_va)
    return doctor.report()


def test_validation_targets_left_off_the_training_target_scale_raise_D116():
    report = _regression_with_validation(scale_val_targets=False)
    found = {f.code: f for f in report.findings}
    assert "D116" in found and found["D116"].severity == "warning", [(f.code, f.message) for f in report.findings]
    assert found["D116"].evidence["val_target_std"] > 10 * found["D116"].evidence["train_target_std"]


@pytest.mark.parametrize("map_back", [False, True])
def test_validation_targets_on_the_training_scale_or_scored_in_original_units_are_silent(map_back):
    report = _regression_with_validation(scale_val_targets=not map_back, map_back=map_back)
    assert "D116" not in report.codes(), [(f.code, f.message) for f in report.findings]

"""Label-noise estimate for D105: confident learning (Northcutt et al. 2021) through cleanlab.

Confident learning needs out-of-sample predicted probabilities: a model that saw a sample's (wrong)
label in training memorizes it and hides the error. They come from a quick model, cross-validated
on the captured samples (``SampleBank``): logistic regression on standardized, flattened inputs, and
the same on random RBF kernel features (Nystroem) for classes a line cannot separate; the one with
the lower held-out log loss is kept, since confident learning is only as good as its probabilities.
cleanlab then finds the label issues.

cleanlab and scikit-learn are an optional extra (``pip install nndoctor[labels]``), imported only
when an estimate is asked for. Everything here runs on the host, on numpy arrays; nothing touches
the user's model, data order or random streams (numpy's global stream is restored).
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

INSTALL_HINT = "pip install 'nndoctor[labels]'"
N_FOLDS = 5
MAX_BAG_IDS = 2048  # integer inputs become counts of their most frequent ids
MAX_FEATURES = 128  # wider inputs (images) are projected on their top principal components first
KERNEL_FEATURES = 256  # Nystroem components of the RBF candidate
# More classes than this (ImageNet-like) make the quick models slow (cost grows with the classes)
# and leave too few captured samples per class to judge: not estimated.
MAX_CLASSES = 100


class LabelsUnavailable(RuntimeError):
    """cleanlab or scikit-learn is missing."""


@dataclass
class NoiseEstimate:
    noise_rate: float  # estimated fraction of wrong labels among the samples used
    n_used: int
    n_total: int  # samples in the bank (more than n_used when it was subsampled)
    classes: list[int]  # the class indices judged (classes with too few samples are left out)
    issues: list[int]  # positions in the bank of the flagged samples, most suspicious first
    given: list[int]  # given label of each flagged sample
    likely: list[int]  # the label the out-of-sample model believes, per flagged sample
    heldout_accuracy: float  # out-of-fold agreement of the quick model with the given labels
    heldout_kappa: float  # the same, chance-corrected (Cohen's kappa): 0 = no better than the class frequencies
    unexplained_error: float  # share of samples the quick model gets "wrong" that cleanlab does not flag
    model: str  # which quick model gave the probabilities
    seconds: float


def available() -> bool:
    """cleanlab and scikit-learn are installed (found, not imported: importing them takes seconds)."""
    from importlib.util import find_spec

    return find_spec("cleanlab") is not None and find_spec("sklearn") is not None


def estimate_label_noise(x: Any, y: Any, *, max_samples: int = 4000, seed: int = 0,
                         ids: bool = False) -> NoiseEstimate | None:
    """Estimate the fraction of wrong labels in ``(x, y)`` (numpy: (n, ...) inputs, (n,) class indices).
    ``ids``: the inputs are ids (tokens, categories) that the model looks up in an embedding.

    Returns None when there is too little to judge (fewer than two classes with ``N_FOLDS`` samples
    each, or more than ``MAX_CLASSES``). Raises ``LabelsUnavailable`` without cleanlab / scikit-learn.
    At most ``max_samples`` samples are used (a seeded random subsample of a larger bank).
    """
    try:
        from cleanlab.filter import find_label_issues
        from sklearn.exceptions import ConvergenceWarning
    except ImportError as exc:
        raise LabelsUnavailable(f"D105 needs cleanlab: {INSTALL_HINT}") from exc
    start = time.perf_counter()
    x = np.asarray(x)
    if ids and x.ndim >= 2 and x.size and x.min() >= 0 and (x == np.round(x)).all():
        x = _bag_of_ids(x.reshape(len(x), -1).astype(np.int64))
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)  # a bank of images can be 64 MB: no float64 copy
    y = np.asarray(y).reshape(-1).astype(np.int64)
    if len(x) != len(y):
        raise ValueError(f"inputs and labels differ in length: {len(x)} vs {len(y)}")
    n_total = len(y)
    positions = np.arange(n_total)
    keep = np.isfinite(x).all(axis=1)
    rng = np.random.default_rng(seed)
    if keep.sum() > max_samples:
        chosen = rng.choice(np.flatnonzero(keep), max_samples, replace=False)
        keep = np.zeros(n_total, bool)
        keep[chosen] = True
    # Stratified K-fold needs N_FOLDS samples per class; rarer classes cannot be judged.
    values, counts = np.unique(y[keep], return_counts=True)
    judged = values[counts >= N_FOLDS]
    keep &= np.isin(y, judged)
    if not 2 <= len(judged) <= MAX_CLASSES:
        return None
    positions, x, y = positions[keep], x[keep], y[keep]
    labels = np.searchsorted(judged, y)  # 0..K-1, the column order of predict_proba and cleanlab
    x = x[:, x.std(axis=0) > 0]
    if x.shape[1] == 0:
        return None  # constant inputs: nothing to predict the labels from (D101's concern)
    if x.shape[1] > MAX_FEATURES and len(x) > MAX_FEATURES:  # wide inputs (images): bounded time
        from sklearn.decomposition import PCA

        fit_rows = rng.choice(len(x), min(len(x), 8 * MAX_FEATURES), replace=False)  # the fit is the cost
        x = PCA(MAX_FEATURES, svd_solver="randomized", random_state=seed).fit(x[fit_rows]).transform(x)

    saved = np.random.get_state()
    try:
        with warnings.catch_warnings():  # the user's warning filters are left as they were
            warnings.simplefilter("ignore", ConvergenceWarning)
            model_name, probs = _out_of_sample_probs(x, labels, seed)
            # The noise rate is the number of issues cleanlab's default filter ("prune_by_noise_rate")
            # finds: per class, n x the off-diagonal of the calibrated confident joint, the paper's
            # estimate of how many labels are wrong. Measured on digits with 0/10/20/40% random flips
            # (benchmarks/label_noise.py) it is within 3 points; 1 - trace(estimate_joint) reads 1-5
            # points high, num_label_issues' calibrated count 2-3 points low at 10-20%.
            flagged = find_label_issues(labels, probs, n_jobs=1, verbose=False)
            ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence", n_jobs=1,
                                       verbose=False)
    finally:
        np.random.set_state(saved)
    predicted = probs.argmax(axis=1)
    agreement = float((predicted == labels).mean())
    by_chance = float(np.dot(np.bincount(labels, minlength=len(judged)), np.bincount(predicted, minlength=len(judged))))
    by_chance /= len(labels) ** 2
    return NoiseEstimate(
        noise_rate=float(flagged.mean()), n_used=len(labels), n_total=n_total, classes=[int(c) for c in judged],
        issues=[int(positions[i]) for i in ranked], given=[int(judged[labels[i]]) for i in ranked],
        likely=[int(judged[predicted[i]]) for i in ranked],
        heldout_accuracy=agreement, heldout_kappa=(agreement - by_chance) / max(1.0 - by_chance, 1e-12),
        unexplained_error=float(((predicted != labels) & ~flagged).mean()),
        model=model_name, seconds=time.perf_counter() - start)


def _bag_of_ids(ids: np.ndarray) -> np.ndarray:
    """Integer inputs (token ids, category codes for an Embedding) as counts of each id per sample: an id's
    number is a name, not a magnitude, so a kernel over the raw ids would measure nothing. The
    MAX_BAG_IDS most frequent ids, each a column."""
    values, counts = np.unique(ids, return_counts=True)
    kept = np.argsort(-counts)[:MAX_BAG_IDS]  # positions in ``values`` (ids can be large hashes)
    column = np.full(len(values), -1, dtype=np.int64)
    column[kept] = np.arange(len(kept))
    cols = column[np.searchsorted(values, ids)]
    rows = np.broadcast_to(np.arange(len(ids))[:, None], ids.shape)
    bag = np.zeros((len(ids), len(kept)), dtype=np.float32)
    np.add.at(bag, (rows[cols >= 0], cols[cols >= 0]), 1.0)
    return bag


def _out_of_sample_probs(x: np.ndarray, labels: np.ndarray, seed: int) -> tuple[str, np.ndarray]:
    """Cross-validated probabilities of the candidate with the lowest held-out log loss."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(N_FOLDS, shuffle=True, random_state=seed)
    train_size = len(labels) - len(labels) // N_FOLDS - 1
    best = None
    for name, model in _candidates(seed, min(KERNEL_FEATURES, train_size)).items():
        probs = np.clip(cross_val_predict(model, x, labels, cv=folds, method="predict_proba"), 1e-12, 1.0)
        loss = float(-np.mean(np.log(probs[np.arange(len(labels)), labels])))
        if best is None or loss < best[0]:
            best = (loss, name, probs)
    return best[1], best[2]


def _candidates(seed: int, kernel_features: int) -> dict[str, Any]:
    from sklearn.kernel_approximation import Nystroem
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # C=0.1 on the linear model: on the wide inputs of images a lightly regularized model becomes
    # overconfident on the noisy labels it fits, which blurs confident learning's thresholds. The
    # kernel model's 256 features are smooth (C=3): more regularized, it spreads probability over
    # neighbouring classes and then flags overlapping-but-clean classes as noise (measured on
    # make_classification with class_sep 0.5-1.5: C=0.3 raised D105's issue/miss ratio to 2.8).
    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=300)),
        "RBF-kernel logistic regression": make_pipeline(
            StandardScaler(), Nystroem(n_components=kernel_features, random_state=seed),
            LogisticRegression(C=3.0, max_iter=300)),
    }

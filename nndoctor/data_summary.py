"""The report's data summary: what the data looked like, so a person can check it ("print a few batches
of inputs and targets and make sure they are right").

Built from ``Signals`` (the sample banks of nndoctor/probes/data_capture.py, the sampled batch statistics
and training targets) at the end of a run; stored in the JSON report as ``data_summary``. Small by
construction: at most ``MAX_FEATURES`` per-feature statistics and ``GRID`` samples for the image grid.
"""
from __future__ import annotations

import math
from typing import Any

from nndoctor.i18n import tjoin, tr, translate_saved, where_in
from nndoctor.signals import SampleBank, Signals

MAX_FEATURES = 64
GRID = 16


def _round(v: float) -> float:
    return float(f"{v:.4g}") if math.isfinite(v) else float("nan")


def _image_shape(sample_shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape to draw a sample as an image (H, W) or (C, H, W), or None when it does not look like one."""
    if len(sample_shape) == 3 and sample_shape[1] >= 8 and sample_shape[2] >= 8 and sample_shape[0] in (1, 3, 4):
        return sample_shape
    if len(sample_shape) == 3 and sample_shape[-1] in (1, 3, 4) and sample_shape[0] >= 8 and sample_shape[1] >= 8:
        return sample_shape  # channels-last; the renderer handles it
    if len(sample_shape) == 2 and min(sample_shape) >= 8:
        return sample_shape
    if len(sample_shape) == 1:
        side = math.isqrt(sample_shape[0])
        if side >= 8 and side * side == sample_shape[0]:
            return (side, side)
    return None


def _bank(bank: SampleBank) -> dict[str, Any] | None:
    if bank.x is None or not len(bank):
        return None
    import numpy as np

    from nndoctor.probes.data_capture import feature_matrix

    x = bank.x
    out: dict[str, Any] = {"samples_seen": int(bank.seen), "samples_kept": len(bank), "complete": bool(bank.complete),
                           "origin": bank.origin, "sample_shape": list(x.shape[1:])}
    finite = np.isfinite(x)
    if finite.any():
        out["range"] = [_round(float(x[finite].min())), _round(float(x[finite].max()))]
    m = feature_matrix(x)
    if bank.feature_sum is not None and bank.feature_n:  # the whole split
        mean = np.asarray(bank.feature_sum) / bank.feature_n
        std = np.sqrt(np.maximum(np.asarray(bank.feature_sumsq) / bank.feature_n - mean ** 2, 0.0))
    else:
        mean, std = np.nanmean(m, axis=0), np.nanstd(m, axis=0)
    out["features"] = int(m.shape[1])
    out["feature_mean"] = [_round(float(v)) for v in mean[:MAX_FEATURES]]
    out["feature_std"] = [_round(float(v)) for v in std[:MAX_FEATURES]]
    if bank.y is not None:
        classes, counts = np.unique(bank.y, return_counts=True)
        out["class_counts"] = {str(int(c)): int(n) for c, n in zip(classes, counts)}
    return out


def _label_autocorrelation(sig: Signals) -> dict[str, Any] | None:
    """How often consecutive training batches share their majority class, against the rate if shuffled."""
    per_step: dict[int, int] = {}
    for c in sig.loss_calls:
        if c.target_majority_class is not None:
            per_step.setdefault(c.step, int(c.target_majority_class))
    steps = sorted(per_step)
    pairs = [(per_step[a], per_step[b]) for a, b in zip(steps, steps[1:]) if b == a + 1]
    if len(pairs) < 3:
        return None
    freq: dict[int, int] = {}
    for m in per_step.values():
        freq[m] = freq.get(m, 0) + 1
    expected = sum((n / len(per_step)) ** 2 for n in freq.values())
    return {"agreement": _round(sum(a == b for a, b in pairs) / len(pairs)), "expected_if_shuffled": _round(expected),
            "pairs": len(pairs)}


def _grid(bank: SampleBank) -> dict[str, Any] | None:
    if bank.x is None or not len(bank):
        return None
    import numpy as np

    shape = _image_shape(tuple(bank.x.shape[1:]))
    if shape is None:
        return None
    # Spread over the bank (and so over classes when the stream was sorted), not the first few.
    picks = np.unique(np.linspace(0, len(bank) - 1, min(GRID, len(bank))).astype(int))
    images = [[[_round(float(v)) for v in row] for row in img] if img.ndim == 2
              else [[[_round(float(v)) for v in row] for row in ch] for ch in img]
              for img in (bank.x[i].reshape(shape) for i in picks)]
    labels = [int(bank.y[i]) for i in picks] if bank.y is not None else []
    return {"images": images, "labels": labels, "indices": [int(bank.index[i]) for i in picks]}


def summarize(sig: Signals) -> dict[str, Any]:
    out: dict[str, Any] = {}
    train = _bank(sig.train_samples)
    if train is not None:
        if sig.batches:
            train["dtype"] = sig.batches[-1].inputs.dtype
        if sig.class_counts:  # every sampled training target, not only the kept samples
            train["class_counts_sampled_steps"] = {str(k): v for k, v in sorted(sig.class_counts.items())}
        out["train"] = train
    val = _bank(sig.val_samples)
    if val is not None:
        out["val"] = val
    auto = _label_autocorrelation(sig)
    if auto is not None:
        out["label_autocorrelation"] = auto
    grid = _grid(sig.train_samples)
    if grid is not None:
        out["samples"] = grid
    return out


def one_line(summary: dict[str, Any], lang: str = "en") -> str | None:
    """The data summary in one line for the terminal, in ``lang``."""
    train = summary.get("train")
    if not train:
        return None
    shape = "x".join(str(s) for s in train.get("sample_shape", [])) or tr("scalar")
    parts = [tr("{kept} distinct training samples kept of {seen} seen ({origin}), each {shape} {dtype}",
                kept=train["samples_kept"], seen=train["samples_seen"],
                origin=where_in(translate_saved(str(train.get("origin", "")), lang), lang), shape=shape,
                dtype=train.get("dtype", ""))]
    if "range" in train:
        parts.append(tr("values in [{low:.4g}, {high:.4g}]", low=train["range"][0], high=train["range"][1]))
    counts = train.get("class_counts") or train.get("class_counts_sampled_steps")
    if counts:
        total = sum(counts.values())
        low, high = min(counts.values()) / total, max(counts.values()) / total
        parts.append(tr("{n} classes ({low:.0%} to {high:.0%} each)", n=len(counts), low=low, high=high))
    val = summary.get("val")
    if val:
        parts.append(tr("validation: {kept} samples ({origin})", kept=val["samples_kept"],
                        origin=where_in(translate_saved(str(val.get("origin", "")), lang), lang)))
    return tjoin(tr("; "), parts).render(lang).rstrip()

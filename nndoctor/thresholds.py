"""Every threshold nndoctor judges by, in one place, with where it comes from.

Override any of them in ``pyproject.toml``::

    [tool.nndoctor.thresholds.L201]
    max_ratio = 2.0

Rules read them through ``ctx.th`` (this table merged with the user's overrides).
"""
from __future__ import annotations

import copy
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    # Inputs whose std is this small relative to their magnitude are constant.
    "D101": {"min_steps": 3, "rel_std": 1e-7},
    "D102": {},
    # The same batch, by content, this many consecutive steps while a larger data set exists.
    "D103": {"min_repeats": 5},
    # Longest run of batches dominated by one class, and label autocorrelation across steps.
    "D106": {"majority_fraction": 0.9, "min_run": 4, "min_batches": 8},
    # Seed checklist: "1 image of class B and 1000 of class A"; the catalog's ~10:1.
    "D107": {"max_ratio": 10.0, "min_samples": 200},
    # Seed checklist: ~1000 images per class when training from scratch.
    "D108": {"min_per_class": 1000, "absolute_floor": 20},
    # Zero mean / unit variance (seed checklist, CS231n): features this far off are flagged.
    "D109": {"max_abs_mean_in_std": 5.0, "max_scale": 20.0, "scale_spread": 100.0},
    # Images in [0, 255] as floats.
    "D110": {"min_max": 20.0, "max_max": 256.0},
    "D112": {},
    "D113": {"huge_target": 1e3},
    # Keskar et al. 2017 (arXiv:1609.04836): large batches generalize worse.
    "D115": {"max_share": 0.25, "min_dataset": 256},
    # CS231n: ln(C) for cross-entropy at init, ln 2 per output for BCE.
    "L201": {"max_ratio": 1.6, "abs_slack": 0.25},
    # Softmax rows: non-negative and summing to 1 within this tolerance.
    "L202": {"row_sum_tol": 1e-3},
    # logsumexp of log-probabilities is 0; raw logits or probabilities are far from it.
    "L203": {"lse_tol": 1e-2},
    "L204": {},
    "L208": {},
    "M302": {},
    "M303": {"min_steps": 3},
    # Gradient of a parameter that never changes when others do.
    "T501": {"min_steps": 3},
    "T502": {"min_backwards": 5},
    "T503": {"min_steps": 3},
    "N601": {},
    "N602": {},
    "N603": {},
}


def merged(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """The defaults with the user's overrides applied; unknown keys are errors, not silence."""
    table = copy.deepcopy(DEFAULTS)
    for code, values in (overrides or {}).items():
        if code not in table:
            raise ValueError(f"[tool.nndoctor.thresholds]: no thresholds for rule {code!r}")
        for key, value in values.items():
            if key not in table[code]:
                known = ", ".join(table[code]) or "none"
                raise ValueError(f"[tool.nndoctor.thresholds.{code}]: unknown threshold {key!r} (known: {known})")
            table[code][key] = type(table[code][key])(value)
    return table

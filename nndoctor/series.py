"""Time series for reports: what the HTML plots need, downsampled so long runs stay small.

Built from ``Signals`` at the end of a run and stored in the JSON report (``series``),
so a report can be rendered later or elsewhere.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from nndoctor.signals import Signals

MAX_POINTS = 400


def downsample(points: list[tuple[int, float]], limit: int = MAX_POINTS) -> list[list[float]]:
    """Bucket means over equal step ranges; non-finite values are kept as gaps (None)."""
    if len(points) <= limit:
        return [[s, v if math.isfinite(v) else None] for s, v in points]
    size = math.ceil(len(points) / limit)
    out = []
    for i in range(0, len(points), size):
        chunk = points[i:i + size]
        finite = [v for _, v in chunk if math.isfinite(v)]
        out.append([chunk[0][0], sum(finite) / len(finite) if finite else None])
    return out


def per_step(points: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Mean value per step (several backward calls can share a step)."""
    sums: dict[int, list[float]] = defaultdict(list)
    for step, value in points:
        sums[step].append(value)
    return [(s, sum(v) / len(v)) for s, v in sorted(sums.items())]


def build(sig: Signals) -> dict[str, Any]:
    grad, ratio, weight = defaultdict(list), defaultdict(list), defaultdict(list)
    lrs = []
    for st in sig.step_stats:
        for name, g in st.grad_norm.items():
            grad[name].append((st.step, g))
        for name, u in st.update_norm.items():
            w = st.param_norm.get(name)
            if w:
                ratio[name].append((st.step, u / w))
        for name, w in st.param_norm.items():
            weight[name].append((st.step, w))
        if st.lrs:
            lrs.append((st.step, st.lrs[0]))
    acts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ls in sig.layer_stats:
        if ls.kind.endswith(":input"):
            if ls.in_dead_frac is not None:
                acts[ls.module]["dead_input_fraction"].append((ls.step, ls.in_dead_frac))
            if ls.in_saturated_frac is not None:
                acts[ls.module]["saturated_input_fraction"].append((ls.step, ls.in_saturated_frac))
        else:
            acts[ls.module]["std"].append((ls.step, ls.out_std))
            acts[ls.module]["mean"].append((ls.step, ls.out_mean))
            acts[ls.module]["zero_fraction"].append((ls.step, ls.out_frac_zero))
    return {
        "loss": downsample(per_step(sig.losses)),
        "eval_loss": downsample(per_step(sig.eval_losses)),
        "metrics": {k: downsample(v) for k, v in sig.metrics.items()},
        "lr": downsample(lrs),
        "grad_norm": {k: downsample(v) for k, v in grad.items()},
        "update_ratio": {k: downsample(v) for k, v in ratio.items()},
        "weight_norm": {k: downsample(v) for k, v in weight.items()},
        "activations": {m: {k: downsample(v) for k, v in d.items()} for m, d in acts.items()},
        "class_counts": {str(k): v for k, v in sorted(sig.class_counts.items())},
        "experiments": sig.experiments,
        "inputs": _inputs(sig),
        "loaders": [{k: v for k, v in vars(info).items() if not k.startswith("_")} for info in sig.loaders],
    }


def _inputs(sig: Signals) -> dict[str, Any]:
    """The model's input batches: shape and dtype of the last one, value statistics over steps."""
    if not sig.batches:
        return {}
    last = sig.batches[-1].inputs
    stats = {k: downsample(per_step([(b.step, getattr(b.inputs, k)) for b in sig.batches]))
             for k in ("mean", "std", "min", "max")}
    return {"shape": list(last.shape), "dtype": last.dtype, **stats}

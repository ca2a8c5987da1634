"""G4xx: gradients and optimization dynamics.

These rules judge curves (the loss per step, the validation loss) and the sampled
per-parameter norms (gradient, weight, update) of ``Signals.step_stats``. Every
threshold is relative: to the run's own first loss, to its running median, to the
weights, to the other layers at the same step. Curves are aggregated per step first
(gradient accumulation, LBFGS closures or an odd extra backward, e.g. for a saliency
map, put several losses on one step: their median stands for the step), then smoothed
by window medians, so that single noisy batches never decide.
"""
from __future__ import annotations

import collections
import math
import statistics
import weakref
from typing import Any

from nndoctor.i18n import tjoin, tr
from nndoctor.rules.base import END, LIVE, Context, Hit, fmt, names_list, rule
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES, MANUAL_UPDATES, Signals, StepStats

# ----------------------------------------------------------------------------- shared helpers

_CACHE: dict[int, tuple[Any, dict[str, Any], int]] = {}


def _cache(sig: Signals) -> dict[str, Any]:
    """Per-``Signals`` scratch space (LIVE rules run every 0.5 s: keep their work incremental)."""
    entry = _CACHE.get(id(sig))
    thinned = sig.thinned()
    if entry is None or entry[0]() is not sig or entry[2] != thinned:
        for key in [k for k, (ref, _, _) in _CACHE.items() if ref() is None]:
            del _CACHE[key]
        entry = (weakref.ref(sig), {}, thinned)  # records thinned (BoundedSeries): positions moved, restart
        _CACHE[id(sig)] = entry
    return entry[1]


def step_curve(sig: Signals, values: list[tuple[int, float]] | None = None, key: str = "losses") -> list[tuple[int, float]]:
    """One value per step: the median of the step's entries; non-finite values count as +inf.

    Incremental over ``sig.losses`` (only new entries are read on each call).
    """
    values = sig.losses if values is None else values
    c = _cache(sig).setdefault("curve:" + key, {"read": 0, "per": {}, "order": [], "sorted": True, "out": None})
    if c["read"] > len(values):  # the list was replaced: start over
        c.update(read=0, per={}, order=[], sorted=True, out=None)
    if c["read"] < len(values):
        per, order = c["per"], c["order"]
        for step, value in values[c["read"]:]:
            value = float(value)
            if not math.isfinite(value):
                value = math.inf
            bucket = per.get(step)
            if bucket is None:
                per[step] = [value]
                if order and step < order[-1]:
                    c["sorted"] = False
                order.append(step)
            else:
                bucket.append(value)
        c["read"] = len(values)
        if not c["sorted"]:
            order.sort()
            c["sorted"] = True
        c["out"] = None
    if c["out"] is None:
        per = c["per"]
        c["out"] = [(s, per[s][0] if len(per[s]) == 1 else statistics.median(per[s])) for s in c["order"]]
    return c["out"]


def windows(curve: list[tuple[int, float]], n_windows: int = 25, min_width: int = 5) -> list[tuple[int, int, float]]:
    """Consecutive, non-overlapping windows of the curve: (first step, last step, median)."""
    n = len(curve)
    width = max(min_width, n // n_windows)
    out = []
    for i in range(0, n - width + 1, width):
        chunk = curve[i:i + width]
        out.append((chunk[0][0], chunk[-1][0], statistics.median(v for _, v in chunk)))
    return out


def initial_level(curve: list[tuple[int, float]]) -> float:
    """The loss before training moved it: the median of the first three steps."""
    return statistics.median(v for _, v in curve[:3])


def several_trainings(sig: Signals) -> bool:
    """Several models each trained by its own optimizer: a GAN's players, or a model trained again from
    scratch (k-fold, restarts), whose loss curve jumps back up at each new start."""
    return len(sig.models) >= 2 and sum(1 for o in sig.optimizers if o.steps > 0) >= 2


def phase_start(sig: Signals) -> int:
    """The step at which the current training phase began: the first step of the optimizer that started
    last, when every other optimizer had stopped by then (a fine-tuning stage with its own optimizer, a
    model trained again per fold). Its loss starts over on other terms (a new head, other data): the
    curve before it is another training's."""
    active = [o for o in sig.optimizers if o.steps > 0 and o.first_step is not None]
    if len(active) < 2:
        return 0
    last = max(active, key=lambda o: o.first_step)
    return last.first_step if all(o is last or o.last_step <= last.first_step for o in active) else 0


def phase_curve(sig: Signals) -> list[tuple[int, float]]:
    start = phase_start(sig)
    curve = step_curve(sig)
    return [p for p in curve if p[0] >= start] if start else curve


def adversarial(sig: Signals) -> bool:
    """Several models each trained by its own optimizer at the same time (GANs): the loss curve mixes
    opposed objectives. Optimizers that follow one another (a model built again every epoch or fold)
    make one curve in turns, not a game."""
    if len(sig.models) < 2:
        return False
    active = [o for o in sig.optimizers if o.steps > 0 and o.first_step is not None]
    return any(min(a.last_step, b.last_step) - max(a.first_step, b.first_step) >= 2
               for i, a in enumerate(active) for b in active[i + 1:])


def _module_of(sig: Signals, name: str) -> str:
    p = sig.params.get(name)
    return p.module if p is not None else name.rpartition(".")[0] or name


def module_norms(sig: Signals, s: StepStats) -> dict[str, tuple[float, float, float]]:
    """Per module (layer): (gradient, weight, update) norms over the parameters that got a gradient.

    Combining a layer's parameters keeps zero-initialised biases (weight norm 0) from giving
    meaningless ratios. Frozen or unused parameters (no gradient, or an exact zero) are left out.
    """
    acc: dict[str, list[float]] = {}
    for name, g in s.grad_norm.items():
        if not g or not math.isfinite(g):
            continue
        a = acc.setdefault(_module_of(sig, name), [0.0, 0.0, 0.0, 0])
        a[0] += g * g
        a[1] += s.param_norm.get(name, 0.0) ** 2
        u = s.update_norm.get(name)
        if u is not None and math.isfinite(u):
            a[2] += u * u
            a[3] += 1
    return {m: (math.sqrt(a[0]), math.sqrt(a[1]), math.sqrt(a[2]) if a[3] else math.nan) for m, a in acc.items()}


def update_ratios(sig: Signals, s: StepStats) -> dict[str, float]:
    """update norm / weight norm per layer (CS231n's ~1e-3), where both are known."""
    return {m: u / w for m, (g, w, u) in module_norms(sig, s).items() if w > 0 and u == u}


def _median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else math.nan


def _step_range(first: int, last: int) -> str:
    return tr("step {first}", first=first) if first == last else tr("steps {first}-{last}", first=first, last=last)


# ----------------------------------------------------------------------------- G401 / G402


@rule("G401", stage=LIVE)
def lr_too_high(ctx: Context):
    """The loss rises far above its starting level, or climbs back up after its best level, or never
    leaves its starting (chance) level while an LR range test on a copy learns at lower rates, while the
    updates are a large fraction of the weights."""
    sig, th = ctx.signals, ctx.th
    if several_trainings(sig):
        return None
    curve = phase_curve(sig)
    if len(curve) < th["min_steps"]:
        return None
    start = initial_level(curve)
    if not (start > 0 and math.isfinite(start)):
        return None  # losses that may be negative (hinge, GAN, log-likelihoods): no ratio to the start
    wins = windows(curve)
    if len(wins) < 3:
        return None
    ratio_at = _ratios_by_step(sig)
    hint, hint_ev = _lr_hint(sig)

    # 1. Divergence: a whole window far above the starting level (or non-finite).
    for i, (a, b, m) in enumerate(wins[1:], 1):
        if m >= th["rise_factor"] * start:
            if not math.isfinite(m) and not any(v >= th["rise_factor"] * start for s, v in curve
                                                if s < a and math.isfinite(v)):
                continue  # finite and level, then inf/NaN at once: one op overflowed (N601/N602), no overshoot
            layers, r = _high_ratio_layers(ratio_at, 0, b, th["high_ratio"])
            if not layers:
                continue
            peak = max(wins[i:], key=lambda w: w[2])
            return Hit(tr("the loss rose from {start} at the start to a median of {m} over {a}",
                          start=fmt(start), m=fmt(m), a=_step_range(a, b))
                       + (tr(" (up to {peak} by step {peak2})",
                             peak=fmt(peak[2]), peak2=peak[1]) if peak[2] > m else "")
                       + tr("; update/weight ratio {r} (healthy ~1e-3) in {layers}: each step changes "
                            "the weights by a large fraction of their size, so the optimizer overshoots",
                            r=fmt(r), layers=names_list(layers))
                       + hint, where=names_list(layers), step=a,
                       evidence={"initial_loss": start, "window_loss": m, "window": [a, b], "peak_loss": peak[2],
                                 "update_ratio": r, "layers": layers, **hint_ev})

    # 2. Blown up at once, then dead: the first updates are as large as the weights, and from then on
    # every gradient is exactly zero (dead ReLUs, saturated outputs): the loss cannot rise, it stays put.
    dead = _died_after_huge_steps(sig, th, ratio_at, curve, start)
    if dead is not None:
        text, evidence = dead
        return Hit(text + hint, where=names_list(evidence["layers"]), step=evidence["first_dead_step"],
                   evidence={**evidence, **hint_ev})

    # 3. Oversized from the start, never descending: the first updates are a large fraction of the
    # weights and the loss stays at its start (or chance) level, while an LR range test on a copy learns
    # at lower rates (Adam handed an SGD rate: a per-weight step of ~lr, a random walk).
    walk = _oversized_without_progress(sig, th, ratio_at, curve, start)
    if walk is not None:
        text, evidence = walk
        # revisable: a loss that still finds its way down later takes the verdict back at the end
        return Hit(text + hint, where=names_list(evidence["layers"]), step=0, evidence={**evidence, **hint_ev},
                   revisable=True)

    # 4. Instability: after real progress, the loss climbs back and stays up. The best level is one the
    # loss held: the median of each window and its neighbours (a noisy loss, mixup's random mixing
    # weight, has single lucky windows far below its level).
    held = [_median(w[2] for w in wins[max(0, i - 1):i + 2]) for i in range(len(wins))]
    best_i = min(range(len(wins)), key=lambda i: held[i])
    best = held[best_i]
    first = min(start, wins[0][2])  # an early spike must not inflate the progress made
    progress = first - best
    tail = wins[max(best_i + 1, len(wins) - len(wins) // 3):]
    if progress <= th["min_progress"] * first or len(tail) < th["min_tail_windows"] or best <= 0:
        return None
    later = _median(w[2] for w in tail)
    frac = (later - best) / progress
    if frac < th["rebound_fraction"] or later < th["rebound_factor"] * best:
        return None
    layers, r = _high_ratio_layers(ratio_at, wins[best_i][0], tail[-1][1], th["unstable_ratio"])
    if not layers:
        return None
    return Hit(tr("the loss fell from {first} to {best} (steps {wins}-{wins2}) and then climbed back to "
                  "a median of {later} over steps {tail}-{tail2}, losing {frac:.0%} of its progress, "
                  "while the update/weight ratio stayed at {r} (healthy ~1e-3) in {layers}: the steps "
                  "are too large to settle into the minimum",
                  first=fmt(first), best=fmt(best), wins=wins[best_i][0], wins2=wins[best_i][1], later=fmt(later),
                  tail=tail[0][0], tail2=tail[-1][1], frac=frac, r=fmt(r), layers=names_list(layers)) + hint,
               where=names_list(layers), step=tail[0][0],
               evidence={"initial_loss": first, "best_loss": best, "later_loss": later, "progress_lost": frac,
                         "update_ratio": r, "layers": layers, **hint_ev})


def _died_after_huge_steps(sig: Signals, th: dict, ratio_at, curve, start: float):
    """(message, evidence) when the first sampled updates were >= blowup_ratio x the weights and
    afterwards every gradient is exactly zero in most sampled steps (the last ones included) while the
    loss stayed near its start (or at the mean-prediction level); else None."""
    early = ratio_at[:th["early_samples"]]
    peak = max(((r, m, step) for step, ratios in early for m, r in ratios.items()), default=None)
    if peak is None or not peak[0] >= th["blowup_ratio"]:
        return None
    later = [s for s in sig.step_stats if early[-1][0] < s.step < sig.steps]
    if len(later) < th["min_dead_samples"]:
        return None
    dead = [s for s in later if s.grad_norm and all(v == 0 for v in s.grad_norm.values())]
    tail = later[-3:]
    if len(dead) < th["dead_share"] * len(later) or not all(s in dead for s in tail):
        return None
    stuck = _stuck_level(sig, th, curve, start, th["chance_fraction"])
    if stuck is None:
        return None
    final, _ = stuck
    r, layer, step = peak
    layers, _ = _high_ratio_layers(early, early[0][0], early[-1][0], th["blowup_ratio"])
    text = tr("the update/weight ratio reached {r} (healthy ~1e-3) in {layer} at step {step}: each of the first "
              "steps changed the weights by more than their own size; from step {dead} on every gradient is "
              "exactly zero ({n_dead} of {n_later} later sampled steps): the oversized steps killed the "
              "network (dead ReLUs or saturated outputs), and the loss stays at {final} (started at {start})",
              r=fmt(r), layer=layer, step=step, dead=dead[0].step, n_dead=len(dead), n_later=len(later),
              final=fmt(final), start=fmt(start))
    return text, {"update_ratio": r, "layers": layers or [layer], "step": step, "first_dead_step": dead[0].step,
                  "dead_gradient_steps": len(dead), "later_sampled_steps": len(later), "initial_loss": start,
                  "final_loss": final}


def _stuck_level(sig: Signals, th: dict, curve, start: float, chance_fraction: float):
    """(final loss, chance level or None) when the loss over the last quarter of the curve stayed within
    min_progress of its start or at chance_fraction of the level of a model that ignores its input
    (G406's); else None."""
    final = _median(v for _, v in curve[-max(3, len(curve) // 4):])
    chance = _chance_level(sig)
    level = chance[0] if chance is not None and chance[0] > 0 else None
    if not math.isfinite(final) or not (final >= (1 - th["min_progress"]) * start or (
            level is not None and final >= chance_fraction * level)):
        return None
    return final, level


def _oversized_without_progress(sig: Signals, th: dict, ratio_at, curve, start: float):
    """(message, evidence) when the first sampled updates were >= oversized_ratio x the weights, the loss
    ended within min_progress of its start (or at walk_chance_fraction of the chance level), and the pre-flight
    LR range test (reliable) lowered a copy's loss by >= min_progress at a rate >= lr_range_factor below
    the one in use; else None."""
    early = ratio_at[:th["early_samples"]]
    if not early:
        return None
    layers, r = _high_ratio_layers(early, early[0][0], early[-1][0], th["oversized_ratio"])
    lr_range = sig.experiments.get("lr_range")
    if not layers or not isinstance(lr_range, dict) or not lr_range.get("reliable") or not lr_range.get("curve"):
        return None
    in_use, best = lr_range.get("lr_in_use"), lr_range.get("best_lr")
    lowest = min(lr_range["curve"], key=lambda point: point[1])
    if not (in_use and best and best * th["lr_range_factor"] <= in_use and lowest[0] < in_use
            and lowest[1] <= (1 - th["min_progress"]) * lr_range["curve"][0][1]):
        return None
    stuck = _stuck_level(sig, th, curve, start, th["walk_chance_fraction"])
    if stuck is None:
        return None
    final, level = stuck
    text = tr("the first updates changed the weights by {r} of their size (update/weight ratio, healthy ~1e-3) "
              "in {layers}, and the loss stayed at {final} over the last steps ({start} at the start",
              r=fmt(r), layers=names_list(layers), final=fmt(final), start=fmt(start))
    if level is not None:
        text += tr(", {chance} for a model that ignores its input", chance=fmt(level))
    text += tr("); on a copy the loss fell to {low} at lr {low_lr}: the steps are too large to make progress",
               low=fmt(lowest[1]), low_lr=fmt(lowest[0]))
    return text, {"update_ratio": r, "layers": layers, "initial_loss": start, "final_loss": final,
                  "chance_loss": level, "lr_range_lowest": list(lowest)}


def _lr_hint(sig: Signals) -> tuple[str, dict[str, Any]]:
    """What the pre-flight learning-rate range test (on a copy) suggests, when it ran and is reliable."""
    r = sig.experiments.get("lr_range")
    if not isinstance(r, dict) or "skipped" in r or not r.get("reliable") or not r.get("best_lr"):
        return "", {}
    lo, hi = (r.get("good_range") or [None, None])[:2]
    text = tr("; an LR range test on a copy suggests lr ~{best_lr}",
              best_lr=fmt(r['best_lr']))
    if lo and hi:
        text += tr(" (good range {lo}-{hi})",
                   lo=fmt(lo), hi=fmt(hi))
    if r.get("lr_in_use"):
        text += tr(", the script uses {lr_in_use}",
                   lr_in_use=fmt(r['lr_in_use']))
    return text, {"lr_range_best": r["best_lr"], "lr_range_good": r.get("good_range")}


def _ratios_by_step(sig: Signals) -> list[tuple[int, dict[str, float]]]:
    c = _cache(sig).setdefault("ratios", {"read": 0, "out": []})
    stats = sig.step_stats
    # An entry's numbers arrive at the end of its step: read only steps that are over.
    while c["read"] < len(stats) and stats[c["read"]].step < sig.steps:
        s = stats[c["read"]]
        c["out"].append((s.step, update_ratios(sig, s)))
        c["read"] += 1
    return c["out"]


def _high_ratio_layers(ratio_at, first: int, last: int, level: float) -> tuple[list[str], float]:
    """Layers whose median update/weight ratio over sampled steps in [first, last] is >= level."""
    per: dict[str, list[float]] = {}
    for step, ratios in ratio_at:
        if first <= step <= last:
            for m, r in ratios.items():
                per.setdefault(m, []).append(r)
    med = {m: statistics.median(v) for m, v in per.items() if v}
    high = sorted((m for m, r in med.items() if r >= level), key=lambda m: -med[m])
    return high, (med[high[0]] if high else math.nan)


@rule("G402", stage=LIVE)
def lr_too_low(ctx: Context):
    """Updates far below ~1e-3 of the weights while the gradients are not small, and the loss barely moves;
    or a learning rate that a schedule collapsed by orders of magnitude early in the run, after which the
    loss stopped moving."""
    sig, th = ctx.signals, ctx.th
    curve = step_curve(sig)
    if len(curve) < th["min_steps"]:
        return None
    return _ratio_too_low(sig, th, curve) or _lr_collapsed(sig, th, curve)


def _lr_collapsed(sig: Signals, th: dict, curve: list[tuple[int, float]]) -> Hit | None:
    """The recorded learning rate fell >= collapse_factor below its peak within the first collapse_share
    of the steps so far and never came back, and the loss has not moved since (a StepLR/ExponentialLR
    sized in epochs but stepped every batch). Annealing schedules (cosine, OneCycle) reach such factors
    only in the last percent of their run."""
    last = curve[-1][0]
    for opt in sig.optimizers:
        lrs = sorted([(s.step, max(s.lrs)) for s in sig.step_stats
                      if s.optimizer == opt.index and s.lrs and s.step < sig.steps]
                     + [(step, lr) for step, lr in opt.scheduled_lrs if step < sig.steps])
        peak, collapse = 0.0, None
        for step, lr in lrs:
            if collapse is None:
                peak = max(peak, lr)
                if peak > 0 and lr <= peak / th["collapse_factor"]:
                    collapse = (step, lr)
            elif lr > peak / th["collapse_factor"]:
                collapse = None  # it came back (a restart): not a collapse
                break
        if collapse is None or collapse[0] > th["collapse_share"] * last or last - collapse[0] < th["min_steps"]:
            continue
        after = windows([p for p in curve if p[0] >= collapse[0]])
        if len(after) < 4:
            continue
        start = initial_level(curve)
        at, now = after[0][2], _median(w[2] for w in after[-max(2, len(after) // 4):])
        if not (math.isfinite(at) and math.isfinite(now) and start > 0) or at < th["collapse_min_remaining"] * start:
            continue  # the run had (nearly) converged before the learning rate went: no harm
        moved = (at - now) / abs(at)
        if moved > th["collapse_max_progress"]:
            continue
        low = lrs[-1][1]
        return Hit(tr("the learning rate fell from {peak} to {lr} ({factor}x lower) by step {step}, {share:.0%} "
                      "of the {steps} steps, and stayed down (now {low}): since then the loss moved from {at} to "
                      "{now} ({moved:+.1%}), stuck where it was when the steps became too small to matter (it "
                      "started at {start}). A scheduler stepped every batch with a step_size or gamma sized for "
                      "epochs (or a decay far too fast) stops training early",
                      peak=fmt(peak), lr=fmt(collapse[1]), factor=fmt(peak / collapse[1]) if collapse[1] else "inf",
                      step=collapse[0], share=collapse[0] / max(last, 1), steps=last + 1, low=fmt(low),
                      at=fmt(at), now=fmt(now), moved=-moved, start=fmt(start)),
                   where=f"{opt.kind} learning rate", step=collapse[0],
                   evidence={"peak_lr": peak, "collapsed_lr": collapse[1], "collapse_step": collapse[0],
                             "final_lr": low, "loss_at_collapse": at, "current_loss": now, "initial_loss": start})
    return None


def _ratio_too_low(sig: Signals, th: dict, curve: list[tuple[int, float]]) -> Hit | None:
    ratio_at = _ratios_by_step(sig)
    if len(ratio_at) < th["min_samples"] or _warming_up(sig, th):
        return None
    typical = [statistics.median(r.values()) for _, r in ratio_at if r]
    if not typical:
        return None
    ratio = statistics.median(typical)
    if ratio > th["max_ratio"]:
        return None
    # The gradients themselves must be sizeable: tiny updates from vanishing gradients are G404's. As
    # backward made them: a clip that scales them down before step() makes the updates small, not them.
    sampled = sig.step_stats[:len(ratio_at)]
    grad_ratio = _median(_median(g / w for g, w, _ in module_norms(sig, s).values() if w > 0) for s in sampled)
    clip = _clipping(sampled, th["min_samples"])
    clipped = clip is not None and clip[0] >= th["clip_factor"]
    if clipped:
        grad_ratio *= clip[0]
    scale = _loss_scale(sig, th["min_samples"])
    scaled = not grad_ratio >= th["min_grad_ratio"] and scale is not None and scale[0] <= th["max_loss_scale"] \
        and grad_ratio / scale[0] >= th["min_grad_ratio"]
    if not (grad_ratio >= th["min_grad_ratio"] or scaled):
        return None
    start = initial_level(curve)
    wins = windows(curve)
    now = wins[-1][2] if wins else curve[-1][1]
    if not (math.isfinite(start) and math.isfinite(now)) or start == 0:
        return None
    moved = (start - now) / abs(start)
    if moved > th["max_progress"]:
        return None
    lrs = sorted({lr for s in sig.step_stats for lr in s.lrs})
    hint, hint_ev = _lr_hint(sig)
    lr_text = (tr("lr {lr}", lr=fmt(lrs[0])) if len(lrs) == 1
               else tr("lr {low}-{high}", low=fmt(lrs[0]), high=fmt(lrs[-1])) if lrs else tr("the lr"))
    zero = all(r == 0 for r in typical[:3])
    return Hit(tr("median update/weight ratio {ratio} (healthy ~1e-3) over {n_typical} sampled steps "
                  "({lr_text}) while the gradients are {grad_ratio} of the weights: the loss moved from "
                  "{start} to {now} ({moved:+.1%}) in {curve} steps",
                  ratio=fmt(ratio), n_typical=len(typical), lr_text=lr_text, grad_ratio=fmt(grad_ratio),
                  start=fmt(start), now=fmt(now), moved=moved, curve=curve[-1][0] + 1)
               + (tr(" (the first steps made no update at all: lr 0 at the start of a schedule?)") if zero else "")
               + (tr("; gradient clipping scales the gradients down {factor}x before each step (total norm "
                     "{before} after backward, {after} at step()): a clipping threshold far below the gradients' "
                     "norm makes every update that much smaller than the lr says (raise max_norm to about the "
                     "norm the gradients have)", factor=fmt(clip[0]), before=fmt(clip[1]), after=fmt(clip[2]))
                  if clipped else tr("; the loss handed to backward is {scale} of what {fn} returned ({backward} "
                                     "against {value}, median of {n} sampled steps): every gradient is that much "
                                     "smaller, and with it every update of a plain SGD step (a loss divided by the "
                                     "data set's size or a large constant); drop the factor, or raise the lr to match",
                                     scale=fmt(scale[0]), fn=scale[1], backward=fmt(scale[2]), value=fmt(scale[3]),
                                     n=scale[4]) if scaled else hint),
               where="gradient clipping" if clipped else "loss scale" if scaled else "optimizer", step=curve[-1][0],
               evidence={"update_ratio": ratio, "grad_weight_ratio": grad_ratio, "initial_loss": start,
                         "current_loss": now, "lrs": lrs[:5], **hint_ev,
                         **({"clip_factor": clip[0], "grad_norm_after_backward": clip[1],
                             "grad_norm_at_step": clip[2]} if clipped else {}),
                         **({"loss_scale": scale[0]} if scaled else {})})


def _warming_up(sig: Signals, th: dict) -> bool:
    """The learning rate is still climbing (a warm-up, OneCycle's first phase): it has risen warmup_rise x
    since the first sampled step, the latest is the highest yet and above the one halfway (a warm-up stepped
    per epoch is flat within an epoch; one that has ended is flat over the second half). The small updates
    so far say nothing of the steps the schedule is heading for."""
    lrs = [max(s.lrs) for s in sig.step_stats if s.lrs and s.step < sig.steps]
    return len(lrs) >= 2 and lrs[0] > 0 and lrs[-1] >= th["warmup_rise"] * lrs[0] and lrs[-1] >= max(lrs) \
        and lrs[-1] > lrs[len(lrs) // 2]


def _loss_scale(sig: Signals, min_samples: int) -> tuple[float, str, float, float, int] | None:
    """What the script did to its loss between the loss function and backward, on sampled steps with
    one loss call and one backward: the median of backward's value over the call's (a weight, a mean
    over accumulated batches, a division by the data set's size). (scale, loss function, backward's
    value, the call's value, steps paired)."""
    per_step = collections.Counter(c.step for c in sig.loss_calls)
    calls = {c.step: c for c in sig.loss_calls
             if per_step[c.step] == 1 and c.reduction != "failed" and math.isfinite(c.value) and c.value > 0}
    backward = collections.defaultdict(list)
    for step, value in sig.losses:
        if step in calls:
            backward[step].append(value)
    pairs = [(values[0], calls[step]) for step, values in backward.items() if len(values) == 1 and math.isfinite(values[0])]
    if len(pairs) < min_samples:
        return None
    ratios = sorted((b / c.value, b, c.value) for b, c in pairs)
    scale, b, v = ratios[len(ratios) // 2]
    return scale, pairs[0][1].fn, b, v, len(pairs)


def _clipping(sampled: list[StepStats], min_samples: int) -> tuple[float, float, float] | None:
    """How much the gradients shrank between backward and step() (clip_grad_norm_ or _value_, a hand-made
    clip), median over the sampled steps: (factor, total norm after backward, total norm at step())."""
    factors, before, after = [], [], []
    for s in sampled:
        names = [n for n, b in s.backward_grad_norm.items() if math.isfinite(b) and math.isfinite(s.grad_norm.get(n, math.nan))]
        b = math.sqrt(sum(s.backward_grad_norm[n] ** 2 for n in names))
        a = math.sqrt(sum(s.grad_norm[n] ** 2 for n in names))
        if names and a > 0:
            factors.append(b / a)
            before.append(b)
            after.append(a)
    if len(factors) < min_samples:
        return None
    return statistics.median(factors), statistics.median(before), statistics.median(after)


# ----------------------------------------------------------------------------- G403 / G404 / G405


def _total_grad_norms(sig: Signals) -> dict[int, list[tuple[int, float, float]]]:
    """Per optimizer: (step, total gradient norm, total weight norm) of each finished sampled step."""
    c = _cache(sig).setdefault("gnorms", {"read": 0, "out": {}})
    stats = sig.step_stats
    while c["read"] < len(stats) and stats[c["read"]].step < sig.steps:
        s = stats[c["read"]]
        c["read"] += 1
        g = [v for v in s.grad_norm.values() if math.isfinite(v)]
        if len(g) < len(s.grad_norm) or not g:
            continue  # non-finite gradients are N603's
        w = math.sqrt(sum(v * v for v in s.param_norm.values() if math.isfinite(v)))
        c["out"].setdefault(s.optimizer, []).append((s.step, math.sqrt(sum(v * v for v in g)), w))
    return c["out"]


@rule("G403", stage=LIVE)
def exploding_gradients(ctx: Context):
    """The total gradient norm spikes by orders of magnitude above its neighbours, bursts with the loss, or
    keeps growing; or the script clips (clip_grad_norm_) and step() still gets gradients far above the
    clip's max_norm: the clip runs before backward() or on other tensors."""
    sig, th = ctx.signals, ctx.th
    unheld = _clip_not_held(sig, th)
    if unheld is not None:
        return unheld
    half = th["neighbours"]
    for opt, series in _total_grad_norms(sig).items():
        if len(series) < th["min_samples"]:
            continue
        norms = [g for _, g, _ in series]
        # A spike also stands above the gradients the run started with: a model fitted to its training
        # set has near-zero gradients, and one hard batch among them is 100x its neighbours, not an explosion.
        start = statistics.median(norms[:3])
        for i in range(len(norms) - half):  # a spike is judged once `half` later samples exist
            around = norms[max(0, i - half):i] + norms[i + 1:i + 1 + half]
            typical = statistics.median(around)
            if not (typical > 0 and norms[i] >= th["spike_factor"] * typical and norms[i] > start):
                continue
            moved = _update_jump(sig, opt, [s for s, _, _ in series], i, half)
            if moved is not None and moved < th["spike_update_factor"]:
                continue  # (an adaptive optimizer's step absorbed it)
            step, g, w = series[i]
            return Hit(tr("the gradient norm jumped to {g} at step {step}, {jump:.0f}x the median "
                          "{typical} of the neighbouring sampled steps ({over_weight}x the weight norm "
                          "{w}){moved}; a few such steps wreck the weights. Clip the gradient norm "
                          "(torch.nn.utils.clip_grad_norm_)",
                          g=fmt(g), step=step, jump=norms[i] / typical, typical=fmt(typical),
                          over_weight=fmt(g / w) if w else 'inf', w=fmt(w),
                          moved=tr(", and its update moved the weights {moved:.0f}x as far as the steps before",
                                   moved=moved) if moved is not None and math.isfinite(moved) else ""),
                       where=_opt_name(sig, opt), step=step,
                       evidence={"grad_norm": g, "neighbour_median": typical, "weight_norm": w,
                                 "spike_factor": norms[i] / typical,
                                 "update_jump": moved if moved is not None and math.isfinite(moved) else None})
        burst = _burst(sig, th, opt, series) if ctx.final else None  # judged once, on the whole run
        if burst is not None:
            return burst
        k = max(3, len(norms) // 5)
        first, last = statistics.median(norms[:k]), statistics.median(norms[-k:])
        if first > 0 and last >= th["growth_factor"] * first and _mostly_rising(norms[-2 * k:]):
            return Hit(tr("the gradient norm grew from {first} (first sampled steps) to {last} by step "
                          "{step} ({growth:.0f}x) and is still rising: clip the gradient norm, lower "
                          "the learning rate",
                          first=fmt(first), last=fmt(last), step=series[-1][0], growth=last / first),
                       where=_opt_name(sig, opt), step=series[-k][0],
                       evidence={"grad_norm_start": first, "grad_norm_now": last, "growth": last / first})
    return None


def _update_jump(sig: Signals, opt: int, steps: list[int], i: int, before: int) -> float | None:
    """How many times farther the update of the gradient spike at ``steps[i]`` moved the weights than those of
    the ``before`` sampled steps before it (the steps after carry the spike on in their momentum), and than the
    run's first updates. SGD's step follows the gradient (100x); Adam divides it by the gradient's running size:
    at most about 3x its first steps' (lr per weight), though 100x a converged run's tiny noisy steps, so the
    hard batch passes. None where the updates were not measured."""
    wanted = set(steps[max(0, i - before):i + 1])
    totals, first = {}, []
    for s in sig.step_stats:
        early = len(first) < 3 and s.step < steps[i]
        if s.optimizer != opt or not s.update_norm or not (early or s.step in wanted):
            continue  # (the norms of the run's other steps are not needed)
        total = math.sqrt(sum(v * v for v in s.update_norm.values() if math.isfinite(v)))
        if s.step in wanted:
            totals[s.step] = total
        if early:
            first.append(total)
    spike = totals.pop(steps[i], None)
    if spike is None or not totals:
        return None
    typical = max(statistics.median(totals.values()), statistics.median(first) if first else 0.0)
    return spike / typical if typical > 0 else math.inf


def _clip_not_held(sig: Signals, th: dict) -> Hit | None:
    """clip_grad_norm_ is called, but step() gets gradients far above its max_norm: the clip runs before
    backward() (on the zeroed or previous gradients), on other parameters, or its result is overwritten.
    The user believes the gradients are clipped; they are not (a directly seen mechanism)."""
    if not sig.clip_calls:
        return None
    by_step = {s.step: s for s in sig.step_stats}
    checked = []
    for c in sig.clip_calls:
        stats = by_step.get(c.step)
        if stats is None or c.step >= sig.steps or not c.params or c.norm_type != 2.0 or not c.max_norm > 0:
            continue
        norms = [stats.grad_norm[n] for n in c.params if n in stats.grad_norm]
        if len(norms) < len(c.params) or not all(math.isfinite(v) for v in norms):
            continue  # (parameters of another optimizer's step, or non-finite gradients: N603's)
        total = math.sqrt(sum(v * v for v in norms))
        over = th["clip_over_after_backward"] if c.after_backward else th["clip_over"]
        checked.append((c, total, total > over * c.max_norm))
    unheld = [(c, total) for c, total, bad in checked if bad]
    if len(checked) < th["clip_min_calls"] or len(unheld) < th["clip_min_share"] * len(checked):
        return None
    before = [c for c, _ in unheld if not c.after_backward]
    c = unheld[len(unheld) // 2][0]
    totals = sorted(t for _, t in unheld)
    why = (tr("it is called before backward() on {n} of those steps, when the gradients are {state}, so it "
              "clips nothing and the backward that follows writes the unclipped gradients: call it between "
              "loss.backward() and optimizer.step()", n=len(before),
              state=tr("cleared") if all(b.grads_present == 0 for b in before) else tr("the previous step's or zeroed"))
           if len(before) * 2 >= len(unheld) else
           tr("the gradients grow again after it, or it clips other tensors than the ones step() updates: "
              "call it right before optimizer.step(), on the parameters the optimizer holds"))
    return Hit(tr("clip_grad_norm_(max_norm={max_norm}) is called, yet step() gets gradients of "
                  "total norm {median} (median; up to {peak}) on {n} of {checked} sampled steps: the gradients "
                  "are not clipped; {why}",
                  max_norm=fmt(c.max_norm), median=fmt(totals[len(totals) // 2]), peak=fmt(totals[-1]),
                  n=len(unheld), checked=len(checked), why=why),
               where="torch.nn.utils.clip_grad_norm_", step=unheld[0][0].step, severity="warning",
               root_cause=True, explains=("G401", "G405", "G406", "L206", "M306", "M307", "N601", "N602", "N603"),
               evidence={"max_norm": c.max_norm, "grad_norm_at_step_median": totals[len(totals) // 2],
                         "grad_norm_at_step_max": totals[-1], "unheld_steps": len(unheld), "checked_steps": len(checked),
                         "called_before_backward": len(before)})


def _burst(sig: Signals, th: dict, opt: int, series: list[tuple[int, float, float]]) -> Hit | None:
    """A burst: within a few steps the gradient norm climbs burst_factor above where it started, and the
    loss climbs burst_loss_rise above its own start right after (an LSTM at a high learning rate
    without clipping): not one isolated spike, and possibly over before the end of the run."""
    early = statistics.median(g for _, g, _ in series[:3])
    peak = max(range(3, len(series)), key=lambda i: series[i][1], default=None)
    if peak is None or early <= 0 or series[peak][1] < th["burst_factor"] * early:
        return None
    step, g, w = series[peak]
    losses = [(s, v) for s, v in sig.losses if math.isfinite(v)]
    start = [v for s, v in losses if s < min(step, series[0][0] + 3)]  # the loss before the burst
    window = [v for s, v in losses if step <= s < step + th["burst_loss_window"]]
    if not start or len(window) < 5:
        return None
    before = statistics.median(start)
    after = max(statistics.median(window[i:i + 5]) for i in range(len(window) - 4))
    if before <= 0 or after < th["burst_loss_rise"] * before:
        return None
    return Hit(tr("the gradient norm burst from {early} (first sampled steps) to {g} at step {step} ({jump:.0f}x), "
                  "and the loss climbed from {before} to {after} right after: the gradients exploded. Clip "
                  "the gradient norm (torch.nn.utils.clip_grad_norm_) or lower the learning rate",
                  early=fmt(early), g=fmt(g), step=step, jump=g / early, before=fmt(before), after=fmt(after)),
               where=_opt_name(sig, opt), step=step, severity="error", explains=("G406", "L206"),
               evidence={"grad_norm_start": early, "grad_norm_peak": g, "weight_norm": w,
                         "loss_start": before, "loss_after": after})


def _mostly_rising(values: list[float]) -> bool:
    ups = sum(1 for a, b in zip(values, values[1:]) if b > a)
    return ups * 2 >= len(values) - 1


def _opt_name(sig: Signals, index: int) -> str:
    if index == MANUAL_UPDATES:
        return "parameters updated by hand (no optimizer)"
    opt = next((o for o in sig.optimizers if o.index == index), None)
    return f"{opt.kind} (optimizer {index})" if opt else f"optimizer {index}"


@rule("G404", stage=LIVE)
def vanishing_gradients(ctx: Context):
    """Relative gradients (gradient / weight norm) of the first layers are orders of magnitude below the later ones."""
    sig, th = ctx.signals, ctx.th
    order = [m for m, kind in sig.module_order if kind not in ("Embedding", "EmbeddingBag")]
    if len(order) < 3:
        return None
    pos = {m: i for i, m in enumerate(dict.fromkeys(order))}
    c = _cache(sig).setdefault("vanish", {"read": 0, "out": [], "upd": []})
    stats = sig.step_stats
    while c["read"] < len(stats) and stats[c["read"]].step < sig.steps:
        s = stats[c["read"]]
        c["read"] += 1
        norms = module_norms(sig, s)
        rel = sorted((pos[m], m, g / w) for m, (g, w, _) in norms.items() if m in pos and w > 0)
        if len(rel) < 3:
            continue
        late = rel[len(rel) // 2:]
        top = max(late, key=lambda x: x[2])
        (_, w0, u0), (_, wt, ut) = norms[rel[0][1]], norms[top[1]]
        c["upd"].append((u0 / w0) / (ut / wt) if ut == ut and u0 == u0 and ut > 0 and w0 > 0 and wt > 0 else None)
        c["out"].append((s.step, rel[0][1], rel[0][2], top[1], top[2]))
    samples = c["out"]
    if len(samples) < th["min_samples"]:
        return None
    gaps = [first / top for _, _, first, _, top in samples if top > 0]
    if not gaps:
        return None
    gap = statistics.median(gaps)
    share = sum(1 for x in gaps if x <= th["max_gap"]) / len(gaps)
    if gap > th["max_gap"] or share < th["min_share"]:
        return None
    # Adaptive optimizers (Adam, ...) rescale each parameter's step: small gradients then still move the
    # first layers, and the gap does not hurt training. Only a gap in the updates themselves does.
    update_gaps = [u for u in c["upd"] if u is not None]
    if update_gaps and statistics.median(update_gaps) > th["max_update_gap"]:
        return None
    step, first_m, first_r, top_m, top_r = samples[len(samples) // 2]
    return Hit(tr("gradient/weight ratio of the first layer {first_m} is {gap} of the largest among the "
                  "later layers (median over {n_gaps} sampled steps, steps {samples}-{samples2}; e.g. "
                  "step {step}: {first_r} in {first_m} vs {top_r} in {top_m}): the gradient shrinks by "
                  "orders of magnitude on its way back, so the early layers barely learn",
                  first_m=first_m, gap=fmt(gap), n_gaps=len(gaps), samples=samples[0][0], samples2=samples[-1][0],
                  step=step, first_r=fmt(first_r), top_r=fmt(top_r), top_m=top_m),
               where=f"{first_m} vs {top_m}", step=samples[0][0],
               evidence={"median_gap": gap, "first_layer": first_m, "first_ratio": first_r, "late_layer": top_m,
                         "late_ratio": top_r, "samples": len(gaps)})


@rule("G405", stage=END)
def weights_diverging(ctx: Context):
    """A layer's weight norm grew several-fold and was still growing (not levelling off) at the end,
    while the loss kept falling with it: the objective rewards ever larger weights (unbounded below).
    Weights that grow while the loss has levelled off near its floor are the slow, harmless growth of a
    logistic loss on separable data (a ranker, a classifier that is right on every sample), and a
    loss that does not fall at all is a game's (a GAN's discriminator)."""
    sig, th = ctx.signals, ctx.th
    curve = [p for p in step_curve(sig) if math.isfinite(p[1])]
    hits = []
    for opt in sig.optimizers:
        series: dict[str, list[tuple[int, float]]] = {}
        for s in sig.step_stats:
            if s.optimizer != opt.index:
                continue
            for m, (_, w, _) in module_norms(sig, s).items():
                series.setdefault(m, []).append((s.step, w))
        grown = []
        for m, pts in series.items():
            if len(pts) < th["min_samples"] or pts[-1][0] < th["min_steps"]:
                continue
            (s0, w0), (sT, wT) = pts[0], pts[-1]
            s_half, w_half = min(pts, key=lambda p: abs(p[0] - (s0 + sT) / 2))
            if w0 <= 0 or wT < th["growth_factor"] * w0 or w_half <= w0:
                continue
            late = (wT - w_half) / (w_half - w0)  # 1 for linear growth, ~0.4 for sqrt-like, ~0 when it levels off
            if late < th["min_late_growth"]:
                continue
            losses = _loss_levels(curve, (s0, s_half, sT))
            if losses is not None:
                l0, l_half, lT = losses
                scale = max(abs(l0), abs(l_half), abs(lT), 1e-12)
                if l_half - lT < th["min_late_loss_drop"] * max(l0 - l_half, 0.0) \
                        or l_half - lT < th["min_loss_drop"] * scale:
                    continue
            grown.append((m, w0, wT, s0, sT, late, losses))
        if grown:
            grown.sort(key=lambda x: -x[2] / x[1])
            m, w0, wT, s0, sT, late, losses = grown[0]
            wd = [g.get("weight_decay") for g in opt.groups]
            hits.append(Hit(tr("weight norm of {layers} grew from {w0} to {wt} ({growth:.1f}x, steps "
                               "{s0}-{st}) and was still growing at the end (the second half added "
                               "{late:.1f}x what the first half did): nothing bounds the weights",
                               layers=names_list(x[0] for x in grown), w0=fmt(w0), wt=fmt(wT), growth=wT / w0, s0=s0,
                               st=sT, late=late)
                            + (tr(" (no weight decay)") if not any(wd) else "")
                            + (tr("; the loss kept falling with them ({l0} -> {l_half} -> {lt}): the objective "
                                  "rewards ever larger weights (is it bounded below?)", l0=fmt(losses[0]),
                                  l_half=fmt(losses[1]), lt=fmt(losses[2])) if losses else ""),
                            where=names_list(x[0] for x in grown), step=sT,
                            evidence={"layers": [x[0] for x in grown], "initial_norm": w0, "final_norm": wT,
                                      "late_growth": late, "loss_levels": losses}))
    return hits[:1]


def _loss_levels(curve: list[tuple[int, float]], steps: tuple[int, ...]) -> tuple[float, ...] | None:
    """The loss around each of ``steps``: the median of the steps within a 20th of the span."""
    if len(curve) < 10:
        return None
    width = max(2, (steps[-1] - steps[0]) // 20)
    levels = []
    for at in steps:
        near = [v for s, v in curve if abs(s - at) <= width]
        if not near:
            return None
        levels.append(statistics.median(near))
    return tuple(levels)


# ----------------------------------------------------------------------------- G406 / G408 / G409


def _chance_level(sig: Signals) -> tuple[float, str] | None:
    """The loss of a model that predicts the target distribution and ignores the input."""
    calls = [c for c in sig.loss_calls if c.reduction == "mean" and math.isfinite(c.value)]
    if not calls:
        return None
    fns = {c.fn for c in calls}
    if len(fns) != 1:
        return None
    fn = fns.pop()
    if fn in CLASS_INDEX_LOSSES:
        total = sum(sig.class_counts.values())
        if total and len(sig.class_counts) >= 2:
            h = -sum(n / total * math.log(n / total) for n in sig.class_counts.values() if n)
            return h, tr("the entropy of the class frequencies ({n_class_counts} classes) = {h:.3f}",
                         n_class_counts=len(sig.class_counts), h=h)
        classes = calls[0].classes
        if classes and classes > 1:
            return math.log(classes), f"ln({classes}) = {math.log(classes):.3f}"
        return None
    if fn in BINARY_LOSSES:
        targets = [c.target for c in calls if c.target is not None and c.target.min >= 0 and c.target.max <= 1]
        if not targets or any(c.has_pos_weight or c.has_weight for c in calls):
            return None
        p = min(max(statistics.mean(t.mean for t in targets), 1e-6), 1 - 1e-6)
        h = -(p * math.log(p) + (1 - p) * math.log(1 - p))
        return h, tr("the entropy of the targets (mean {p:.2f}) = {h:.3f}",
                     p=p, h=h)
    if fn == "mse_loss":
        targets = [c.target for c in calls if c.target is not None and c.target.numel > 1
                   and tuple(c.target.shape) == tuple(c.input.shape)]
        if not targets:
            return None
        var = statistics.mean(t.std ** 2 for t in targets)
        return (var, tr("the variance of the targets = {var}",
                        var=fmt(var))) if var > 0 else None
    return None


def _loss_is_single_term(sig: Signals, curve: list[tuple[int, float]]) -> bool:
    """The backpropagated loss is the loss function's value (no extra terms added to it)."""
    by_step = dict(curve)
    checked = [(c.value, by_step[c.step]) for c in sig.loss_calls if c.step in by_step and math.isfinite(c.value)]
    if not checked:
        return False
    same = sum(1 for a, b in checked if abs(a - b) <= 0.02 * max(abs(a), abs(b), 1e-12))
    return same * 2 > len(checked) and not sig.loss_terms


@rule("G406", stage=END)
def loss_plateau(ctx: Context):
    """The loss never decreased from its start, or it sits at the level of a model that ignores its input."""
    sig, th = ctx.signals, ctx.th
    if adversarial(sig):
        return None
    curve = phase_curve(sig)
    if len(curve) < th["min_steps"]:
        return None
    start = initial_level(curve)
    # Several losses in a step's backward calls (L-BFGS evaluates its closure many times in one step,
    # gradient accumulation backpropagates each micro-batch): the first ones are the level before any
    # update, the step's median is already inside the descent.
    first = [v for s, v in sig.losses if s == curve[0][0] and math.isfinite(v)][:3]
    if len(first) == 3:
        start = max(start, _median(first))
    wins = windows(curve)
    if len(wins) < 4 or not math.isfinite(start) or start == 0:
        return None
    best = min(w[2] for w in wins)
    tail = wins[-max(2, len(wins) // 4):]
    final = _median(w[2] for w in tail)
    if not math.isfinite(final):
        return None
    decrease = (start - best) / abs(start)
    if decrease < th["min_decrease"] and start > 0:
        return Hit(tr("the loss never decreased: {start} at the start, best window median {best} "
                      "({decrease:+.1%}), {final} over steps {tail}-{tail2}, after {curve} steps",
                      start=fmt(start), best=fmt(best), decrease=decrease, final=fmt(final), tail=tail[0][0],
                      tail2=tail[-1][1], curve=curve[-1][0] + 1),
                   where="training loss", step=curve[-1][0],
                   evidence={"initial_loss": start, "best_loss": best, "final_loss": final, "decrease": decrease})
    chance = _chance_level(sig) if _loss_is_single_term(sig, curve) else None
    if chance is None:
        return None
    level, label = chance
    if level <= 0:
        return None
    lowest_tail = min(w[2] for w in tail)
    if lowest_tail >= th["chance_fraction"] * level:
        return Hit(tr("the loss is stuck at the level of a model that ignores its input: {final} over "
                      "steps {tail}-{tail2} (started at {start}), against {label}; the model predicts "
                      "the average target, not something learned from the inputs",
                      final=fmt(final), tail=tail[0][0], tail2=tail[-1][1], start=fmt(start), label=label),
                   where="training loss", step=tail[0][0],
                   evidence={"initial_loss": start, "final_loss": final, "chance_level": level})
    return None


def _eval_curve(sig: Signals) -> tuple[list[tuple[int, float]], str]:
    """The validation curve: the user's val_loss metric, else the gradient-free loss calls.

    When several gradient-free losses share a step (a validation set in several batches, a test set
    evaluated once at the end), the usual count per step is kept: the validation pass is the one
    that repeats.
    """
    for name in ("val_loss", "valid_loss", "validation_loss", "eval_loss"):
        if len(sig.metrics.get(name, ())) >= 2:
            return [(s, v) for s, v in sig.metrics[name] if math.isfinite(v)], name
    per: dict[int, list[float]] = {}
    for step, value in sig.eval_losses:
        per.setdefault(step, []).append(value)
    if not per:
        return [], ""
    counts = [len(v) for v in per.values()]
    usual = max(set(counts), key=counts.count)
    out = []
    for step in sorted(per):
        vals = per[step]
        if len(vals) >= usual and all(math.isfinite(v) for v in vals[:usual]):
            out.append((step, statistics.mean(vals[:usual])))
    return out, "loss computed without gradients"


def _eval_scale(val: list[tuple[int, float]], curve: list[tuple[int, float]], th: dict) -> float:
    """1, or the factor by which the validation losses look summed over samples rather than averaged
    (``reduction="sum"``, or a total divided by the number of batches): the first evaluation
    >= sum_scale x the training loss at that time, when a per-sample mean would be within a few x of it."""
    step0, v0 = val[0]
    before = [v for s, v in curve if s <= step0][-5:] or [v for _, v in curve[:5]]
    if not before:
        return 1.0
    t0 = statistics.median(before)
    if not (t0 > 0 and math.isfinite(t0)) or v0 < th["sum_scale"] * t0:
        return 1.0
    return v0 / t0


@rule("G408", stage=END)
def overfitting(ctx: Context):
    """The validation loss rose for good after its minimum while the training loss kept falling."""
    sig, th = ctx.signals, ctx.th
    val, source = _eval_curve(sig)
    if len(val) < th["min_points"]:
        return None
    # Smooth with a running median of three evaluations.
    smooth = [(val[i][0], statistics.median(v for _, v in val[max(0, i - 1):i + 2])) for i in range(len(val))]
    best_i = min(range(len(smooth)), key=lambda i: smooth[i][1])
    best_step, best = smooth[best_i]
    after = smooth[best_i + 1:]
    if best <= 0 or len(after) < 2 or best_i == 0 and len(val) < th["min_points"]:
        return None
    tail = after[-max(2, len(after) // 2):]
    final = _median(v for _, v in tail)
    rise = (final - best) / best
    if rise < th["min_rise"] or sum(1 for _, v in after if v > best * (1 + th["min_rise"])) < 2:
        return None
    curve = step_curve(sig)
    train_then = [v for s, v in curve if s <= best_step][-10:]
    train_end = [v for _, v in curve[-max(5, len(curve) // 20):]]
    if not train_then or not train_end:
        return None
    t_then, t_end = statistics.median(train_then), statistics.median(train_end)
    if not t_end < t_then:
        return None
    # The gap judged on the training loss's scale: validation losses summed over samples are brought back to
    # a per-sample scale first, and the gap is a share of the loss at the start (a ratio to the training loss
    # blows up as the training loss goes to 0, however well the model generalizes).
    scale = _eval_scale(val, curve, th)
    start = initial_level(curve)
    gap = final / scale - t_end
    share = gap / start if start > 0 and math.isfinite(start) else 0.0
    loud = share >= th["warn_gap_share"]
    return Hit(tr("validation loss ({source}) bottomed out at {best} at step {best_step} and rose to "
                  "{final} (+{rise:.0%}) by step {tail}, while the training loss kept falling from "
                  "{t_then} to {t_end}",
                  source=source, best=fmt(best), best_step=best_step, final=fmt(final), rise=rise,
                  tail=tail[-1][0], t_then=fmt(t_then), t_end=fmt(t_end))
               + (tr(" (the validation losses look summed over samples, not averaged: the first was {scale}x "
                     "the training loss then; compared per sample)", scale=fmt(scale)) if scale != 1 else "")
               + (tr(": the validation loss ends {gap} above the training loss, {share:.0%} of the loss at the "
                     "start ({start})", gap=fmt(gap), share=share, start=fmt(start)) if loud else ""),
               where="validation loss", step=best_step, severity="warning" if loud else "info",
               evidence={"best_val_loss": best, "best_step": best_step, "final_val_loss": final, "rise": rise,
                         "train_loss_at_best": t_then, "final_train_loss": t_end, "eval_scale": scale,
                         "gap": gap, "gap_share_of_start": share})


@rule("G409", stage=END)
def undertrained(ctx: Context):
    """The loss was still falling steadily when training stopped."""
    sig, th = ctx.signals, ctx.th
    if several_trainings(sig):
        return None
    curve = step_curve(sig)
    if len(curve) < th["min_steps"]:
        return None
    start = initial_level(curve)
    wins = windows(curve, n_windows=20)
    k = th["last_windows"]
    if len(wins) < k + 2 or not math.isfinite(start):
        return None
    last = [w[2] for w in wins[-k:]]
    if not all(math.isfinite(v) for v in last):
        return None
    falls = sum(1 for a, b in zip(last, last[1:]) if b < a)
    if falls < len(last) - 2 or last[-1] >= last[0]:
        return None
    recent = last[0] - last[-1]
    total = start - last[-1]
    if total <= 0 or recent < th["min_recent_share"] * total or recent < th["min_recent_drop"] * abs(last[-1]):
        return None
    # Weights that no longer move cannot make the loss fall: a decline then is batch noise (a learning
    # rate decayed to ~0).
    moving = [statistics.median(r.values()) for step, r in _ratios_by_step(sig) if r and step >= wins[-k][0]]
    if moving and statistics.median(moving) < th["min_update_ratio"]:
        return None
    span = wins[-1][1] - wins[-k][0] + 1
    return Hit(tr("the loss was still falling when training stopped: {last} -> {last2} over the last "
                  "{span} steps (steps {wins}-{wins2}), {recent:.0%} of the whole decrease from "
                  "{start}; more steps (epochs) would likely help",
                  last=fmt(last[0]), last2=fmt(last[-1]), span=span, wins=wins[-k][0], wins2=wins[-1][1],
                  recent=recent / total, start=fmt(start)),
               where="training loss", step=wins[-k][0],
               evidence={"recent_drop": recent, "total_drop": total, "initial_loss": start, "final_loss": last[-1]})


# ----------------------------------------------------------------------------- G410

ADAM_LIKE = ("adam", "adamw", "nadam", "radam", "adamax", "sparseadam", "rmsprop", "adagrad")


@rule("G410", stage=LIVE)
def bad_optimizer_config(ctx: Context):
    """Optimizer hyperparameters outside their valid range, or so large that they dominate the update."""
    sig, th = ctx.signals, ctx.th
    hits = []
    for opt in sig.optimizers:
        kind = opt.kind.lower()
        early = [s for s in sig.step_stats if s.optimizer == opt.index and s.step < sig.steps][:10]
        for gi, group in enumerate(opt.groups):
            where = f"{opt.kind} param_groups[{gi}]"
            problems, severity = [], "error"
            lr = _num(group.get("lr"))
            if lr is not None and lr < 0:
                problems.append(tr("lr={lr} is negative: every step climbs the loss",
                                   lr=fmt(lr)))
            momentum = _num(group.get("momentum"))
            if momentum is not None and not 0 <= momentum < 1:
                problems.append(tr("momentum={momentum} is outside [0, 1): the velocity never decays "
                                   "and the steps grow without bound",
                                   momentum=fmt(momentum)) if momentum >= 1 else tr("momentum={momentum} "
                                                                                    "is negative",
                                                                                    momentum=fmt(momentum)))
            dampening = _num(group.get("dampening"))
            if momentum and dampening is not None and dampening >= 1:
                problems.append(tr("dampening={dampening} with momentum: the gradient is multiplied by "
                                   "1 - dampening = {value}, so it never enters the update",
                                   dampening=fmt(dampening), value=fmt(1 - dampening)))
            betas = group.get("betas")
            if isinstance(betas, (list, tuple)) and len(betas) == 2:
                b1, b2 = _num(betas[0]), _num(betas[1])
                if b1 is not None and not 0 <= b1 < 1:
                    problems.append(tr("betas[0]={b1} is outside [0, 1)",
                                       b1=fmt(b1)))
                if b2 is not None and not 0 < b2 < 1:
                    problems.append(tr("betas[1]={b2} is outside (0, 1)",
                                       b2=fmt(b2)))
            alpha = _num(group.get("alpha"))
            if kind == "rmsprop" and alpha is not None and not 0 < alpha < 1:
                problems.append(tr("alpha={alpha} (the RMSprop smoothing constant) is outside (0, 1)",
                                   alpha=fmt(alpha)))
            wd = _num(group.get("weight_decay"))
            if wd is not None and wd < 0:
                problems.append(tr("weight_decay={wd} is negative: the weights are pushed to grow",
                                   wd=fmt(wd)))
            if not problems:
                severity = "warning"
                eps = _num(group.get("eps"))
                # (Above the frameworks' defaults, 1e-8 and 1e-7: with those, gradients that small are
                # the problem, vanishing or symmetric units, not the eps.)
                if kind in ADAM_LIKE and eps and eps > th["default_eps"] and early:
                    rms = _grad_rms(sig, early)
                    if rms and eps >= th["eps_over_grad"] * rms:
                        problems.append(tr("eps={eps} is {eps2:.0f}x the typical gradient entry "
                                           "({rms}): the denominator sqrt(v) + eps is ~eps, so {kind} "
                                           "loses its per-parameter scaling and degenerates into SGD "
                                           "with lr/eps = {value}",
                                           eps=fmt(eps), eps2=eps / rms, rms=fmt(rms), kind=opt.kind,
                                           value=fmt((lr or 0) / eps)))
                if momentum is not None and th["max_momentum"] <= momentum < 1:
                    rebound = _rebound(step_curve(sig))
                    if rebound is not None:
                        problems.append(tr("momentum={momentum} sums the last ~{horizon:.0f} gradients into "
                                           "every step ({horizon:.0f}x the lr in steady state) and reacts to a "
                                           "change of slope that late, so the weights overshoot and swing: the "
                                           "loss came down to {best} and went back up to {now} (0.9 is the usual "
                                           "value)", momentum=fmt(momentum), horizon=1 / (1 - momentum),
                                           best=fmt(rebound[0]), now=fmt(rebound[1])))
                if wd and wd > 0 and lr:
                    decoupled = bool(group.get("decoupled_weight_decay")) or kind == "adamw"
                    if decoupled and lr * wd >= th["max_decoupled_decay"]:
                        problems.append(tr("lr x weight_decay = {lr}: the weights shrink by {lr2:.0%} "
                                           "every step from the decay alone",
                                           lr=fmt(lr * wd), lr2=lr * wd))
                    elif not decoupled and early:
                        dom = _median(wd * w / g for _, g, w in _norm_totals(early) if g > 0)
                        if dom >= th["max_decay_over_grad"]:
                            problems.append(tr("weight_decay={wd} makes the decay term (weight_decay x "
                                               "weight norm) {dom:.0f}x the loss gradient in the first "
                                               "steps: the regularization, not the data, drives the "
                                               "updates",
                                               wd=fmt(wd), dom=dom))
            if problems:
                hits.append(Hit(tr("{where}: {problems}", where=where, problems=tjoin(tr("; "), problems)),
                                where=where, severity=severity,
                                step=early[0].step if early else None,
                                evidence={"optimizer": opt.kind, "param_group": gi,
                                          "settings": {k: v for k, v in group.items() if isinstance(v, (int, float, list))
                                                       and not isinstance(v, bool)}}))
    plateau = _plateau_against_metric(sig, th)
    if plateau is not None:
        hits.append(plateau)
    hits.sort(key=lambda h: h.severity != "error")
    return hits[:1]


def _rebound(curve: list[tuple[int, float]]) -> tuple[float, float] | None:
    """(best, now): the loss's window medians came down to ``best`` and went back up to ``now`` >= twice
    that and above half of the start, or None."""
    wins = windows(curve)
    if len(wins) < 8:
        return None
    best, now, start = min(w[2] for w in wins), wins[-1][2], wins[0][2]
    return (best, now) if math.isfinite(now) and now >= 2 * best and now >= 0.5 * start else None


def _plateau_against_metric(sig: Signals, th: dict) -> Hit | None:
    """A ReduceLROnPlateau whose mode is the opposite of its metric's: mode="max" given a loss (copied
    from a run that monitored accuracy), or mode="min" given an accuracy. The metric moves steadily
    the way the loss does while the model learns, the scheduler never sees it improve after its first
    report, and it cuts the learning rate again and again."""
    by_scheduler: dict[int, list] = {}
    for report in sig.plateau_reports:
        by_scheduler.setdefault(report.scheduler, []).append(report)
    for index, reports in sorted(by_scheduler.items()):
        values = [r.metric for r in reports]
        if len(values) < th["plateau_min_reports"] or not all(math.isfinite(v) for v in values):
            continue
        mode = reports[0].mode
        sign = 1.0 if mode == "max" else -1.0  # sign * value: larger is better for the scheduler
        first, last = values[0], values[-1]
        if any(sign * v > sign * first for v in values[1:]):
            continue  # it saw an improvement: the mode and the metric agree at least once
        # Reports that set a new extreme the other way (a new low under mode="max").
        worst, against = sign * first, 0
        for v in values[1:]:
            if sign * v < worst:
                worst, against = sign * v, against + 1
        scale = max(abs(v) for v in values) or 1.0
        cuts = [r for r in reports if r.lr_after < r.lr_before]
        # (Not a share of all reports: once the lr has collapsed, the metric freezes.)
        if against < th["plateau_min_against"] or abs(last - first) < th["plateau_min_move"] * scale or not cuts:
            continue
        ref_first, ref_last = _loss_near(sig, reports[0].step), _loss_near(sig, reports[-1].step)
        if ref_first is None or ref_last is None or ref_last > (1 - th["plateau_loss_drop"]) * ref_first:
            continue  # the model is not learning: the metric may really be getting worse
        lr0, lr1 = reports[0].lr_before, reports[-1].lr_after
        what = (tr("a value that fell at {against} of {n} reports ({first} -> {last}), as a loss does: mode='max' "
                   "counts each fall as no improvement", against=against, n=len(values) - 1, first=fmt(first),
                   last=fmt(last)) if mode == "max" else
                tr("a value that rose at {against} of {n} reports ({first} -> {last}), as an accuracy does: "
                   "mode='min' counts each rise as no improvement", against=against, n=len(values) - 1,
                   first=fmt(first), last=fmt(last)))
        fix = "min" if mode == "max" else "max"
        return Hit(tr("ReduceLROnPlateau(mode='{mode}') was stepped with {what}, so it cut the learning rate "
                      "{cuts} times, from {lr0} to {lr1}, while the loss fell from {ref0} to {ref1}: use "
                      "mode='{fix}' for this metric", mode=mode, what=what, cuts=len(cuts), lr0=fmt(lr0),
                      lr1=fmt(lr1), ref0=fmt(ref_first), ref1=fmt(ref_last), fix=fix),
                   where=f"ReduceLROnPlateau #{index}", step=cuts[0].step,
                   severity="error" if lr1 <= lr0 / th["plateau_error_cut"] else "warning",
                   evidence={"mode": mode, "metrics": values[:50], "lr_cuts": len(cuts), "lr_first": lr0,
                             "lr_last": lr1, "loss_first": ref_first, "loss_last": ref_last})
    return None


def _loss_near(sig: Signals, step: int) -> float | None:
    """The loss the run reports around ``step``: the last point of the validation curve at or before
    it, or else the median training loss of the steps just before it."""
    val = [v for s, v in _eval_curve(sig)[0] if s <= step]
    if val:
        return val[-1]
    recent = [v for s, v in step_curve(sig) if s <= step and math.isfinite(v)][-20:]
    return statistics.median(recent) if recent else None


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _grad_rms(sig: Signals, stats: list[StepStats]) -> float | None:
    """Typical size of one gradient entry: median over parameters of ||g|| / sqrt(numel)."""
    vals = []
    for s in stats:
        for name, g in s.grad_norm.items():
            p = sig.params.get(name)
            if p is not None and p.numel and g and math.isfinite(g):
                vals.append(g / math.sqrt(p.numel))
    return statistics.median(vals) if vals else None


def _norm_totals(stats: list[StepStats]) -> list[tuple[int, float, float]]:
    out = []
    for s in stats:
        g = math.sqrt(sum(v * v for v in s.grad_norm.values() if math.isfinite(v)))
        w = math.sqrt(sum(s.param_norm.get(k, 0.0) ** 2 for k in s.grad_norm))
        out.append((s.step, g, w))
    return out

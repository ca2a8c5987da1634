"""The trial loop: the unchanged set-up and the remedied one, side by side, from the same start.

Both runs start from the copies taken at the first step, see the same captured batches in the
same order (cycled), the same dropout masks (the same seed) and run the same number of steps.
The unchanged run replays the user's loop as the probe saw it: gradients never cleared where
they accumulated (T501), each batch in the mode the user trained it in (T503). before/after
are the measured loss of each trained copy over all captured batches, in eval mode.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import torch

from nndoctor.findings import InternalError, Report, trial_summary
from nndoctor.remedies.capture import TrialCapture
from nndoctor.remedies.units import Remedy, Variant, remedy_for

DEFAULT_STEPS = 200
DEFAULT_SECONDS = 30.0
SEED = 1234  # dropout masks and re-initializations: the same in every run
TRIED = ("warning", "error")  # info findings are consequences or notes, not diagnoses to act on
CURVE_POINTS = 200
HELD_OUT = 0.25  # share of the captured batches kept out of training by a held-out trial


def run_trials(report: Report, capture: TrialCapture | None, *, steps: int = DEFAULT_STEPS,
               seconds: float = DEFAULT_SECONDS, min_improvement: float = 0.1,
               log: Callable[[str], None] | None = None, lang: str = "en") -> list[dict]:
    """Try the remedy of every finding that has one; each finding tried gets ``finding.trial``."""
    from nndoctor.i18n import render, tr
    from nndoctor.preflight.common import hooks_hidden
    from nndoctor.rng import preserved_random_state

    log = log or (lambda line: None)
    if steps < 1 or not seconds > 0:
        raise ValueError("trial steps and seconds must be positive")
    candidates = [(f, remedy_for(f.code)) for f in report.sorted_findings() if f.severity in TRIED]
    candidates = [(f, r) for f, r in candidates if r is not None]
    if not candidates:
        return []
    if capture is None or not capture.usable():
        why = capture.skipped if capture is not None and capture.skipped else "no training set-up was captured"
        report.notes.append(tr("--try-fixes: no trial ran: {why}", why=why))
        return []
    experiments = (report.series or {}).get("experiments") or {}
    trials = []
    done: dict[tuple[str, str], dict] = {}
    threads = torch.get_num_threads()
    with preserved_random_state(), hooks_hidden(), torch.enable_grad():
        for finding, remedy in candidates:
            try:
                if not remedy.applies(finding, capture, experiments):
                    continue
                variant = Variant(zero_grad=not capture.accumulates)
                description = remedy.apply(variant, finding, capture, experiments)
                key = (type(remedy).__name__, description)
                if key in done:  # one remedy answering two findings (M305 and M307): tried once
                    finding.trial = dict(done[key])
                    trials.append({"code": finding.code, **finding.trial})
                    continue
                log("nndoctor: " + render(tr("trying a fix for {code} {name}: {remedy} ...", code=finding.code,
                                             name=finding.name, remedy=description), lang))
                t0 = time.perf_counter()
                trial = _trial(capture, remedy, variant, steps, seconds, min_improvement)
                trial["remedy"] = description
                done[key] = trial
                finding.trial = trial
                trials.append({"code": finding.code, **trial})
                log(f"nndoctor: {finding.code}: {trial_summary(trial, lang)} ({time.perf_counter() - t0:.1f} s)")
            except Exception as exc:  # a remedy that crashes is reported, the others still run
                error = f"{type(exc).__name__}: {exc}"
                report.internal_errors.append(InternalError(f"try-fixes:{finding.code}", error))
                log(f"nndoctor: internal error while trying a fix for {finding.code} ({error})")
            finally:
                if torch.get_num_threads() != threads:
                    torch.set_num_threads(threads)
    return trials


def _trial(capture: TrialCapture, remedy: Remedy, variant: Variant, steps: int, seconds: float,
           min_improvement: float) -> dict:
    metric = remedy.metric_fn(capture)
    unchanged = Variant(zero_grad=not capture.accumulates)
    half = time.perf_counter() + seconds / 2
    held = max(1, int(len(capture.batches) * HELD_OUT)) if remedy.held_out else 0
    base = _run(capture, unchanged, metric, steps, half, held)
    # The remedied run takes exactly the unchanged run's planned steps, so only the remedy differs.
    n = base["planned"]
    fixed = _run(capture, variant, metric, n, float("inf"), held)
    before, after = base["final"], fixed["final"]
    diverged_before, diverged_after = base["diverged_at"], fixed["diverged_at"]
    if diverged_after is not None:
        helped = False
    elif diverged_before is not None:
        helped = True
    else:
        helped = after <= before * (1 - min_improvement) if before > 0 else after < before
    return {"metric": remedy.metric, "before": before, "after": after, "steps": n, "helped": bool(helped),
            "min_improvement": min_improvement, "diverged_before": diverged_before, "diverged_after": diverged_after,
            "curve_before": base["curve"], "curve_after": fixed["curve"]}


def _batches(capture: TrialCapture, variant: Variant) -> list:
    batches = capture.batches
    if not variant.shuffle:
        return batches
    from nndoctor.remedies.capture import Batch

    gen = torch.Generator().manual_seed(SEED)
    args = [torch.cat([b.args[0] for b in batches])]
    target = torch.cat([b.target for b in batches])
    order = torch.randperm(target.shape[0], generator=gen)
    out, start = [], 0
    for b in batches:
        k = b.target.shape[0]
        idx = order[start:start + k]
        out.append(Batch(args=(args[0][idx], *b.args[1:]), target=target[idx], training=b.training))
        start += k
    return out


def _run(capture: TrialCapture, variant: Variant, metric: Callable, steps: int, deadline: float,
         held: int = 0) -> dict:
    from nndoctor.preflight.common import clone_model, rebuild_optimizer
    from nndoctor.rng import seed_torch

    seed_torch(SEED)
    model = clone_model(capture.model)
    if variant.edit_model is not None:
        variant.edit_model(model)
    opt = rebuild_optimizer(capture.optimizer, capture.model, model, **variant.optimizer_overrides)
    if variant.lr_scale is not None:
        for g in opt.param_groups:  # every group scaled alike: their ratios are the user's choice
            g["lr"] = float(g["lr"]) * variant.lr_scale
    if variant.unfreeze:
        own = dict(model.named_parameters())
        in_opt = {id(p) for g in opt.param_groups for p in g["params"]}
        extra = []
        for name in variant.unfreeze:
            p = own[name]
            p.requires_grad_(True)
            if id(p) not in in_opt:
                extra.append(p)
        if extra:
            hyper = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
            opt.add_param_group({**hyper, "params": extra})
    batches = _batches(capture, variant)
    # Held out: every k-th batch, so both parts cover the whole run (its modes, its classes).
    every_k = max(2, len(batches) // held) if held else 0
    measured = [b for i, b in enumerate(batches) if i % every_k == every_k - 1] if held else batches
    batches = [b for i, b in enumerate(batches) if i % every_k != every_k - 1] if held else batches
    params = [p for g in opt.param_groups for p in g["params"]]
    curve: list[tuple[int, float]] = []
    diverged_at = None
    planned = steps
    every = max(1, steps // CURVE_POINTS)
    for k in range(steps):
        b = batches[k % len(batches)]
        model.train(b.training if variant.train_mode is None else variant.train_mode)
        args = variant.inputs(b.args) if variant.inputs is not None else b.args
        if variant.zero_grad:
            opt.zero_grad(set_to_none=True)
        out = model(*args)
        loss = capture.loss(variant.output(out) if variant.output is not None else out, b.target,
                            **variant.loss_kwargs)
        with torch.no_grad():
            value = float(metric(out, b.target))
        if k % every == 0 or k == steps - 1:
            curve.append((k, value))
        if not (math.isfinite(value) and math.isfinite(float(loss.detach()))):
            diverged_at = k
            break
        loss.backward()
        if variant.clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, variant.clip_norm)
        opt.step()
        if time.perf_counter() > deadline:
            planned = k + 1
            break
    final = _evaluate(model, measured, variant, metric) if diverged_at is None else float("nan")
    if not math.isfinite(final):
        diverged_at = diverged_at if diverged_at is not None else len(curve)
        finite = [v for _, v in curve if math.isfinite(v)]
        final = finite[-1] if finite else float("nan")
    return {"curve": [[s, v if math.isfinite(v) else None] for s, v in curve], "final": final,
            "diverged_at": diverged_at, "planned": planned}


@torch.no_grad()
def _evaluate(model: Any, batches: list, variant: Variant, metric: Callable) -> float:
    model.eval()
    total, count = 0.0, 0
    for b in batches:
        args = variant.inputs(b.args) if variant.inputs is not None else b.args
        n = int(b.target.shape[0]) if b.target.dim() else 1
        total += float(metric(model(*args), b.target)) * n
        count += n
    return total / max(count, 1)

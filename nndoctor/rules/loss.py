"""L2xx: the loss and what is passed to it."""
from __future__ import annotations

import math

from nndoctor.rules.base import LIVE, Context, Hit, fmt, rule

CE_LIKE = ("cross_entropy", "nll_loss")
BCE_LIKE = ("binary_cross_entropy", "binary_cross_entropy_with_logits")
ELEMENTWISE = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss", "poisson_nll_loss",
               "kl_div", "gaussian_nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits")


def _chance_level(call) -> tuple[float, str] | None:
    """The loss a model predicting uniformly at random gets, per the loss's reduction."""
    if call.fn in CE_LIKE and call.classes and call.classes > 1:
        per_sample, unit = math.log(call.classes), call.input.shape[0]
        label = f"ln({call.classes}) = {math.log(call.classes):.3f} for {call.classes} classes"
    elif call.fn in BCE_LIKE and not call.has_pos_weight:
        per_sample, unit = math.log(2), call.input.numel
        label = "ln 2 = 0.693 per binary output"
    else:
        return None
    if call.reduction == "sum":
        return per_sample * unit, label + f" (x{unit}, reduction='sum')"
    if call.reduction == "mean":
        return per_sample, label
    return None


@rule("L201", stage=LIVE)
def initial_loss_off(ctx: Context):
    """The first loss should sit at the chance level; far above it means a bad init or output scale."""
    sig = ctx.signals
    calls = [c for c in sig.loss_calls if c.fn in CE_LIKE + BCE_LIKE]
    if not calls or calls[0].step != 0:
        return None
    first = calls[0]
    if first.fn == "nll_loss" and (first.row_logsumexp_absmax or 0) > 0.05:
        return None  # not log-probabilities: L203's business, the chance level does not apply
    chance = _chance_level(first)
    if chance is None or not math.isfinite(first.value):
        return None
    expected, label = chance
    if first.value <= ctx.th["max_ratio"] * expected + ctx.th["abs_slack"]:
        return None
    return Hit(f"first loss {fmt(first.value)}, expected ~{fmt(expected)} at initialization ({label}): "
               f"{first.value / expected:.1f}x the chance level",
               where=f"{first.fn} at step 0", step=0,
               evidence={"first_loss": first.value, "expected": expected, "loss": first.fn,
                         "classes": first.classes})


@rule("L202", stage=LIVE)
def softmax_before_crossentropy(ctx: Context):
    """cross_entropy applies log_softmax itself; probabilities in give a squashed, slow loss."""
    calls = [c for c in ctx.signals.loss_calls if c.fn == "cross_entropy" and c.classes and c.classes > 1]
    probs = [c for c in calls if c.probs_like]
    if not probs or len(probs) * 2 < len(calls) or (len(probs) < 2 and not ctx.final):
        return None
    c = probs[0]
    return Hit(f"cross_entropy received probabilities in {len(probs)} of {len(calls)} sampled calls: every row is "
               f"non-negative and sums to 1 (inputs in [{fmt(c.input.min)}, {fmt(c.input.max)}]); it expects raw "
               f"logits and applies log_softmax itself",
               where="cross_entropy input" + (" (model output)" if c.input_is_model_output else ""), step=c.step,
               evidence={"calls_with_probabilities": len(probs), "sampled_calls": len(calls),
                         "input_min": c.input.min, "input_max": c.input.max})


@rule("L203", stage=LIVE)
def nll_on_non_log_probabilities(ctx: Context):
    """nll_loss needs log-probabilities (log_softmax output): logsumexp of each row is 0."""
    calls = [c for c in ctx.signals.loss_calls if c.fn == "nll_loss" and c.row_logsumexp_absmax is not None]
    bad = [c for c in calls if c.row_logsumexp_absmax > ctx.th["lse_tol"]]
    if not bad or len(bad) * 2 < len(calls) or (len(bad) < 2 and not ctx.final):
        return None
    c = bad[0]
    kind = "probabilities (softmax output)" if c.probs_like else "raw scores (logits)"
    return Hit(f"nll_loss received {kind}, not log-probabilities: |logsumexp| of a row reaches "
               f"{fmt(c.row_logsumexp_absmax)} (0 for log_softmax output) in {len(bad)} of {len(calls)} calls",
               where="nll_loss input", step=c.step,
               evidence={"row_logsumexp_absmax": c.row_logsumexp_absmax, "probabilities": c.probs_like,
                         "bad_calls": len(bad), "sampled_calls": len(calls)})


def _broadcast_shape(a, b):
    out = []
    for x, y in zip(reversed((1,) * (len(b) - len(a)) + tuple(a)), reversed((1,) * (len(a) - len(b)) + tuple(b))):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(reversed(out))


@rule("L204", stage=LIVE)
def loss_shape_broadcast(ctx: Context):
    """Prediction and target of different shapes broadcast: every prediction meets every target."""
    for c in ctx.signals.loss_calls:
        if c.fn not in ELEMENTWISE or c.target is None:
            continue
        a, b = tuple(c.input.shape), tuple(c.target.shape)
        if a == b or c.input.numel <= 1 or c.target.numel <= 1:
            continue
        joint = _broadcast_shape(a, b)
        if joint is None:
            continue
        size = math.prod(joint)
        if size > max(c.input.numel, c.target.numel):
            return Hit(f"{c.fn} got prediction {a} and target {b}, which broadcast to {joint}: "
                       f"{size} pairs compared instead of {max(c.input.numel, c.target.numel)}",
                       where=f"{c.fn}", step=c.step,
                       evidence={"prediction_shape": list(a), "target_shape": list(b), "broadcast_shape": list(joint)})
    return None


@rule("L208", stage=LIVE)
def sigmoid_before_bcewithlogits(ctx: Context):
    """binary_cross_entropy_with_logits applies the sigmoid itself: probabilities in squash the loss."""
    calls = [c for c in ctx.signals.loss_calls if c.fn == "binary_cross_entropy_with_logits" and c.input.numel >= 8]
    probs = [c for c in calls if c.unit_interval]
    if not probs or len(probs) * 2 < len(calls) or (len(probs) < 2 and not ctx.final):
        return None
    c = probs[0]
    return Hit(f"binary_cross_entropy_with_logits received values all inside [0, 1] in {len(probs)} of {len(calls)} "
               f"sampled calls (range [{fmt(c.input.min)}, {fmt(c.input.max)}]): these look like sigmoid outputs, "
               "but the loss expects raw logits",
               where="binary_cross_entropy_with_logits input", step=c.step,
               evidence={"calls_in_unit_interval": len(probs), "sampled_calls": len(calls),
                         "input_min": c.input.min, "input_max": c.input.max})

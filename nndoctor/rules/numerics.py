"""N6xx: NaN and Inf, and where they came from."""
from __future__ import annotations

import math

from nndoctor.i18n import tr
from nndoctor.rules.base import LIVE, Context, Hit, fmt, names_list, rule


def _event(sig, kind):
    return next((e for e in sig.nonfinite if e.kind == kind), None)


@rule("N601", stage=LIVE)
def nonfinite_loss(ctx: Context):
    """The loss became NaN or Inf: training is over from that step on."""
    sig = ctx.signals
    event = _event(sig, "loss")
    if event is None:
        return None
    bad = sum(1 for _, v in sig.losses if not math.isfinite(v))
    origin = ""
    if event.params:
        origin = tr("; parameters already non-finite: {params} ({detail})",
                    params=names_list(event.params), detail=event.detail)
    elif event.module:
        origin = tr("; origin: {module}",
                    module=event.module) + (tr(", {detail}",
                                                   detail=event.detail) if event.detail else "")
    grad = _event(sig, "gradient")
    if grad is not None and grad.step <= event.step:
        origin += tr("; gradients were non-finite first, at step {step} ({params})",
                     step=grad.step, params=names_list(grad.params))
    return Hit(tr("the loss became {value} at step {step} ({bad} of {n_losses} recorded losses "
                  "non-finite){origin}",
                  value=fmt(event.value), step=event.step, bad=bad, n_losses=len(sig.losses), origin=origin),
               where=event.module or "loss", step=event.step,
               evidence={"value": event.value, "nonfinite_losses": bad, "losses_recorded": len(sig.losses),
                         "origin_module": event.module, "op": event.op, "params": event.params})


@rule("N602", stage=LIVE)
def nonfinite_forward(ctx: Context):
    """The first module whose output holds NaN/Inf, found by replaying the failing step on a copy."""
    event = _event(ctx.signals, "loss")
    if event is None or event.params or not event.module or event.module == "loss computation":
        return None
    stats = event.input_stats or {}
    shown = ", ".join(f"{k} {fmt(v)}" for k, v in stats.items() if isinstance(v, float))
    return Hit(tr("{module} is the first to produce a non-finite output at step {step}",
                  module=event.module, step=event.step)
               + (tr(" (op {op}: {detail})",
                     op=event.op, detail=event.detail) if event.op else tr(" ({detail})",
                                                                          detail=event.detail))
               + (tr("; its input: {shown}",
                     shown=shown) if shown else ""),
               where=event.module, step=event.step,
               evidence={"module": event.module, "op": event.op, "cause": event.detail, "input": stats})


@rule("N603", stage=LIVE)
def nonfinite_gradient(ctx: Context):
    """A gradient became NaN/Inf while the loss was still finite (or before it turned)."""
    event = _event(ctx.signals, "gradient")
    if event is None:
        return None
    return Hit(tr("non-finite gradient at step {step}, first in {params}",
                  step=event.step, params=names_list(event.params))
               + (tr(" ({detail})",
                     detail=event.detail) if event.detail else ""),
               where=event.params[0] if event.params else "", step=event.step,
               evidence={"params": event.params, "backward_op": event.op})

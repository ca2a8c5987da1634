"""N6xx: NaN and Inf, and where they came from."""
from __future__ import annotations

import math

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
        origin = f"; parameters already non-finite: {names_list(event.params)} ({event.detail})"
    elif event.module:
        origin = f"; origin: {event.module}" + (f", {event.detail}" if event.detail else "")
    grad = _event(sig, "gradient")
    if grad is not None and grad.step <= event.step:
        origin += f"; gradients were non-finite first, at step {grad.step} ({names_list(grad.params)})"
    return Hit(f"the loss became {fmt(event.value)} at step {event.step} ({bad} of {len(sig.losses)} recorded "
               f"losses non-finite){origin}",
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
    return Hit(f"{event.module} is the first to produce a non-finite output at step {event.step}"
               + (f" (op {event.op}: {event.detail})" if event.op else f" ({event.detail})")
               + (f"; its input: {shown}" if shown else ""),
               where=event.module, step=event.step,
               evidence={"module": event.module, "op": event.op, "cause": event.detail, "input": stats})


@rule("N603", stage=LIVE)
def nonfinite_gradient(ctx: Context):
    """A gradient became NaN/Inf while the loss was still finite (or before it turned)."""
    event = _event(ctx.signals, "gradient")
    if event is None:
        return None
    return Hit(f"non-finite gradient at step {event.step}, first in {names_list(event.params)}"
               + (f" ({event.detail})" if event.detail else ""),
               where=event.params[0] if event.params else "", step=event.step,
               evidence={"params": event.params, "backward_op": event.op})

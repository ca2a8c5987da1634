"""TensorBoard: nndoctor's per-layer statistics and findings as events beside the user's own curves.

``nndoctor run --tensorboard DIR script.py`` or ``nndoctor.watch(model, opt, tensorboard=DIR)``
(or the callbacks' ``tensorboard=DIR``). Written once, when the run ends, from the signals the
probe gathered, at the step numbers they were measured at (optimizer steps), under ``nndoctor/``:

- scalars: the training and validation loss, the learning rate, and per parameter the gradient
  norm and the update/weight ratio; per layer the activation std and zero fraction;
- histograms: at each sampled step, log10 of every parameter's update/weight ratio and gradient
  norm; at the end, each parameter's values;
- text: the findings, one table, and each finding with its fix.

A renderer only: it computes no statistic the rules judge. Needs ``pip install 'nndoctor[tensorboard]'``.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from nndoctor.findings import Report
    from nndoctor.session import Session
    from nndoctor.signals import Signals

PREFIX = "nndoctor"


def require_tensorboard():
    """The SummaryWriter class, or an ImportError that says what to install."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise ImportError("--tensorboard needs the tensorboard package: pip install 'nndoctor[tensorboard]'") from None
    return SummaryWriter


def write_session(session: "Session", logdir: str) -> None:
    write(session.report(), session.engine.signals, logdir, params=session.probe.live_params())


def write(report: "Report", signals: "Signals", logdir: str, params: Iterable[tuple[Any, str]] = ()) -> None:
    SummaryWriter = require_tensorboard()
    writer = SummaryWriter(log_dir=logdir)
    try:
        _scalars(writer, signals)
        _histograms(writer, signals, params)
        _text(writer, report, signals.steps)
    finally:
        writer.close()


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _per_step(points: list[tuple[int, float]]) -> list[tuple[int, float]]:
    sums: dict[int, list[float]] = defaultdict(list)
    for step, value in points:
        if _finite(value):
            sums[step].append(value)
    return [(s, sum(v) / len(v)) for s, v in sorted(sums.items())]


def _tag(*parts: str) -> str:
    return "/".join([PREFIX, *(p.replace(" ", "_") for p in parts)])


def _scalars(writer: Any, sig: "Signals") -> None:
    for step, value in _per_step(sig.losses):
        writer.add_scalar(_tag("loss", "train"), value, step)
    for step, value in _per_step(sig.eval_losses):
        writer.add_scalar(_tag("loss", "eval"), value, step)
    for st in sig.step_stats:
        if st.lrs and _finite(st.lrs[0]):
            writer.add_scalar(_tag("lr"), st.lrs[0], st.step)
        for name, g in st.grad_norm.items():
            if _finite(g):
                writer.add_scalar(_tag("grad_norm", name), g, st.step)
        for name, u in st.update_norm.items():
            w = st.param_norm.get(name)
            if w and _finite(u) and _finite(w):
                writer.add_scalar(_tag("update_ratio", name), u / w, st.step)
    for ls in sig.layer_stats:
        if ls.kind.endswith(":input"):
            if ls.in_dead_frac is not None and _finite(ls.in_dead_frac):
                writer.add_scalar(_tag("dead_input_fraction", ls.module), ls.in_dead_frac, ls.step)
            continue
        if _finite(ls.out_std):
            writer.add_scalar(_tag("activation_std", ls.module), ls.out_std, ls.step)
        if _finite(ls.out_frac_zero):
            writer.add_scalar(_tag("activation_zero_fraction", ls.module), ls.out_frac_zero, ls.step)


def _histograms(writer: Any, sig: "Signals", params: Iterable[tuple[Any, str]]) -> None:
    import numpy as np

    for st in sig.step_stats:
        ratios = [math.log10(u / st.param_norm[n]) for n, u in st.update_norm.items()
                  if st.param_norm.get(n) and _finite(u) and u > 0]
        grads = [math.log10(g) for g in st.grad_norm.values() if _finite(g) and g > 0]
        if ratios:
            writer.add_histogram(_tag("hist", "log10_update_ratio"), np.asarray(ratios), st.step)
        if grads:
            writer.add_histogram(_tag("hist", "log10_grad_norm"), np.asarray(grads), st.step)
    for tensor, name in params:
        values = tensor.detach().float().cpu()
        values = values[values.isfinite()]
        if values.numel():
            writer.add_histogram(_tag("weights", name), values.numpy(), sig.steps)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _text(writer: Any, report: "Report", step: int) -> None:
    findings = report.sorted_findings()
    if not findings:
        table = f"no problems found ({report.steps_seen} steps seen)"
    else:
        rows = ["| severity | code | where | step | message |", "|---|---|---|---|---|"]
        rows += [f"| {f.severity} | {f.code} {_cell(f.name)} | {_cell(f.where)} | "
                 f"{'' if f.step is None else f.step} | {_cell(f.message)} |" for f in findings]
        table = "\n".join(rows)
    if report.notes:
        table += "\n\n" + "\n".join(f"- {_cell(n)}" for n in report.notes)
    writer.add_text(_tag("findings"), table, step)
    for f in findings:
        writer.add_text(_tag("finding", f.code), f"**{f.severity} {f.code} {_cell(f.name)}** "
                        f"({_cell(f.where)}): {_cell(f.message)}\n\nfix: {_cell(f.fix)}", step)

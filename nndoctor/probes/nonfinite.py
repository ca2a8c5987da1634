"""Where a NaN or Inf came from: replay the failing step on a copy and find the first culprit.

Runs once per run (the first non-finite loss or gradient), on a deep copy of the
model with every random stream restored, so the user's training is untouched.
"""
from __future__ import annotations

import copy
import re
import warnings
from typing import TYPE_CHECKING, Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from nndoctor.i18n import tr
from nndoctor.rng import preserved_random_state
from nndoctor.signals import NonFiniteEvent

if TYPE_CHECKING:
    from nndoctor.probes.torch_probe import TorchProbe


def _floats(value: Any) -> list[torch.Tensor]:
    return [t for t in tree_leaves(value) if isinstance(t, torch.Tensor) and t.is_floating_point()]


def _all_finite(tensors: list[torch.Tensor]) -> bool:
    return all(bool(torch.isfinite(t).all()) for t in tensors)


def _stats(tensors: list[torch.Tensor]) -> dict[str, float]:
    if not tensors:
        return {}
    t = tensors[0].detach().float()
    if t.numel() == 0:
        return {}
    return {"min": float(t.min()), "max": float(t.max()), "mean": float(t.mean()),
            "abs_min": float(t.abs().min()), "shape": list(t.shape)}


def explain_op(op: str, inputs: dict[str, float]) -> str:
    """The usual cause of a non-finite result of ``op`` given its first input's statistics."""
    lo, absmin, hi = inputs.get("min"), inputs.get("abs_min"), inputs.get("max")
    if op.startswith(("log", "log2", "log10")) and lo is not None and lo <= 0:
        return tr("log of a value <= 0 (smallest input {lo:.3g})",
                  lo=lo)
    if op.startswith(("div", "reciprocal")) and absmin is not None and absmin < 1e-12:
        return tr("division by ~0 (smallest |denominator-side input| {absmin:.3g})",
                  absmin=absmin)
    if op.startswith(("exp", "pow", "mul", "mm", "addmm", "bmm")) and hi is not None and hi > 80:
        return tr("overflow (largest input {hi:.3g})",
                  hi=hi)
    if op.startswith(("sqrt", "rsqrt")) and lo is not None and lo < 0:
        return tr("square root of a negative value (smallest input {lo:.3g})",
                  lo=lo)
    return tr("{op} produced a non-finite value from finite inputs",
              op=op)


class _FirstNonFinite(TorchDispatchMode):
    """Records the first op whose output is non-finite although its inputs are finite."""

    def __init__(self, stack: list[str]) -> None:
        super().__init__()
        self.stack = stack
        self.found: tuple[str, dict, str | None] | None = None

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if self.found is None:
            outs = _floats(out)
            if outs and not _all_finite(outs):
                ins = _floats(args)
                if _all_finite(ins):
                    name = str(func.overloadpacket.__name__) if hasattr(func, "overloadpacket") else str(func)
                    self.found = (name, _stats(ins[-1:] if name.startswith("div") else ins[:1]),
                                  self.stack[-1] if self.stack else None)
        return out


def _replay_forward(module: torch.nn.Module, args: tuple, names: dict) -> tuple[Any, _FirstNonFinite, str | None]:
    """Run ``module`` on ``args``; return output, the op finder and the first module with non-finite output."""
    stack: list[str] = []
    first_module: list[str] = []
    handles = []

    def pre(m, a):
        stack.append(names.get(m, type(m).__name__))

    def post(m, a, out):
        name = stack.pop() if stack else type(m).__name__
        if not first_module:
            outs = _floats(out)
            if outs and not _all_finite(outs) and _all_finite(_floats(a)):
                first_module.append(name)

    for m in module.modules():
        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    finder = _FirstNonFinite(stack)
    try:
        with finder:
            out = module(*args)
    finally:
        for h in handles:
            h.remove()
    return out, finder, (first_module[0] if first_module else None)


def _copy_with_names(probe: "TorchProbe", module: torch.nn.Module) -> tuple[torch.nn.Module, dict]:
    clone = copy.deepcopy(module)
    names = {c: probe.name_of(o) for o, c in zip(module.modules(), clone.modules())}
    return clone, names


def diagnose_loss(probe: "TorchProbe", step: int, value: float, replay: bool = True) -> NonFiniteEvent:
    event = NonFiniteEvent(kind="loss", step=step, value=value)
    bad_params = _nonfinite_params(probe)
    if bad_params:
        event.params = bad_params
        event.detail = tr("parameters were already non-finite before this forward: an earlier update "
                          "blew them up")
        return event
    root = probe._step_root_call
    if not replay or root is None or root[0]() is None:
        event.detail = tr("no replay possible")
        return event
    module, args = root[0](), probe.step_root_args()
    inputs = _floats(args)
    if inputs and not _all_finite(inputs):
        event.module = tr("the model's input")
        event.detail = tr("the batch fed to the model already holds non-finite values (D102): every layer "
                          "passes them on")
        return event
    with probe.paused(), preserved_random_state(), torch.no_grad():
        clone, names = _copy_with_names(probe, module)
        clone.train(module.training)
        out, finder, first_module = _replay_forward(clone, args, names)
        if finder.found is not None or first_module is not None:
            op, stats, where = finder.found or ("?", {}, None)
            event.module = first_module or where
            event.op = op
            event.input_stats = stats
            event.detail = explain_op(op, stats)
            return event
        loss_call = probe._step_loss_args
        if loss_call is not None:
            name, largs, lkwargs = loss_call
            import torch.nn.functional as F

            fn = getattr(getattr(F, name), "__wrapped__", getattr(F, name))
            finder = _FirstNonFinite([f"loss:{name}"])
            with finder:
                fn(*largs, **lkwargs)
            if finder.found is not None:
                op, stats, _ = finder.found
                event.module = tr("loss function {name}", name=name)
                event.op = op
                event.input_stats = stats
                event.detail = explain_op(op, stats)
                return event
        event.module = tr("loss computation")
        event.detail = (tr("the model's outputs are finite: the non-finite value arises in the loss "
                           "computation outside the model") if _all_finite(_floats(out)) else
                        tr("the model's outputs are non-finite, with no single layer or op to blame in the replay"))
    return event


def diagnose_gradient(probe: "TorchProbe", step: int, bad: list[str]) -> NonFiniteEvent:
    order = list(probe.sig.params)
    bad_sorted = sorted(bad, key=lambda n: order.index(n) if n in order else len(order))
    event = NonFiniteEvent(kind="gradient", step=step, params=bad_sorted)
    root, loss_call = probe._step_root_call, probe._step_loss_args
    if root is None or root[0]() is None or loss_call is None:
        return event
    module, args = root[0](), probe.step_root_args()
    name, largs, lkwargs = loss_call
    import torch.nn.functional as F

    fn = getattr(getattr(F, name), "__wrapped__", getattr(F, name))
    try:
        with probe.paused(), preserved_random_state(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clone, _ = _copy_with_names(probe, module)
            clone.train(module.training)
            _restore_weights_before_step(probe, module, clone)
            out = clone(*args)
            if not _all_finite(_floats(out)):
                # The gradient is read after the step's update: weights it made non-finite poison the
                # replay's forward, and the first backward to return NaN would be the loss's, not the culprit.
                return event
            head = out if isinstance(out, torch.Tensor) else _floats(out)[0]
            with torch.autograd.detect_anomaly(check_nan=True):
                fn(head, *largs[1:], **lkwargs).backward()
    except RuntimeError as exc:
        match = re.search(r"Function '(\w+)' returned nan", str(exc))
        if match:
            event.op = match.group(1)
            event.detail = tr("the backward of {function} returned NaN",
                              function=match.group(1))
    except Exception:  # a replay that cannot be done leaves the event as observed
        pass
    return event


def _restore_weights_before_step(probe: "TorchProbe", module: torch.nn.Module, clone: torch.nn.Module) -> None:
    """The gradient is read after the step's update: the replay runs on the weights that made it."""
    before = probe._weights_before_step
    if not before:
        return
    with torch.no_grad():
        for original, twin in zip(module.parameters(), clone.parameters()):
            weight = before.get(probe.param_name(original))
            if weight is not None and weight.shape == twin.shape:
                twin.copy_(weight)


def _nonfinite_params(probe: "TorchProbe") -> list[str]:
    bad = []
    for param, name in probe.live_params():
        if param.is_floating_point() and not bool(torch.isfinite(param.detach()).all()):
            bad.append(name)
    return bad

"""Tensor measurements that stay on the tensor's device until read back in one batch.

A probe asks for statistics as 0-dim tensors and registers where the numbers go;
``Readback.flush`` moves every pending number to the host with one transfer per
device, so a GPU is synchronised once per sampled step, never once per tensor.
"""
from __future__ import annotations

import dataclasses
import math
import weakref
from typing import Any, Callable

import torch

from nndoctor.signals import TensorStats


class Readback:
    def __init__(self) -> None:
        self._pending: list[tuple[Any, str, torch.Tensor]] = []
        self._after: list[Callable[[], None]] = []

    def later(self, target: Any, key: str, value: torch.Tensor) -> None:
        self._pending.append((target, key, value))

    def then(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the numbers pending now have arrived."""
        self._after.append(callback)

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        after, self._after = self._after, []
        # One stack per (device, dtype), one transfer per device: a sampled step has dozens of
        # numbers, and a cast or reshape per number costs more than the statistics on a small model.
        groups: dict[torch.device, dict[torch.dtype, list[int]]] = {}
        for i, (_, _, value) in enumerate(pending):
            groups.setdefault(value.device, {}).setdefault(value.dtype, []).append(i)
        numbers: list[float] = [0.0] * len(pending)
        with torch.no_grad():
            for by_dtype in groups.values():
                order, parts = [], []
                for indices in by_dtype.values():
                    values = [pending[i][2] for i in indices]
                    try:
                        stacked = torch.stack(values)
                    except RuntimeError:  # not all 0-dim
                        stacked = torch.stack([v.reshape(()) for v in values])
                    order += indices
                    parts.append(stacked.to(torch.float64))
                for i, number in zip(order, torch.cat(parts).tolist()):
                    numbers[i] = number
        for (target, key, _), number in zip(pending, numbers):
            if isinstance(target, dict):
                target[key] = number
            else:
                setattr(target, key, number)
        for callback in after:
            callback()


def _plain_attributes(model: torch.nn.Module):
    """(path, owner, key, index, value) of the values in the modules' own attributes and in the plain lists,
    tuples and dicts held there (index None for an attribute itself): what nn.Module does not register."""
    for prefix, m in model.named_modules():
        for key, value in vars(m).items():
            if key in ("_modules", "_parameters", "_buffers"):
                continue
            if isinstance(value, dict):
                items = [(f"{key}[{k!r}]", k, v) for k, v in value.items()]
            elif isinstance(value, (list, tuple)):
                items = [(f"{key}[{i}]", i, v) for i, v in enumerate(value)]
            else:
                items = [(key, None, value)]
            for name, index, v in items:
                yield (f"{prefix}.{name}" if prefix else name), m, key, index, v


def unregistered_modules(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module]]:
    """(path, module) of modules held in plain lists, tuples or dicts of a module's attributes (not
    nn.ModuleList / nn.ModuleDict): ``.to()``, ``.parameters()`` and ``state_dict()`` do not see them."""
    registered = {id(m) for m in model.modules()}  # a list may also point at registered layers: those are seen
    return [(path, v) for path, _, _, _, v in _plain_attributes(model)
            if isinstance(v, torch.nn.Module) and id(v) not in registered]


def unregistered_tensors(model: torch.nn.Module) -> list[tuple[str, torch.nn.Module, str, Any, torch.Tensor]]:
    """(path, owner, key, index, tensor) of tensors that require gradients kept as plain attributes of a
    module (or in a plain list or dict there), not as nn.Parameter: ``.parameters()`` misses them."""
    return [(path, m, key, index, v) for path, m, key, index, v in _plain_attributes(model)
            if isinstance(v, torch.Tensor) and not isinstance(v, torch.nn.Parameter) and v.requires_grad]


def positional_args(module: torch.nn.Module, args: tuple, kwargs: dict) -> tuple:
    """``args`` and ``kwargs`` of a call of ``module`` as positional arguments (defaults filled in up to
    the last one given); keyword-only ones are left out, and on a mismatch the positional ones alone."""
    import inspect

    try:
        bound = inspect.signature(module.forward).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return args
    bound.apply_defaults()
    return bound.args


def keyword_only(module: torch.nn.Module, kwargs: dict | None) -> list[str]:
    """The keyword-only parameters of ``module.forward`` a call passed in ``kwargs``: a copy called with
    positional arguments alone (``positional_args``) would miss them."""
    import inspect

    try:
        params = inspect.signature(module.forward).parameters
    except (TypeError, ValueError):
        return []
    return [k for k in kwargs or () if k in params and params[k].kind is inspect.Parameter.KEYWORD_ONLY]


def first_tensor(value: Any) -> torch.Tensor | None:
    """The first tensor in a model's argument or output (tensor, tuple/list, dict, HF ModelOutput, a
    dataclass of the script's own: its fields in order, None ones skipped, ``logits`` first). A tensor
    with a batch dimension before a scalar: a model that returns ``(loss, predictions)`` or computes its
    loss inside forward has its predictions found, not the loss that mixes every sample."""
    if isinstance(value, torch.Tensor):
        return value
    found = _first_tensor(value, batched=True)
    return found if found is not None else _first_tensor(value, batched=False)


def _first_tensor(value: Any, batched: bool) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value if value.dim() or not batched else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        for key in ("logits", "input_ids", "pixel_values", "x", "inputs", "input"):
            if isinstance(value.get(key), torch.Tensor) and (value[key].dim() or not batched):
                return value[key]
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            found = _first_tensor(item, batched)
            if found is not None:
                return found
    return None


def tensor_stats(t: torch.Tensor, rb: Readback, *, integral: bool = False) -> TensorStats:
    """Summarise ``t`` (its statistics arrive at the next flush). A sampled step summarises a few tensors
    and each torch call costs microseconds, so the statistics are taken over all entries in three
    reductions: a NaN or an infinity shows in the minimum or the maximum. Only a tensor that has some is
    read again, entry by entry, at the read-back, if it is still alive then (a sampled step's batch and
    loss arguments are, the probe holds them to the step's end; one gone by then has at least one)."""
    stats = TensorStats(shape=tuple(t.shape), dtype=str(t.dtype).replace("torch.", ""), numel=t.numel(),
                        is_floating=t.is_floating_point() or t.is_complex())
    if t.numel() == 0:
        return stats
    data = _as_float(t.detach())
    lo, hi = torch.aminmax(data)
    rb.later(stats, "min", lo)
    rb.later(stats, "max", hi)
    rb.later(stats, "mean", data.mean())
    rb.later(stats, "std", data.std() if data.numel() > 1 else torch.zeros((), device=data.device))
    if not stats.is_floating:  # (whole numbers, all finite)
        stats.integral = True
        return stats
    if integral:
        rb.later(stats, "integral", (data == data.round()).all())
    source = weakref.ref(t)

    def settle() -> None:
        stats.integral = bool(stats.integral)
        if not (-math.inf < stats.min <= stats.max < math.inf):
            _nonfinite_stats(stats, source(), integral)

    rb.then(settle)
    return stats


def _as_float(data: torch.Tensor) -> torch.Tensor:
    return (data.abs() if data.is_complex() else data).float()


def _nonfinite_stats(stats: TensorStats, t: torch.Tensor | None, integral: bool) -> None:
    """A tensor with NaN or infinite entries: how many, where the first is, and the statistics over its
    finite entries (read at once: a rare path)."""
    if t is None:
        stats.nonfinite = 1
        stats.min = stats.max = stats.mean = stats.std = math.nan
        return
    data = _as_float(t.detach())
    finite = torch.isfinite(data)
    stats.nonfinite = int(finite.numel() - finite.sum())
    stats.first_nonfinite = _unravel(int(finite.flatten().to(torch.uint8).argmin()), tuple(data.shape))
    clean = data[finite]
    if clean.numel() == 0:
        stats.min = stats.max = stats.mean = stats.std = 0.0
        return
    stats.min, stats.max, stats.mean = clean.min().item(), clean.max().item(), clean.mean().item()
    stats.std = clean.std().item() if clean.numel() > 1 else 0.0
    if integral:
        stats.integral = bool((clean == clean.round()).all())


def _unravel(index: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    for size in reversed(shape):
        out.append(index % size if size else 0)
        index //= max(size, 1)
    return tuple(reversed(out))


def feature_axes(t: torch.Tensor) -> tuple[int, ...] | None:
    """Axes to reduce over for per-feature statistics: channels (dim 1) of images, last dim otherwise."""
    if t.dim() == 2:
        return (0,)
    if t.dim() >= 3 and t.dim() <= 5:
        return tuple(i for i in range(t.dim()) if i != 1)
    return None

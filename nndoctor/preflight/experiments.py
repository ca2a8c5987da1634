"""The pre-flight experiments: each a small function on copies, returning a plain result dict.

Each result lands in ``signals.experiments[name]``; rules in ``nndoctor/rules/experiments.py``
(and G401/G402/L201 in their families) judge them. Results hold only plain numbers, strings
and lists, so the report's JSON carries them as they are.
"""
from __future__ import annotations

import dataclasses
import math
import statistics
from typing import Any

import torch
from torch import nn

from nndoctor.i18n import tr
from nndoctor.preflight.common import (DROPOUT, OVERFIT_SAMPLES, RESOLVABLE_DECAY, Setup, Skip, accuracy, chance_level,
                                       clone_model, compute_loss, default_optimizer, eval_loss, first_tensor,
                                       is_class_target, isolated, loss_floor, now, optimizer_step, rebuild_optimizer,
                                       requires_closure, resample_positions, rounded, same_randomness, take, take_args,
                                       to_dtype, train, trainable, user_lr)
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES

TAIL_STEPS = 5  # the overfit copy's end value: the median of its last training losses (or the final one)

__all__ = ["augmentation", "batch_mixing", "gradients", "initial_loss", "input_ignored", "label_signal",
           "lr_range", "overfit", "regularization"]


def _subset(setup: Setup, k: int) -> tuple[tuple, torch.Tensor | None, torch.Tensor]:
    """The first ``k`` samples, chosen to cover several classes where targets are class indices, in the
    batch's own order (a model that needs its batch sorted by length accepts any ordered subset)."""
    n = setup.n
    k = min(k, n)
    idx = torch.arange(n)
    if is_class_target(setup.target) and setup.target.dim() >= 1 and setup.target.shape[0] == n:
        # Round-robin over classes, so a sorted batch still gives a mixed subset.
        t = setup.target.reshape(n, -1)[:, 0].cpu()
        order = sorted(range(n), key=lambda i: (sum(1 for j in range(i) if t[j] == t[i]), i))
        idx = torch.tensor(order)
    idx = idx[:k].sort().values
    args = take_args(setup.args, idx, n, setup.batch_dim)
    target = take(setup.target, idx, n) if setup.target is not None else None
    return args, target, idx


def _need_loss(setup: Setup) -> None:
    if setup.loss is None or setup.target is None:
        raise Skip(tr("no loss function and targets to reuse (a hand-written loss?)"))


# ---------------------------------------------------------------------------------------------- L201 (active)
def initial_loss(setup: Setup) -> dict:
    """The loss of a fresh copy on the captured batch, next to the chance level."""
    _need_loss(setup)
    twin = clone_model(setup.model)
    with torch.no_grad():
        out = twin(*setup.args)
        loss = float(_as_scalar(setup.loss.fn(out, setup.target)))
    expected, classes, label = chance_level(setup.loss, setup.loss.pick(out), setup.target)
    return {"loss": loss, "expected": expected, "classes": classes, "loss_fn": setup.loss.name,
            "expected_is": label, "loss_inferred": setup.loss.inferred, "samples": setup.n}


def _as_scalar(loss: torch.Tensor) -> torch.Tensor:
    return loss if loss.numel() == 1 else loss.mean()


# ---------------------------------------------------------------------------------------------- M308
def overfit(setup: Setup, deadline: float, steps: int = 200, lr: float = 3e-3) -> tuple[dict, nn.Module]:
    """Train a copy (dropout off, Adam, no weight decay) on one small batch: it must reach ~0 loss,
    or the lowest loss its targets allow (their entropy where they are soft, ``loss_floor``).

    The end value is the lower of the loss after training (eval mode) and the median of the last few
    training steps' losses: one noisy Adam step at the end does not undo a fit reached just before."""
    _need_loss(setup)
    args, target, _ = _subset(setup, OVERFIT_SAMPLES)
    twin = clone_model(setup.model, no_dropout=True)
    twin.eval()
    with torch.no_grad():
        floor, floor_kind = loss_floor(setup.loss, setup.loss.pick(twin(*args)), target)
    twin.train()
    opt = default_optimizer(twin, lr)
    steps = setup.steps(steps, floor=40)
    values: list[float] = []

    def stop(value: float, k: int) -> bool:
        values.append(value)
        excess = value - floor
        return excess <= 1e-3 or excess <= 0.02 * (values[0] - floor)

    curve = train(setup, twin, opt, lambda k: (args, target), steps, deadline, stop=stop, record=5)
    with torch.no_grad():
        twin.eval()
        out = twin(*args)
        final = float(_as_scalar(setup.loss.fn(out, target)))
        acc = accuracy(setup.loss.pick(out), target)
    start = curve[0][1] if curve else float("nan")
    recent = [v for v in values[-TAIL_STEPS:] if math.isfinite(v)]
    ends = [v for v in (final, statistics.median(recent) if recent else None) if v is not None and math.isfinite(v)]
    end = min(ends) if ends else final
    ratio = None
    if math.isfinite(start) and math.isfinite(end):
        gap = start - floor
        if gap > 1e-12 * max(abs(start), 1.0):
            ratio = (end - floor) / gap
        elif start <= floor + 1e-12 * max(abs(start), 1.0) and end <= start:
            ratio = 0.0  # it starts at the floor: nothing left to fit
    return ({"loss_start": start, "loss_end": end, "ratio": ratio, "loss_floor": floor, "floor_kind": floor_kind,
             "loss_end_final": final, "loss_fn": setup.loss.name,
             "accuracy": acc, "steps": curve[-1][0] + 1 if curve else 0, "max_steps": steps, "samples": len(_n(target)),
             "optimizer": f"Adam(lr={lr})", "dropout_off": True, "curve": rounded(curve),
             "timed_out": bool(curve) and curve[-1][0] + 1 < steps and now() > deadline,
             "steepness": steepness(args[0] if args else None, target)},
            twin)


def steepness(x: Any, target: Any) -> float | None:
    """How much steeper than the data's typical slope a function must be to fit these real-valued
    targets exactly: the largest |target difference| / |input distance| over pairs of samples, over the
    ratio of the median target difference to the median input distance. Smooth data of any dimension
    gives ~3-8; noisy targets on a low-dimensional input (two close x with different y) give 30-300,
    and memorizing them is slow for any model (inf: equal inputs with different targets)."""
    if not isinstance(x, torch.Tensor) or not isinstance(target, torch.Tensor) or not target.is_floating_point() \
            or is_class_target(target) or len(x) != len(target) or len(x) < 3:
        return None
    xs, ys = x.detach().reshape(len(x), -1).double(), target.detach().reshape(len(target), -1).double()
    if not (torch.isfinite(xs).all() and torch.isfinite(ys).all()) or bool(((ys == 0) | (ys == 1)).all()):
        return None  # (binary targets: a classification, where the slope of a fit is not the question)
    i, j = torch.triu_indices(len(xs), len(xs), 1)
    dx, dy = (xs[i] - xs[j]).norm(dim=1), (ys[i] - ys[j]).norm(dim=1)
    typical = float(dy.median()) / max(float(dx.median()), 1e-12)
    if typical <= 0:
        return None
    if bool(((dx == 0) & (dy > 0)).any()):
        return float("inf")
    moving = dx > 0
    return float((dy[moving] / dx[moving]).max()) / typical if bool(moving.any()) else None


def _n(target: torch.Tensor) -> range:
    return range(target.shape[0] if target is not None and target.dim() else 0)


# ---------------------------------------------------------------------------------------------- M309
def input_ignored(setup: Setup, trained: nn.Module | None = None) -> dict:
    """Outputs with the real inputs vs all-zero and random inputs of the same shape and type."""
    result: dict[str, Any] = {}
    if not setup.args or not isinstance(setup.args[0], torch.Tensor):
        raise Skip(tr("the model's first input is not a tensor"))
    sub_args, sub_target, _ = _subset(setup, OVERFIT_SAMPLES)
    x = sub_args[0]
    setup_args, target = sub_args, sub_target
    gen = torch.Generator(device="cpu").manual_seed(0)
    zeros = torch.zeros_like(x)
    if x.is_floating_point():
        std = float(x.float().std()) if x.numel() > 1 else 1.0
        rand = (torch.randn(x.shape, generator=gen) * (std or 1.0) + float(x.float().mean())).to(x.dtype).to(x.device)
    elif bool((x == x.reshape(-1)[0]).all()):
        rand = x + 1
    else:
        # Integer inputs (category codes, token ids): the values of other samples at the same position
        # (column), so each stays valid for its own embedding (the overall maximum may not be).
        rand = resample_positions(x, setup.batch_dim, gen)
    for label, model in (("init", clone_model(setup.model)), ("trained", trained)):
        if model is None:
            continue
        model.eval()
        layers: dict[str, list] = {}
        order: list[str] = []
        names = {m: n for n, m in model.named_modules()}

        per_forward: dict[str, int] = {}

        def hook(module, inputs, output, _layers=layers, _order=order, _names=names, _calls=per_forward):
            # Per layer call (a module called twice in one forward, like a shared ReLU, is two
            # entries): [kind, output with the real input, forwards seen, largest relative change].
            out = first_tensor(output)
            base_name = _names.get(module, "?")
            nth = _calls.get(base_name, 0)
            _calls[base_name] = nth + 1
            name = base_name if nth == 0 else f"{base_name} (call {nth + 1})"
            if name not in _layers:
                _order.append(name)
                _layers[name] = [type(module).__name__, None, 0, 0.0]
            entry = _layers[name]
            entry[2] += 1
            if not isinstance(out, torch.Tensor) or not out.is_floating_point() or entry[2] > 3:
                return
            if entry[2] == 1:
                entry[1] = out.detach().clone()
            elif entry[1] is not None and entry[1].shape == out.shape:
                base = entry[1]
                change = float((out.detach() - base).abs().mean()) / (float(base.abs().mean()) + 1e-12)
                entry[3] = max(entry[3], change)
            else:
                entry[3] = float("inf")

        handles = [m.register_forward_hook(hook) for m in model.modules() if not m._modules and m is not model]
        try:
            with torch.no_grad():
                outs = []
                for v in (x, zeros, rand):
                    per_forward.clear()
                    outs.append(first_tensor(model(v, *setup_args[1:])))
        finally:
            for h in handles:
                h.remove()
        if any(o is None or not o.is_floating_point() for o in outs) or outs[0].shape != outs[1].shape:
            raise Skip(tr("the model output is not a float tensor of a fixed shape"))
        base = outs[0].double()
        scale = float(base.abs().mean()) + 1e-12
        d_zero = float((outs[1].double() - base).abs().mean()) / scale
        d_rand = float((outs[2].double() - base).abs().mean()) / scale
        entry = {"change_zeros": d_zero, "change_random": d_rand, "sensitivity": max(d_zero, d_rand)}
        # The first leaf layer (in execution order) whose output no longer depends on the input at all.
        for name in order:
            kind, _, calls, sens = layers[name]
            if calls >= 3 and sens <= 1e-9:  # cut, not faded: exactly the same output (up to rounding)
                entry["lost_at"], entry["lost_at_kind"] = name, kind
                break
        if setup.loss is not None and target is not None:
            with torch.no_grad():
                entry["loss_real"] = float(_as_scalar(setup.loss.fn(model(x, *setup_args[1:]), target)))
                entry["loss_zeros"] = float(_as_scalar(setup.loss.fn(model(zeros, *setup_args[1:]), target)))
        result[label] = entry
    return result


# ---------------------------------------------------------------------------------------------- M304
def batch_mixing(setup: Setup, samples: int = 4) -> dict:
    """Does an output of sample i change when only sample j's input changes? (eval mode, float64)."""
    x = setup.args[0] if setup.args else None
    if not isinstance(x, torch.Tensor) or x.dim() == 0:
        raise Skip(tr("the model's first input is not a batched tensor"))
    b = min(samples, setup.n)
    if b < 2:
        raise Skip(tr("fewer than 2 samples in the captured batch"))
    idx = torch.arange(b)
    # float64 where cheap (exact comparisons); big models in float32 with a looser tolerance.
    dtype = torch.float64 if setup.n_params <= 200_000 else torch.float32
    tol_rel = 1e-7 if dtype == torch.float64 else 1e-5
    args = to_dtype(take_args(setup.args, idx, setup.n, setup.batch_dim), dtype)
    twin = clone_model(setup.model, dtype=dtype)
    twin.eval()
    order: list[str] = []
    seen: dict[str, list] = {}
    names = {m: n for n, m in twin.named_modules()}

    def hook(module, inputs, output):
        name = names.get(module, "?")
        out, inp = first_tensor(output), first_tensor(inputs)
        if name not in seen:
            order.append(name)
            seen[name] = []
        seen[name].append((inp.detach().clone() if isinstance(inp, torch.Tensor) and inp.is_floating_point() else None,
                           out.detach().clone() if isinstance(out, torch.Tensor) and out.is_floating_point() else None))

    handles = [m.register_forward_hook(hook) for m in twin.modules() if not m._modules and m is not twin]
    x0 = args[0]
    bd = setup.batch_dim
    pool = setup.args[0]  # every captured sample: where integer inputs take their replacement values
    gen = torch.Generator(device="cpu").manual_seed(1)
    runs = []
    try:
        with torch.no_grad():
            # The unchanged input first, twice, then sample j changed, one j at a time. Every forward
            # draws the same random numbers (a VAE samples its latent code even in eval mode); what
            # still differs between the two unchanged forwards (a private generator, nondeterministic
            # kernels) is noise, and only changes beyond it count.
            for j in (-1, -1, *range(b)):
                seen.clear()
                order.clear()
                xj = x0.clone()
                if j >= 0:
                    sl = xj.select(bd, j)
                    if xj.is_floating_point():
                        scale = float(x0.std()) if x0.numel() > 1 else 1.0
                        sl.add_((torch.randn(sl.shape, generator=gen, dtype=sl.dtype) * (scale or 1.0))
                                .to(sl.device))
                    else:
                        # other samples' values at the same positions: category codes and token ids
                        # stay in range for their own column (the overall maximum may not be)
                        sl.copy_(resample_positions(sl.unsqueeze(bd), bd, gen, pool=pool).squeeze(bd))
                with same_randomness(0):
                    out = first_tensor(twin(xj, *args[1:]))
                if out is None:
                    raise Skip(tr("the model's output holds no tensor"))
                runs.append(({k: v[0] for k, v in seen.items()}, list(order), out.detach().clone()))
    finally:
        for h in handles:
            h.remove()

    def noise(base: torch.Tensor | None, again: torch.Tensor | None) -> float:
        if base is None or again is None or again.shape != base.shape:
            return 0.0
        return float((again - base).abs().max())

    def mixing(tensors: list[torch.Tensor | None]) -> float | None:
        base, again, changed = tensors[0], tensors[1], tensors[2:]
        if base is None or any(t is None or t.shape != base.shape for t in changed):
            return None
        tol = tol_rel * (float(base.abs().max()) + 1e-30) + 2 * noise(base, again)
        count = sum(((t - base).abs() > tol).to(torch.int32) for t in changed)
        return float((count >= 2).double().mean())

    out_mix = mixing([r[2] for r in runs])
    if out_mix is None:
        raise Skip(tr("the model output changes shape with its input"))
    first_layer, input_mixed, kind = None, None, None
    kinds = {n: type(m).__name__ for n, m in twin.named_modules()}
    for name in runs[0][1]:
        outs = [r[0].get(name, (None, None))[1] for r in runs]
        frac = mixing(outs)
        if frac:
            first_layer = name
            inps = [r[0].get(name, (None, None))[0] for r in runs]
            in_frac = mixing(inps)
            input_mixed = bool(in_frac) if in_frac is not None else None
            kind = kinds.get(name)
            break
    if out_mix and setup.batch_dim_guessed and x.dim() >= 2 and x.shape[0] >= 2:
        # Dim 1 was a guess: a (batch, time) input that the model transposes itself would have its time
        # steps taken for samples, and a recurrent layer mixes time. Mixing along dim 0 too, or no verdict.
        other = batch_mixing(dataclasses.replace(setup, batch_dim=0, batch_dim_guessed=False, n=int(x.shape[0])),
                             samples)
        if not other["output_mixing_fraction"]:
            return other
    base_out = runs[0][2]
    return {"samples": b, "batch_dim": bd, "output_mixing_fraction": out_mix, "first_mixing_layer": first_layer,
            "first_mixing_kind": kind, "mixed_before_layer": input_mixed, "mode": "eval",
            "run_to_run_noise": noise(base_out, runs[1][2]) / (float(base_out.abs().max()) + 1e-30)}


# ---------------------------------------------------------------------------------------------- M301
def gradients(setup: Setup, deadline: float, max_checks: int = 12) -> dict:
    """torch.autograd.gradcheck (float64 copies, fast mode) on every custom autograd.Function the
    model calls and every module class defined outside torch, on 2 samples."""
    from torch.autograd.function import Function

    idx = torch.arange(min(2, setup.n))
    args = to_dtype(take_args(setup.args, idx, setup.n, setup.batch_dim), torch.float64)
    twin = clone_model(setup.model, dtype=torch.float64)
    twin.eval()
    names = {m: (n or type(twin).__name__) for n, m in twin.named_modules()}
    functions: dict[type, tuple] = {}
    modules: dict[str, tuple] = {}
    stack: list[str] = []
    calls_in: dict[str, set] = {}
    original = Function.__dict__["apply"]

    def apply(cls, *a, **kw):
        if not cls.__module__.startswith("torch") and cls not in functions:
            functions[cls] = (a, kw)
        for name in stack:
            calls_in.setdefault(name, set()).add(cls.__qualname__)
        return original.__func__(cls, *a, **kw)

    def pre(module, a, kw):
        name = names[module]
        stack.append(name)
        if name not in modules:
            modules[name] = (a, kw)

    def post(module, a, kw, out):
        if stack:
            stack.pop()

    custom = [m for m in twin.modules() if not type(m).__module__.startswith("torch.")]
    handles = [m.register_forward_pre_hook(pre, with_kwargs=True) for m in custom]
    handles += [m.register_forward_hook(post, with_kwargs=True) for m in custom]
    Function.apply = classmethod(apply)
    try:
        with torch.enable_grad():
            twin(*args)
    finally:
        Function.apply = original
        for h in handles:
            h.remove()

    checked, failed, skipped = [], [], []
    for cls, (a, kw) in list(functions.items())[:max_checks]:
        if now() > deadline:
            skipped.append(cls.__qualname__)
            continue
        verdict = _check(lambda *t, _c=cls: _c.apply(*t), a, kw)
        (failed if verdict["ok"] is False else checked).append({"name": cls.__qualname__, "kind": "function",
                                                                 **verdict})
    for name, (a, kw) in list(modules.items())[:max_checks]:
        if now() > deadline:
            skipped.append(name)
            continue
        module = dict(twin.named_modules()).get("" if name == type(twin).__name__ else name, twin)
        verdict = _check_module(module, a, kw)
        entry = {"name": name, "kind": "module", "class": type(module).__qualname__, "root": module is twin,
                 "functions": sorted(calls_in.get(name, ())), **verdict}
        (failed if verdict["ok"] is False else checked).append(entry)
    return {"checked": [c["name"] for c in checked], "failed": failed, "out_of_time": skipped,
            "custom_functions": sorted(c.__qualname__ for c in functions), "samples": len(idx)}


def _leaves(out: Any) -> tuple:
    from torch.utils._pytree import tree_leaves

    return tuple(t for t in tree_leaves(out) if isinstance(t, torch.Tensor) and t.is_floating_point())


def _check(fn, a: tuple, kw: dict) -> dict:
    """gradcheck of fn over the float arguments of one recorded call, at two nearby points."""
    positions = [i for i, t in enumerate(a) if isinstance(t, torch.Tensor) and t.is_floating_point()]
    if not positions:
        return {"ok": None, "why": "no float inputs"}
    base = [a[i].detach().to(torch.float64) for i in positions]

    def call(*tensors):
        full = list(a)
        for i, t in zip(positions, tensors):
            full[i] = t
        return _leaves(fn(*full, **kw)) or (torch.zeros((), dtype=torch.float64, requires_grad=True),)

    verdict = _verdict(call, base)
    if verdict["ok"] is False:
        why = _deliberate(call, base)
        if why is not None:
            return {"ok": None, "why": why, "deliberate": True}
    return verdict


def _deliberate(call, base: list[torch.Tensor], directions: int = 3) -> str | None:
    """A Function whose backward differs from its forward's derivative on purpose:
    - an identity forward whose backward scales the gradient by one constant (a gradient reversal
      layer, -lambda, lambda = 0 at the start of its schedule; a gradient scaling layer);
    - a piecewise-constant forward (finite differences give 0 in every direction: round, sign, a
      threshold) whose backward passes a surrogate gradient (a straight-through estimator).
    Such a Function exists only to define that gradient: a wrong factor in a real derivative is neither."""
    with torch.no_grad():
        outs = call(*[t.detach() for t in base])
    pairs = [_joint_derivative(call, base, seed) for seed in range(directions)]
    if any(p is None for p in pairs):
        return None
    scale = max(abs(a) + abs(n) for a, n in pairs) + 1e-12
    identity = len(base) == 1 and len(outs) == 1 and outs[0].shape == base[0].shape and torch.equal(outs[0], base[0])
    if identity and all(abs(n) > 1e-3 * scale for _, n in pairs):
        ratios = [a / n for a, n in pairs]
        if max(ratios) - min(ratios) <= 1e-4 * max(1.0, abs(ratios[0])):
            return f"identity forward, backward scales the gradient by {ratios[0]:.4g} (gradient reversal or scaling)"
    flat = sorted(abs(n) for _, n in pairs)[len(pairs) // 2] <= 1e-9 * scale
    if flat and any(abs(a) > 1e-6 * scale for a, _ in pairs):
        return "piecewise-constant forward, surrogate gradient in backward (straight-through estimator)"
    return None


def _joint_derivative(call, base: list[torch.Tensor], seed: int) -> tuple[float, float] | None:
    """<v, J u> along one random direction u of all inputs at once: (analytic, central differences)."""
    gen = torch.Generator().manual_seed(100 + seed)
    us = [torch.randn(t.shape, generator=gen, dtype=t.dtype) for t in base]
    inputs = [t.detach().clone().requires_grad_(True) for t in base]
    outs = call(*inputs)
    vs = [torch.randn(o.shape, generator=gen, dtype=o.dtype) for o in outs]
    s = sum((o * v).sum() for o, v in zip(outs, vs))
    if not s.requires_grad:
        return None
    grads = torch.autograd.grad(s, inputs, allow_unused=True)
    analytic = sum(float((g * u).sum()) for g, u in zip(grads, us) if g is not None)
    eps = 1e-6
    with torch.no_grad():
        sp = sum((o * v).sum() for o, v in zip(call(*[b + eps * u for b, u in zip(base, us)]), vs))
        sm = sum((o * v).sum() for o, v in zip(call(*[b - eps * u for b, u in zip(base, us)]), vs))
    return analytic, float((sp - sm) / (2 * eps))


def _check_module(module: nn.Module, a: tuple, kw: dict) -> dict:
    from torch.func import functional_call

    params = {n: p.detach() for n, p in module.named_parameters() if p.requires_grad}
    positions = [i for i, t in enumerate(a) if isinstance(t, torch.Tensor) and t.is_floating_point()]
    names = list(params)
    base = [a[i].detach() for i in positions] + [params[n] for n in names]
    if not base:
        return {"ok": None, "why": "nothing differentiable"}

    def call(*tensors):
        full = list(a)
        for i, t in zip(positions, tensors[:len(positions)]):
            full[i] = t
        p = dict(zip(names, tensors[len(positions):]))
        return _leaves(functional_call(module, p, tuple(full), kw)) or \
            (torch.zeros((), dtype=torch.float64, requires_grad=True),)

    # gradcheck's fast mode compares v^T J u analytic vs numerical; on a failure it rebuilds the
    # whole Jacobian for its message (minutes for a big layer), so modules get the same test here.
    for point in range(2):
        detail = _directional(call, base, seed=point, shift=1e-3 * point)
        if detail["ok"]:
            return {"ok": True}
    return detail


def _verdict(call, base: list[torch.Tensor]) -> dict:
    """Fails only if gradcheck fails at the recorded point and at a slightly moved one (a kink of
    ReLU or max-pooling hit by chance fails at one point only); the evidence is the worst
    directional derivative, analytic vs numerical, and whether the analytic one is exactly zero
    (a blocked gradient: M303's business, not a wrong one)."""
    gen = torch.Generator().manual_seed(0)
    results = []
    for shift in (0.0, 1e-3):
        inputs = [(t + shift * torch.randn(t.shape, generator=gen, dtype=t.dtype).to(t.device)
                   * (t.abs().mean() + 1e-3)).detach().requires_grad_(True) for t in base]
        try:
            ok = torch.autograd.gradcheck(call, tuple(inputs), eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=True,
                                          raise_exception=False, check_undefined_grad=False, nondet_tol=1e-7)
        except Exception as exc:  # an op without float64 support, integer outputs...
            return {"ok": None, "why": f"{type(exc).__name__}: {str(exc)[:120]}"}
        results.append(ok)
        if ok:
            return {"ok": True}
    detail = _directional(call, base)
    return {**detail, "ok": False}


def _directional(call, base: list[torch.Tensor], seed: int = 1, shift: float = 0.0) -> dict:
    """<v, J u> analytic vs numerical (central differences), per input: the worst one, and ok."""
    gen = torch.Generator().manual_seed(seed)
    if shift:
        base = [(t + shift * torch.randn(t.shape, generator=gen, dtype=t.dtype) * (t.abs().mean() + 1e-3)).detach()
                for t in base]
    inputs = [t.detach().clone().requires_grad_(True) for t in base]
    outs = call(*inputs)
    vs = [torch.randn(o.shape, generator=gen, dtype=o.dtype) for o in outs]
    s = sum((o * v).sum() for o, v in zip(outs, vs))
    grads = torch.autograd.grad(s, inputs, allow_unused=True) if s.requires_grad else [None] * len(inputs)
    worst = {"ok": True, "input": None, "analytic": 0.0, "numerical": 0.0, "rel_error": 0.0, "blocked": False}
    eps = 1e-6
    scale = float(sum((o.detach() * v).abs().sum() for o, v in zip(outs, vs))) + 1.0
    for k, t in enumerate(base):
        u = torch.randn(t.shape, generator=gen, dtype=t.dtype)
        with torch.no_grad():
            plus = [b.clone() for b in base]
            minus = [b.clone() for b in base]
            plus[k] += eps * u
            minus[k] -= eps * u
            sp = sum((o * v).sum() for o, v in zip(call(*plus), vs))
            sm = sum((o * v).sum() for o, v in zip(call(*minus), vs))
        numerical = float((sp - sm) / (2 * eps))
        analytic = float((grads[k] * u).sum()) if grads[k] is not None else 0.0
        err = abs(analytic - numerical) / (abs(numerical) + 1e-6)
        ok = abs(analytic - numerical) <= 1e-6 * scale + 1e-3 * abs(numerical)
        if not ok and (worst["ok"] or err > worst["rel_error"]):
            worst = {"ok": False, "input": k, "analytic": analytic, "numerical": numerical, "rel_error": err,
                     "blocked": grads[k] is None or bool((grads[k] == 0).all())}
    return worst


# ---------------------------------------------------------------------------------------------- D104
def label_signal(setup: Setup, deadline: float, steps: int = 40, perms: int = 2, lr: float = 3e-3) -> dict:
    """True targets vs random permutations of them (same copy, same init): learning speed on one
    half of the captured samples, and the loss on the other, held-out half. Targets that go with
    the inputs are learned faster and generalize; targets that do not, neither."""
    _need_loss(setup)
    if setup.n < 32:
        raise Skip(tr("only {n} samples in the captured batch (32 needed)",
                      n=setup.n))
    # Every sample, in the batch's own order (the halves below keep it too): a model that needs its batch
    # sorted (pack_padded_sequence with enforce_sorted) accepts any ordered subset of it.
    args, target = setup.args, setup.target
    x = args[0]
    if isinstance(x, torch.Tensor) and x.is_floating_point() and float(x.std()) == 0:
        raise Skip(tr("the inputs are constant (D101)"))
    n = target.shape[0]
    if n != setup.n:
        raise Skip(tr("the targets are not one per sample ({targets} targets for {n} samples: per position?)",
                      targets=n, n=setup.n))
    diversity = None
    if is_class_target(target):
        _, counts = target.reshape(-1).unique(return_counts=True)
        p = counts.double() / counts.sum()
        diversity = float(1 - (p ** 2).sum())  # share of labels a random permutation changes
    if is_class_target(target) and target.dim() == 1:
        # Alternate within each class, so both halves hold every class in the same proportions.
        rank, seen = [], {}
        for v in target.tolist():
            rank.append(seen.get(v, 0))
            seen[v] = rank[-1] + 1
        parity = torch.tensor(rank) % 2
        half_a, half_b = torch.nonzero(parity == 0).flatten(), torch.nonzero(parity == 1).flatten()
    else:
        half_a, half_b = torch.arange(0, n, 2), torch.arange(1, n, 2)
    args_a, args_b = take_args(args, half_a, n, setup.batch_dim), take_args(args, half_b, n, setup.batch_dim)
    tgt_a, tgt_b = take(target, half_a, n), take(target, half_b, n)
    steps = setup.steps(steps, floor=15)
    gen = torch.Generator().manual_seed(2)

    share = max(0.0, deadline - now()) / (perms + 1)
    fixed: list[int] = []
    if bool((tgt_a == tgt_a.reshape(tgt_a.shape[0], -1)[0].reshape(tgt_a.shape[1:])).all()):
        raise Skip(tr("every target is the same: a permutation changes nothing"))
    if isinstance(x, torch.Tensor) and x.shape == target.shape and torch.equal(x, target):
        raise Skip(tr("the targets are the inputs themselves (an autoencoder): they cannot be unrelated to them"))
    # Until the true-label copy fits its half clearly below what an input-free predictor gets there
    # (a quarter of the loss of the class frequencies / mean target), both copies are still learning
    # the label statistics, and a slow learner (an LSTM) shows no difference yet: train on, up to
    # ``slow`` times the steps (the rule also waits for the run itself to show what it learns).
    fit_level = 0.25 * _constant_baseline(setup, tgt_a, tgt_a, float("nan"))
    slow = 4

    def run(tgt) -> tuple[list[tuple[int, float]], float]:
        # The first run sets the step count within its share of the time; the others match it.
        twin = clone_model(setup.model, no_dropout=True)
        twin.train()
        if fixed:
            curve = train(setup, twin, default_optimizer(twin, lr), lambda k: (args_a, tgt), fixed[0], float("inf"))
        else:
            fitted = (lambda v, k: k >= steps and v < fit_level) if math.isfinite(fit_level) else (lambda v, k: k >= steps)
            curve = train(setup, twin, default_optimizer(twin, lr), lambda k: (args_a, tgt),
                          steps * slow if math.isfinite(fit_level) else steps, now() + share, stop=fitted)
            fixed.append(len(curve))
        return curve, eval_loss(setup, twin, args_b, tgt_b)

    start_b = eval_loss(setup, clone_model(setup.model, no_dropout=True), args_b, tgt_b)
    true_curve, true_b = run(tgt_a)
    perm_runs = []
    m = tgt_a.shape[0]
    for _ in range(perms):
        perm = torch.randperm(m, generator=gen)
        perm_runs.append(run(take(tgt_a, perm, m)))
    k = min([len(true_curve)] + [len(c) for c, _ in perm_runs])
    if k < 5:
        raise Skip(tr("the time budget allowed too few steps"))

    def auc(curve):  # mean loss over the steps, relative to the start
        return sum(v for _, v in curve[1:k]) / (k - 1) / max(curve[0][1], 1e-12)

    baseline = _constant_baseline(setup, tgt_a, tgt_b, start_b)
    true_auc = auc(true_curve)
    perm_auc = sum(auc(c) for c, _ in perm_runs) / len(perm_runs)
    perm_b = sum(b for _, b in perm_runs) / len(perm_runs)
    fitted = None if not math.isfinite(fit_level) else min(v for _, v in true_curve[-3:]) < fit_level
    return {"samples": n, "steps": k, "true_auc": true_auc, "permuted_auc": perm_auc, "label_diversity": diversity,
            "fitted": fitted, "fit_level": fit_level if math.isfinite(fit_level) else None,
            "advantage": (perm_auc - true_auc) / max(perm_auc, 1e-12),
            "heldout_start": start_b, "heldout_true": true_b, "heldout_permuted": perm_b,
            "heldout_advantage": (perm_b - true_b) / max(abs(perm_b), 1e-12),
            "heldout_baseline": baseline, "heldout_gain": (baseline - true_b) / max(abs(baseline), 1e-12),
            "optimizer": f"Adam(lr={lr})", "curve_true": rounded(true_curve[::5]),
            "curve_permuted": rounded(perm_runs[0][0][::5])}


def _constant_baseline(setup: Setup, tgt_a: torch.Tensor, tgt_b: torch.Tensor, start_b: float) -> float:
    """The held-out loss of the best input-free predictor learned on the training half (the
    class frequencies, or the mean target): what a model gets without any signal from inputs."""
    name = setup.loss.name
    if name in CLASS_INDEX_LOSSES and is_class_target(tgt_a) and tgt_a.dim() == 1 and tgt_b.dim() == 1:
        c = int(max(int(tgt_a.max()), int(tgt_b.max()))) + 1
        counts = torch.bincount(tgt_a[tgt_a >= 0], minlength=c).double() + 0.5
        logp = (counts / counts.sum()).log()
        valid = tgt_b[tgt_b >= 0]
        return float(-logp[valid].mean()) if valid.numel() else start_b
    if name == "mse_loss" and tgt_a.is_floating_point():
        return float(((tgt_b.double() - tgt_a.double().mean(0)) ** 2).mean())
    if name in BINARY_LOSSES and tgt_a.is_floating_point() \
            and tgt_a.shape[1:] == tgt_b.shape[1:]:
        p = tgt_a.double().mean(0).clamp(1e-3, 1 - 1e-3)
        t = tgt_b.double()
        return float(-(t * p.log() + (1 - t) * (1 - p).log()).mean())
    return start_b


# ---------------------------------------------------------------------------------------------- LR range test
def lr_range(setup: Setup, deadline: float, steps: int = 60, samples: int = 32) -> dict:
    """Smith (2017): raise the learning rate geometrically on a copy, watch where the loss falls fastest."""
    _need_loss(setup)
    if setup.optimizer is None or user_lr(setup.optimizer) is None:
        raise Skip(tr("no optimizer with a learning rate"))
    if requires_closure(setup.optimizer):
        raise Skip(tr("{name} searches its own step size: a learning-rate range test does not apply",
                      name=type(setup.optimizer).__name__))
    lr0 = user_lr(setup.optimizer)
    if not lr0 or lr0 <= 0:
        raise Skip(tr("the learning rate in use is 0"))
    args, target, _ = _subset(setup, samples)
    twin = clone_model(setup.model)
    twin.train()
    opt = rebuild_optimizer(setup.optimizer, setup.model, twin)
    if opt is None:
        raise Skip(tr("{name} cannot be rebuilt on a copy",
                      name=type(setup.optimizer).__name__))
    base = [float(g["lr"]) for g in opt.param_groups]
    steps = setup.steps(steps, floor=25)
    t0 = now()
    probe_twin = clone_model(setup.model)
    compute_loss(setup, probe_twin, args, target).backward()
    per_step = max(now() - t0, 1e-6) * 1.3  # forward, backward and the update
    del probe_twin
    steps = int(max(12, min(steps, (deadline - now()) / per_step)))
    lo, hi = min(1e-7, lr0 / 1e4), max(10.0, lr0 * 100)
    factors = [lo / lr0 * (hi / lo) ** (k / (steps - 1)) for k in range(steps)]
    curve, raw, smooth, best = [], [], None, float("inf")
    for k, f in enumerate(factors):
        for g, b in zip(opt.param_groups, base):
            g["lr"] = b * f
        opt.zero_grad(set_to_none=True)
        loss = compute_loss(setup, twin, args, target)
        value = float(loss.detach())
        if not math.isfinite(value):
            break
        smooth = value if smooth is None else 0.7 * smooth + 0.3 * value
        curve.append((lr0 * f, smooth))
        raw.append(value)
        best = min(best, smooth)
        if k > 5 and smooth > 4 * best:
            break
        loss.backward()
        optimizer_step(opt, lambda: compute_loss(setup, twin, args, target))
        if now() > deadline + 2 * per_step * 12:  # a hard stop only well past the share
            break
    if len(curve) < 8:
        raise Skip(tr("too few learning rates tried within the time budget"))
    logs = [math.log10(lr) for lr, _ in curve]
    slopes = [(curve[i + 1][1] - curve[i - 1][1]) / (logs[i + 1] - logs[i - 1]) for i in range(1, len(curve) - 1)]
    lowest = min(range(len(curve)), key=lambda i: curve[i][1])
    min_lr = curve[lowest][0]
    # The steepest descent before the lowest loss: past it the rates overshoot, and a fall back from
    # a spike there is no good rate (fastai's suggestion rule).
    before = max(1, min(len(slopes), lowest - 1))
    steep = min(range(before), key=lambda i: slopes[i])
    best_lr = curve[steep + 1][0]
    left = right = steep
    while left > 0 and slopes[left - 1] <= 0.5 * slopes[steep]:
        left -= 1
    while right < before - 1 and slopes[right + 1] <= 0.5 * slopes[steep]:
        right += 1
    # On one small batch a big model may fit it even at the smallest rates: no usable curve.
    early = curve[: max(2, len(curve) // 10)]
    reliable = early[-1][1] > 0.5 * curve[0][1] and steep + 1 > len(curve) // 10
    return {"lr_in_use": lr0, "best_lr": best_lr, "good_range": [curve[left + 1][0], curve[right + 1][0]],
            "min_loss_lr": min_lr, "diverged_at": curve[-1][0] if len(curve) < steps else None,
            "optimizer": type(setup.optimizer).__name__, "steps": len(curve), "samples": target.shape[0],
            "lr_initial": _initial_lr(setup.optimizer), "reliable": reliable, "curve": rounded(curve)}


def _initial_lr(optimizer: Any) -> float | None:
    value = optimizer.param_groups[0].get("initial_lr")
    return float(value) if value is not None else None


# ---------------------------------------------------------------------------------------------- G407 / L207
def regularization(setup: Setup, deadline: float, steps: int = 40, samples: int = 32) -> dict:
    """Train copies with the user's optimizer: as configured, with regularization off (dropout 0,
    weight decay 0: G407) and with weight decay turned far up (L207: it must change the outcome)."""
    _need_loss(setup)
    opt_user = setup.optimizer
    if opt_user is None:
        raise Skip(tr("no optimizer"))
    wd_groups = [g for g in opt_user.param_groups if "weight_decay" in g]
    wd = max((float(g.get("weight_decay") or 0.0) for g in wd_groups), default=0.0)
    dropouts = [float(m.p) for m in setup.model.modules() if isinstance(m, DROPOUT) and m.p > 0]
    args, target, _ = _subset(setup, samples)
    steps = setup.steps(steps, floor=20)
    lr = user_lr(opt_user) or 0.0
    if lr <= 0:
        raise Skip(tr("the learning rate in use is 0 (a warmup?)"))
    share = max(0.0, deadline - now()) / 4
    fixed: list[int] = []

    def run(no_dropout: bool, per_group=None, **overrides):
        torch.manual_seed(1234)  # the same dropout masks in every run: only the setting differs
        twin = clone_model(setup.model, no_dropout=no_dropout)
        twin.train()
        opt = rebuild_optimizer(opt_user, setup.model, twin, per_group=per_group, **overrides)
        if opt is None:
            raise Skip(tr("{name} cannot be rebuilt on a copy",
                          name=type(opt_user).__name__))
        # The first run sets the step count within its time share; the others run exactly as many
        # steps, so that only the setting differs between them.
        n_steps = fixed[0] if fixed else steps
        curve = train(setup, twin, opt, lambda k: (args, target), n_steps, now() + share if not fixed else float("inf"))
        if not fixed:
            fixed.append(len(curve))
        return twin, curve

    start = eval_loss(setup, clone_model(setup.model), args, target)
    result: dict[str, Any] = {"weight_decay": wd, "dropout": dropouts, "steps": steps, "samples": target.shape[0],
                              "optimizer": type(opt_user).__name__, "loss_start": start}
    twin_user, curve_user = run(False)
    result["loss_user"] = eval_loss(setup, twin_user, args, target)
    result["steps_user"] = len(curve_user)
    if wd > 0 or dropouts:
        twin_free, curve_free = run(True, weight_decay=0.0)
        result["loss_unregularized"] = eval_loss(setup, twin_free, args, target)
        result["steps_unregularized"] = len(curve_free)
    if wd > 0:
        # The configured decay must make a difference: a run without it must end elsewhere. Where the
        # decay is too small for float32 to resolve (lr * wd per step below RESOLVABLE_DECAY: AdamW's
        # 1e-6 * 1e-4 rounds away entirely), the groups configured with it get it raised to that size
        # (the others keep theirs) and that run is compared: a decay that is applied then shows.
        step_decay = max((float(g.get("lr") or 0.0) * float(g.get("weight_decay") or 0.0)
                          for g in opt_user.param_groups if g["params"]), default=0.0)
        result["configured_step_decay"] = step_decay
        twin_configured = twin_user
        if 0 < step_decay < RESOLVABLE_DECAY:
            def resolvable(group: dict) -> dict:
                decay, rate = float(group.get("weight_decay") or 0.0), float(group.get("lr") or 0.0)
                return {"weight_decay": max(decay, RESOLVABLE_DECAY / rate)} if decay > 0 and rate > 0 else {}

            twin_configured, _ = run(False, per_group=resolvable)
            result["configured_decay_raised_by"] = RESOLVABLE_DECAY / step_decay  # at least, per group
        twin_none, _ = run(False, weight_decay=0.0)
        result["configured_decay_changed_weights"] = any(
            not torch.equal(a, b) for a, b in zip(trainable(twin_configured), trainable(twin_none)))
        result["decay_groups_empty"] = [i for i, g in enumerate(opt_user.param_groups)
                                        if float(g.get("weight_decay") or 0) > 0 and not g["params"]]
    if wd_groups:
        # Decay strong enough to shrink the weights substantially within these steps: lr * wd * steps ~ 2.
        big = max(10 * wd, 2.0 / max(lr * steps, 1e-12))
        twin_big, curve_big = run(False, weight_decay=big)
        result["weight_decay_up"] = big
        result["loss_decay_up"] = eval_loss(setup, twin_big, args, target)
        norm = lambda m: float(sum(float((p.detach().double() ** 2).sum()) for p in trainable(m)) ** 0.5)  # noqa: E731
        result["param_norm_user"] = norm(twin_user)
        result["param_norm_decay_up"] = norm(twin_big)
        result["decay_changed_weights"] = any(not torch.equal(a, b) for a, b in
                                              zip(trainable(twin_user), trainable(twin_big)))
        result["user_changed_weights"] = any(not torch.equal(a, b) for a, b in
                                             zip(trainable(twin_user), trainable(setup.model)))
        result["steps_decay_up"] = len(curve_big)
    return result


# ---------------------------------------------------------------------------------------------- D114
def augmentation(setup: Setup, deadline: float, steps: int = 60, samples: int = 32) -> dict:
    """Does the same sample index give different tensors (augmentation)? If so, can a copy fit
    fixed draws but not fresh augmented draws of the same samples?"""
    _need_loss(setup)
    ds, collate = setup.dataset, setup.collate
    if ds is None or collate is None:
        raise Skip(tr("no map-style dataset seen"))
    ds = isolated(ds)  # its own random generators copied: the user's augmentation stream stays put
    try:
        length = len(ds)
    except Exception:
        raise Skip(tr("the dataset has no length")) from None
    k = min(samples, length)
    if k < 4:
        raise Skip(tr("too few samples in the dataset"))
    gen = torch.Generator().manual_seed(3)
    indices = torch.randperm(length, generator=gen)[:k].tolist()

    def draw() -> tuple[tuple, torch.Tensor]:
        batch = collate([ds[i] for i in indices])
        if not isinstance(batch, (list, tuple)) or len(batch) < 2 or not isinstance(batch[0], torch.Tensor):
            raise Skip(tr("dataset items are not (input, target) pairs"))
        x, y = batch[0], batch[1]
        ref = setup.args[0]
        if not isinstance(ref, torch.Tensor):
            raise Skip(tr("the model's input is not one tensor"))
        if tuple(x.shape[1:]) != tuple(ref.shape[1:]) or x.dtype != ref.dtype:
            raise Skip(tr("the dataset's inputs differ from what the model is given (transformed in the "
                          "loop)"))
        return (x.to(ref.device),), y.to(setup.target.device) if isinstance(y, torch.Tensor) else y

    first, second = draw(), draw()
    augmented = not torch.equal(first[0][0], second[0][0])
    result: dict[str, Any] = {"augmented": augmented, "samples": k}
    if not augmented:
        return result
    delta = (first[0][0].double() - second[0][0].double())
    result["augmentation_change"] = float(delta.norm() / (first[0][0].double().norm() + 1e-12))
    steps = setup.steps(steps, floor=15)
    share = max(0.0, deadline - now()) / 2

    def run(fresh: bool):  # other regularization off: augmentation alone is on trial (G407 judges the rest)
        twin = clone_model(setup.model, no_dropout=True)
        twin.train()
        opt = rebuild_optimizer(setup.optimizer, setup.model, twin, weight_decay=0.0) \
            if setup.optimizer is not None else None
        opt = opt or default_optimizer(twin, 1e-3)
        train(setup, twin, opt, (lambda k: draw()) if fresh else (lambda k: first), steps,
              now() + share)
        return twin

    probe_fixed = first
    probe_fresh = draw()
    start_fixed = eval_loss(setup, clone_model(setup.model), *probe_fixed)
    start_fresh = eval_loss(setup, clone_model(setup.model), *probe_fresh)
    if not (math.isfinite(start_fixed) and math.isfinite(start_fresh)):
        raise Skip(tr("the loss is not finite"))
    fixed = run(False)
    fresh = run(True)
    end_fixed = eval_loss(setup, fixed, *probe_fixed)
    end_fresh = eval_loss(setup, fresh, *probe_fresh)
    # Falls are measured from the chance level where the loss starts above it: getting the
    # output scale right is no learning.
    with torch.no_grad():
        out = clone_model(setup.model)(*probe_fixed[0])
    chance, _, _ = chance_level(setup.loss, setup.loss.pick(out), probe_fixed[1])
    ref_fixed = min(start_fixed, chance) if chance else start_fixed
    ref_fresh = min(start_fresh, chance) if chance else start_fresh
    result.update({"loss_fixed_start": start_fixed, "loss_fixed_end": end_fixed,
                   "loss_augmented_start": start_fresh, "loss_augmented_end": end_fresh, "steps": steps,
                   "chance_level": chance,
                   "drop_fixed": (ref_fixed - end_fixed) / max(ref_fixed, 1e-12),
                   "drop_augmented": (ref_fresh - end_fresh) / max(ref_fresh, 1e-12)})
    return result

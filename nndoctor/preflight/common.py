"""What every pre-flight experiment shares: the captured set-up, copies, the loss, budgets, training loops.

Nothing here touches the user's objects except to read them: models and optimizers are
deep-copied, tensors are cloned before anything writes into them.
"""
from __future__ import annotations

import copy
import inspect
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

from nndoctor.i18n import tr
from nndoctor.probes.measure import first_tensor, unregistered_modules
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES

# Sizes of the experiments at default settings (not judgments: those live in nndoctor/thresholds.py).
MAX_BATCH = 64  # samples kept from the captured batch
OVERFIT_SAMPLES = 16  # TheDeepChecker / Karpathy: overfit a tiny batch
TOTAL_BUDGET_S = 10.0  # CPU seconds for the whole pre-flight (experiments past their share stop early)
REFERENCE_PARAMS = 1_000_000  # above this many parameters, step counts shrink proportionally
# Weight decay shrinks each weight by lr * weight_decay per step. float32 resolves relative changes
# down to 2^-24 (~6e-8, half its spacing 2^-23): below that the change rounds away (AdamW's
# p.mul_(1 - lr * wd) leaves p exactly as it was), so a copy with the decay ends bit-identical to one
# without it although the decay is applied. Tests of whether decay is applied at all use at least this
# per-step shrink (~8 float32 spacings: every nonzero weight changes at every step; over 40 steps
# still only a 0.004% shrink).
RESOLVABLE_DECAY = 1e-6

DROPOUT = (nn.modules.dropout._DropoutNd, nn.AlphaDropout)


@contextmanager
def hooks_hidden():
    """torch's global module and optimizer hooks (the user's, a library's, nndoctor's own probe)
    see nothing of the experiments: the tables are emptied for their duration, then restored
    exactly, in order, with the same handles."""
    from torch.nn.modules import module as module_mod
    from torch.optim import optimizer as optim_mod

    tables = [getattr(module_mod, name) for name in dir(module_mod)
              if name.startswith("_global_") and name.endswith("hooks") and isinstance(getattr(module_mod, name), dict)]
    tables += [getattr(optim_mod, name) for name in ("_global_optimizer_pre_hooks", "_global_optimizer_post_hooks")
               if isinstance(getattr(optim_mod, name, None), dict)]
    saved = [dict(t) for t in tables]
    for t in tables:
        t.clear()
    try:
        yield
    finally:
        for t, items in zip(tables, saved):
            t.clear()
            t.update(items)


class Skip(Exception):
    """An experiment that cannot run on this set-up: recorded as skipped, with the reason."""

    @property
    def reason(self) -> str:
        """The reason as raised: a translatable ``Text`` when the experiment gave one."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


@dataclass
class LossSpec:
    name: str  # functional name ("cross_entropy") or the user's callable's name
    fn: Callable[[Any, torch.Tensor], torch.Tensor]  # (model output, target) -> scalar loss
    inferred: bool = False  # True: nndoctor chose it (the user's loss could not be reused)
    reason: str = ""
    # The model output the loss scores: the first tensor, or the one of several outputs the user's loss
    # took (a model returning (features, logits)).
    pick: Callable[[Any], torch.Tensor | None] = first_tensor


@dataclass
class Setup:
    """The model, optimizer, batch and loss the experiments work from (the user's, never modified)."""

    model: nn.Module
    args: tuple  # positional model inputs of the captured batch (capped to MAX_BATCH samples)
    target: torch.Tensor | None
    loss: LossSpec | None
    optimizer: Any = None
    batch_dim: int = 0  # the sample dimension of args[0]
    batch_dim_guessed: bool = False  # dim 1 taken for a sequence-first model's (time, batch) input: dim 0 may be it
    n: int = 0  # samples in the capped batch
    n_full: int = 0  # samples in the captured batch
    dataset: Any = None  # a map-style dataset (for the augmentation experiment), with its collate function
    collate: Callable | None = None
    budget: "Budget" = None  # type: ignore[assignment]
    n_params: int = 0
    log: Callable[[str], None] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def scale(self) -> float:
        """1 for models up to REFERENCE_PARAMS parameters, less for bigger ones (fewer steps)."""
        return min(1.0, REFERENCE_PARAMS / max(1, self.n_params))

    def steps(self, base: int, floor: int = 5) -> int:
        return max(floor, int(round(base * self.scale)))


def now() -> float:
    """The clock budgets are kept in: this process's CPU time, so a machine loaded by other work
    gives the same experiments (same step counts) as an idle one, only later."""
    return time.process_time()


class Budget:
    """CPU-time budget for the whole pre-flight; each experiment gets a share as a deadline."""

    def __init__(self, total_s: float) -> None:
        self.total = total_s
        self.start = now()

    def left(self) -> float:
        return self.total - (now() - self.start)

    def deadline(self, share_s: float) -> float:
        return now() + max(0.05, min(share_s, self.left()))


# ---------------------------------------------------------------------------------------------- tensors
def find_batch_dim(x: torch.Tensor, n: int | None) -> int:
    """The sample dimension of ``x``: dim 0 unless only another dimension has ``n`` entries."""
    if n is None or x.dim() == 0 or x.shape[0] == n:
        return 0
    for d in range(1, x.dim()):
        if x.shape[d] == n:
            return d
    return 0


def take(t: Any, idx: torch.Tensor, n: int, dim: int | None = None) -> Any:
    """Rows ``idx`` (of ``n`` samples) of a tensor whose sample dimension is ``dim`` (found when None);
    inside tuples, lists and dicts (batches of several inputs), each tensor finds its own."""
    if isinstance(t, dict):
        return {k: take(v, idx, n) for k, v in t.items()}
    if isinstance(t, (list, tuple)) and type(t) in (list, tuple):
        return type(t)(take(v, idx, n) for v in t)
    if not isinstance(t, torch.Tensor) or t.dim() == 0:
        return t
    if dim is None:
        if t.shape[0] == n:
            dim = 0
        elif t.shape[0] % n == 0 and t.shape[0] > n:  # flattened (sample, position) rows, sample-major
            k = t.shape[0] // n
            return t.reshape(n, k, *t.shape[1:]).index_select(0, idx.to(t.device)).reshape(-1, *t.shape[1:])
        else:
            dim = next((d for d in range(1, t.dim()) if t.shape[d] == n), None)
            if dim is None:
                return t
    return t.index_select(dim, idx.to(t.device))


def take_args(args: tuple, idx: torch.Tensor, n: int, batch_dim: int) -> tuple:
    out = []
    for i, a in enumerate(args):
        out.append(take(a, idx, n, batch_dim if i == 0 else None))
    return tuple(out)


def is_class_target(target: torch.Tensor | None) -> bool:
    return target is not None and not target.is_floating_point() and not target.is_complex()


def resample_positions(x: torch.Tensor, dim: int, gen: torch.Generator, pool: torch.Tensor | None = None
                       ) -> torch.Tensor:
    """``x`` with every entry replaced by the entry at the same position (column, token position) of
    a random sample of ``pool`` (default: ``x`` itself; samples along ``dim``), redrawn up to a few
    times where it happens to be equal. For integer inputs (category codes, token ids): every value
    is one its position already holds, so an embedding index stays in range for its own column."""
    pool = x if pool is None else pool
    src, cur = pool.movedim(dim, 0), x.movedim(dim, 0)
    if src.shape[1:] != cur.shape[1:] or src.shape[0] == 0:
        return x.clone()
    out = cur.clone()
    for _ in range(8):
        same = out == cur
        if not bool(same.any()):
            break
        pick = torch.randint(src.shape[0], tuple(cur.shape), generator=gen).to(src.device)
        out = torch.where(same, src.gather(0, pick), out)
    return out.movedim(0, dim).contiguous()


@contextmanager
def same_randomness(seed: int = 0):
    """Every random draw inside starts from the same state (torch's default generators, numpy's and
    Python's global ones, seeded with ``seed``), all restored afterwards: two forwards of a model that
    samples noise in forward (a VAE's reparameterization, dropout called with training=True) draw the
    same noise, so what differs between them is what differs in their inputs."""
    import random

    from nndoctor.rng import preserved_random_state, seed_torch

    with preserved_random_state():
        seed_torch(seed)
        random.seed(seed)
        try:
            import numpy as np

            np.random.seed(seed)
        except ImportError:  # numpy is optional for users
            pass
        yield


# ---------------------------------------------------------------------------------------------- copies
def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def clone_model(model: nn.Module, *, dtype: torch.dtype | None = None, no_dropout: bool = False) -> nn.Module:
    """A deep copy of the model that shares nothing with it (parameters, buffers, running stats)."""
    # A tensor a layer keeps from its last forward (a Bayesian layer's KL, an auxiliary loss) is not a
    # graph leaf, which deepcopy refuses: its copy is a detached one.
    memo = {id(value): value.detach().clone() for m in model.modules() for value in vars(m).values()
            if isinstance(value, torch.Tensor) and value.grad_fn is not None}
    twin = copy.deepcopy(model, memo)
    for p in twin.parameters():
        p.grad = None
    if dtype is not None:
        twin = twin.to(dtype)
        for _, hidden in unregistered_modules(twin):  # layers kept in a plain list: .to() does not reach them
            hidden.to(dtype)
    if no_dropout:
        for m in twin.modules():
            if isinstance(m, DROPOUT):
                m.p = 0.0
    return twin


def to_dtype(args: Any, dtype: torch.dtype) -> Any:
    """Floating tensors cast to ``dtype``, also inside tuples, lists and dicts."""
    if isinstance(args, torch.Tensor):
        return args.to(dtype) if args.is_floating_point() else args
    if isinstance(args, dict) and type(args) is dict:
        return {k: to_dtype(v, dtype) for k, v in args.items()}
    if type(args) in (list, tuple):
        return type(args)(to_dtype(a, dtype) for a in args)
    return args


def trainable(model: nn.Module) -> list[torch.Tensor]:
    return [p for p in model.parameters() if p.requires_grad]


def user_lr(optimizer: Any) -> float | None:
    try:
        return float(optimizer.param_groups[0]["lr"])
    except Exception:
        return None


def rebuild_optimizer(optimizer: Any, model: nn.Module, twin: nn.Module, *,
                      per_group: Callable[[dict], dict] | None = None, **overrides: Any):
    """The user's optimizer class and hyperparameters, on the twin's parameters (a fresh state);
    ``overrides`` apply to every group, ``per_group(hyperparameters)`` returns one group's own."""
    if optimizer is None:
        return None
    mapping = {id(p): q for p, q in zip(model.parameters(), twin.parameters())}
    groups = []
    for g in optimizer.param_groups:
        params = [mapping[id(p)] for p in g["params"] if id(p) in mapping]
        if params:
            hyper = {k: (v.clone() if isinstance(v, torch.Tensor) else copy.deepcopy(v))
                     for k, v in g.items() if k != "params"}
            for key, value in overrides.items():
                if key in hyper or key != "weight_decay":
                    hyper[key] = value
            if per_group is not None:
                hyper.update(per_group(hyper))
            groups.append({**hyper, "params": params})
    if not groups:
        return None
    try:
        return type(optimizer)(groups)
    except Exception:
        return None


def default_optimizer(twin: nn.Module, lr: float = 3e-3):
    params = trainable(twin)
    if not params:
        raise Skip(tr("the model has no trainable parameters"))
    return torch.optim.Adam(params, lr=lr)


# ---------------------------------------------------------------------------------------------- the loss
def _loss_signature(name: str):
    fn = getattr(F, name, None)
    return None if fn is None else inspect.signature(fn)


def loss_from_capture(name: str, args: tuple, kwargs: dict, model_out: Any,
                      batch_n: int) -> tuple[LossSpec, Any] | None:
    """Rebuild the user's functional loss call as (output, target) -> loss; also return the captured target.

    The captured call's input must be the model output or a reshape of it (``.squeeze()``,
    ``.view(-1, C)``); otherwise (a slice, a second head) None: the caller infers a default.
    """
    sig = _loss_signature(name)
    if sig is None:
        return None
    try:
        bound = dict(sig.bind_partial(*args, **kwargs).arguments)
    except TypeError:
        return None
    inp, target = bound.pop("input", None), bound.pop("target", None)
    if not isinstance(inp, torch.Tensor) or not isinstance(target, torch.Tensor):
        return None
    if any(isinstance(v, torch.Tensor) and (v.grad_fn is not None or (v.dim() and v.shape[0] == batch_n))
           for v in bound.values()):
        return None  # another per-sample input computed by the model (gaussian_nll_loss's var): not replayable
    pick = _output_picker(model_out, inp)
    if pick is None:
        return None
    out = pick(model_out)
    if tuple(out.shape) == tuple(inp.shape):
        adapt = pick
    else:
        tail = tuple(inp.shape[1:])
        adapt = (lambda o, tail=tail, _pick=pick: _pick(o).reshape(-1, *tail))
    fn = getattr(F, name)

    def loss(output: Any, tgt: torch.Tensor, _fn=fn, _adapt=adapt, _kw=bound) -> torch.Tensor:
        return _fn(_adapt(output), tgt, **_kw)

    return LossSpec(name=name, fn=loss, pick=pick), target


def _output_picker(model_out: Any, inp: torch.Tensor) -> Callable[[Any], torch.Tensor] | None:
    """Which of the model's outputs the captured loss input is (or a reshape of): the first tensor
    when it fits, else the first item of a tuple/list/dict output of the loss input's shape, then of
    its size."""
    out = first_tensor(model_out)
    if out is None:
        return None
    if tuple(out.shape) == tuple(inp.shape):
        return first_tensor
    if isinstance(model_out, (tuple, list)):
        keys = list(range(len(model_out)))
    elif isinstance(model_out, dict):
        keys = list(model_out.keys())
    else:
        keys = []
    items = [(k, model_out[k]) for k in keys if isinstance(model_out[k], torch.Tensor)]
    items.sort(key=lambda item: item[1] is not out)  # (the first tensor first: a reshape of it, as before)
    for fits in (lambda t: tuple(t.shape) == tuple(inp.shape), lambda t: t.numel() == inp.numel()):
        for k, t in items:
            if fits(t):
                return first_tensor if t is out else (lambda o, _k=k: o[_k])
    return None


def infer_loss(out: Any, target: torch.Tensor | None) -> LossSpec | None:
    """A sensible default loss from the shapes and values of outputs and targets."""
    out = first_tensor(out)
    if out is None or target is None or not out.is_floating_point():
        return None
    if is_class_target(target):
        if out.dim() >= 2 and out.shape[1] > 1 and target.dim() == out.dim() - 1 \
                and target.shape[0] == out.shape[0]:
            return LossSpec("cross_entropy", lambda o, t: F.cross_entropy(first_tensor(o), t), inferred=True)
        if out.numel() == target.numel():
            values = target.unique()
            if values.numel() <= 2 and bool(((values == 0) | (values == 1)).all()):
                return LossSpec("binary_cross_entropy_with_logits",
                                lambda o, t: F.binary_cross_entropy_with_logits(
                                    first_tensor(o), t.reshape(first_tensor(o).shape).to(first_tensor(o).dtype)),
                                inferred=True)
        return None
    if target.is_floating_point() and out.numel() == target.numel():
        binary = bool(((target == 0) | (target == 1)).all())
        bounded = bool(((out >= 0) & (out <= 1)).all())
        if binary and not bounded:
            return LossSpec("binary_cross_entropy_with_logits",
                            lambda o, t: F.binary_cross_entropy_with_logits(first_tensor(o),
                                                                            t.reshape(first_tensor(o).shape)),
                            inferred=True)
        if binary and bounded:
            return LossSpec("binary_cross_entropy",
                            lambda o, t: F.binary_cross_entropy(first_tensor(o), t.reshape(first_tensor(o).shape)),
                            inferred=True)
        return LossSpec("mse_loss", lambda o, t: F.mse_loss(first_tensor(o), t.reshape(first_tensor(o).shape)),
                        inferred=True)
    return None


def chance_level(loss: LossSpec, out: torch.Tensor, target: torch.Tensor) -> tuple[float | None, int, str]:
    """(expected loss at initialization, classes, what it is) for the common losses, mean reduction."""
    name = loss.name
    if name in CLASS_INDEX_LOSSES and out.dim() >= 2 and out.shape[1] > 1:
        c = int(out.shape[1])
        return math.log(c), c, f"ln({c}) for {c} classes"
    if name in BINARY_LOSSES:
        return math.log(2), 2, "ln 2 per binary output"
    if name in ("mse_loss",) and target.is_floating_point():
        t = target.detach().double()
        return float(((t - t.mean()) ** 2).mean()), 0, "variance of the targets (predicting their mean)"
    return None, 0, ""


# Losses whose targets may be soft, so that even a perfect output leaves a loss above 0, with the
# outputs a perfect model would give (candidates: the loss at each is at least the floor, the lowest
# of them is taken).
_IDEAL_OUTPUTS: dict[str, Callable[[torch.Tensor], list[torch.Tensor]]] = {
    "binary_cross_entropy": lambda t: [t.clamp(0, 1)],
    "binary_cross_entropy_with_logits": lambda t: [torch.logit(t.double().clamp(1e-7, 1 - 1e-7))],
    "cross_entropy": lambda t: [t.double().clamp_min(1e-30).log()],  # probability targets only
    "poisson_nll_loss": lambda t: [t.double().clamp_min(1e-8).log(), t],  # log_input True / False
}


def loss_floor(loss: LossSpec, out: torch.Tensor | None, target: torch.Tensor | None) -> tuple[float, str | None]:
    """(the lowest loss any output can reach on these targets, why it is above 0), or (0, None).

    Binary cross-entropy on grey levels in [0, 1] (a VAE's Bernoulli decoder) and cross-entropy on
    probability targets cannot go below the targets' entropy ("soft_targets"); the Poisson NLL not
    below its value at the counts themselves ("counts"). Hard targets (0/1, one-hot) have floor 0.
    Computed with the user's loss at the output the targets call for, so its reduction ("sum") and
    weights apply."""
    if loss is None or out is None or target is None or not target.is_floating_point() \
            or not out.is_floating_point() or loss.name not in _IDEAL_OUTPUTS:
        return 0.0, None
    t = target.detach()
    if loss.name == "cross_entropy" and t.shape != out.shape:
        return 0.0, None  # class indices (or a shape the loss reshapes): hard targets
    kind = "counts" if loss.name == "poisson_nll_loss" else "soft_targets"
    if kind == "soft_targets" and bool(((t == 0) | (t == 1)).all()):
        return 0.0, None
    values = []
    for ideal in _IDEAL_OUTPUTS[loss.name](t):
        if ideal.numel() != out.numel():
            continue
        try:
            with torch.no_grad():
                value = loss.fn(ideal.reshape(out.shape).to(out.dtype).to(out.device), target)
            value = float(value if value.numel() == 1 else value.mean())
        except Exception:  # a candidate the loss rejects (a range, a shape) says nothing of the floor
            continue
        if math.isfinite(value):
            values.append(value)
    if not values or min(values) == 0:
        return 0.0, None
    return min(values), kind


# ---------------------------------------------------------------------------------------------- training
def compute_loss(setup: Setup, model: nn.Module, args: tuple, target: torch.Tensor) -> torch.Tensor:
    out = model(*args)
    try:
        loss = setup.loss.fn(out, target)
    except (RuntimeError, IndexError, ValueError) as exc:
        # The user's loss rejects the user's batch (class index out of range, shapes): their bug, which
        # the passive rules (D113, L204) report; the experiments cannot run on it.
        raise Skip(tr("the loss function fails on the captured batch: {error}",
                      error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")) from None
    if not isinstance(loss, torch.Tensor):
        raise Skip(tr("the loss function did not return a tensor"))
    return loss if loss.numel() == 1 else loss.mean()


def train(setup: Setup, model: nn.Module, opt: Any, batches: Callable[[int], tuple[tuple, torch.Tensor]],
          steps: int, deadline: float, *, stop: Callable[[float, int], bool] | None = None,
          record: int = 1) -> list[tuple[int, float]]:
    """Plain training on a twin: (step, loss before that step's update) every ``record`` steps."""
    curve = []
    for k in range(steps):
        args, target = batches(k)
        opt.zero_grad(set_to_none=True)
        loss = compute_loss(setup, model, args, target)
        value = float(loss.detach())
        if k % record == 0 or k == steps - 1:
            curve.append((k, value))
        if not math.isfinite(value):
            break
        if stop is not None and stop(value, k):
            break
        loss.backward()
        optimizer_step(opt, lambda: compute_loss(setup, model, args, target))
        if now() > deadline:
            break
    return curve


def requires_closure(opt: Any) -> bool:
    """Optimizers whose step() re-evaluates the loss itself (LBFGS): no plain step, no fixed lr per step."""
    try:
        closure = inspect.signature(opt.step).parameters.get("closure")
    except (TypeError, ValueError):
        return False
    return closure is not None and closure.default is inspect.Parameter.empty


def optimizer_step(opt: Any, loss_fn: Callable[[], torch.Tensor]) -> None:
    """``opt.step()``, with a closure for optimizers that require one (LBFGS re-evaluates the loss)."""
    if not requires_closure(opt):
        opt.step()
        return

    def evaluate() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        return loss

    opt.step(evaluate)


@torch.no_grad()
def eval_loss(setup: Setup, model: nn.Module, args: tuple, target: torch.Tensor) -> float:
    was = model.training
    model.eval()
    try:
        return float(compute_loss(setup, model, args, target))
    finally:
        model.train(was)


def accuracy(model_out: Any, target: torch.Tensor) -> float | None:
    """Class indices: the argmax's hits. 0/1 targets shaped like the output (binary, multi-label,
    ordinal bits): the share of bits on the right side (0 for logits, 0.5 for probabilities)."""
    out = first_tensor(model_out)
    if out is None or target is None or target.shape[:1] != out.shape[:1]:
        return None
    if target.shape == out.shape and out.is_floating_point() and out.numel():
        bits = target.float()
        if not bool(((bits == 0) | (bits == 1)).all()):
            return None
        cut = 0.5 if bool(((out >= 0) & (out <= 1)).all()) else 0.0
        return float(((out > cut).float() == bits).float().mean())
    if not is_class_target(target) or out.dim() < 2 or target.dim() != out.dim() - 1:
        return None
    return float((out.argmax(1) == target).float().mean())


def rounded(curve: list[tuple[Any, float]], digits: int = 5) -> list[list[float]]:
    return [[float(f"{a:.4g}") if isinstance(a, float) else a, float(f"{b:.{digits}g}")] for a, b in curve]


def isolated(dataset: Any) -> Any:
    """A copy of a dataset that shares its (big) arrays and tensors but not its state: private
    random generators (numpy Generator/RandomState, torch.Generator, random.Random), counters,
    caches are copied, so drawing items from it leaves the user's dataset exactly as it was."""
    memo: dict[int, Any] = {}
    try:
        import numpy as np

        arrays: tuple = (torch.Tensor, np.ndarray)
    except ImportError:  # pragma: no cover
        arrays = (torch.Tensor,)
    seen: set[int] = set()

    def walk(obj: Any, depth: int) -> None:
        if id(obj) in seen or depth > 4:
            return
        seen.add(id(obj))
        if isinstance(obj, arrays):
            memo[id(obj)] = obj
        elif isinstance(obj, (list, tuple)):
            if len(obj) > 64 and all(isinstance(o, arrays) for o in obj[:8]):
                for o in obj:
                    memo[id(o)] = o
            else:
                for o in obj[:64]:
                    walk(o, depth + 1)
        elif isinstance(obj, dict):
            for o in list(obj.values())[:64]:
                walk(o, depth + 1)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            for o in vars(obj).values():
                walk(o, depth + 1)

    walk(dataset, 0)
    try:
        return copy.deepcopy(dataset, memo)
    except Exception as exc:
        raise Skip(tr("the dataset cannot be copied ({name})",
                      name=type(exc).__name__)) from None

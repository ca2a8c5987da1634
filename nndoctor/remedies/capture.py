"""What a trial starts from: copies taken while the user's script trains (``--try-fixes`` only).

At the first optimizer step (before its update) the model is deep-copied and the user's
optimizer class and hyperparameters are rebuilt on the copy (a fresh state, as at the start);
then, at the end of each of the first steps, the step's batch (model inputs and loss target)
is cloned with the mode the model trained it in. Nothing is held unless ``--try-fixes`` is on,
and only clones: the user's tensors are released with their step, as always.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nndoctor.probes.measure import first_tensor

# Bounds on what is kept: a trial cycles over these batches.
MAX_BATCHES = 64
MAX_SAMPLES = 16384
MAX_BYTES = 64 << 20


@dataclass
class Batch:
    args: tuple  # the model's positional inputs (clones)
    target: torch.Tensor  # the loss target (a clone)
    training: bool  # the mode the user's model was in for this training forward


@dataclass
class CapturedLoss:
    """The user's functional loss call, replayable on a copy's output: ``F.<name>(adapt(out), target, **kwargs)``."""

    name: str
    kwargs: dict
    tail: tuple | None  # None: the loss input is the model output as it is; else reshape(-1, *tail)

    def input_of(self, out: Any) -> torch.Tensor:
        out = first_tensor(out)
        return out if self.tail is None else out.reshape(-1, *self.tail)

    def __call__(self, out: Any, target: torch.Tensor, **overrides: Any) -> torch.Tensor:
        loss = getattr(F, self.name)(self.input_of(out), target, **{**self.kwargs, **overrides})
        return loss if loss.numel() == 1 else loss.mean()


@dataclass
class TrialCapture:
    model: nn.Module | None = None  # deep copy at the first step, before its update
    optimizer: Any = None  # the user's optimizer rebuilt on ``model`` (never stepped)
    loss: CapturedLoss | None = None
    batches: list[Batch] = field(default_factory=list)
    accumulates: bool = False  # the user's loop never cleared gradients between steps (T501)
    skipped: str | None = None  # why no trial can run, when it cannot
    _root: Any = None  # weak reference to the user's model (which forwards to capture)
    _input_tail: tuple = ()
    _bytes: int = 0
    _samples: int = 0

    def usable(self) -> bool:
        return self.skipped is None and self.model is not None and self.loss is not None and bool(self.batches)

    # ------------------------------------------------------------------ wiring into a session
    def attach(self, session: Any) -> None:
        probe = session.probe
        earlier = probe.on_first_step

        def first_step(opt: Any) -> None:
            try:
                with probe.paused():  # the copies (a rebuilt optimizer) are not the user's
                    self._first_step(probe, opt)
            except Exception as exc:  # a capture that fails costs the trials, never the run
                self.skipped = f"the set-up could not be copied ({type(exc).__name__}: {exc})"
                session.engine.internal_error("try-fixes:capture", exc)
            if earlier is not None:
                earlier(opt)

        def step_end() -> None:
            try:
                if not self._step_end(probe):
                    probe.on_step_end = None
            except Exception as exc:
                probe.on_step_end = None
                session.engine.internal_error("try-fixes:capture", exc)

        probe.on_first_step = first_step
        probe.on_step_end = step_end

    def finish(self, signals: Any) -> None:
        """At the end of the run: what the probe learnt about the user's loop, for a faithful replay."""
        checked, stale = signals.checked_backwards, signals.stale_grad_backwards
        self.accumulates = checked > 0 and stale * 2 >= checked  # T501's own test: most steps stale

    # ------------------------------------------------------------------ the copies
    def _first_step(self, probe: Any, opt: Any) -> None:
        import weakref

        from nndoctor.preflight.common import clone_model, rebuild_optimizer

        call = probe._step_root_call
        model = call[0]() if call is not None else None
        if model is None:
            self.skipped = "no model forward seen before the first optimizer step"
            return
        if type(model).__name__ == "OptimizedModule":
            self.skipped = "a torch.compile'd model"
            return
        owned = {id(p) for p in model.parameters()}
        if not any(id(p) in owned for g in opt.param_groups for p in g["params"]):
            self.skipped = "the optimizer does not train the model that was called"
            return
        loss = self._loss_of(probe)
        if loss is None:
            self.skipped = "the loss is not a torch.nn.functional call on the model's output"
            return
        twin = clone_model(model)
        rebuilt = rebuild_optimizer(opt, model, twin)
        if rebuilt is None:
            self.skipped = f"{type(opt).__name__} cannot be rebuilt on a copy"
            return
        self.model, self.optimizer, self.loss = twin, rebuilt, loss
        self._root = weakref.ref(model)

    def _loss_of(self, probe: Any) -> CapturedLoss | None:
        bound = _bound_loss(probe)
        if bound is None:
            return None
        name, inp, target, rest = bound
        out = _root_output(probe)
        if out is None or not _derived_from(inp, out) or out.numel() != inp.numel():
            return None
        tail = None if tuple(out.shape) == tuple(inp.shape) else tuple(inp.shape[1:])
        self._input_tail = tuple(inp.shape[1:])
        kwargs = {k: (v.detach().clone() if isinstance(v, torch.Tensor) else v) for k, v in rest.items()}
        return CapturedLoss(name=name, kwargs=kwargs, tail=tail)

    def _step_end(self, probe: Any) -> bool:
        """Clone this step's batch; False once nothing more will be kept."""
        if self.model is None or self.skipped:
            return False
        if len(self.batches) >= MAX_BATCHES or self._samples >= MAX_SAMPLES or self._bytes >= MAX_BYTES:
            return False
        call, bound = probe._step_root_call, _bound_loss(probe)
        if call is None or bound is None or self._root is None or call[0]() is not self._root():
            return True  # an unsampled step (no loss seen) or another model: wait for the next one
        name, inp, target, _ = bound
        out = _root_output(probe)
        if name != self.loss.name or tuple(inp.shape[1:]) != self._input_tail:
            return True
        # On unsampled steps the probe's output hook is off (out is gone): the first step checked
        # that this loss call takes the model output, and the call and its shapes are the same.
        if out is not None and not _derived_from(inp, out):
            return True
        args = tuple(a.detach().clone() if isinstance(a, torch.Tensor) else a for a in probe.step_root_args())
        if not args or not isinstance(args[0], torch.Tensor):
            return False
        size = sum(a.numel() * a.element_size() for a in args if isinstance(a, torch.Tensor))
        size += target.numel() * target.element_size()
        self.batches.append(Batch(args=args, target=target.detach().clone(), training=bool(call[2])))
        self._bytes += size
        self._samples += int(target.shape[0]) if target.dim() else 1
        return True


def _bound_loss(probe: Any) -> tuple[str, torch.Tensor, torch.Tensor, dict] | None:
    captured = probe._step_loss_args
    if captured is None:
        return None
    name, args, kwargs = captured
    fn = getattr(F, name, None)
    if fn is None:
        return None
    try:
        bound = dict(inspect.signature(getattr(fn, "__wrapped__", fn)).bind_partial(*args, **kwargs).arguments)
    except TypeError:
        return None
    inp, target = bound.pop("input", None), bound.pop("target", None)
    if not isinstance(inp, torch.Tensor) or not isinstance(target, torch.Tensor):
        return None
    return name, inp, target, bound


def _root_output(probe: Any) -> torch.Tensor | None:
    ref = probe._last_root_output
    return ref() if ref is not None else None


def _derived_from(inp: torch.Tensor, out: torch.Tensor) -> bool:
    """The loss input is the model output itself or a view of it (``.squeeze()``, ``.view(-1, C)``):
    a softmax or slice applied after the model is not replayable from the model alone."""
    if inp is out:
        return True
    base_in, base_out = inp._base, out._base
    return base_in is out or (base_in is not None and base_in is base_out)


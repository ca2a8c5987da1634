"""The torch probe: global hooks that watch a training run and fill ``Signals``.

Everything here only reads. Forward hooks never return a value, loss wrappers
return what the real loss returns, the backward wrapper calls the real backward.
References to the user's tensors live at most until the end of their step.

Cost model: a few Python operations per module call and per step always (root
calls, loss values, gradient bookkeeping by identity and version counters, no
device sync); statistics that need reductions only on sampled steps (all of the
first ``full_steps``, then every k-th with k adapted to keep the probe's share of
step time small), read back in one batch per sampled step.
"""
from __future__ import annotations

import collections
import inspect
import math
import random
import sys
import time
import weakref
from collections import deque
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

from nndoctor.i18n import tr
from nndoctor.probes import nonfinite
from nndoctor.probes.data_capture import DataCapture
from nndoctor.probes.measure import (Readback, feature_axes, first_tensor, positional_args, tensor_stats,
                                     unregistered_modules, unregistered_tensors)
from nndoctor.rng import preserved_random_state
from nndoctor.signals import (BINARY_LOSSES, CLASS_INDEX_LOSSES, MANUAL_UPDATES, REGRESSION_LOSSES, BatchSignal, ClipCall,
                              LayerStats, LoaderInfo, LossCall, OptimizerInfo, ParamInfo, PlateauReport, Signals,
                              StepStats)

if TYPE_CHECKING:
    from nndoctor.engine import Engine

LOSS_FUNCTIONS = (
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss",
    "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "multilabel_margin_loss", "hinge_embedding_loss",
    "multi_margin_loss", "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss", "ctc_loss",
)
MODE_DEPENDENT = (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm, nn.AlphaDropout)
ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Softmax,
               nn.LogSoftmax, nn.Softplus, nn.Mish, nn.Hardtanh, nn.PReLU, nn.SELU, nn.CELU, nn.Hardswish)
LINEAR_LIKE = (nn.Linear, nn.modules.conv._ConvNd, nn.Bilinear)
LINEAR_PASS_THROUGH = (nn.modules.dropout._DropoutNd, nn.Identity)  # between two linear layers: still linear
_INF = math.inf
_INT_MAX = 2 ** 62  # (a class index no data set has: where every target is the ignore_index)
# Inside torch.func transforms (vmap, grad, jacrev) tensors are wrappers that must not escape the call:
# the probe keeps none of them and counts no model call there (a meta-learning inner loop).
_in_transform = getattr(torch._C, "_are_functorch_transforms_active", lambda: False)
RESEED_KEYS = 32
INTERLEAVE_MAX_CHANNELS = 16  # convolutions whose inputs are checked for interleaved channels (D112)
TERM_GRADIENT_STEPS = (0, 1, 2, 16, 64)  # the steps from which L205 weighs loss terms by gradient
# Elementwise ops of two tensors, as autograd names their nodes: where a loss written by hand broadcasts.
BROADCASTING_NODES = frozenset({"SubBackward0", "RsubBackward0", "AddBackward0", "MulBackward0", "DivBackward0",
                                "PowBackward1", "MaximumBackward0", "MinimumBackward0", "Atan2Backward0"})
VAL_CONFUSION_MAX_CLASSES = 50  # D116's relabeling check: (classes x classes) counts kept per validation step
VAL_CONFUSION_MIN_SAMPLES = 200  # ... summed over the last validation steps until they hold this many
FORK_GRAPH_MAX_NODES = 100_000  # M311's count of a layer output's readers walks the first step's whole graph
LOSS_GRAPH_MAX_NODES = 256  # the walk from the loss back to the model's output stops here (a loss is small)
TERM_GRADIENT_MAX_PARAMS = 20_000_000  # above, k+1 extra gradient copies would cost too much memory
DROPOUTS = ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")


def _is_compiled(module: nn.Module) -> bool:
    return type(module).__name__ == "OptimizedModule"


class _Sampler:
    """Decides which steps get full statistics: all of the first ``full_steps``, then every k-th
    (``step < full_steps or step % k == 0``, tested inline by the probe on every step).

    k keeps sampled steps within ``budget`` of the run time. A sampled step's cost is the wall time
    it takes beyond an ordinary step (hooks on every module call, reductions, the read-back), so
    it counts what the probe really costs, not just its own Python. k moves in powers of two, so
    it settles instead of jittering with the machine's load.

    k never exceeds the steps run so far (the largest power of two below them): each power of two up
    to k is sampled, so a short run of fast steps still has a sample in its second half (rules judge
    how a run ends), at log2(k) sampled steps in all.
    """

    MIN_K, MAX_K = 16, 1024

    def __init__(self, full_steps: int, every: int | None, budget: float) -> None:
        self.full_steps = full_steps
        self.fixed = every
        self.k = every or self.MIN_K
        self.period = self.k  # the k the budget asks for; k is below it until the run has that many steps
        self.budget = budget
        self.base = None  # EMA of an ordinary step's wall time
        self.extra = None  # EMA of what a sampled step takes beyond it
        self._early: list[float] = []  # wall times of the later ones of the first (all sampled) steps

    def observe(self, step: int, wall: float, sampled: bool, count: int = 1) -> None:
        """A sampled step ``step`` took ``wall``; or ``count`` ordinary steps, the last of them ``step``,
        took ``wall`` in all (the probe reads the clock around sampled steps only)."""
        if not sampled:
            mean = wall / count
            if self.base is None and self._early:
                # The first ordinary steps: price the sampled ones from the second half of the first
                # steps (the first half also warms torch up), so k is right from here on.
                self.extra = max(0.0, sorted(self._early)[len(self._early) // 2] - mean)
            keep = 0.9 ** count  # (as count updates of an EMA of weight 0.1, each with the mean)
            self.base = mean if self.base is None else keep * self.base + (1 - keep) * mean
        elif step >= self.full_steps and self.base is not None:
            extra = max(0.0, wall - self.base)
            self.extra = extra if self.extra is None else 0.8 * self.extra + 0.2 * extra
        elif self.full_steps // 2 <= step < self.full_steps:
            self._early.append(wall)
        if self.fixed is None and self.extra is not None and self.base:
            wanted, k = self.extra / (self.budget * self.base), self.MIN_K
            while k < wanted and k < self.MAX_K:
                k *= 2
            self.period = k
            self.k = min(k, max(self.MIN_K, 1 << (step.bit_length() - 1)))


def _same_values(leaf_out: torch.Tensor | None, out: torch.Tensor | None) -> bool:
    """The model returns its last layer's output itself, or a view of all of it (``.squeeze(-1)``,
    ``.view(-1)``, ``.flatten(1)``): the same values in the same memory."""
    if leaf_out is None or out is None:
        return False
    return out is leaf_out or (out.dtype == leaf_out.dtype and out.numel() == leaf_out.numel() > 0
                               and out.data_ptr() == leaf_out.data_ptr())


class TorchProbe:
    def __init__(self, engine: "Engine", *, full_steps: int = 20, sample_every: int | None = None,
                 budget: float = 0.01) -> None:
        self.engine = engine
        self.sig: Signals = engine.signals
        self.rb = Readback()
        self.sampler = _Sampler(full_steps, sample_every, budget)
        self.sampling = True
        self._installed = False
        self._undo: list[Callable[[], None]] = []
        self._forward_handles: list[Any] = []
        self._step_pre_handle: Any = None
        self._paused = 0
        self._depth = 0
        self._in_loss = 0
        self._in_backward = False
        self._in_step = 0  # inside optimizer.step() (counted where the pre-step hook runs: see _set_step_pre_hook)
        self._closure_steps = False  # an optimizer stepped with a closure (LBFGS, Lightning)
        self._new_optimizer = False  # an optimizer was made and has not stepped yet
        # Training losses between sampled steps: nothing to record (the value comes from backward).
        self._quiet_losses = False
        # Models and names (weak: never keep the user's modules alive).
        self._roots = _IdentityMap()
        self._prefixes: dict[int, str] = {}  # id of a model -> the prefix of its parameters' names
        self._module_names: "weakref.WeakKeyDictionary[nn.Module, str]" = weakref.WeakKeyDictionary()
        # Parameters by id (tensors compare elementwise, so no WeakKeyDictionary): id -> (weakref, name).
        self._params: dict[int, tuple[weakref.ref, str]] = {}
        # Optimizer -> (its OptimizerInfo, the probe's state for it).
        self._optimizers = _IdentityMap()
        self._zero_grad_log: deque = deque(maxlen=64)  # (call number, owner), while a stale check is pending
        self._zero_grad_calls = 0
        self._pending_checks = 0  # optimizers whose next step checks for stale gradients (after a sampled step)
        self._called_leaves: set[int] = set()  # leaf layers seen running in a sampled training forward
        self._root_grad = False  # the last root model call had gradients on
        self._unregistered: dict[int, tuple[str, int]] = {}  # id of a layer in a plain list -> (path, values)
        self._hidden_tensors: list[tuple] = []  # tensors that require grad kept as plain attributes (M302)
        self._backward_mark = 0  # backward() calls when gradients were last used (a step) or cleared
        self._holds_copies = False  # a sampled step keeps parameter copies until its end
        self._last_stepped: OptimizerInfo | None = None  # the optimizer of the last step() call
        self._eval_root_training: bool | None = None  # the mode of the model in the last no-grad forward
        self._eval_dropout_noted = 0  # the eval-mode forward (its number) whose active dropout was counted
        self._train_mode_eval_step = -1  # the step of the last no-grad forward in train mode
        # Per-step state, released at the end of each step.
        self._step_root_call: tuple[weakref.ref, tuple, bool] | None = None
        self._step_root_kwargs: dict | None = None
        self._weights_before_step: dict[str, torch.Tensor] = {}  # a sampled step's weights before its update
        self._last_root_output: weakref.ref | None = None
        self._last_root_name: str | None = None  # (the model that returned it)
        # The other tensors a sampled root call returned ((logits, labels) of a MoCo-style model): a
        # loss target among them comes from the model, not from the data.
        self._last_root_others: tuple[weakref.ref, ...] = ()
        # A module with parameters first called on a model's output: registered as a model once its output
        # shows it is not a loss (a batch in, one number out); the losses found so, never registered.
        self._deferred_root: nn.Module | None = None
        self._loss_modules: weakref.WeakSet = weakref.WeakSet()
        self._root_output_node: tuple | None = None  # (grad_fn, shape) of a sampled step's model output
        self._last_train_forward: tuple[bool, bool] | None = None  # (model in train mode, has mode layers)
        self._step_loss_args: tuple | None = None
        self._leaf_order_done = False
        self._leaf_trace: list[tuple[str, str]] = []
        self._last_linear_out: tuple[weakref.ref, str] | None = None
        # M311 pairs of the first forward and the autograd node of the first layer's output, to its backward
        self._chain_nodes: list[tuple[tuple[str, str], Any]] = []
        self._linear_through: str | None = None  # a dropout or identity fed by that linear layer's output
        self._first_conv: str | None = None  # the first convolution run with gradients (D112's)
        self._last_param_leaf: str | None = None
        self._last_leaf_out: weakref.ref | None = None
        self._step_terms: list[tuple[str, torch.Tensor]] = []  # this backward's loss calls, live
        self._terms_weighed = 0  # steps whose loss terms were weighed by gradient (L205)
        # (step, classes, counts of target x classes + prediction) of the latest validation passes (D116)
        self._val_confusions: deque = deque(maxlen=64)
        # Sampled steps only: the models run with gradients (weak), and the gradient norms right after the
        # last backward (names, norms), before clipping or anything else between backward and step().
        self._step_models: list[weakref.ref] = []
        self._backward_grads: tuple[list[str], list[torch.Tensor]] | None = None
        self._backward_scaled = False  # the last backward was of a GradScaler-scaled loss
        self._scaled_loss: tuple[weakref.ref, torch.Tensor] | None = None  # GradScaler.scale's (output, input)
        self._compiled_noted = False
        # (step, time) where the sampler's clock last stopped: read at the ends of sampled steps and of
        # the ordinary step before one, never on the ordinary steps between.
        self._clock = (0, time.perf_counter())
        self._fingerprints: deque = deque(maxlen=64)
        self._plateau_index = _IdentityMap()  # ReduceLROnPlateau schedulers, numbered from 1
        self._plateau_count = 0
        self._nonfinite_loss_seen = False
        self._nonfinite_grad_seen = False
        self._held_losses: list[tuple[int, float]] = []  # (step, loss) of ordinary steps, until flush_losses
        engine.before_evaluate = self.flush_losses
        self._initial_sums: dict[str, float] = {}
        self.data = DataCapture(self.sig, engine.internal_error)  # a bounded sample of the data itself (train / validation)
        # Called once with the optimizer at the first step's pre-hook (the pre-flight experiments).
        self.on_first_step: Callable[[Any], None] | None = None
        self._first_step_optimizer: weakref.ref | None = None
        # Called at the end of each step while the step's batch is still referenced (--try-fixes
        # clones it); it guards its own errors.
        self.on_step_end: Callable[[], None] | None = None

    # ------------------------------------------------------------------ install
    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        from torch.optim import optimizer as optim_mod

        post = optim_mod.register_optimizer_step_post_hook(self._on_step_post)
        self._undo.append(post.remove)
        self._set_step_pre_hook()
        self._undo.append(lambda: self._set_step_pre_hook(False))
        for root in self._roots:  # (models registered while the probe was out)
            self._watch_calls_of(type(root))
        self._set_sampling_hooks(self.sampling)
        self._clock = (self.sig.steps, time.perf_counter())  # (installed again: the clock starts now)
        self._undo.append(lambda: self._set_sampling_hooks(False))

        for name in DROPOUTS:
            if hasattr(F, name):
                self._patch(F, name, self._wrap_dropout(getattr(F, name)))
        for name in LOSS_FUNCTIONS:
            if hasattr(F, name):
                self._patch(F, name, self._wrap_loss(name, getattr(F, name)))
        scaler = getattr(torch.amp, "GradScaler", None) or getattr(torch.cuda.amp, "GradScaler", None)  # torch < 2.3
        if scaler is not None:
            self._patch(scaler, "scale", self._wrap_grad_scaler_scale(scaler.scale))
        # Tensor.backward calls torch.autograd.backward (looked up at call time): one wrapper sees both.
        self._patch(torch.autograd, "backward", self._wrap_backward(torch.autograd.backward))
        self._patch(torch.optim.Optimizer, "zero_grad", self._wrap_zero_grad(torch.optim.Optimizer.zero_grad))
        self._patch(nn.Module, "zero_grad", self._wrap_zero_grad(nn.Module.zero_grad))
        self._patch(torch.optim.Optimizer, "__init__", self._wrap_optimizer_init(torch.optim.Optimizer.__init__))
        clip = getattr(torch.nn.utils, "clip_grad_norm_", None)
        if clip is not None:  # (torch.nn.utils re-exports it from clip_grad: both names are looked up at call time)
            wrapper = self._wrap_clip_grad_norm(clip)
            for owner in (torch.nn.utils, getattr(torch.nn.utils, "clip_grad", None)):
                if owner is not None and getattr(owner, "clip_grad_norm_", None) is clip:
                    self._patch(owner, "clip_grad_norm_", wrapper)
        scheduler = torch.optim.lr_scheduler.LRScheduler
        self._patch(scheduler, "step", self._wrap_scheduler_step(scheduler.step))
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau  # its own step(metrics), in every torch version
        self._patch(plateau, "step", self._wrap_plateau_step(plateau.step))
        self._patch(torch, "manual_seed", self._wrap_seed("torch.manual_seed", torch.manual_seed))
        self._patch(random, "seed", self._wrap_seed("random.seed", random.seed))
        try:
            import numpy.random as np_random

            self._patch(np_random, "seed", self._wrap_seed("np.random.seed", np_random.seed))
        except ImportError:  # numpy is optional
            pass
        loader_iter = torch.utils.data.DataLoader.__iter__
        self._patch(torch.utils.data.DataLoader, "__iter__", self._wrap_loader_iter(loader_iter))

    def uninstall(self) -> None:
        while self._undo:
            undo = self._undo.pop()
            try:
                undo()
            except Exception as exc:  # never let cleanup hide the user's own error
                self.engine.internal_error("probe:uninstall", exc)
        self._installed = False
        self._release_step()
        self._release_sampled_step()
        self._step_models, self._backward_grads, self._deferred_root = [], None, None
        self.data.release()

    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        if name in owner.__dict__:
            original = owner.__dict__[name]
            self._undo.append(lambda: setattr(owner, name, original))
        else:  # inherited: the class gets it back from its base
            self._undo.append(lambda: delattr(owner, name))
        setattr(owner, name, replacement)

    def _set_step_pre_hook(self, on: bool | None = None) -> None:
        """The optimizer's pre-step hook runs only on the steps that need it: sampled steps, the step
        after one (stale-gradient check), the first step (pre-flight), a new optimizer's first step, and
        every step of optimizers that step with a closure (its zero_grad and backward are inside the
        step). An ordinary step has nothing to do before the update."""
        if on is None:
            on = self._installed and bool(self.sampling or self._pending_checks or self.on_first_step is not None
                                          or self._closure_steps or self._new_optimizer)
        if on == (self._step_pre_handle is not None):
            return
        if on:
            from torch.optim import optimizer as optim_mod

            self._step_pre_handle = optim_mod.register_optimizer_step_pre_hook(self._on_step_pre)
        else:
            self._step_pre_handle.remove()
            self._step_pre_handle = None

    def _set_sampling_hooks(self, on: bool) -> None:
        if on == bool(self._forward_handles):
            return
        from torch.nn.modules import module as module_mod

        if on:
            self._forward_handles = [
                module_mod.register_module_forward_pre_hook(self._guard("probe:forward", self._on_pre_forward_sampled)),
                module_mod.register_module_forward_hook(self._guard("probe:forward", self._on_forward_sampled),
                                                        always_call=True),
            ]
        else:
            for handle in self._forward_handles:
                handle.remove()
            self._forward_handles = []

    @contextmanager
    def paused(self):
        """nndoctor's own experiments run inside this: the probe sees nothing of them."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def _guard(self, component: str, fn: Callable) -> Callable:
        engine = self.engine

        def guarded(*args, **kwargs):
            if self._paused:
                return None
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                engine.internal_error(component, exc)
                return None

        return guarded

    # ------------------------------------------------------------------ models
    def _register_root(self, module: nn.Module) -> None:
        label = type(module).__name__
        same = sum(1 for m in self.sig.models if m == label or m.startswith(label + "#"))
        label = f"{label}#{same + 1}" if same else label  # layers of a ModuleDict called one by one
        prefix = "" if not self.sig.models else label + "."
        self.sig.models.append(label)
        self._name_modules(module, prefix, label)
        has_mode_layers = False
        for sub in module.modules():
            if isinstance(sub, MODE_DEPENDENT) and getattr(sub, "p", 1.0) != 0:
                has_mode_layers = True
                self.sig.mode_dependent_layers.append(f"{self._module_names[sub]} ({type(sub).__name__})")
        self._roots.set(module, has_mode_layers)  # the value: whether train/eval mode changes its output
        self._prefixes[id(module)] = prefix
        if self._installed:
            self._watch_calls_of(type(module))
        self._register_params(module, prefix, label)

    def _name_modules(self, module: nn.Module, prefix: str, label: str) -> None:
        for name, sub in module.named_modules():
            if sub not in self._module_names:
                self._module_names[sub] = (prefix + name) if name else label

    def _register_params(self, module: nn.Module, prefix: str, label: str) -> None:
        """The model's parameters not known yet (all of them at its registration; later, a layer added or
        replaced after the first forward, e.g. a new head between two training stages)."""
        fresh = []
        late = bool(self.sig.steps)
        for name, param in module.named_parameters():
            if self.param_name(param) is not None:
                continue
            full = path = prefix + name
            copies = 1
            while full in self.sig.params:  # the name of a tensor it replaced (kept: an optimizer may hold it)
                copies += 1
                full = f"{path}#{copies}"
            fresh.append((full, param))
            self._params[id(param)] = (weakref.ref(param), full)
            self.sig.params[full] = info = ParamInfo(name=full, module=path.rpartition(".")[0] or label,
                                                     numel=param.numel(), requires_grad=param.requires_grad)
            if late:
                info.in_optimizer = any(any(q is param for g in opt.param_groups for q in g["params"])
                                        for opt, _ in self._optimizers.items())
        # Layers kept in a plain list or dict: parameters() misses them (M302 if they run and need gradients).
        for path, hidden in unregistered_modules(module):
            values = sum(p.numel() for p in hidden.parameters() if p.requires_grad)
            for sub in hidden.modules() if values else ():
                self._unregistered.setdefault(id(sub), (prefix + path, values))
        if not late:  # (tensors found later may be a forward's cache: only those there from the start)
            self._hidden_tensors.extend(self._hidden_entry(prefix + path, owner, key, index, t)
                                        for path, owner, key, index, t in unregistered_tensors(module))
        if late:
            self._name_modules(module, prefix, label)
        if fresh:
            sums = _value_sums([p for _, p in fresh])
            self._initial_sums.update({name: s for (name, _), s in zip(fresh, sums)})

    @staticmethod
    def _hidden_entry(path: str, owner: nn.Module, key: str, index: Any, tensor: torch.Tensor) -> tuple:
        # A non-leaf (``torch.randn(n, m, requires_grad=True) * 0.1``) passes its gradient on to the leaf
        # it was made from: that leaf is what an optimizer would have to hold.
        leaves = [tensor] if tensor.is_leaf else [n.variable for n in _graph_nodes(tensor.grad_fn, limit=64)
                                                  if hasattr(n, "variable")]
        initial = _value_sums(leaves)
        return (path, weakref.ref(owner), key, index, weakref.ref(tensor), [weakref.ref(v) for v in leaves],
                initial)

    def _check_hidden_tensors(self) -> None:
        """M302: tensors kept as plain attributes that got a gradient this step (they are used) while no
        optimizer holds them and nothing changed them. One that an optimizer holds, that the script
        updates by hand, or that the attribute no longer points at (a cache) is dropped."""
        held = set().union(*(state["ids"] for _, (_, state) in self._optimizers.items()))
        kept = []
        for entry in self._hidden_tensors:
            path, owner_ref, key, index, ref, leaf_refs, initial = entry
            owner, tensor, leaves = owner_ref(), ref(), [r() for r in leaf_refs]
            current = getattr(owner, key, None) if owner is not None else None
            try:
                current = current if index is None else current[index]
            except (LookupError, TypeError):
                current = None
            if tensor is None or current is not tensor or not leaves or any(v is None for v in leaves) \
                    or any(id(v) in held for v in leaves):
                continue
            kept.append(entry)
            if any(v.grad is not None for v in leaves):
                if _value_sums(leaves) != initial:
                    kept.pop()  # updated by hand (``W -= lr * W.grad``): trained after all
                    self.sig.unregistered_tensors.pop(path, None)
                else:
                    self.sig.unregistered_tensors[path] = tensor.numel()
        self._hidden_tensors = kept

    def step_root_args(self) -> tuple:
        """The positional arguments of this step's training call of the model, with its keyword arguments
        bound in (``model(src, tgt, teacher_forcing=True)``), as the copies and replays are called."""
        call = self._step_root_call
        if call is None:
            return ()
        model = call[0]() if self._step_root_kwargs else None
        return positional_args(model, call[1], self._step_root_kwargs) if model is not None else call[1]

    def param_name(self, param: torch.Tensor) -> str | None:
        entry = self._params.get(id(param))
        return entry[1] if entry is not None and entry[0]() is param else None

    def live_params(self) -> list[tuple[torch.Tensor, str]]:
        return [(ref(), name) for ref, name in self._params.values() if ref() is not None]

    def name_of(self, module: nn.Module) -> str:
        return self._module_names.get(module) or type(module).__name__

    # ------------------------------------------------------------------ forward
    def _watch_calls_of(self, cls: type) -> None:
        """Calls of the models are seen by wrapping their class's ``__call__``. Not nn.Module's: every
        layer's call would pass through it, on every step. Not a forward hook: any hook sends the model
        down torch's slow path."""
        if not getattr(cls.__call__, "_nndoctor_module_call", False):  # (or a base class's, wrapped already)
            self._patch(cls, "__call__", self._wrap_module_call(cls.__call__))

    def _wrap_module_call(self, original: Callable) -> Callable:
        """Every call of a module of a model's class goes through here: notices calls of the known
        models (their mode, grad mode, inputs). One dict lookup for the others."""
        probe, roots, engine = self, self._roots._entries, self.engine

        def module_call(*args, **kwargs):  # (module, *its arguments): passed on without repacking
            entry = roots.get(id(args[0]))
            if entry is not None and entry[0]() is args[0] \
                    and not (probe._depth or probe._in_loss or probe._paused or _in_transform()):
                try:
                    probe._root_called(args[0], args[1:], entry, kwargs)
                except Exception as exc:
                    engine.internal_error("probe:forward", exc)
            return original(*args, **kwargs)

        module_call.__wrapped__ = original
        module_call._nndoctor_module_call = True
        return module_call

    def _on_pre_forward_sampled(self, module: nn.Module, args: tuple) -> None:
        if self._in_loss or _in_transform():
            return
        if self._depth == 0 and _is_compiled(module) and not self._compiled_noted:
            self._compiled_noted = True
            self.sig.notes.append(
                tr("torch.compile'd model ({name}): its layers run inside the compiled graph, so "
                   "per-layer activation statistics and the pre-flight experiments are not available; "
                   "losses, gradients, weights and optimizer steps are watched",
                   name=type(getattr(module, '_orig_mod', module)).__name__))
        if self._depth == 0 and module not in self._roots and not isinstance(module, nn.modules.loss._Loss) \
                and not _is_compiled(module) and next(module.parameters(), None) is not None \
                and module not in self._loss_modules:
            if self._combines_losses(args):
                self._loss_modules.add(module)  # (uncertainty weighting of task losses: its parameters weigh them)
            elif self._fed_model_output(args):  # downstream of a model: a loss with parameters, or a second model
                if self._deferred_root is None:
                    self._deferred_root = module  # (decided when its output is known)
            else:
                self._adopt_root(module, args)
        self._depth += 1
        if not self._leaf_order_done and not module._modules:
            self._trace_leaf_input(module, args)
        if isinstance(module, LINEAR_LIKE) and torch.is_grad_enabled():
            self._layer_input_stats(module, args)
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.training:
            x = first_tensor(args)
            if x is not None and x.dim() >= 2:
                per_channel = x.numel() // max(1, x.shape[1])
                self.sig.batchnorm_batches.append((self.name_of(module), self.sig.steps, int(per_channel)))

    def _on_forward_sampled(self, module: nn.Module, args: tuple, output: Any) -> None:
        if self._in_loss or _in_transform():
            return
        self._depth = max(0, self._depth - 1)
        if not module._modules:
            out = first_tensor(output)
            if id(module) not in self._called_leaves and self._root_grad:
                self._mark_called(module, out)
            if out is not None and out.is_floating_point() and torch.is_grad_enabled() \
                    and (isinstance(module, ACTIVATIONS) or next(module.parameters(recurse=False), None) is not None):
                self._layer_output_stats(module, out)
            if not self._leaf_order_done:
                self._trace_leaf_output(module, out)
        if self._depth == 0 and module is self._deferred_root:
            self._deferred_root = None
            out, x = first_tensor(output), first_tensor(args)
            if out is not None and out.numel() == 1 and x is not None and x.numel() > 1:
                # A batch in, one number out (a center loss with its class centers as parameters): a loss
                # module, not a model: the pre-flight and the data rules must not take it for one.
                self._loss_modules.add(module)
            else:
                self._adopt_root(module, args)
                self.sig.downstream_models.append(self.name_of(module))
        if self._depth == 0 and module in self._roots:
            out = first_tensor(output)
            self._last_root_output = weakref.ref(out) if out is not None else None
            self._last_root_name = self.name_of(module)
            if not isinstance(output, torch.Tensor):
                values = output.values() if isinstance(output, dict) else output if isinstance(output, (list, tuple)) else ()
                self._last_root_others = tuple(weakref.ref(v) for v in values
                                               if isinstance(v, torch.Tensor) and v is not out)
            else:
                self._last_root_others = ()
            if out is not None and out.grad_fn is not None:  # (held to the step's end: the output may not be)
                self._root_output_node = (out.grad_fn, tuple(out.shape))
            if self._leaf_trace and not self._leaf_order_done and torch.is_grad_enabled():
                last_kind = self._leaf_trace[-1][1]
                if self._last_leaf_out is not None and _same_values(self._last_leaf_out(), out) \
                        and any(last_kind == a.__name__ for a in ACTIVATIONS):
                    self.sig.output_activation = self._leaf_trace[-1]
                self._leaf_order_done = True
                self.sig.module_order = list(self._leaf_trace)
                self._mark_output_layer()

    def _root_called(self, module: nn.Module, args: tuple, entry: tuple[weakref.ref, bool],
                     kwargs: dict | None = None) -> None:
        """A call of a known model; ``entry``: its weak reference and whether it has mode-dependent layers."""
        self.sig.root_calls += 1
        x = args[0] if args and type(args[0]) is torch.Tensor else first_tensor(args)
        self._root_grad = grad = torch.is_grad_enabled()  # a training forward (its layers may run under no_grad)
        if grad:
            training, sampling = module.training, self.sampling
            self._last_train_forward = (training, entry[1])
            self._step_root_call = (entry[0], args, training)  # (model, its arguments, its mode) this step
            self._step_root_kwargs = kwargs  # (bound into positional ones only when a copy is called)
            if sampling:
                self._step_models.append(entry[0])
                self._refresh_requires_grad(module)
                if x is not None:
                    self._batch_signal(module, x)
            self.data.on_train_forward(module, x, sampling, args)
            return
        self._eval_root_training = module.training
        if not module.training:
            self.sig.eval_mode_forwards += 1
        if entry[1]:
            if module.training:
                self.sig.eval_forwards_train_mode += 1
                if self.sig.first_train_mode_eval_step is None:
                    self.sig.first_train_mode_eval_step = self.sig.steps
                if self._train_mode_eval_step != self.sig.steps:
                    self._train_mode_eval_step = self.sig.steps
                    self.sig.train_mode_eval_steps += 1
            else:
                self.sig.eval_forwards_eval_mode += 1
        self.data.on_eval_forward(module, x, args)

    def _adopt_root(self, module: nn.Module, args: tuple) -> None:
        """A model found by its first sampled call (not handed to watch): registered, and this call counted."""
        self._register_root(module)
        self._root_called(module, args, self._roots._entries[id(module)], _call_kwargs(module))

    def _combines_losses(self, args: tuple) -> bool:
        """Its tensor arguments are single numbers (loss values, learned task weights applied to them), or
        this step's loss values themselves: a module that weighs losses, not a model of samples."""
        tensors = [a for a in (args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args)
                   if isinstance(a, torch.Tensor)]
        if not tensors:
            return False
        losses = [out for _, out in self._step_terms]
        return all(t.dim() == 0 or any(t is out for out in losses) for t in tensors)

    def _fed_model_output(self, args: tuple) -> bool:
        """One of ``args`` is what a known model returned last (its output, or a tensor beside it)."""
        refs = ((self._last_root_output,) if self._last_root_output is not None else ()) + self._last_root_others
        outputs = [r() for r in refs]
        return any(a is o for a in args if isinstance(a, torch.Tensor) for o in outputs if o is not None)

    def _refresh_requires_grad(self, module: nn.Module) -> None:
        """requires_grad as it is now (sampled steps): a two-stage fine-tune freezes or unfreezes after
        the first forward."""
        params, infos = self._params, self.sig.params
        unknown = False
        for p in module.parameters():
            entry = params.get(id(p))
            if entry is None or entry[0]() is not p:
                unknown = True
            elif entry[1] in infos:
                infos[entry[1]].requires_grad = p.requires_grad
        if unknown:
            self._register_params(module, self._prefixes.get(id(module), ""), self.name_of(module))

    def _batch_signal(self, module: nn.Module, x: torch.Tensor) -> None:
        batch = BatchSignal(step=self.sig.steps, model=self.name_of(module), inputs=tensor_stats(x, self.rb))
        data = x.detach()
        if data.numel() > 1 and not data.is_complex():
            # Content fingerprint (token ids too): moments plus a strided sample of values; equal batches
            # give equal numbers. Non-finite entries (log of a zero count) would make every batch's sums
            # inf alike: left out.
            flat = torch.nan_to_num(data.flatten().double(), nan=0.0, posinf=0.0, neginf=0.0)
            strided = flat[:: max(1, flat.numel() // 16)][:16]
            parts = torch.stack([flat.sum(), flat.dot(flat), (strided * torch.arange(1, strided.numel() + 1,
                                 device=flat.device)).sum()])
            holder: dict = {}
            for i in range(3):
                self.rb.later(holder, str(i), parts[i])
            shape = tuple(data.shape)
            self.rb.then(lambda b=batch, h=holder: setattr(b, "fingerprint", shape + tuple(h[str(i)] for i in range(3))))
        if data.is_floating_point() and data.numel() > 1:
            axes = _feature_axes(data)
            if axes is not None and data.shape[0] > 1:
                fmean = data.float().mean(dim=axes)
                fstd = data.float().std(dim=axes)
                batch.n_features = int(fmean.numel())
                offsets = fmean.abs() / fstd.clamp(min=1e-12)
                self.rb.later(batch, "feature_mean_absmax_in_std", offsets.max())
                if data.shape[0] >= 8:  # (enough samples for a spread)
                    self.rb.later(batch, "feature_offset_median", torch.where(fstd > 0, offsets, 0.0).median())
                self.rb.later(batch, "feature_std_min", fstd.min())
                self.rb.later(batch, "feature_std_max", fstd.max())
            if data.dim() == 4 and data.shape[1] in (3, 4) and data.shape[-1] > 2 * data.shape[1]:
                img = data.float()
                img = img - img.mean(dim=(0, 2, 3), keepdim=True)
                power = (img * img).mean().clamp(min=1e-12)
                c = data.shape[1]
                self.rb.later(batch, "width_corr_lag1", (img[..., :-1] * img[..., 1:]).mean() / power)
                self.rb.later(batch, "width_corr_lag_c", (img[..., :-c] * img[..., c:]).mean() / power)
            base = getattr(x, "_base", None)
            if base is not None and base.dim() == x.dim() and base.shape[0] > x.shape[0]:
                batch.view_of_rows = int(base.shape[0])
        self.sig.batches.append(batch)

    # Layer statistics (sampled steps only).
    def _layer_input_stats(self, module: nn.Module, args: tuple) -> None:
        x = first_tensor(args)
        if x is None or not x.is_floating_point() or x.dim() < 2 or x.numel() == 0:
            return
        name = self.name_of(module)
        stats = LayerStats(step=self.sig.steps, module=name, kind=type(module).__name__ + ":input")
        data = x.detach()
        if isinstance(module, nn.modules.conv._ConvNd):
            per_unit = data.abs().transpose(0, 1).reshape(data.shape[1], -1).amax(dim=1)
            if self._first_conv is None:
                self._first_conv = name  # D112 judges the data's way in: the first convolution only
            c = data.shape[1]
            if name == self._first_conv and 2 <= c <= INTERLEAVE_MAX_CHANNELS and data.dim() in (3, 4) \
                    and data.shape[-1] > 2 * c:
                self._interleave_corr(stats, data, c)
        else:
            per_unit = data.abs().reshape(-1, data.shape[-1]).amax(dim=0)
        data = data.float()
        self.rb.later(stats, "in_std", data.std())
        self.rb.later(stats, "in_dead_frac", (per_unit == 0).float().mean())
        lo, hi = torch.aminmax(data)
        bounded = (lo >= -1.0001) & (hi <= 1.0001)
        # The share near the bounds of a tanh-like range (|x| > 0.99) or of a sigmoid-like one (x < 0.01 or
        # x > 0.99): |x - c| > 0.99 - c, c = 0 or 0.5 by the minimum. Counted in float arithmetic (the sign
        # of what exceeds the bound): a comparison's boolean tensor costs several times more on a CPU.
        center = (lo >= -1e-3) * 0.5
        near = (data - center).abs_().sub_(0.99 - center).relu_().sign_().mean()
        self.rb.later(stats, "in_saturated_frac", torch.where(bounded, near, 0.0))
        self.sig.layer_stats.append(stats)

    def _interleave_corr(self, stats: LayerStats, data: torch.Tensor, c: int) -> None:
        """Autocorrelation along the last axis at lag 1 and lag c (per-channel means removed)."""
        stats.in_channels = c
        x = data.float()
        x = x - x.mean(dim=[d for d in range(x.dim()) if d != 1], keepdim=True)
        power = (x * x).mean().clamp(min=1e-12)
        self.rb.later(stats, "in_corr_lag1", (x[..., :-1] * x[..., 1:]).mean() / power)
        self.rb.later(stats, "in_corr_lag_c", (x[..., :-c] * x[..., c:]).mean() / power)

    def _layer_output_stats(self, module: nn.Module, out: torch.Tensor) -> None:
        stats = LayerStats(step=self.sig.steps, module=self.name_of(module), kind=type(module).__name__)
        data = out.detach().float()
        self.rb.later(stats, "out_mean", data.mean())
        self.rb.later(stats, "out_std", data.std() if data.numel() > 1 else torch.zeros(()))
        self.rb.later(stats, "out_frac_zero", 1 - data.abs().sign_().mean())  # (as in _layer_input_stats)
        self.sig.layer_stats.append(stats)

    # Structure of the first forward: execution order and linear layers feeding linear layers.
    def _trace_leaf_input(self, module: nn.Module, args: tuple) -> None:
        x = first_tensor(args)
        self._linear_through = None
        if self._last_linear_out is not None:
            ref, prev = self._last_linear_out
            if x is not None and ref() is x:
                if isinstance(module, LINEAR_LIKE):
                    pair = (prev, self.name_of(module))
                    self.sig.linear_chains.append(pair)
                    if x.grad_fn is not None:  # (this step's backward counts who else reads it: a skip)
                        self._chain_nodes.append((pair, x.grad_fn))
                elif isinstance(module, LINEAR_PASS_THROUGH):  # dropout keeps the chain linear
                    self._linear_through = prev

    def _mark_called(self, module: nn.Module, out: torch.Tensor | None) -> None:
        """A leaf layer ran in a sampled training forward: its parameters are used (every root model's,
        also when a script calls the layers of a ModuleDict one by one)."""
        self._called_leaves.add(id(module))
        hidden = self._unregistered.get(id(module))
        if hidden is not None and out is not None and out.requires_grad:
            self.sig.unregistered_layers[hidden[0]] = hidden[1]
        for p in module.parameters(recurse=False):
            name = self.param_name(p)
            if name is not None:
                self.sig.params[name].module_called = True

    def _trace_leaf_output(self, module: nn.Module, out: torch.Tensor | None) -> None:
        name = self.name_of(module)
        self._leaf_trace.append((name, type(module).__name__))
        self._last_leaf_out = weakref.ref(out) if out is not None else None
        if next(module.parameters(recurse=False), None) is not None:
            self._last_param_leaf = name
        if isinstance(module, LINEAR_LIKE) and out is not None:
            self._last_linear_out = (weakref.ref(out), name)
        elif self._linear_through is not None and out is not None:
            self._last_linear_out = (weakref.ref(out), self._linear_through)
        else:
            self._last_linear_out = None
        self._linear_through = None

    def _mark_output_layer(self) -> None:
        for p in self.sig.params.values():
            if p.module == self._last_param_leaf:
                p.in_output_layer = True

    # ------------------------------------------------------------------ losses
    def _wrap_loss(self, name: str, original: Callable) -> Callable:
        signature = inspect.signature(original)
        probe = self

        def failed(args: tuple, kwargs: dict) -> None:
            try:  # the loss rejected its input (a class index out of range): keep what it was given
                probe._on_loss_failed(name, signature, args, kwargs)
            except Exception as exc:
                probe.engine.internal_error("probe:loss", exc)

        def loss_wrapper(*args, **kwargs):
            if probe._in_loss or probe._paused or _in_transform():
                return original(*args, **kwargs)
            if probe._quiet_losses and torch.is_grad_enabled():
                try:
                    out = original(*args, **kwargs)
                except Exception:
                    failed(args, kwargs)
                    raise
                if type(out) is not torch.Tensor or out.requires_grad:
                    return out
                # (no graph: a validation loss on outputs computed under no_grad, recorded below)
            else:
                probe._in_loss += 1
                try:
                    out = original(*args, **kwargs)
                except Exception:
                    failed(args, kwargs)
                    raise
                finally:
                    probe._in_loss -= 1
            try:
                probe._on_loss(name, signature, args, kwargs, out)
            except Exception as exc:
                probe.engine.internal_error("probe:loss", exc)
            return out

        loss_wrapper.__wrapped__ = original
        loss_wrapper.__name__ = original.__name__
        loss_wrapper.__doc__ = original.__doc__
        return loss_wrapper

    def _count_classes(self, n_classes: int, counts: list[int]) -> None:
        sig = self.sig
        mine = sig.class_counts_by_n.setdefault(n_classes, {})
        for cls, n in enumerate(counts):
            if n:
                mine[cls] = mine.get(cls, 0) + n
        totals = sig.class_totals_by_n
        totals[n_classes] = totals.get(n_classes, 0) + sum(counts)
        if mine is not sig.class_counts and totals[n_classes] > sum(sig.class_counts.values()):
            sig.class_counts = mine

    def _padding_scored(self, call: LossCall, target: torch.Tensor, ignore: int) -> None:
        """Token targets whose padding is scored: where the model's (N, T) token input ends in a run
        of one token (the padding, up to the longest sequence), the targets are one class, and that
        class is not ignore_index. The share of such targets and their class, read back later."""
        call_args = self.step_root_args()
        tokens = next((a for a in call_args if isinstance(a, torch.Tensor) and a.dim() == 2
                       and not a.is_floating_point() and a.numel() == target.numel()), None)
        if tokens is None or tokens.shape[1] < 4:
            return
        t = target.detach().reshape(tokens.shape)
        pad = tokens[:, -1].mode().values
        suffix = (tokens == pad).flip(1).cumprod(1).flip(1).bool()  # each row's trailing run of that token
        in_suffix = suffix.sum()
        cls = t.flatten()[suffix.flatten().to(torch.uint8).argmax()]  # the target at a padded position
        self.rb.later(call, "padded_target_share", in_suffix.float() / t.numel())
        self.rb.later(call, "padded_target_class", cls)
        self.rb.later(call, "padded_same_class", ((t == cls) & suffix).sum().float() / in_suffix.clamp(min=1))
        self.rb.later(call, "padded_token", pad)
        call.token_row_length = tokens.shape[1]

    def _on_loss_failed(self, name: str, signature: inspect.Signature, args: tuple, kwargs: dict) -> None:
        """A class-index loss that raised: record its input and target (read back at the end) for D113."""
        bound = signature.bind_partial(*args, **kwargs).arguments
        inp, target = bound.get("input"), bound.get("target")
        if name not in CLASS_INDEX_LOSSES or not isinstance(inp, torch.Tensor) or inp.dim() < 2 \
                or not isinstance(target, torch.Tensor) or target.is_floating_point():
            return
        call = LossCall(step=self.sig.steps, fn=name, reduction="failed", value=float("nan"),
                        input=tensor_stats(inp, self.rb), target=tensor_stats(target, self.rb, integral=True),
                        classes=int(inp.shape[1]))
        ignore = bound.get("ignore_index", -100)
        if ignore is not None:
            self._note_scored_classes(call, target, ignore)
            self.rb.then(lambda c=call: _booleans(c))
        self.sig.loss_calls.append(call)

    def _note_scored_classes(self, call: LossCall, target: torch.Tensor, ignore: int) -> None:
        """The class-index loss's ignore_index, whether its targets hold it, and the range of the others: the
        classes it scores (-100 by default, -1 or 255 in many scripts, is no class)."""
        call.ignore_index = ignore
        self.rb.later(call, "ignore_index_used", (target == ignore).any().float())
        if target.numel():
            labels, kept = target.long(), target != ignore
            self.rb.later(call, "valid_target_min", torch.where(kept, labels, _INT_MAX).min().float())
            self.rb.later(call, "valid_target_max", torch.where(kept, labels, -_INT_MAX).max().float())

    def _note_eval_value_call(self, name: str, bound: dict) -> None:
        """A gradient-free regression loss (validation), once a step: the spread of its predictions and
        targets against the training targets' (D116: targets transformed for training only)."""
        inp, target = bound.get("input"), bound.get("target")
        if isinstance(inp, torch.Tensor) and isinstance(target, torch.Tensor) and inp.is_floating_point() \
                and target.is_floating_point() and inp.numel() > 1 and target.numel() > 1:
            self.sig.eval_value_calls.append((self.sig.steps, name, tensor_stats(inp, self.rb), tensor_stats(target, self.rb)))

    def _count_val_predictions(self, logits: Any, target: Any) -> None:
        """D116: (target class, predicted class) counts of the gradient-free class-index losses, per
        step, on the device (no sync): validation labels encoded apart from the training ones show up
        as predictions that match a relabeling of the targets, not the targets."""
        if not isinstance(logits, torch.Tensor) or not isinstance(target, torch.Tensor) or logits.dim() != 2 \
                or target.dim() != 1 or target.is_floating_point() or logits.shape[0] != target.shape[0]:
            return
        classes = logits.shape[1]
        if not 2 < classes <= VAL_CONFUSION_MAX_CLASSES:
            return
        t = target.long()
        cell = torch.where((t >= 0) & (t < classes), t * classes + logits.argmax(1), classes * classes)
        counts = self._val_confusions[-1] if self._val_confusions else None
        if counts is None or counts[0] != self.sig.steps or counts[1] != classes:
            counts = (self.sig.steps, classes, torch.zeros(classes * classes + 1, dtype=torch.long, device=t.device))
            self._val_confusions.append(counts)
        counts[2].index_add_(0, cell, torch.ones_like(cell))

    def _on_loss(self, name: str, signature: inspect.Signature, args: tuple, kwargs: dict, out: Any) -> None:
        if not isinstance(out, torch.Tensor) or out.numel() != 1:
            return
        if not torch.is_grad_enabled() or not out.requires_grad:
            # Evaluation losses are not training signals, but validation curves are. (A loss with no
            # graph cannot train anything: outputs computed under no_grad, their loss taken after it.)
            bound = signature.bind_partial(*args, **kwargs).arguments
            class_index = name in CLASS_INDEX_LOSSES
            holder: dict = {}
            self.rb.later(holder, "v", _mean_loss(out.detach().reshape(()), bound, class_index))
            self.rb.then(lambda h=holder, s=self.sig.steps: self.sig.eval_losses.append((s, h["v"])))
            noted = self.sig.eval_value_calls
            regression = name in REGRESSION_LOSSES and not (noted and noted[-1][0] == self.sig.steps)  # (one a step)
            if self.data._val_x is not None or class_index or regression:
                if regression:
                    self._note_eval_value_call(name, bound)
                if self.data._val_x is not None:
                    self.data.on_loss(None, bound.get("target"), False)
                if class_index:
                    self._count_val_predictions(bound.get("input"), bound.get("target"))
            return
        if self.on_step_end is not None and self._step_loss_args is None:
            self._step_loss_args = (name, args, kwargs)  # --try-fixes clones every step's batch
        if not self.sampling and self.sig.loss_calls:
            return
        self._step_terms.append((name, out))  # (with its graph until the backward: L205 weighs its gradient)
        bound = signature.bind_partial(*args, **kwargs).arguments
        inp, target = bound.get("input"), bound.get("target")
        if not isinstance(inp, torch.Tensor) or not isinstance(out, torch.Tensor):
            return
        self._step_loss_args = (name, args, kwargs)
        self.data.on_loss(inp, target, True)
        call = LossCall(step=self.sig.steps, fn=name, reduction=str(bound.get("reduction", "mean")), value=0.0,
                        input=tensor_stats(inp, self.rb),
                        target=tensor_stats(target, self.rb, integral=True) if isinstance(target, torch.Tensor) else None,
                        label_smoothing=float(bound.get("label_smoothing", 0.0) or 0.0),
                        delta=float(bound.get("delta", 1.0)) if name == "huber_loss" else
                        float(bound.get("beta", 1.0)) if name == "smooth_l1_loss" else None,
                        has_weight=bound.get("weight") is not None,
                        has_pos_weight=bound.get("pos_weight") is not None)
        weight = bound.get("weight")
        if isinstance(weight, torch.Tensor) and self.sig.class_weights is None \
                and name in CLASS_INDEX_LOSSES and 1 < weight.numel() <= 100_000:
            self.sig.class_weights = weight.detach().float().cpu().tolist()  # once a run: its sync is no matter
        if out.numel() == 1:
            self.rb.later(call, "value", out.detach().reshape(()))
        ref = self._last_root_output
        call.input_is_model_output = ref is not None and ref() is inp
        if call.input_is_model_output:
            call.input_model = self._last_root_name
        if isinstance(target, torch.Tensor):
            call.flattened_from = _flattened_from(inp, target)
            call.target_from_model = any(other() is target for other in self._last_root_others)
        data = inp.detach().float()
        if name in CLASS_INDEX_LOSSES and data.dim() >= 2:
            call.classes = int(data.shape[1])
            rows = (data.sum(dim=1) - 1).abs().max()
            self.rb.later(call, "probs_like", ((data >= 0).all() & (rows < 1e-3)).float())
            if name == "nll_loss":
                self.rb.later(call, "row_logsumexp_absmax", data.logsumexp(dim=1).abs().max())
            ignore = bound.get("ignore_index", -100)
            if isinstance(target, torch.Tensor) and not target.is_floating_point() and ignore is not None:
                self._note_scored_classes(call, target, ignore)
                if 0 <= ignore < call.classes and target.numel():  # a class of the model's own outputs, ignored
                    self.rb.later(call, "ignored_share", (target == ignore).float().mean())
                if target.dim() == data.dim() - 1 and target.numel():
                    valid = target != ignore
                    hits = (data.argmax(dim=1) == target) & valid
                    self.rb.later(call, "accuracy", hits.float().sum() / valid.sum().clamp(min=1))
                    flat = target[valid].flatten()
                    if flat.numel() and int(flat.min()) >= 0:
                        counts = torch.bincount(flat, minlength=call.classes)
                        self.rb.later(call, "target_majority_frac", counts.max().float() / flat.numel())
                        self.rb.later(call, "target_majority_class", counts.argmax())
                        self._count_classes(call.classes, counts.tolist())
                    self._padding_scored(call, target, ignore)
        elif name in BINARY_LOSSES:
            self.rb.later(call, "unit_interval", ((data >= 0) & (data <= 1)).all().float())
            if name == "binary_cross_entropy" and data.numel():
                self.rb.later(call, "pinned_share", ((data == 0) | (data == 1)).float().mean())
            if isinstance(target, torch.Tensor) and target.shape == data.shape and data.dim() >= 1 and data.shape[0] > 1:
                t = target.detach().float()
                binary = ((t == 0) | (t == 1)).all()
                hits = (data > (0.0 if name == "binary_cross_entropy_with_logits" else 0.5)) == (t > 0.5)
                share = t.mean(dim=0)
                nan = torch.full((), float("nan"))
                self.rb.later(call, "binary_accuracy", torch.where(binary, hits.float().mean(), nan))
                self.rb.later(call, "binary_majority", torch.where(binary, torch.maximum(share, 1 - share).mean(), nan))
                if data.numel() == data.shape[0]:  # one output per sample
                    self.rb.later(call, "binary_auc", torch.where(binary, _auc(data.flatten(), t.flatten() > 0.5), nan))
            if name == "binary_cross_entropy_with_logits":
                self.rb.later(call, "probs_like", ((data >= 0) & (data <= 1)).all().float())
        self.rb.then(lambda c=call: _booleans(c))
        self.sig.loss_calls.append(call)

    # ------------------------------------------------------------------ backward
    def _wrap_backward(self, original: Callable) -> Callable:
        probe, sig = self, self.sig

        def backward_wrapper(*args, **kwargs):
            if probe._in_backward or probe._paused or _in_transform():
                return original(*args, **kwargs)
            try:
                probe._before_backward(args[0] if args else kwargs.get("tensors"))
            except Exception as exc:
                probe.engine.internal_error("probe:backward", exc)
            probe._in_backward = True
            try:
                return original(*args, **kwargs)
            finally:
                probe._in_backward = False
                sig.backward_calls += 1
                if probe.sampling or not sig.optimizer_created:  # else an ordinary step: nothing more
                    try:
                        probe._after_backward()
                    except Exception as exc:
                        probe.engine.internal_error("probe:backward", exc)

        backward_wrapper.__wrapped__ = original
        backward_wrapper.__doc__ = original.__doc__
        return backward_wrapper

    def _wrap_grad_scaler_scale(self, original: Callable) -> Callable:
        probe = self

        def scale_wrapper(scaler, outputs, *args, **kwargs):
            out = original(scaler, outputs, *args, **kwargs)
            if not probe._paused and isinstance(outputs, torch.Tensor) and isinstance(out, torch.Tensor):
                probe._scaled_loss = (weakref.ref(out), outputs.detach())
            return out

        scale_wrapper.__wrapped__ = original
        scale_wrapper.__doc__ = original.__doc__
        return scale_wrapper

    def _before_backward(self, loss: Any) -> None:
        # Runs on every step. On a CPU (no device to wait for) the loss is read now, and an ordinary step
        # takes the short path: each line costs a fraction of a microsecond there, each torch call about
        # one, its code cold after the step's kernels.
        if type(loss) is torch.Tensor and loss.is_cpu and not (self.sampling or self._step_terms or self.on_first_step
                                                               is not None or self._scaled_loss is not None):
            try:
                value = loss.item()
            except RuntimeError:  # more than one value (backward with an explicit gradient): the full path
                value = None
            if type(value) is float:
                step = self.sig.steps
                self._held_losses.append((step, value))  # (a plain list's append: one C call)
                if not -_INF < value < _INF and not self._nonfinite_loss_seen:  # (not math.isfinite: a cold call)
                    self._nonfinite_loss(step, value)
                forward = self._last_train_forward
                if forward is not None:
                    self._last_train_forward = None
                    if forward[1]:
                        self._count_train_forward(forward[0], step)
                return
        self._before_backward_in_full(loss)

    def _before_backward_in_full(self, loss: Any) -> None:
        if type(loss) is not torch.Tensor:
            if isinstance(loss, (list, tuple)):
                loss = loss[0] if loss else None
            if not isinstance(loss, torch.Tensor):
                return
        if self._step_terms and self.sampling and _term_step_due(self.sig.steps, self._terms_weighed):
            self._weigh_term_gradients(loss, self._step_terms)
        scaled = self._scaled_loss
        if scaled is not None:
            self._scaled_loss = None
            if scaled[0]() is loss:
                # AMP: backward gets loss x scale, which may overflow on purpose (the scaler then skips
                # the step); the user's loss is the one before scaling.
                loss = scaled[1]
                self._backward_scaled = True
        if self.sampling:
            self.sig.sampled_backwards += 1
            if loss.grad_fn is None and loss.requires_grad:
                self.sig.leaf_losses += 1
            elif loss.grad_fn is not None:
                # One walk from the loss back to the model's output (not into the model) serves both checks.
                output = self._root_output_node
                loss_nodes = _graph_nodes(loss.grad_fn, stop={output[0]} if output else frozenset(),
                                          limit=LOSS_GRAPH_MAX_NODES)
                self._note_loss_broadcasts(loss_nodes)
                if self._reaches_no_parameter(loss_nodes):
                    self.sig.detached_losses += 1
                if self._chain_nodes:
                    self._note_forked_chains(loss)
        value = None
        if loss.is_cpu:
            try:
                value = loss.item()
            except RuntimeError:  # more than one value (backward with an explicit gradient)
                if loss.is_floating_point():
                    value = float(_as_scalar(loss))
            if type(value) is not float:
                return
        elif not loss.is_floating_point():
            return
        step = self.sig.steps
        if self.on_first_step is not None and self._step_root_call is not None and torch.is_grad_enabled():
            if self._first_step_optimizer is not None:  # inside the first step(closure)
                opt = self._first_step_optimizer()
                if opt is not None:
                    self._run_first_step_hook(opt)
            elif not self.sig.optimizer_created:  # parameters updated by hand: no optimizer object
                self._run_first_step_hook(None)
        if self._step_terms:
            if self.sampling and len(self._step_terms) > 1:
                value_t = _as_scalar(loss)
                terms, holder = self._step_terms, {}
                for i, (_, t) in enumerate(terms):
                    self.rb.later(holder, str(i), t.detach().reshape(()))
                self.rb.later(holder, "total", value_t)
                self.rb.then(lambda h=holder, n=[n for n, _ in terms], s=step: self.sig.loss_terms.append(
                    (s, [(fn, h[str(i)]) for i, fn in enumerate(n)], h["total"])))
            self._step_terms = []
        if value is not None:
            self.flush_losses()
            self.sig.losses.append((step, value))
            if not -_INF < value < _INF and not self._nonfinite_loss_seen:
                self._nonfinite_loss(step, value)
        else:
            entry: dict = {}
            self.rb.later(entry, "v", _as_scalar(loss))
            self.rb.then(lambda e=entry, s=step: self._loss_arrived(s, e["v"]))
        forward = self._last_train_forward
        if forward is not None:
            self._last_train_forward = None
            if forward[1]:
                self._count_train_forward(forward[0], step)

    def flush_losses(self) -> None:
        """The losses of ordinary steps on a CPU, held in a plain list, into the signals: before rules
        read them (the engine calls this), at sampled steps and at the end, in step order. (On a device
        they wait for the readback of sampled steps alike.)"""
        held = self._held_losses
        if held:
            self._held_losses = []
            self.sig.losses.extend(held)

    def _nonfinite_loss(self, step: int, value: float, replay: bool = True) -> None:
        """The first non-finite loss: diagnosed (replayed on copies where its batch is at hand)."""
        self.flush_losses()
        self._nonfinite_loss_seen = True
        self.sig.nonfinite.append(nonfinite.diagnose_loss(self, step, value, replay=replay))

    def _count_train_forward(self, training: bool, step: int) -> None:
        """A training forward (its loss backpropagated) of a model with layers whose output depends on its mode."""
        if training:
            self.sig.train_forwards_train_mode += 1
        else:
            self.sig.train_forwards_eval_mode += 1
            if self.sig.first_eval_train_step is None:
                self.sig.first_eval_train_step = step

    def _weigh_term_gradients(self, loss: torch.Tensor, terms: list[tuple[str, torch.Tensor]]) -> None:
        """L205 by gradient, on a few early sampled steps: how much of the gradient each term of a
        composite loss brings (|d loss/d term| x the norm of the term's own gradient), and what the rest
        of the loss brings (terms written by hand: a KL summed over the batch beside a per-pixel mean).
        Extra backward passes over the retained graph, with autograd.grad: no .grad is touched."""
        self._terms_weighed += 1
        if loss.grad_fn is not None:
            self._note_unused_terms(loss, terms)
        outs = [t for _, t in terms]
        if loss.numel() != 1 or loss.grad_fn is None or any(t is loss for t in outs) or not _plain_graph(self):
            return  # one term alone is the loss; or hooks that an extra backward would fire, or a compiled graph
        params = [p for p, _ in self.live_params() if p.requires_grad]
        if not params or sum(p.numel() for p in params) > TERM_GRADIENT_MAX_PARAMS:
            return
        try:
            holder = self._term_gradients(loss, outs, params)
        except (RuntimeError, NotImplementedError):
            return  # a graph autograd.grad cannot walk (reentrant checkpointing), sparse gradients: not weighed
        if holder is None:
            return
        for key, value in holder.items():
            self.rb.later(holder, key, value)
        names, step = [n for n, _ in terms], self.sig.steps
        self.rb.then(lambda h=holder: self.sig.loss_term_grads.append(
            (step, [(n, h[f"w{i}"], h[f"c{i}"]) for i, n in enumerate(names)], h["rest"], h["total"])))

    def _note_unused_terms(self, loss: torch.Tensor, terms: list[tuple[str, torch.Tensor]]) -> None:
        """Loss calls of the step whose result is not in the graph of the loss given to backward (a loss
        computed for the log, or a term left out of the total), with the parameters that feed only them:
        those get no gradient, and M303 says why. A walk over the graph's nodes; nothing runs."""
        reached = _graph_nodes(loss.grad_fn)
        for fn, term in terms:
            if term.grad_fn is None or term.grad_fn in reached:
                continue
            names = set()
            for node in _graph_nodes(term.grad_fn, stop=reached):  # (not into a trunk the loss also reaches)
                variable = getattr(node, "variable", None)  # an AccumulateGrad node: a leaf tensor
                name = self.param_name(variable) if variable is not None else None
                if name is not None:
                    names.add(name)
            self.sig.unused_loss_terms.append((self.sig.steps, fn, sorted(names)))

    def _note_loss_broadcasts(self, loss_nodes: set) -> None:
        """L204 for a loss written by hand: between the model's output and the loss, an elementwise op
        that broadcast a (N, 1) or (N,) output of the model against a tensor with no gradient (the
        target) into (N, N), N the batch: every prediction then meets every target, and the best the
        model can do is the batch mean. Or one that broadcast a scalar the model's side reduced over the
        whole batch (``torch.norm(a - b)`` without ``dim``) against an (N,) or (N, 1) target: every
        sample gets the same value. Shapes from the graph's metadata (sampled steps); nothing runs."""
        output, call = self._root_output_node, self._step_root_call
        if output is None or call is None:
            return  # (a loss that is not downstream of a known output: not walked into the model)
        x = first_tensor(call[1])
        shapes = [output[1]] + ([tuple(x.shape)] if x is not None else [])
        batch = {shape[0] for shape in shapes if shape and shape[0] > 1}  # (the input's rows, or the output's)
        for node in loss_nodes:
            nexts = node.next_functions
            if len(nexts) != 2 or all(f is not None for f, _ in nexts) or node.name() not in BROADCASTING_NODES:
                continue  # (a constant operand: its next function is None)
            metadata = getattr(node, "_input_metadata", None)  # (torch >= 2.2) the op's output shape
            if not metadata:
                return
            result = tuple(metadata[0].shape)
            n = result[0] if result else None
            if n not in batch or result not in ((n, n), (n,), (n, 1)):
                continue
            for f, index in nexts:
                if f is None:
                    continue
                operand = tuple(f._input_metadata[index].shape)
                reduced = _batch_reduction(f, n) if operand == () and result != (n, n) else None
                found = (_op_name(node), operand, result, reduced)
                if (result == (n, n) and operand in ((n, 1), (n,)) or reduced is not None) \
                        and all(seen[1:] != found for seen in self.sig.loss_broadcasts):
                    self.sig.loss_broadcasts.append((self.sig.steps, *found))

    def _note_forked_chains(self, loss: torch.Tensor) -> None:
        """M311: a linear layer's output that feeds the next linear layer and something else too (the
        skip of a residual block, sibling projections) is not one linear map with it for the network.
        Counted once, in the backward of the forward that found the pairs: the graph's nodes that read it."""
        watched = {node: pair for pair, node in self._chain_nodes}
        self._chain_nodes = []
        nodes = _graph_nodes(loss.grad_fn, limit=FORK_GRAPH_MAX_NODES)
        if len(nodes) >= FORK_GRAPH_MAX_NODES:
            return  # (not walked to the end: no verdict)
        readers = collections.Counter(f for node in nodes for f, _ in node.next_functions if f in watched)
        self.sig.forked_linear_chains.extend(pair for node, pair in watched.items() if readers[node] > 1)

    def _reaches_no_parameter(self, loss_nodes: set) -> bool:
        """The loss's graph, walked to its end (small: a loss cut from the model is a few nodes), meets
        neither the model's output nor any known parameter: it ends at tensors made to require grad by
        hand (``pred = out.argmax(1).float(); pred.requires_grad = True``). False when unsure."""
        if not loss_nodes or len(loss_nodes) >= LOSS_GRAPH_MAX_NODES:
            return False
        output = self._root_output_node
        for node in loss_nodes:
            if output is not None and any(f is output[0] for f, _ in node.next_functions):
                return False
            variable = getattr(node, "variable", None)  # (an AccumulateGrad: a leaf that requires grad)
            if variable is not None and self.param_name(variable) is not None:
                return False
        return True

    @staticmethod
    def _term_gradients(loss: torch.Tensor, outs: list[torch.Tensor], params: list[torch.Tensor]) -> dict | None:
        with preserved_random_state(), torch.enable_grad():
            weights = torch.autograd.grad(loss, outs, retain_graph=True, allow_unused=True)
            total = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
            used = [i for i, g in enumerate(total) if g is not None]
            if not used:
                return None
            rest = [total[i].detach().float() for i in used]
            holder: dict = {"total": _global_norm(rest)}
            for i, (out, w) in enumerate(zip(outs, weights)):
                if w is None or not out.requires_grad:
                    holder[f"w{i}"] = holder[f"c{i}"] = torch.zeros((), device=rest[0].device)
                    continue
                w = w.detach().reshape(()).float()
                grads = torch.autograd.grad(out, [params[j] for j in used], retain_graph=True, allow_unused=True)
                own = [g.detach().float() for g in grads if g is not None]
                holder[f"w{i}"] = w
                holder[f"c{i}"] = w.abs() * _global_norm(own) if own else torch.zeros_like(w)
                for j, g in enumerate(grads):
                    if g is not None:
                        rest[j] = rest[j] - w * g.detach().float()
            holder["rest"] = _global_norm(rest)
        return holder

    def _run_first_step_hook(self, opt: Any) -> None:
        hook, self.on_first_step = self.on_first_step, None
        self._first_step_optimizer = None
        hook(opt)  # never raises: the pre-flight turns its own errors into internal errors

    def _loss_arrived(self, step: int, value: float) -> None:
        self.flush_losses()
        self.sig.losses.append((step, value))
        if not math.isfinite(value) and not self._nonfinite_loss_seen:
            self._nonfinite_loss(step, value, replay=False)  # (read back later: the batch is gone)

    def _after_backward(self) -> None:
        """After a backward of a sampled step, or of a script with no optimizer (counted already)."""
        if self.sampling and self.sig.optimizer_created:
            self._note_backward_grads()
        if not self.sig.optimizer_created and not self._in_step:
            # No optimizer in this script (manual updates): a backward marks a step, and uses its gradients.
            self._backward_mark = self.sig.backward_calls
            if self.sampling:
                self._manual_grad_stats()
            self._end_step()

    def _note_backward_grads(self) -> None:
        """The gradients as backward left them (the last backward of the step wins: with gradient
        accumulation, the sum so far), to compare with what step() gets: clipping scales them between."""
        if self._backward_scaled:  # AMP: scaled up here, unscaled before step(): not a clip
            self._backward_scaled = False
            self._backward_grads = None
            return
        names, grads = [], []
        for p, name in self.live_params():
            g = p.grad
            if g is not None and not g.is_sparse:
                names.append(name)
                grads.append(g.detach())
        self._backward_grads = (names, torch._foreach_norm(grads)) if grads else ([], [])

    # ------------------------------------------------------------------ zero_grad
    def _wrap_zero_grad(self, original: Callable) -> Callable:
        probe = self

        def zero_grad_wrapper(owner, *args, **kwargs):
            if not probe._paused:
                probe._zero_grad_calls = calls = probe._zero_grad_calls + 1
                if probe._pending_checks:  # only a stale-gradient check reads who cleared
                    probe._zero_grad_log.append((calls, weakref.ref(owner)))
                backwards = probe.sig.backward_calls
                if backwards != probe._backward_mark:
                    if not probe._in_step:  # a closure (LBFGS) clears its own last evaluation's gradients
                        probe.sig.discarded_backwards += backwards - probe._backward_mark
                    probe._backward_mark = backwards
            return original(owner, *args, **kwargs)

        zero_grad_wrapper.__wrapped__ = original
        zero_grad_wrapper.__doc__ = original.__doc__
        return zero_grad_wrapper

    def _wrap_clip_grad_norm(self, original: Callable) -> Callable:
        probe, signature = self, inspect.signature(original)

        def clip_grad_norm_wrapper(*args, **kwargs):
            if probe.sampling and not probe._paused and not probe._depth:
                try:
                    bound = signature.bind(*args, **kwargs)
                    params = bound.arguments.get("parameters")
                    if params is not None and not isinstance(params, torch.Tensor):
                        bound.arguments["parameters"] = params = list(params)  # (an iterator is read once)
                        args, kwargs = bound.args, bound.kwargs
                    probe._note_clip(params, bound.arguments)
                except Exception as exc:
                    probe.engine.internal_error("probe:clip", exc)
            return original(*args, **kwargs)

        clip_grad_norm_wrapper.__wrapped__ = original
        clip_grad_norm_wrapper.__doc__ = original.__doc__
        return clip_grad_norm_wrapper

    def _note_clip(self, params: Any, arguments: dict) -> None:
        """A sampled step's clip_grad_norm_: what it was asked, on what, and whether a backward came first
        (G403 checks that the gradients step() gets are within the norm)."""
        sig = self.sig
        if sig.clip_calls and sig.clip_calls[-1].step == sig.steps:
            return  # (one a step: the first, which is where a clip before backward sits)
        params = [params] if isinstance(params, torch.Tensor) else [p for p in params if isinstance(p, torch.Tensor)]
        names = [self.param_name(p) for p in params]
        sig.clip_calls.append(ClipCall(
            step=sig.steps, max_norm=float(arguments.get("max_norm", math.nan)),
            norm_type=float(arguments.get("norm_type", 2.0)), params=[n for n in names if n is not None],
            after_backward=sig.backward_calls != self._backward_mark,
            grads_present=sum(p.grad is not None for p in params)))

    def _wrap_optimizer_init(self, original: Callable) -> Callable:
        probe = self

        def init_wrapper(opt, *args, **kwargs):
            original(opt, *args, **kwargs)
            if not probe._paused:
                probe.sig.optimizer_created += 1
                probe._new_optimizer = True  # its first step may take a closure: watched from its pre-step hook
                probe._set_step_pre_hook()

        init_wrapper.__wrapped__ = original
        return init_wrapper

    def _wrap_scheduler_step(self, original: Callable) -> Callable:
        probe = self

        def scheduler_step_wrapper(sched, *args, **kwargs):
            # _step_count is 0 during the scheduler's own initial step in __init__.
            if not probe._paused and getattr(sched, "_step_count", 0) >= 1:
                if not any(entry[0].steps > 0 for _, entry in probe._known_optimizers(sched)):
                    probe.sig.scheduler_steps_before_optimizer += 1
            out = original(sched, *args, **kwargs)
            if not probe._paused:
                try:
                    probe._note_scheduled_lr(sched)
                except Exception as exc:
                    probe.engine.internal_error("probe:scheduler", exc)
            return out

        scheduler_step_wrapper.__wrapped__ = original
        return scheduler_step_wrapper

    def _known_optimizers(self, sched: Any):
        """(optimizer, its entry) for each optimizer this probe has seen step, along the scheduler's
        ``.optimizer`` chain: wrappers (accelerate's AcceleratedOptimizer, Lightning's) hold the stepped
        optimizer as their own ``.optimizer``."""
        opt = getattr(sched, "optimizer", None)
        for _ in range(4):
            if opt is None:
                return
            entry = self._optimizers.get(opt) if _weakrefable(opt) else None
            if entry is not None:
                yield opt, entry
            opt = getattr(opt, "optimizer", None)

    def _wrap_plateau_step(self, original: Callable) -> Callable:
        probe = self

        def plateau_step_wrapper(sched, *args, **kwargs):
            if probe._paused:
                return original(sched, *args, **kwargs)
            before = None
            try:
                before = [float(g["lr"]) for g in sched.optimizer.param_groups]
            except Exception as exc:
                probe.engine.internal_error("probe:scheduler", exc)
            out = original(sched, *args, **kwargs)
            if before is not None:
                try:
                    probe._on_plateau_step(sched, args[0] if args else kwargs.get("metrics"), before)
                except Exception as exc:
                    probe.engine.internal_error("probe:scheduler", exc)
            return out

        plateau_step_wrapper.__wrapped__ = original
        return plateau_step_wrapper

    def _note_scheduled_lr(self, sched: Any) -> None:
        """The lr a scheduler just set, when it changed: the lr curve between sampled steps (a per-batch
        StepLR can collapse it within one sampling period)."""
        opt, (info, _) = next(self._known_optimizers(sched), (None, (None, None)))
        if opt is None:
            return
        lr = max((float(g["lr"]) for g in opt.param_groups), default=0.0)
        if info.scheduled_lrs and info.scheduled_lrs[-1][1] == lr:
            return
        info.scheduled_lrs.append((self.sig.steps, lr))

    def _on_plateau_step(self, sched: Any, metric: Any, lr_before: list[float]) -> None:
        index = self._plateau_index.get(sched)
        if index is None:
            index = self._plateau_count = self._plateau_count + 1
            self._plateau_index.set(sched, index)
        value = float(metric)  # a tensor is read here: once per scheduler step (an epoch), not per batch
        lr_after = [float(g["lr"]) for g in sched.optimizer.param_groups]
        self.sig.plateau_reports.append(PlateauReport(
            scheduler=index, step=self.sig.steps, mode=str(getattr(sched, "mode", "min")), metric=value,
            lr_before=max(lr_before, default=0.0), lr_after=max(lr_after, default=0.0)))
        self._note_scheduled_lr(sched)

    def _wrap_dropout(self, original: Callable) -> Callable:
        """Dropout called with training=True (F.dropout's default) inside an evaluation forward of a model
        in eval mode: model.eval() does not reach a functional dropout (T504)."""
        probe, sig = self, self.sig
        defaults = inspect.signature(original).parameters
        default_p, default_training = defaults["p"].default, defaults["training"].default  # (alpha_dropout's: False)

        def dropout_wrapper(*args, **kwargs):  # (input, p, training, inplace): passed on as given
            training = args[2] if len(args) > 2 else kwargs.get("training", default_training)
            if training and not torch.is_grad_enabled() and probe._eval_root_training is False \
                    and not probe._paused and probe._eval_dropout_noted != sig.eval_mode_forwards \
                    and (args[1] if len(args) > 1 else kwargs.get("p", default_p)):
                probe._eval_dropout_noted = sig.eval_mode_forwards
                sig.eval_dropout_forwards += 1
                if sig.first_eval_dropout_step is None:
                    sig.first_eval_dropout_step = sig.steps
            return original(*args, **kwargs)

        dropout_wrapper.__wrapped__ = original
        dropout_wrapper.__name__ = original.__name__
        dropout_wrapper.__doc__ = original.__doc__
        return dropout_wrapper

    def _wrap_seed(self, name: str, original: Callable) -> Callable:
        """A global generator seeded again once training runs: the same seed every step draws the same
        batch indices, noise and dropout masks every step (D103 when the batches repeat)."""
        probe = self

        def seed_wrapper(*args, **kwargs):
            steps = probe.sig.steps
            if steps and not probe._paused:
                try:
                    seed = args[0] if args else next(iter(kwargs.values()), None)
                    key = f"{name}({seed!r})"[:80]
                    reseeds = probe.sig.reseeds
                    entry = reseeds.get(key)
                    if entry is None and len(reseeds) < RESEED_KEYS:
                        entry = reseeds[key] = [0, 0, steps, -1]
                    if entry is not None:
                        entry[0] += 1
                        if entry[3] != steps:
                            entry[1], entry[3] = entry[1] + 1, steps
                except Exception as exc:
                    probe.engine.internal_error("probe:seed", exc)
            return original(*args, **kwargs)

        seed_wrapper.__wrapped__ = original
        seed_wrapper.__doc__ = original.__doc__
        return seed_wrapper

    def _wrap_loader_iter(self, original: Callable) -> Callable:
        probe = self

        def iter_wrapper(loader):
            if not probe._paused:
                try:
                    probe._on_loader(loader)
                except Exception as exc:
                    probe.engine.internal_error("probe:dataloader", exc)
            return original(loader)

        iter_wrapper.__wrapped__ = original
        return iter_wrapper

    def _on_loader(self, loader: Any) -> None:
        self.data.on_loader(loader)
        if any(getattr(info, "_loader", lambda: None)() is loader for info in self.sig.loaders):
            return
        try:
            length = len(loader.dataset)
        except Exception:
            length = None
        sampler = type(loader.sampler).__name__ if getattr(loader, "sampler", None) is not None else "none"
        batches = getattr(loader, "batch_sampler", None)
        custom = batches is not None and type(batches) is not torch.utils.data.BatchSampler
        if custom:
            sampler = type(batches).__name__  # a batch_sampler of the script's own: the sampler is unused
        shuffle = {"RandomSampler": True, "SequentialSampler": False}.get(sampler)
        info = LoaderInfo(dataset_len=length, batch_size=loader.batch_size, shuffle=shuffle, sampler=sampler,
                          drop_last=bool(loader.drop_last), custom_batches=custom)
        info._loader = weakref.ref(loader)
        self.sig.loaders.append(info)

    # ------------------------------------------------------------------ optimizer steps
    def _optimizer_info(self, opt: Any) -> tuple[OptimizerInfo, dict]:
        entry = self._optimizers.get(opt)
        if entry is None:
            params = [p for g in opt.param_groups for p in g["params"]]
            info = OptimizerInfo(index=len(self.sig.optimizers), kind=type(opt).__name__, groups=_group_settings(opt),
                                 n_params=len(params))
            self.sig.optimizers.append(info)
            # An optimizer built before watching began (a Trainer's): from now on a backward is not a
            # step of hand-written updates.
            self.sig.optimizer_created = self.sig.optimizer_created or 1
            for p in params:
                name = self.param_name(p)
                if name is not None:
                    self.sig.params[name].in_optimizer = True
            trainable = [p for p in params if p.requires_grad]
            picks = trainable[:2] + trainable[-2:] if len(trainable) > 4 else trainable
            state = {"ids": {id(p) for p in params}, "checked": [weakref.ref(p) for p in picks],
                     "last": None, "params": [weakref.ref(p) for p in params]}
            entry = (info, state)
            self._optimizers.set(opt, entry)
        return entry

    def _optimizer_entry(self, opt: Any) -> tuple[OptimizerInfo, dict]:
        entry = self._optimizers._entries.get(id(opt))  # (inline IdentityMap.get)
        return entry[1] if entry is not None and entry[0]() is opt else self._optimizer_info(opt)

    def _on_step_pre(self, opt: Any, args: tuple, kwargs: dict) -> None:
        if self._paused:
            return
        self._in_step += 1
        self._new_optimizer = False
        closure = (len(args) > 1 and args[1] is not None) or kwargs.get("closure") is not None
        if closure:
            self._closure_steps = True
        if self.sampling or self._pending_checks or self.on_first_step is not None:
            try:
                self._step_pre(opt, closure)
            except Exception as exc:
                self.engine.internal_error("probe:optimizer", exc)

    def _step_pre(self, opt: Any, closure: bool = False) -> None:
        if self.on_first_step is not None:
            if self._step_root_call is None:
                # No forward yet: the forward runs inside step(closure) (LBFGS, Lightning). The
                # pre-flight waits for the closure's backward, when model, batch and loss are known.
                self._first_step_optimizer = weakref.ref(opt)
            else:
                self._run_first_step_hook(opt)
        info, state = self._optimizer_entry(opt)
        if state["last"]:
            if closure:  # its backward runs inside step(): the gradients are judged after it
                state["check_after_step"] = True
            else:
                self._check_stale_gradients(opt, info, state)
        if self.sampling:
            self._grad_stats(opt, info, state)

    def _on_step_post(self, opt: Any, args: tuple, kwargs: dict) -> None:
        # Runs on every step, as does the end of the step it calls: the ordinary path is kept short (each
        # line costs a fraction of a microsecond there, its code cold after the step's kernels).
        if self._paused:
            return
        try:
            sig = self.sig
            self._backward_mark = sig.backward_calls
            entry = self._optimizers._entries.get(id(opt))  # (inline IdentityMap.get)
            info, state = entry[1] if entry is not None and entry[0]() is opt else self._optimizer_info(opt)
            # Sampled by this optimizer's own count too (a second optimizer steps after the step's end).
            steps, sampler = info.steps, self.sampler
            if self.sampling or self._in_step or self._holds_copies or steps < sampler.full_steps \
                    or steps % sampler.k == 0:
                self._step_post_extras(opt, info, state)
            info.steps = steps + 1
            info.last_step = sig.steps
            # A step ends with the busiest optimizer's step (a GAN's two optimizers make one step), or with
            # an optimizer stepping twice in a row (a second training phase's own optimizer, counting from 0).
            last, self._last_stepped = self._last_stepped, info
            if info.steps > sig.steps or last is info:
                self._end_step()
        except Exception as exc:
            self.engine.internal_error("probe:optimizer", exc)

    def _step_post_extras(self, opt: Any, info: OptimizerInfo, state: dict) -> None:
        """After the update of a sampled step, of this optimizer's own sampled count, of a watched pre-step."""
        if self._in_step:
            self._in_step -= 1
        if self.sampling:
            info.groups = _group_settings(opt)  # hyper-parameters per group (lr...); refreshed at the end
        if state.pop("check_after_step", False) and state["last"]:
            self._check_stale_gradients(opt, info, state)
        steps, sampler = info.steps, self.sampler
        if steps < sampler.full_steps or steps % sampler.k == 0:  # (as its first step is)
            self._remember_checked_grads(state)
            if info.first_step is None:
                info.first_step = self.sig.steps
        if self._holds_copies:
            self._note_update_norms(state)

    def _remember_checked_grads(self, state: dict) -> None:
        """Each checked gradient by identity and version: if the next step sees the very same tensor,
        never cleared, the gradients of two steps were summed (no zero_grad). Checked on the step after
        each sampled one: the pattern of a loop repeats every step."""
        grads = []
        for ref in state["checked"]:
            p = ref()
            g = None if p is None else p.grad
            grads.append(None if g is None else (weakref.ref(g), g._version))
        if state["last"] is None:
            self._pending_checks += 1
            self._set_step_pre_hook()  # (a second optimizer sampled by its own count, after the step's end)
        state["last"] = (grads, self.sig.backward_calls, self._zero_grad_calls)

    def _note_update_norms(self, state: dict) -> None:
        """A sampled step's update per parameter: its weights now minus the copies taken before it."""
        pending = state.pop("before", None)
        if pending is None:
            return
        stats, names, before = pending
        self._weights_before_step.update(zip(names, before))  # (a NaN gradient's replay, until step end)
        after = [p.detach() for p in (ref() for ref in state["params_sampled"]) if p is not None]
        if len(after) == len(before):
            diffs = torch._foreach_sub(after, before)
            for name, norm in zip(names, torch._foreach_norm(diffs)):
                self.rb.later(stats.update_norm, name, norm)

    def _check_stale_gradients(self, opt: Any, info: OptimizerInfo, state: dict) -> None:
        info.checked_steps += 1
        (grads, backwards, zero_calls), state["last"] = state["last"], None
        self._pending_checks -= 1
        new_backwards = self.sig.backward_calls - backwards
        stale = False
        if new_backwards > 0:
            for ref, last in zip(state["checked"], grads):
                p = None if last is None else ref()
                g = None if p is None else p.grad
                if g is None or last[0]() is not g:
                    continue  # none, or set to None and re-created: cleared
                if g._version - last[1] > new_backwards:
                    continue  # an extra in-place write: zeroed (or clipped) by hand
                if not self._cleared_by_zero_grad(p, opt, zero_calls):
                    stale = True
                    break
        self.sig.checked_backwards += 1
        if stale:
            info.stale_steps += 1
            self.sig.stale_grad_backwards += 1
            if self.sig.first_stale_step is None:
                self.sig.first_stale_step = self.sig.steps

    def _cleared_by_zero_grad(self, p: torch.Tensor, opt: Any, since: int) -> bool:
        if self._zero_grad_calls - since >= self._zero_grad_log.maxlen:
            return True
        for index, owner_ref in reversed(self._zero_grad_log):  # newest first: stop at the old ones
            if index <= since:
                break
            owner = owner_ref()
            if owner is None:
                continue
            if owner is opt or (isinstance(owner, torch.optim.Optimizer)
                                and any(q is p for g in owner.param_groups for q in g["params"])):
                return True
            if isinstance(owner, nn.Module) and any(q is p for q in owner.parameters()):
                return True
        return False

    def _grad_stats(self, opt: Any, info: OptimizerInfo, state: dict) -> None:
        stats = StepStats(step=self.sig.steps, optimizer=info.index, lrs=[float(g.get("lr", 0.0) or 0.0)
                                                                         for g in opt.param_groups])
        named, known = [], True
        for ref in state["params"]:
            p = ref()
            if p is not None and p.requires_grad:
                name = self.param_name(p)
                known = known and name is not None
                named.append((p, name or f"param{len(named)}"))
        if not named:
            return
        params = self._norms_into(stats, named)
        if self._backward_grads is not None:
            stats.backward_noted = known  # (the backward's gradients are noted for the models' parameters only)
            held = {name for _, name in named}
            for name, norm in zip(*self._backward_grads):
                if name in held:
                    self.rb.later(stats.backward_grad_norm, name, norm)
        stats.foreign_models = self._foreign_models()
        state["before"] = (stats, [name for _, name in named], [p.clone() for p in params])
        self._holds_copies = True
        state["params_sampled"] = [weakref.ref(p) for p, _ in named]
        self.sig.step_stats.append(stats)
        self.rb.then(lambda s=stats, i=info: self._grads_arrived(s, i))

    def _foreign_models(self) -> list[str]:
        """The models run with gradients this step whose trainable parameters got gradients while no
        optimizer holds any of them: a model created again after its optimizer (M302, when the
        optimizer's own parameters get no gradient)."""
        held = set().union(*(state["ids"] for _, (_, state) in self._optimizers.items()))
        foreign = []
        for ref in self._step_models:
            model = ref()
            trainable = [p for p in model.parameters() if p.requires_grad] if model is not None else []
            if not any(id(p) in held for p in trainable) and any(p.grad is not None for p in trainable):
                foreign.append(self.name_of(model))
        return foreign

    def _manual_grad_stats(self) -> None:
        """Gradient and weight norms of a sampled step of hand-written updates (``p.data.add_(p.grad, ...)``,
        no optimizer object): the model's trainable parameters, as the optimizer hooks take them."""
        named = [(p, name) for p, name in self.live_params() if p.requires_grad]
        if all(p.grad is None for p, _ in named):
            return
        stats = StepStats(step=self.sig.steps, optimizer=MANUAL_UPDATES)
        self._norms_into(stats, named)
        self.sig.step_stats.append(stats)
        self.rb.then(lambda s=stats: self._grads_arrived(s, None))

    def _norms_into(self, stats: StepStats, named: list[tuple[torch.Tensor, str]]) -> list[torch.Tensor]:
        """Weight and gradient norms of ``named`` (parameter, name) into ``stats``, read back in the step's
        batch; the names without a gradient into ``stats.grad_none``. Returns the detached parameters."""
        params, grads, gnames = [], [], []
        for p, name in named:
            params.append(p.detach())
            if p.grad is None:
                stats.grad_none.append(name)
            else:
                g = p.grad.detach()
                grads.append(g.coalesce().values() if g.is_sparse else g)  # sparse embedding gradients
                gnames.append(name)
        for (_, name), norm in zip(named, torch._foreach_norm(params)):
            self.rb.later(stats.param_norm, name, norm)
        if grads:
            for name, norm in zip(gnames, torch._foreach_norm(grads)):
                self.rb.later(stats.grad_norm, name, norm)
        return params

    def _grads_arrived(self, stats: StepStats, info: OptimizerInfo | None) -> None:
        empty = all(v == 0 for v in stats.grad_norm.values())
        if empty and info is not None:
            info.empty_grad_steps += 1
        for name in stats.grad_none:
            if name in self.sig.params:
                self.sig.params[name].grad_checked += 1
                self.sig.params[name].grad_none += 1
        for name, value in stats.grad_norm.items():
            if name in self.sig.params:
                self.sig.params[name].grad_checked += 1
                if value == 0:
                    self.sig.params[name].grad_zero += 1
        bad = [n for n, v in stats.grad_norm.items() if not math.isfinite(v)]
        if bad and not self._nonfinite_grad_seen:
            self._nonfinite_grad_seen = True
            self.sig.nonfinite.append(nonfinite.diagnose_gradient(self, stats.step, bad))

    # ------------------------------------------------------------------ step boundary
    def _end_step(self) -> None:
        # Runs on every step: the ordinary path kept short, as in _on_step_post.
        sampling, sig, data = self.sampling, self.sig, self.data
        if sampling:
            self._end_sampled_step()
        elif data._val_x is not None or data._train_x is not None:
            data.end_step(False)
        sig.steps = steps = sig.steps + 1
        if self.on_step_end is not None:
            self.on_step_end()
        self._release_step()
        if sampling:
            self._release_sampled_step()
        if steps >= self.engine.next_live_step:
            self.engine.on_step_end(steps, self.sampler.base)
        if self._depth == 0:
            sampler = self.sampler
            next_sampled = steps < sampler.full_steps or steps % sampler.k == 0
            if next_sampled != sampling:
                self._switch_sampling(next_sampled, steps)
            if next_sampled or self._step_pre_handle is not None:
                self._set_step_pre_hook()

    def _end_sampled_step(self) -> None:
        self.data.end_step(True)
        root = self._step_root_call[0]() if self._step_root_call is not None else None
        if root is not None:
            self._identical_units(root)
        if self._hidden_tensors:
            self._check_hidden_tensors()
        self.flush_losses()
        self.rb.flush()
        self._step_models, self._backward_grads, self._root_output_node = [], None, None
        now, step = time.perf_counter(), self.sig.steps
        self.sampler.observe(step, now - self._clock[1], True)
        self._clock = (step + 1, now)

    def _switch_sampling(self, on: bool, steps: int) -> None:
        """From the next step (``steps``) on, full statistics (``on``) or ordinary steps."""
        if on:  # the clock is read around sampled steps only: the ordinary ones since, all in one
            now, first = time.perf_counter(), self._clock[0]
            if steps > first:
                self.sampler.observe(steps - 1, now - self._clock[1], False, count=steps - first)
            self._clock = (steps, now)
        self.sampling = on
        self._set_sampling_hooks(on)
        self._quiet_losses = not on and self.on_step_end is None and bool(self.sig.loss_calls)

    def _release_step(self) -> None:
        """Lets go of what every step holds: the model's arguments, the loss's, the loss terms' graphs."""
        self._step_root_call = self._step_root_kwargs = self._scaled_loss = self._step_loss_args = None
        if self._step_terms:  # loss calls with no backward after them: let their graphs go
            self._step_terms = []

    def _release_sampled_step(self) -> None:
        """... and what a sampled step holds besides: layer outputs, the weights from before its update."""
        self._last_linear_out = None
        self._chain_nodes = []
        self._weights_before_step = {}
        if self._holds_copies:
            self._holds_copies = False
            for _, (_, state) in self._optimizers.items():
                state.pop("before", None)

    def finish(self) -> None:
        """End of run: read back what is pending, note which parameters changed at all."""
        self.flush_losses()
        self.rb.flush()
        self.data.finish()  # guarded: its errors are internal errors of "probe:data"
        self._release_step()
        self._release_sampled_step()
        for opt, (info, _) in self._optimizers.items():
            info.groups = _group_settings(opt)
        self._read_val_confusion()
        names = [(p, n) for p, n in self.live_params() if n in self._initial_sums]
        if names:
            sums = _value_sums([p for p, _ in names])
            for (_, name), now in zip(names, sums):
                self.sig.params[name].changed = now != self._initial_sums[name]

    def _read_val_confusion(self) -> None:
        """The confusion counts of the last validation passes, newest first, until they hold enough samples."""
        total, classes, steps = None, None, []
        for step, c, counts in reversed(self._val_confusions):
            if classes is not None and c != classes:
                break
            classes, total = c, counts if total is None else total + counts
            steps.append(step)
            if int(total[:-1].sum()) >= VAL_CONFUSION_MIN_SAMPLES:
                break
        self._val_confusions.clear()
        if total is not None:
            self.sig.val_confusion = total[:-1].reshape(classes, classes).cpu().tolist()
            self.sig.val_confusion_steps = (min(steps), max(steps))

    def _identical_units(self, model: nn.Module) -> None:
        """Sampled steps: the Linear/Conv layers of the step's model whose output units all have the same
        weights (relative spread over the rows), read back with the step. A constant init gives every
        unit the same output and the same gradient, so they stay copies of each other."""
        layers = [(self.name_of(m), m.weight) for m in model.modules()
                  if isinstance(m, LINEAR_LIKE) and isinstance(getattr(m, "weight", None), torch.Tensor)
                  and m.weight.requires_grad and m.weight.dim() >= 2 and m.weight.shape[0] >= 2]
        if not layers:
            return
        spreads: dict = {}
        for name, w in layers:
            w = w.detach().flatten(1)[:, :256]  # copies of one unit agree everywhere; different units at once
            self.rb.later(spreads, name, (w - w[:1]).abs().amax() / w.abs().amax().clamp(min=1e-30))
        units = {name: int(w.shape[0]) for name, w in layers}
        self.rb.then(lambda: setattr(self.sig, "identical_units",
                                     {n: units[n] for n, spread in spreads.items() if spread <= 1e-4}))


class _IdentityMap:
    """Weakly held objects (models, optimizers) looked up by identity, each with a value: a lookup
    costs one dict access (a WeakKeyDictionary builds a weak reference per lookup, and these
    lookups run on every module call and every step)."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref, Any]] = {}

    def set(self, obj: Any, value: Any = True) -> None:
        key = id(obj)
        self._entries[key] = (weakref.ref(obj, lambda _: self._entries.pop(key, None)), value)

    def get(self, obj: Any, default: Any = None) -> Any:
        entry = self._entries.get(id(obj))
        return entry[1] if entry is not None and entry[0]() is obj else default

    def add(self, obj: Any) -> None:
        self.set(obj, True)

    def __contains__(self, obj: Any) -> bool:
        entry = self._entries.get(id(obj))
        return entry is not None and entry[0]() is obj

    def items(self) -> list[tuple[Any, Any]]:
        return [(obj, value) for obj, value in ((ref(), value) for ref, value in list(self._entries.values()))
                if obj is not None]

    def __iter__(self):
        return iter([obj for obj, _ in self.items()])


def _weakrefable(obj: Any) -> bool:
    try:
        weakref.ref(obj)
        return True
    except TypeError:
        return False


def _feature_axes(t: torch.Tensor) -> tuple[int, ...] | None:
    if t.dim() == 2:
        return (0,)
    if t.dim() == 3:
        return (0, 1)
    return feature_axes(t)


def _auc(scores: torch.Tensor, positive: torch.Tensor) -> torch.Tensor:
    """The area under the ROC curve (Mann-Whitney U from the ranks), on the device; NaN with one class only."""
    ranks = scores.argsort().argsort().double() + 1
    pos = positive.double()
    n_pos, n_neg = pos.sum(), (1 - pos).sum()
    u = (ranks * pos).sum() - n_pos * (n_pos + 1) / 2
    return torch.where((n_pos > 0) & (n_neg > 0), u / (n_pos * n_neg).clamp(min=1), torch.full_like(u, math.nan))


def _mean_loss(value: torch.Tensor, bound: dict, class_index: bool) -> torch.Tensor:
    """A loss per scored element: a validation loop's ``reduction="sum"`` (summed over the set, divided by
    its size afterwards) divided by the elements this call scored, so validation curves are on the scale of
    the training loss. (On the device: no sync.)"""
    if bound.get("reduction") != "sum":
        return value
    inp, target = bound.get("input"), bound.get("target")
    if class_index and isinstance(target, torch.Tensor) and not target.is_floating_point():
        ignore = bound.get("ignore_index", -100)
        count = (target != ignore).sum() if ignore is not None else target.numel()
    elif class_index and isinstance(inp, torch.Tensor) and inp.dim() >= 2:
        count = inp.numel() // max(1, inp.shape[1])  # (class probabilities: one term per sample, not per class)
    elif isinstance(inp, torch.Tensor):
        count = inp.numel()
    else:
        return value
    return value / (count.clamp(min=1) if isinstance(count, torch.Tensor) else max(count, 1))


def _booleans(call: LossCall) -> None:
    if call.target_majority_class is not None:
        call.target_majority_class = int(call.target_majority_class)
    if call.padded_target_class is not None:
        call.padded_target_class, call.padded_token = int(call.padded_target_class), int(call.padded_token)
    call.probs_like = bool(call.probs_like)
    call.unit_interval = bool(call.unit_interval)
    call.ignore_index_used = bool(call.ignore_index_used)
    if call.valid_target_min is not None and call.valid_target_min >= _INT_MAX:  # every target ignored
        call.valid_target_min = call.valid_target_max = None


def _flattened_from(inp: torch.Tensor, target: torch.Tensor) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The two leading dims that a loss's prediction and target were each flattened from into one
    (``logits.view(-1, C)``, ``tags.view(-1)``); None where either was not. The prediction's shape
    before its view is in the view's autograd node (a model's output is often itself a view, so
    ``_base``, the storage's first tensor, may be something else); the target's is its ``_base`` when
    that is the very tensor flattened (a whole batch, not a slice of a data set)."""
    merged = []
    for t in (inp, target):
        fn = t.grad_fn
        sizes = getattr(fn, "_saved_self_sym_sizes", None) if type(fn).__name__ in _VIEW_NODES else None
        if sizes is None and t._base is not None and t._base.numel() == t.numel() and t._base.is_contiguous():
            sizes = t._base.shape
        if sizes is None or len(sizes) != t.dim() + 1 or tuple(int(d) for d in sizes[2:]) != tuple(t.shape[1:]):
            return None
        merged.append((int(sizes[0]), int(sizes[1])))
    return merged[0], merged[1]


_VIEW_NODES = ("ViewBackward0", "UnsafeViewBackward0", "ReshapeAliasBackward0")


def _global_norm(tensors: list[torch.Tensor]) -> torch.Tensor:
    return torch.stack(torch._foreach_norm(tensors)).norm()


def _value_sums(tensors: list[torch.Tensor]) -> list[float]:
    """The sum of each tensor's values, read back in one batch (on the CPU: the tensors may sit on
    several devices): a cheap fingerprint of whether they changed."""
    return torch.stack([t.detach().float().sum().cpu() for t in tensors]).tolist() if tensors else []


def _call_kwargs(module: nn.Module) -> dict | None:
    """The keyword arguments of the call of ``module`` under way: a global forward pre-hook is given the
    positional ones only, and torch's ``_call_impl`` frame holds the rest (read once, at the first call of
    a model; after it, the model's wrapped ``__call__`` passes them on)."""
    frame = sys._getframe(1)
    for _ in range(12):
        if frame is None:
            break
        if frame.f_code.co_name in ("_call_impl", "_wrapped_call_impl") and frame.f_locals.get("self") is module:
            kwargs = frame.f_locals.get("kwargs")
            return dict(kwargs) if isinstance(kwargs, dict) and kwargs else None
        frame = frame.f_back
    return None


def _graph_nodes(start: Any, stop: set | frozenset = frozenset(), limit: int | None = None) -> set:
    """The autograd nodes reachable from ``start`` (a grad_fn), not walking past those in ``stop``;
    at most ``limit`` of them."""
    seen, stack = set(), [start]
    while stack and (limit is None or len(seen) < limit):
        node = stack.pop()
        if node is not None and node not in seen and node not in stop:
            seen.add(node)
            stack.extend(n for n, _ in node.next_functions)
    return seen


BATCH_REDUCTIONS = ("Norm", "Sum", "Mean", "Dist")  # backward nodes of reductions (by name) that can take a batch to ()


def _batch_reduction(node: Any, n: int, depth: int = 6) -> tuple[str, tuple] | None:
    """Below a node whose output is a scalar, through scalar ops (a square, a margin minus it): a
    reduction of a tensor with n rows to that scalar. (Its op, the reduced tensor's shape.)"""
    for _ in range(depth):
        scalars = []
        reduction = next((r for r in BATCH_REDUCTIONS if r in node.name()), None)
        for f, index in node.next_functions:
            if f is None or not hasattr(f, "_input_metadata"):
                continue
            shape = tuple(f._input_metadata[index].shape)
            if shape and shape[0] == n and reduction is not None:
                return reduction.lower(), shape
            if shape == ():
                scalars.append(f)
        if len(scalars) != 1:
            return None
        node = scalars[0]
    return None


def _op_name(node: Any) -> str:
    """An autograd node's op as the user wrote it: SubBackward0 -> sub."""
    name = node.name()
    return name[:name.index("Backward")].lower() if "Backward" in name else name


def _term_step_due(step: int, done: int) -> bool:
    """The steps whose loss terms are weighed by gradient: the first three, then one from step 16 and
    one from step 64 (a term that starts near zero, a KL at initialization, has grown by then)."""
    return done < len(TERM_GRADIENT_STEPS) and step >= TERM_GRADIENT_STEPS[done]


def _plain_graph(probe: "TorchProbe") -> bool:
    """No backward hooks that an extra backward pass would fire (module backward hooks, DDP's)."""
    from torch.nn.modules import module as module_mod

    if module_mod._global_backward_hooks or module_mod._global_backward_pre_hooks:
        return False
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return False
    for root in probe._roots:
        if _is_compiled(root):
            return False
        for m in root.modules():
            if m._backward_hooks or m._backward_pre_hooks:
                return False
    return True


def _as_scalar(loss: torch.Tensor) -> torch.Tensor:
    value = loss.detach()
    return value.reshape(()) if value.numel() == 1 else value.float().mean()


def _group_settings(opt: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in g.items() if k != "params"} for g in opt.param_groups]


def _plain(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value.tolist()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return str(value)

"""Pre-flight experiments: seconds of tests on copies of the model before hours of training.

``run_preflight(setup, engine)`` runs every experiment that applies, each on deep copies,
inside ``preserved_random_state()`` (and, under ``nndoctor run``, inside ``probe.paused()``),
and stores each result in ``engine.signals.experiments[name]``. An experiment that cannot run
records ``{"skipped": reason}``; one that crashes becomes an internal error, never an exception
in the user's training.

Entry points: ``nndoctor.check(...)`` (nndoctor/check.py) and, under ``nndoctor run``, the
probe's first optimizer step (``first_step_hook``).
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any, Callable

from nndoctor.i18n import tjoin, tr, ui
from nndoctor.preflight.common import (MAX_BATCH, TOTAL_BUDGET_S, Budget, LossSpec, Setup, Skip, find_batch_dim,
                                       first_tensor, infer_loss, loss_from_capture, n_params, now, take, take_args)

if TYPE_CHECKING:
    from nndoctor.engine import Engine

__all__ = ["Setup", "LossSpec", "Skip", "run_preflight", "make_setup", "first_step_hook"]

# (name, share of the total budget): run in this order; the overfit copy feeds input_ignored.
EXPERIMENT_THREADS = 1
PLAN = (("initial_loss", 0.04), ("batch_mixing", 0.08), ("gradcheck", 0.12), ("overfit", 0.22),
        ("input_ignored", 0.04), ("labels", 0.18), ("lr_range", 0.12), ("regularization", 0.14),
        ("augmentation", 0.12))
LABELS = {"initial_loss": "loss at initialization", "batch_mixing": "batch independence (eval mode)",
          "gradcheck": "gradient check of custom layers", "overfit": "overfit one small batch",
          "input_ignored": "real vs zero/random inputs", "labels": "true vs shuffled labels",
          "lr_range": "learning-rate range test", "regularization": "regularization on/off/up",
          "augmentation": "augmentation on/off"}


def make_setup(model: Any, args: tuple, *, target: Any = None, loss: LossSpec | None = None,
               loss_capture: tuple | None = None, optimizer: Any = None, dataset: Any = None,
               collate: Callable | None = None, batch_size_hint: int | None = None,
               budget_s: float = TOTAL_BUDGET_S, log: Callable[[str], None] | None = None,
               max_batch: int = MAX_BATCH) -> Setup:
    """Cap the captured batch, find its sample dimension, and settle the loss (reused or inferred)."""
    import torch

    x = first_tensor(args)
    if x is None or x.dim() == 0:
        raise Skip("the model's input is not a batched tensor")
    if loss_capture is not None and target is None:
        name, largs, lkwargs = loss_capture
        import inspect

        import torch.nn.functional as F

        try:
            bound = inspect.signature(getattr(F, name)).bind_partial(*largs, **lkwargs).arguments
            target = bound.get("target")
        except Exception:
            target = None
    n_hint = target.shape[0] if isinstance(target, torch.Tensor) and target.dim() else batch_size_hint
    batch_dim = find_batch_dim(x, n_hint) if isinstance(args[0], torch.Tensor) else 0
    guessed = False
    if n_hint and x.shape[batch_dim] != n_hint and x.dim() >= 2 and n_hint % x.shape[1] == 0 \
            and _sequence_first(model):
        batch_dim = 1  # (time, batch) inputs of a sequence-first RNN/attention, per-position targets flattened
        guessed = True  # (or a (batch, time) input the model transposes itself: N x T targets either way)
    n_full = x.shape[batch_dim]
    notes = []
    # The loss: the user's captured call where it can be replayed on a copy's output, else a default.
    if loss is None and loss_capture is not None:
        with torch.no_grad():
            out = _forward_copy(model, args)
        rebuilt = loss_from_capture(*loss_capture, out, n_full)
        if rebuilt is not None:
            loss, target = rebuilt
        else:
            loss = infer_loss(out, target)
            if loss is not None:
                loss.reason = f"the captured {loss_capture[0]} call is not on the model output"
    elif loss is None and target is not None:
        with torch.no_grad():
            out = _forward_copy(model, args)
        loss = infer_loss(out, target)
        if loss is not None:
            loss.reason = "no loss function given"
    if loss is None:
        notes.append(tr("no reusable loss: experiments that need one are skipped"))
    k = min(n_full, max_batch)
    idx = torch.arange(k)
    # Copies, always: a model that writes into its input (an in-place first op) must not touch the
    # user's batch.
    args = tuple(a.detach().clone() if isinstance(a, torch.Tensor) else a
                 for a in take_args(args, idx, n_full, batch_dim))
    if isinstance(target, torch.Tensor):
        target = take(target, idx, n_full).detach().clone()
    return Setup(model=model, args=tuple(args), target=target, loss=loss, optimizer=optimizer, batch_dim=batch_dim,
                 batch_dim_guessed=guessed, n=k, n_full=n_full, dataset=dataset, collate=collate, budget=Budget(budget_s),
                 n_params=n_params(model), log=log, notes=notes)


def _forward_copy(model: Any, args: tuple) -> Any:
    from nndoctor.preflight.common import clone_model

    twin = clone_model(model)
    return twin(*args)


def run_preflight(setup: Setup, engine: "Engine", only: set[str] | None = None) -> dict:
    """Every experiment, in order, within the budget; results go to ``engine.signals.experiments``."""
    import torch

    threads = torch.get_num_threads()
    # One thread: the experiments' tensors are small (a few samples), where intra-op threads gain
    # little, and on a busy machine spinning threads lose a lot (measured: a 2-thread step of a
    # small MLP took 70x longer under load). The user's setting is restored before their code runs.
    if threads > EXPERIMENT_THREADS:
        torch.set_num_threads(EXPERIMENT_THREADS)
    try:
        return _run(setup, engine, only)
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def _run(setup: Setup, engine: "Engine", only: set[str] | None) -> dict:
    from nndoctor.preflight import experiments as ex

    results = engine.signals.experiments
    log = setup.log or (lambda line: None)
    timings: dict[str, float] = {}
    trained = None
    finite = True
    loss = ""
    if setup.loss:
        loss = (tr(", loss {name} (inferred)", name=setup.loss.name) if setup.loss.inferred
                else tr(", loss {name}", name=setup.loss.name))
    log(tr("nndoctor: pre-flight on a copy of the model ({params:,} parameters, {samples} samples{loss})",
           params=setup.n_params, samples=setup.n, loss=loss))
    for name, share in PLAN:
        if only is not None and name not in only:
            continue
        t0, c0 = time.perf_counter(), now()
        deadline = setup.budget.deadline(share * setup.budget.total)
        try:
            if setup.budget.left() <= 0:
                raise Skip("pre-flight time budget spent")
            if name not in ("initial_loss", "batch_mixing", "gradcheck") and not finite:
                raise Skip("the loss is not finite on the captured batch (N601)")
            if name == "initial_loss":
                out = ex.initial_loss(setup)
                finite = math.isfinite(out["loss"])
            elif name == "batch_mixing":
                out = ex.batch_mixing(setup)
            elif name == "gradcheck":
                out = ex.gradients(setup, deadline)
            elif name == "overfit":
                out, trained = ex.overfit(setup, deadline)
            elif name == "input_ignored":
                out = ex.input_ignored(setup, trained)
            elif name == "labels":
                out = ex.label_signal(setup, deadline)
            elif name == "lr_range":
                out = ex.lr_range(setup, deadline)
            elif name == "regularization":
                out = ex.regularization(setup, deadline)
            else:
                out = ex.augmentation(setup, deadline)
        except Skip as why:
            out = {"skipped": str(why)}
            skip_reason = why.reason
        except Exception as exc:  # an experiment that crashes is a result, not a dead run
            if _raised_by_the_model(exc):
                # The user's forward or loss refused a batch the experiment made from the captured one
                # (a subset, shuffled labels: pack_padded_sequence wants its lengths sorted): no verdict.
                skip_reason = tr("the model rejected a batch made from the captured one: {error}",
                                 error=f"{type(exc).__name__}: {str(exc)[:200]}")
            else:
                engine.internal_error(f"preflight:{name}", exc)
                skip_reason = tr("internal error: {error}", error=f"{type(exc).__name__}: {exc}")
            out = {"skipped": str(skip_reason)}
        else:
            skip_reason = None
        spent = time.perf_counter() - t0
        timings[name] = round(spent, 3)
        out["seconds"] = round(spent, 3)
        out["cpu_seconds"] = round(now() - c0, 3)
        results[name] = out
        log(tr("nndoctor: pre-flight {experiment}: {result} ({seconds:.2f} s)", experiment=ui("exp_" + name),
               result=_summary(name, out, skip_reason), seconds=spent))
    results["preflight"] = {"seconds": timings, "total_s": round(sum(timings.values()), 3), "samples": setup.n,
                            "params": setup.n_params, "loss_fn": setup.loss.name if setup.loss else None,
                            "loss_inferred": bool(setup.loss and setup.loss.inferred),
                            "loss_reason": setup.loss.reason if setup.loss else "",
                            "optimizer": type(setup.optimizer).__name__ if setup.optimizer is not None else None,
                            "notes": list(setup.notes)}
    return results


def _summary(name: str, r: dict, skip_reason: str | None = None) -> str:
    """One experiment's result in a few words (a translatable ``Text``); ``skip_reason`` keeps a Skip's Text."""
    try:
        return _describe(name, r, skip_reason)
    except Exception:
        return tr("done")


def _describe(name: str, r: dict, skip_reason: str | None = None) -> str:
    if "skipped" in r:
        return tr("skipped, {reason}", reason=skip_reason or r["skipped"])
    f = lambda v: "?" if v is None else f"{v:.3g}"  # noqa: E731
    if name == "initial_loss":
        return tr("{loss} (chance level {expected})", loss=f(r["loss"]), expected=f(r["expected"]))
    if name == "batch_mixing":
        return tr("samples independent") if not r["output_mixing_fraction"] else \
            tr("outputs mix samples (first at {layer})", layer=r["first_mixing_layer"])
    if name == "gradcheck":
        return tr("{passed} passed, {failed} failed", passed=len(r["checked"]), failed=len(r["failed"]))
    if name == "overfit":
        return tr("loss {start} -> {end} in {steps} steps", start=f(r["loss_start"]), end=f(r["loss_end"]),
                  steps=r["steps"])
    if name == "input_ignored":
        last = r.get("trained") or r.get("init") or {}
        return tr("output change with other inputs {sensitivity}", sensitivity=f(last.get("sensitivity")))
    if name == "labels":
        return tr("true labels learned {advantage:.0f}% faster than shuffled", advantage=100 * r["advantage"])
    if name == "lr_range":
        return tr("fastest fall at lr {best} (in use {in_use})", best=f(r["best_lr"]), in_use=f(r["lr_in_use"]))
    if name == "regularization":
        parts = [tr("loss {start} -> {end} as configured", start=f(r["loss_start"]), end=f(r["loss_user"]))]
        if "loss_unregularized" in r:
            parts.append(tr("{loss} without regularization", loss=f(r["loss_unregularized"])))
        if "loss_decay_up" in r:
            parts.append(tr("{loss} with weight decay up", loss=f(r["loss_decay_up"])))
        return tjoin(tr(", "), parts)
    if name == "augmentation":
        if not r.get("augmented"):
            return tr("no augmentation seen")
        return tr("fixed draws fall {fixed:.0f}%, augmented {augmented:.0f}%", fixed=100 * r["drop_fixed"],
                  augmented=100 * r["drop_augmented"])
    return tr("done")


def _raised_by_the_model(exc: BaseException) -> bool:
    """Raised below nndoctor's last frame, in code that is not nndoctor's (the user's forward or loss,
    or torch called from them)."""
    import os

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(package + os.sep))
        tb = tb.tb_next
    if True not in frames:
        return False
    last_ours = len(frames) - 1 - frames[::-1].index(True)
    return last_ours < len(frames) - 1


def first_step_hook(session: Any) -> Callable[[Any], None]:
    """The call the probe makes once under ``nndoctor run``: at the first optimizer step's pre-hook, or
    at the first backward inside ``step(closure)`` (LBFGS, Lightning), or at the first backward of a
    script with no optimizer object (``opt`` None: the experiments use a default optimizer)."""

    def hook(opt: Any) -> None:
        probe, engine = session.probe, session.engine
        t0 = time.perf_counter()
        try:
            _from_probe(probe, engine, opt)
        except Skip as why:
            engine.signals.experiments["preflight"] = {"skipped": str(why)}
            engine.signals.notes.append(tr("pre-flight skipped: {why}",
                                           why=why.reason))
        except Exception as exc:
            engine.internal_error("preflight", exc)
        finally:
            # The experiments' time is not the user's step time (the probe's sampler adapts to it).
            if hasattr(probe, "_step_started"):
                probe._step_started += time.perf_counter() - t0

    return hook


def _from_probe(probe: Any, engine: "Engine", opt: Any) -> None:
    import torch

    from nndoctor.preflight.common import hooks_hidden
    from nndoctor.probes.measure import keyword_only
    from nndoctor.rng import preserved_random_state

    call = probe._step_root_call
    model = call[0]() if call is not None else None
    if model is None:
        raise Skip("no model forward seen before the first optimizer step (an LBFGS closure?)")
    if type(model).__name__ == "OptimizedModule":
        model = getattr(model, "_orig_mod", model)
    keywords = keyword_only(model, probe._step_root_kwargs)
    if keywords:
        raise Skip(tr("the model's forward takes keyword-only arguments ({names}), and the experiments call "
                      "copies with positional ones", names=", ".join(keywords)))
    args = probe.step_root_args()
    owned = {id(p) for p in model.parameters()}
    if opt is not None and not any(id(p) in owned for g in opt.param_groups for p in g["params"]):
        opt = None  # an optimizer of another model (a GAN's other half): experiments use a default
    dataset = collate = None
    batch_hint = None
    for info in engine.signals.loaders:
        loader = getattr(info, "_loader", lambda: None)()
        if loader is not None and hasattr(loader, "dataset") and hasattr(loader.dataset, "__len__") \
                and not isinstance(loader.dataset, torch.utils.data.IterableDataset):
            dataset, collate, batch_hint = loader.dataset, loader.collate_fn, loader.batch_size
    log = engine.live_sink or (lambda line: None)
    with probe.paused(), preserved_random_state(), hooks_hidden():
        with torch.enable_grad():
            setup = make_setup(model, tuple(args), loss_capture=probe._step_loss_args, optimizer=opt,
                               dataset=dataset, collate=collate, batch_size_hint=batch_hint, log=log)
            run_preflight(setup, engine)


def _sequence_first(model: Any) -> bool:
    """Does the model hold recurrent or attention layers that take (sequence, batch, ...) inputs?"""
    from torch import nn

    kinds = (nn.RNNBase, nn.MultiheadAttention, nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)
    return any(isinstance(m, kinds) and not getattr(m, "batch_first", True) for m in model.modules())

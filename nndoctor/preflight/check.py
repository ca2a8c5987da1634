"""``nndoctor.check``: test a training set-up in seconds, before the hours of training.

    report = nndoctor.check(model, (X, y))
    report = nndoctor.check(model, train_loader, val_data=val_loader, loss_fn=nn.CrossEntropyLoss(),
                            optimizer=optimizer)

Runs the pre-flight experiments (nndoctor/preflight) on copies of the model, then a few
training steps on another copy under the probe, so the passive rules that apply to the data and
the first steps speak too; returns the same ``Report`` as ``nndoctor run``. The user's model,
optimizer and random streams are left exactly as they were; the data passed in is iterated.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from nndoctor.findings import Report
from nndoctor.i18n import tr

PASSIVE_STEPS = 24  # training steps on a copy for the passive rules (D106 needs >= 10 pairs of batches in order)
CHECK_SAMPLES = 128  # samples the experiments draw from the first batches (more than one batch: less noise)
VAL_BATCHES = 5


def check(model: Any, data: Any, *, val_data: Any = None, loss_fn: Callable | None = None, optimizer: Any = None,
          steps: int = PASSIVE_STEPS, verbose: bool = False, **settings: Any) -> Report:
    """Diagnose a set-up without training it: see the module docstring.

    ``data`` and ``val_data``: a DataLoader, an ``(X, y)`` pair of tensors, or an iterable of
    ``(inputs, targets)`` batches. ``loss_fn(outputs, targets)`` and ``optimizer`` are optional:
    without them a loss is inferred from the outputs and targets (cross-entropy for class
    indices, BCE-with-logits for 0/1 targets, MSE otherwise) and Adam(lr=1e-3) is used; the
    report says so. ``verbose=True`` prints one line per experiment to stderr. Other keyword
    arguments are settings as in ``[tool.nndoctor]`` (select, ignore, lang...).
    """
    import torch
    from torch import nn

    from nndoctor.config import load_config
    from nndoctor.preflight import LossSpec, Skip, make_setup, run_preflight
    from nndoctor.preflight.common import (clone_model, first_tensor, hooks_hidden, infer_loss, optimizer_step,
                                           rebuild_optimizer)
    from nndoctor.rng import preserved_random_state
    from nndoctor.session import Session

    if not isinstance(model, nn.Module):
        raise TypeError(f"nndoctor.check: model must be a torch.nn.Module, not {type(model).__name__}")
    if next(model.parameters(), None) is None:
        raise ValueError("nndoctor.check: the model has no parameters")
    config = load_config().update(**settings)
    config.live = verbose
    config.preflight = False  # run here, explicitly, before the passive steps
    session = Session(config)
    engine = session.engine
    notes: list[str] = []
    with preserved_random_state():
        batches = _take(_batches(data), max(1, steps))
        if not batches:
            raise ValueError("nndoctor.check: no batches in data")
        x0, y0 = _joined(batches, CHECK_SAMPLES)
        was_training = model.training
        # The loss: the user's, or a default inferred from what a copy outputs.
        if loss_fn is not None:
            name = getattr(loss_fn, "__name__", None) or type(loss_fn).__name__
            spec = LossSpec(name=_functional_name(loss_fn) or name, fn=lambda o, t, _f=loss_fn: _f(o, t))
        else:
            with torch.no_grad():
                out = clone_model(model)(*x0)
            spec = infer_loss(out, y0)
            if spec is None:
                raise ValueError("nndoctor.check: cannot infer a loss for outputs of shape "
                                 f"{tuple(first_tensor(out).shape)} and targets {_shape(y0)}; pass loss_fn=")
            notes.append(tr("loss: {name}, inferred from the outputs and targets (pass loss_fn= to "
                            "choose)",
                            name=spec.name))
        user_opt = optimizer
        if user_opt is None:
            user_opt = torch.optim.Adam(model.parameters(), lr=1e-3)  # holds no state: never stepped
            notes.append(tr("optimizer: Adam(lr=1e-3), a default (pass optimizer= to test yours)"))
        dataset = getattr(data, "dataset", None) if isinstance(data, torch.utils.data.DataLoader) else None
        collate = getattr(data, "collate_fn", None) if dataset is not None else None
        session.start()
        try:
            with session.probe.paused(), hooks_hidden():
                try:
                    setup = make_setup(model, tuple(x0), target=y0, loss=spec, optimizer=user_opt, dataset=dataset,
                                       collate=collate, log=engine.live_sink, max_batch=CHECK_SAMPLES)
                    run_preflight(setup, engine)
                except Skip as why:
                    notes.append(tr("pre-flight skipped: {why}",
                                    why=why.reason))
                except Exception as exc:
                    engine.internal_error("preflight", exc)
            # A few real steps on a copy, watched by the probe: the passive rules see the data,
            # the loss and the first updates (and the DataLoader's size, batch size and sampler).
            if dataset is not None:
                session.probe._on_loader(data)
            twin = clone_model(model)
            twin.train(was_training or True)
            twin_opt = rebuild_optimizer(user_opt, model, twin) or torch.optim.Adam(
                [p for p in twin.parameters() if p.requires_grad], lr=1e-3)
            try:
                for args, target in batches:
                    twin_opt.zero_grad()
                    loss = spec.fn(twin(*args), target)
                    loss.backward()
                    optimizer_step(twin_opt, lambda: spec.fn(twin(*args), target))
                if val_data is not None:
                    twin.eval()
                    with torch.no_grad():
                        for args, target in _take(_batches(val_data), VAL_BATCHES):
                            spec.fn(twin(*args), target)
            except Exception as exc:
                engine.internal_error("check:steps", exc)
            try:  # the data sets themselves, for the data rules and the data summary
                from nndoctor.probes.data_capture import capture_datasets

                with session.probe.paused():
                    capture_datasets(engine.signals, data, val_data)
            except Exception as exc:
                engine.internal_error("check:data", exc)
        finally:
            session.stop()
    report = session.report()
    report.notes.extend(notes)
    return report


def _functional_name(loss_fn: Any) -> str | None:
    """``nn.CrossEntropyLoss()`` -> "cross_entropy" (for the chance level of the initial loss)."""
    known = {"CrossEntropyLoss": "cross_entropy", "NLLLoss": "nll_loss", "BCELoss": "binary_cross_entropy",
             "BCEWithLogitsLoss": "binary_cross_entropy_with_logits", "MSELoss": "mse_loss", "L1Loss": "l1_loss"}
    name = getattr(loss_fn, "__name__", None)
    if name in known.values():
        return name
    return known.get(type(loss_fn).__name__)


def _shape(t: Any) -> Any:
    return tuple(t.shape) if hasattr(t, "shape") else type(t).__name__


def _batches(data: Any) -> Iterable[tuple[tuple, Any]]:
    """(model positional inputs, targets) from a DataLoader, an (X, y) pair or an iterable of batches."""
    import torch

    if isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(t, torch.Tensor) for t in data):
        yield (data[0],), data[1]  # the whole data set as one batch
        return
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[1], torch.Tensor) \
            and isinstance(data[0], (dict, tuple, list)):
        yield (data[0],), data[1]  # (inputs, y) with inputs a dict, tuple or list of tensors: one batch
        return
    if isinstance(data, torch.Tensor):
        yield (data,), None
        return
    for batch in data:
        if isinstance(batch, torch.Tensor):
            yield (batch,), None
        elif isinstance(batch, dict):
            keys = list(batch)
            yield (batch[keys[0]],), batch[keys[1]] if len(keys) > 1 else None
        elif isinstance(batch, (tuple, list)) and batch:
            inputs = batch[:-1] if len(batch) > 2 else batch[:1]
            yield tuple(inputs), batch[-1] if len(batch) > 1 else None
        else:
            raise TypeError(f"nndoctor.check: cannot read a batch of type {type(batch).__name__}")


def _joined(batches: list, limit: int) -> tuple[tuple, Any]:
    """The first batches concatenated (up to ``limit`` samples) where their shapes allow it."""
    import torch

    args, target = batches[0]
    for more_args, more_target in batches[1:]:
        if not isinstance(args[0], torch.Tensor) or args[0].shape[0] >= limit:
            break  # structured inputs (dicts...) are not joined
        try:
            args = tuple(torch.cat([a, b]) for a, b in zip(args, more_args))
            target = torch.cat([target, more_target]) if target is not None else None
        except (RuntimeError, TypeError):
            break
    return args, target


def _take(it: Iterable, k: int) -> list:
    out = []
    for item in it:
        out.append(item)
        if len(out) >= k:
            break
    return out

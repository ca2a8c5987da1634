"""The Python API for people who own their training loop: ``nndoctor.watch``."""
from __future__ import annotations

from typing import Any

from nndoctor.config import Config, load_config
from nndoctor.findings import Report
from nndoctor.session import Session


class Doctor:
    """What ``watch`` yields: watches while the block runs; ``report()`` any time, ``log()`` your metrics."""

    def __init__(self, model: Any = None, optimizer: Any = None, *, config: Config | None = None,
                 tensorboard: str | None = None, **settings: Any) -> None:
        self.config = (config or load_config()).update(**settings)
        if tensorboard:
            from nndoctor.integrations.tensorboard import require_tensorboard

            require_tensorboard()
        self.session = Session(self.config, tensorboard=tensorboard)
        self._model, self._optimizer = model, optimizer

    def __enter__(self) -> "Doctor":
        from torch import nn

        if self._model is not None:
            if not isinstance(self._model, nn.Module):
                raise TypeError(f"nndoctor.watch: model must be a torch.nn.Module, not {type(self._model).__name__}")
            if next(self._model.parameters(), None) is None:
                raise ValueError("nndoctor.watch: the model has no parameters, so there is no training to watch")
        self.session.start()
        probe = self.session.probe
        if self._model is not None:
            probe._register_root(self._model)
        if self._optimizer is not None:
            # Created before the block, so the probe did not see it built: registered here, steps are
            # not counted per backward (as for hand-written updates) but end with the optimizer's step,
            # where the pre-flight and --try-fixes copy the set-up.
            probe._optimizer_info(self._optimizer)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.session.stop()

    def log(self, step: int | None = None, **metrics: float) -> None:
        """Hand in validation metrics, e.g. ``doctor.log(val_loss=0.41, accuracy=0.93)``."""
        signals = self.session.engine.signals
        at = signals.steps if step is None else step
        for name, value in metrics.items():
            signals.metrics.setdefault(name, []).append((at, float(value)))

    def report(self) -> Report:
        """The findings so far (all rules judged now); after the block, the final report."""
        if not self.session._finished:
            self.session.probe.rb.flush()
            self.session.engine.evaluate("end")
        return self.session.report()


def watch(model: Any = None, optimizer: Any = None, **settings: Any) -> Doctor:
    """``with nndoctor.watch(model, optimizer) as doctor: <your loop>`` then ``doctor.report()``.

    Settings are those of ``[tool.nndoctor]`` (select, ignore, lang, sample_every, live...), plus
    ``tensorboard=DIR`` to write nndoctor's statistics and findings as TensorBoard events at the end.
    """
    return Doctor(model, optimizer, **settings)

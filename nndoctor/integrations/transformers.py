"""Hugging Face transformers: ``Trainer(..., callbacks=[nndoctor.integrations.transformers.DoctorCallback()])``.

A thin adapter onto ``nndoctor.integrations.Monitor``: the global probe watches the training the
``Trainer`` runs; this callback says which module is the model, hands over the optimizer and the
evaluation metrics, and prints the report when training ends (on the main process only).
Needs ``pip install 'nndoctor[transformers]'``.
"""
from __future__ import annotations

from typing import Any

from nndoctor.integrations import Monitor

try:
    from transformers import TrainerCallback
except ImportError as exc:  # pragma: no cover - exercised where the extra is absent
    raise ImportError("nndoctor.integrations.transformers needs transformers: "
                      "pip install 'nndoctor[transformers]'") from exc

NOT_METRICS = ("runtime", "per_second", "epoch", "flos")


class DoctorCallback(TrainerCallback):
    """nndoctor inside a ``transformers.Trainer``; ``report`` holds the result after ``train()``.

    Settings are those of ``watch`` / ``[tool.nndoctor]``, plus ``tensorboard=DIR``, ``json=PATH``
    and ``print_report``.
    """

    def __init__(self, **settings: Any) -> None:
        self.monitor = Monitor(name="transformers Trainer.train", **settings)

    @property
    def report(self):
        return self.monitor.report

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, optimizer: Any = None,
                       **kwargs: Any) -> None:
        self.monitor.start(model, [optimizer] if optimizer is not None else [])

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.monitor.step()

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: dict | None = None, **kwargs: Any) -> None:
        self.monitor.evaluate({k: v for k, v in (metrics or {}).items()
                               if not any(part in k for part in NOT_METRICS)})

    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.monitor.epoch_end()

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.monitor.end()

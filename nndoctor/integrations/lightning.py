"""PyTorch Lightning: ``Trainer(callbacks=[nndoctor.integrations.lightning.DoctorCallback()])``.

A thin adapter onto ``nndoctor.integrations.Monitor``: the global probe watches the training that
Lightning runs; this callback only says which module is the model, hands over the optimizers and
the validation metrics, and prints the report when ``fit`` ends. Works with both package names
(``lightning.pytorch`` and ``pytorch_lightning``). Needs ``pip install 'nndoctor[lightning]'``.
"""
from __future__ import annotations

from typing import Any

from nndoctor.integrations import Monitor

_bases: list[type] = []
try:
    from lightning.pytorch import Callback as _LightningCallback

    _bases.append(_LightningCallback)
except ImportError:
    pass
try:
    from pytorch_lightning import Callback as _PLCallback

    if _PLCallback not in _bases:
        _bases.append(_PLCallback)
except ImportError:
    pass
if not _bases:
    raise ImportError("nndoctor.integrations.lightning needs PyTorch Lightning: pip install 'nndoctor[lightning]'")

EVAL_PREFIXES = ("val", "valid", "test")


class DoctorCallback(*_bases):  # type: ignore[misc]
    """nndoctor inside a Lightning ``Trainer``; ``report`` holds the result after ``fit``.

    Settings are those of ``watch`` / ``[tool.nndoctor]`` (select, ignore, lang, sample_every...),
    plus ``tensorboard=DIR``, ``json=PATH`` and ``print_report``.
    """

    def __init__(self, **settings: Any) -> None:
        super().__init__()
        self.monitor = Monitor(name="Lightning Trainer.fit", **settings)

    @property
    def report(self):
        return self.monitor.report

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        self.monitor.start(pl_module, list(getattr(trainer, "optimizers", []) or []))

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        self.monitor.attach(None, list(getattr(trainer, "optimizers", []) or []))

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if getattr(trainer, "sanity_checking", False):
            return
        metrics = getattr(trainer, "callback_metrics", {}) or {}
        self.monitor.evaluate({k: v for k, v in metrics.items() if k.lower().startswith(EVAL_PREFIXES)})

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        self.monitor.epoch_end()

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self.monitor.end()

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self.monitor.end()

    def teardown(self, trainer: Any, pl_module: Any, stage: str) -> None:
        if stage == "fit":
            self.monitor.end()

"""Thin adapters from training frameworks onto the one engine (``Session``) that ``watch`` uses.

Every adapter maps its framework's callbacks onto ``Monitor``: ``start`` (model, optimizers),
``step``, ``evaluate`` (metrics), ``epoch_end``, ``log`` and ``end``. No rule logic, no
thresholds and no rendering of its own live here: the global probe sees the training itself,
the engine judges, the report renders.

Under ``nndoctor run`` a session is already watching; a callback then attaches to it (hands it
the model, optimizers and validation metrics) and leaves the report to ``nndoctor run``.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Iterable

from nndoctor.findings import Report


class Monitor:
    """The small monitor interface the Lightning and Hugging Face callbacks are written against."""

    def __init__(self, *, tensorboard: str | None = None, json: str | None = None, print_report: bool = True,
                 config: Any = None, name: str | None = None, **settings: Any) -> None:
        from nndoctor.config import load_config

        self.config = (config or load_config()).update(**settings)
        self.tensorboard = tensorboard
        self.json_path = json
        self.print_report = print_report
        self.name = name  # shown as the report's "script"
        self.session = None
        self.owned = False
        self.report: Report | None = None

    @property
    def started(self) -> bool:
        return self.session is not None

    def start(self, model: Any = None, optimizers: Iterable[Any] = ()) -> None:
        from nndoctor.session import Session, active_session

        if self.session is not None:
            return
        active = active_session()
        if active is not None:
            self.session, self.owned = active, False
        else:
            self.session, self.owned = Session(self.config, tensorboard=self.tensorboard).start(), True
        self.attach(model, optimizers)

    def attach(self, model: Any = None, optimizers: Iterable[Any] = ()) -> None:
        """Tell the probe which module is the model and which optimizers train it (names, groups)."""
        probe = self.session.probe
        try:
            if model is not None and model not in probe._roots and next(model.parameters(), None) is not None:
                probe._register_root(model)
            for opt in optimizers or ():
                opt = getattr(opt, "optimizer", opt)  # accelerate / Lightning wrappers hold the real one
                if hasattr(opt, "param_groups"):
                    probe._optimizer_info(opt)
        except Exception as exc:
            self.session.engine.internal_error("integration:attach", exc)

    def step(self) -> None:
        """One optimizer step ended (the probe counts steps itself; kept for adapters that need it)."""

    def epoch_end(self) -> None:
        """An epoch ended (nothing to do yet: rules read steps, not epochs)."""

    def evaluate(self, metrics: dict[str, Any]) -> None:
        """Validation metrics (``val_loss``, ``eval_accuracy``...) at the current step."""
        self.log(metrics)

    def log(self, metrics: dict[str, Any]) -> None:
        if self.session is None:
            return
        signals = self.session.engine.signals
        for name, value in metrics.items():
            number = _number(value)
            if number is not None:
                signals.metrics.setdefault(str(name), []).append((signals.steps, number))

    def end(self) -> Report | None:
        """Stop watching (when this monitor started the session) and report, on rank 0 only."""
        if self.session is None or self.report is not None:
            return self.report
        if not self.owned:
            return None  # `nndoctor run` reports when the script ends
        self.session.stop()
        self.report = self.session.report(script=self.name)
        ranks = self.session.ranks
        if ranks is None or ranks.rank == 0:
            if self.json_path:
                Path(self.json_path).write_text(self.report.to_json(), encoding="utf-8")
            if self.print_report:
                from nndoctor.report.terminal import console_for, render

                render(self.report, console_for(sys.stderr), self.config.lang,
                       {"JSON": self.json_path} if self.json_path else None)
        return self.report


def _number(value: Any) -> float | None:
    try:
        if hasattr(value, "numel") and value.numel() != 1:
            return None
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None

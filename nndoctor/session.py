"""A watching session: one engine fed by the torch probe, installed for the duration of a block."""
from __future__ import annotations

from typing import Callable

from nndoctor.config import Config
from nndoctor.engine import Engine
from nndoctor.findings import Report
from nndoctor.rules.base import END


class StopTraining(BaseException):
    """Raised inside the user's script to end it cleanly at ``--max-steps`` (not an ``Exception``,
    so the script's own ``except Exception`` does not swallow it)."""


class Session:
    def __init__(self, config: Config | None = None, *, live_sink: Callable[[str], None] | None = None,
                 max_steps: int | None = None) -> None:
        from nndoctor.probes.torch_probe import TorchProbe

        self.config = config or Config()
        self.engine = Engine(self.config, live_sink=live_sink)
        self.probe = TorchProbe(self.engine, full_steps=self.config.full_steps,
                                sample_every=self.config.sample_every)
        self.max_steps = max_steps
        self._finished = False
        if max_steps is not None:
            inner = self.engine.on_step_end

            def on_step_end() -> None:
                inner()
                if self.engine.signals.steps >= max_steps:
                    raise StopTraining()

            self.engine.on_step_end = on_step_end

    def start(self) -> "Session":
        self.probe.install()
        return self

    def stop(self) -> None:
        if self._finished:
            return
        self._finished = True
        try:
            self.probe.finish()
        except Exception as exc:
            self.engine.internal_error("probe:finish", exc)
        finally:
            self.probe.uninstall()
        self.engine.evaluate(END)

    def report(self, **meta) -> Report:
        return self.engine.report(**meta)

    def __enter__(self) -> "Session":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

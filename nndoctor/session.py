"""A watching session: one engine fed by the torch probe, installed for the duration of a block."""
from __future__ import annotations

from typing import Callable

from nndoctor.config import Config
from nndoctor.engine import Engine
from nndoctor.findings import Report
from nndoctor.i18n import tr
from nndoctor.rules.base import END


_ACTIVE: list["Session"] = []


class StopTraining(BaseException):
    """Raised inside the user's script to end it cleanly at ``--max-steps`` (not an ``Exception``,
    so the script's own ``except Exception`` does not swallow it)."""


def active_session() -> "Session | None":
    """The innermost session now watching (``nndoctor run``, ``watch``), if any: integrations attach to it."""
    return _ACTIVE[-1] if _ACTIVE else None


def _quiet(line: str) -> None:
    return None


class Session:
    def __init__(self, config: Config | None = None, *, live_sink: Callable[[str], None] | None = None,
                 max_steps: int | None = None, tensorboard: str | None = None) -> None:
        from nndoctor import distributed
        from nndoctor.probes.torch_probe import TorchProbe

        self.config = config or Config()
        multiprocess = distributed.multiprocess()
        if multiprocess and not distributed.is_leader():
            live_sink = _quiet  # ranks other than 0 stay quiet; rank 0 reports for all
        self.engine = Engine(self.config, live_sink=live_sink)
        self.probe = TorchProbe(self.engine, full_steps=self.config.full_steps,
                                sample_every=self.config.sample_every, budget=self.config.sample_budget)
        # Multi-process (torchrun): every rank watches itself, rank 0 gathers (nndoctor/distributed.py).
        self.ranks = distributed.RankWatcher(self) if multiprocess else None
        self.tensorboard = tensorboard
        if self.config.preflight and multiprocess:
            # Experiments on a copy of a DDP-wrapped model would issue collectives of their own.
            self.engine.signals.notes.append(tr("pre-flight skipped in multi-process training: run the "
                                                "script in one process to get it"))
        elif self.config.preflight:
            from nndoctor.preflight import first_step_hook

            self.probe.on_first_step = first_step_hook(self)
        self.capture = None
        if self.config.try_fixes and not multiprocess:
            from nndoctor.remedies import TrialCapture

            self.capture = TrialCapture()
            self.capture.attach(self)  # after the pre-flight hook: it chains to it
        self.max_steps = max_steps
        self._finished = False
        if max_steps is not None:
            inner = self.engine.on_step_end

            def on_step_end(steps: int, step_time: float | None = None) -> None:
                inner(steps, step_time)
                if steps >= max_steps:
                    raise StopTraining()

            self.engine.on_step_end = on_step_end
            self.engine.step_limit = max_steps

    def start(self) -> "Session":
        self.probe.install()
        if self.ranks is not None:
            self.ranks.install()
        _ACTIVE.append(self)
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
            if self.ranks is not None:
                self.ranks.uninstall()
            if self in _ACTIVE:
                _ACTIVE.remove(self)
        if self.capture is not None:
            self.capture.finish(self.engine.signals)
        self.engine.evaluate(END)
        if self.ranks is not None:
            self.ranks.exchange()
            self.ranks.merge()
        if self.tensorboard and (self.ranks is None or self.ranks.rank == 0):
            try:
                from nndoctor.integrations.tensorboard import write_session

                write_session(self, self.tensorboard)
            except Exception as exc:
                self.engine.internal_error("tensorboard", exc)

    def report(self, **meta) -> Report:
        report = self.engine.report(**meta)
        if self.capture is not None:
            report._trials = self.try_fixes
        return report

    def try_fixes(self, report: Report, steps: int | None = None, seconds: float | None = None,
                  log: Callable[[str], None] | None = None) -> list[dict]:
        """Try the remedies of the report's findings on the set-up captured at the first step."""
        from nndoctor.remedies import run_trials

        if not self._finished:
            raise RuntimeError("try_fixes runs after training: call it once the watched block has ended")
        return run_trials(report, self.capture, steps=steps or self.config.trial_steps,
                          seconds=seconds or self.config.trial_seconds,
                          min_improvement=self.config.thresholds["trial"]["min_improvement"],
                          log=log or self.engine.live_sink, lang=self.config.lang)

    def __enter__(self) -> "Session":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

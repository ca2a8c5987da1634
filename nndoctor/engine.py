"""The engine: holds the signals, runs the rules at the right moments, keeps the findings.

Every entry point (``nndoctor run``, ``watch``, ``check``, the integrations) feeds
one engine. A crashing rule or probe becomes an ``InternalError`` in the report,
never an exception in the user's training.
"""
from __future__ import annotations

import contextlib
import sys
import time
import traceback
import warnings
from typing import Callable

import numpy as np

from nndoctor.catalog import RULE_INFO, matches
from nndoctor.config import Config
from nndoctor.findings import Finding, InternalError, Report, severity_rank
from nndoctor.i18n import in_langs, render, tr, where_in, words
from nndoctor.rules.base import END, LIVE, Context, Hit, load_rules
from nndoctor.signals import Signals

LIVE_EVERY_S = 0.5  # live rules run at most this often once the first steps are past
LIVE_SHARE = 0.0025  # ... and take at most this share of wall time (their cost grows with the run's signals)
FIRST_STEPS = 20  # live rules run after each of these

# A root cause explains its consequences: when the cause is found, these codes are kept but shown
# as info, "probably a consequence of" the cause, so the report points at the bug, not its echoes.
CONSEQUENCES = {
    # Constant inputs make every unit's output constant: a ReLU whose constant is negative is dead.
    "D101": ("D103", "D104", "M303", "M306", "M307", "M308", "M309", "M310", "G406"),
    "D102": ("N601", "N602", "N603", "D104", "D114", "L207", "M308", "M309", "G406", "G407"),
    "N601": ("D104", "D114", "L206", "L207", "M306", "M308", "M309", "G406", "G407", "G409"),
    # A NaN gradient poisons the weights it reaches: units die, the loss stalls.
    "N603": ("M306", "M307", "M308", "G406", "G409"),
    "T502": ("G402", "G406", "M302", "M303", "M308", "G409"),
    # Outputs mixed across the batch: the model fits batch statistics, not samples; its loss sits or
    # falls only as its weights grow, and the label experiment's copy cannot fit one sample either.
    "M304": ("D104", "D105", "G405", "G406", "G408", "L206", "M308"),
    # In eval mode BatchNorm normalizes with running statistics that no longer match the activations:
    # nothing holds them in range, and the steps overshoot.
    "T503": ("G401", "G403", "G405", "G407"),
    # Summed gradients make every step larger than the learning rate says.
    "T501": ("G401", "G403", "G405", "G406", "L206", "M306", "M308"),
    # Sorted batches: the head swings from class to class (units die on the way), and the targets of
    # the sampled steps are a biased sample of the data's classes (an imbalance seen, or a class never seen
    # in training, may be the sort's).
    "D106": ("D107", "D116", "G401", "G406", "M306"),
    # Classes this imbalanced, not rebalanced: predicting the majority scores well, and the loss settles at
    # the (skewed) class prior.
    "D107": ("G406", "L206"),
    # One batch over and over is memorized: validation loss rises, units saturate, accuracy stalls.
    "D103": ("D105", "G406", "G408", "L206", "M306", "M307"),
    # Labels that do not go with their inputs cannot be learned: the loss stays at their entropy. (Not
    # L206: a loss that learns only the class prior has its own cause, BCE on one-hot targets.)
    "D104": ("D105", "G406"),
    "L202": ("G406", "L206", "M308"),
    # One loss term's gradient drowns the others': the model trains for it alone, the task's loss stays put.
    "L205": ("G406", "G409", "L206", "M306", "M308"),
    # (NLL on raw scores is unbounded below: the weights grow, the loss keeps falling without end.)
    "L203": ("G405", "G406", "G409", "L206", "M308"),
    "L208": ("G405", "G406", "L201", "L206", "M308"),
    # Outputs that cannot reach the targets, or targets a loss cannot be minimized on (labels -1 in a
    # BCE: unbounded below), leave the loss stuck or push the weights out without bound.
    "L209": ("G405", "G406", "L206", "M308"),
    "D113": ("G403", "G405", "G406", "L206", "M308"),
    # A broadcast loss pulls every output to one constant: the units feeding it die.
    "L204": ("G406", "M306", "M308"),
    # ... and cross-entropy over a single output is 0 with a zero gradient: nothing moves.
    "L210": ("D104", "D113", "G406", "L206", "M303", "M308", "T502"),
    # Inputs on a huge scale make a huge first loss, gradient spikes, steps that overshoot, dead or
    # saturated units and a loss stuck at the mean prediction.
    "D109": ("D104", "G401", "G403", "G406", "L201", "L206", "M306", "M307"),
    # Steps that overshoot kill or saturate units and leave the loss stuck, or make it blow up. (And a run
    # that cannot learn cannot refute the label experiment: D104 then rests on 32 captured samples alone.)
    "G401": ("D104", "G403", "G405", "G406", "L206", "M306", "M307"),
    "G402": ("D104", "G406", "L206"),
    # Regularization strong enough to underfit holds the loss up, and keeps the label experiment's
    # copies (dropout on) from learning the true labels any faster than shuffled ones.
    # (and decay that strong shrinks the biases until ReLU units go dead)
    "G407": ("D104", "G406", "L206", "M306", "M308"),
    # Gradients that vanish before the first layers leave them at their init: the loss stays, a copy
    # cannot fit one batch either.
    "G404": ("G406", "L206", "M308"),
    # An optimizer set outside its sane range (momentum 0.999, eps 1, a huge decay) makes the steps
    # overshoot, the weights grow, or the loss stall.
    "G410": ("D104", "G401", "G402", "G403", "G405", "G406", "G409", "L206", "M308"),
    # A cut graph, dead units or a bad init scale leave the loss where it started.
    "M303": ("D104", "G406", "L206", "M308"),  # (the label experiment's copies are cut alike)
    # Parameters no optimizer updates (a model re-created after its optimizer) leave the loss where it is.
    "M302": ("D104", "G406", "G409", "L206", "M308"),
    "M305": ("D104", "G404", "G406", "L206", "M308"),
    "M306": ("G406", "L206", "M308"),
}


@contextlib.contextmanager
def quiet_numerics():
    """Rules and summaries meet the user's data as it is (inf, NaN, empty slices): numpy's warnings
    about it are nndoctor's business, not lines in the user's stderr."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


class Engine:
    def __init__(self, config: Config | None = None, *, live_sink: Callable[[str], None] | None = None) -> None:
        self.config = config or Config()
        self.signals = Signals()
        self.rules = {code: spec for code, spec in load_rules().items() if self.enabled(code)}
        self.findings: dict[str, Finding] = {}
        self.errors: dict[str, InternalError] = {}
        self.live_sink = live_sink if live_sink is not None else (
            (lambda line: _stderr(render(line, self.config.lang))) if self.config.live else None)
        # The next step count at which on_step_end has work: the probe tests it inline on every step. A
        # session's max_steps wraps on_step_end and sets step_limit, so the call is due there too.
        self.next_live_step = 0
        self.step_limit: int | None = None
        self.before_evaluate: Callable[[], None] | None = None  # the probe hands in the numbers it holds back
        self._last_live = (0, time.perf_counter())  # (steps, time) at the end of the last live evaluation
        self._broken_rules: set[str] = set()
        self._revisable: set[str] = set()  # codes whose finding came from a revisable LIVE hit
        self._explains: dict[str, tuple[str, ...]] = {}  # code -> what its finding's hit explains
        self._root_causes: set[str] = set()  # codes whose hit saw its mechanism directly: never a consequence

    def enabled(self, code: str) -> bool:
        if self.config.select and not matches(code, self.config.select):
            return False
        return not matches(code, self.config.ignore)

    # Called by probes.
    def on_step_end(self, steps: int, step_time: float | None = None) -> None:
        """Live rules, on each of the first steps, then at most every LIVE_EVERY_S and within LIVE_SHARE
        of wall time, counted in steps (no clock read here between evaluations): ``step_time`` is an
        ordinary step's wall time as the probe's sampler measures it, else the mean since the last one."""
        if steps < self.next_live_step:
            return
        now = time.perf_counter()
        last_steps, last_time = self._last_live
        self.evaluate(LIVE)
        done = time.perf_counter()
        self._last_live = (steps, done)
        if steps < FIRST_STEPS:
            self.next_live_step = steps + 1
        else:
            pace = step_time or (now - last_time) / max(1, steps - last_steps)
            wait = max(LIVE_EVERY_S, (done - now) / LIVE_SHARE)
            self.next_live_step = steps + max(1, int(wait / max(pace, 1e-9)))
        if self.step_limit is not None and steps < self.step_limit:
            self.next_live_step = min(self.next_live_step, self.step_limit)

    def internal_error(self, component: str, exc: BaseException) -> None:
        if component in self.errors:
            return
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        # The first line only: torch's dispatcher errors list every backend in a hundred more.
        lines = str(exc).strip().splitlines()
        text = lines[0][:300] + (" ..." if len(lines) > 1 or len(lines[0]) > 300 else "") if lines else ""
        self.errors[component] = InternalError(component, f"{type(exc).__name__}: {text}{where}")
        if self.live_sink:
            self.live_sink(tr("nndoctor: internal error in {component} ({error}); training goes on, that check "
                              "is skipped", component=component, error=f"{type(exc).__name__}: {text}"))

    def evaluate(self, stage: str) -> None:
        final = stage == END
        if self.before_evaluate is not None:
            self.before_evaluate()
        with quiet_numerics():  # (once around all rules: entering it costs as much as a quick rule)
            for code, spec in self.rules.items():
                if code in self._broken_rules or (not final and (spec.stage != LIVE or code in self.findings)):
                    continue
                try:
                    result = spec.check(Context(self.signals, self.config.thresholds.get(code, {}), final))
                    hits = [] if result is None else [result] if isinstance(result, Hit) else list(result)
                except Exception as exc:
                    self._broken_rules.add(code)
                    self.internal_error(f"rule {code}", exc)
                    continue
                if final and code in self._revisable:
                    self._revise(code, hits)
                    continue
                for hit in hits:
                    self.add(code, hit)

    def _revise(self, code: str, hits: list[Hit]) -> None:
        """A LIVE finding its rule marked revisable is judged again at the end: the rule's answer now
        replaces it, whatever its severity (dead units that came back to life are info, not a warning).
        When the rule sees nothing any more, what it saw while training is kept, as info."""
        self._revisable.discard(code)
        live = self.findings.pop(code)
        self._explains.pop(code, None)
        for hit in hits:
            self.add(code, hit, announce=False)
        if code in self.findings:
            return
        suffix = tr(" (seen while training, no longer at the end of the run)")
        messages = {lang: text + render(suffix, lang)
                    for lang, text in (live.messages or {self.config.lang: live.message}).items()}
        self.findings[code] = Finding(**{**live.__dict__, "severity": "info",
                                         "message": messages.get(self.config.lang) or next(iter(messages.values())),
                                         "messages": messages, "evidence": {**live.evidence, "revised_at_end": True}})

    def add(self, code: str, hit: Hit, *, announce: bool = True) -> Finding:
        """Record a hit as the finding of ``code`` (one per code; a later, fuller hit replaces it)."""
        info = RULE_INFO[code]
        lang = self.config.lang
        messages = in_langs(hit.message)  # a rule's ``tr(...)`` message in every language; a plain str in English
        finding = Finding(code=code, name=info.name, severity=hit.severity or info.severity,
                          message=messages.get(lang, messages["en"]), where=hit.where, step=hit.step,
                          fix=info.text("fix", lang), evidence=dict(hit.evidence), messages=messages)
        first = code not in self.findings
        if first or severity_rank(finding.severity) >= severity_rank(self.findings[code].severity):
            self.findings[code] = finding
            self._explains[code] = tuple(hit.explains)
            (self._root_causes.add if hit.root_cause else self._root_causes.discard)(code)
            if hit.revisable:
                self._revisable.add(code)
            else:
                self._revisable.discard(code)
        if first and announce and self.live_sink:
            self.live_sink(format_live(finding, lang))
        return finding

    def report(self, **meta) -> Report:
        from nndoctor.series import build

        findings = [self._explained(f) for f in self.findings.values()]
        try:
            series = build(self.signals)
        except Exception as exc:
            self.internal_error("series", exc)
            series = {}
        try:
            from nndoctor.data_summary import summarize

            with quiet_numerics():
                data_summary = summarize(self.signals)
        except Exception as exc:
            self.internal_error("data summary", exc)
            data_summary = {}
        return Report(findings=findings, internal_errors=list(self.errors.values()),
                      steps_seen=self.signals.steps, notes=list(self.signals.notes), series=series,
                      data_summary=data_summary, **meta)

    def _causes(self, code: str) -> list[str]:
        """The findings (warnings and errors) that explain ``code``: the engine's table, and what their hits
        say. A finding whose hit saw its own mechanism is explained only by a hit that names it."""
        direct = code in self._root_causes
        return [c for c, f in self.findings.items()
                if c != code and f.severity != "info"
                and ((not direct and code in CONSEQUENCES.get(c, ())) or code in self._explains.get(c, ()))]

    def _explained(self, finding: Finding) -> Finding:
        if finding.severity == "info":
            return finding
        causes = self._causes(finding.code)
        # Name the root causes: a cause that is itself explained by another cause found here is left out
        # (unnormalized inputs -> dead units -> a stuck loss: the loss is a consequence of the inputs).
        roots = [c for c in causes if not [other for other in self._causes(c) if other != finding.code]]
        causes = sorted(roots or causes, key=lambda c: (-severity_rank(self.findings[c].severity), c))
        if not causes:
            return finding
        messages = {lang: text + words(lang)["consequence_suffix"].format(causes=", ".join(causes))
                    for lang, text in (finding.messages or {self.config.lang: finding.message}).items()}
        return Finding(**{**finding.__dict__, "severity": "info",
                          "message": messages.get(self.config.lang) or next(iter(messages.values())),
                          "messages": messages, "evidence": {**finding.evidence, "consequence_of": causes}})


def format_live(finding: Finding, lang: str = "en") -> str:
    """The live line of a new finding, in ``lang`` (LiveSink colours it by its severity word)."""
    w = words(lang)
    where = f" [{where_in(finding.where, lang)}]" if finding.where else ""
    step = f" ({w['at_step'].format(step=finding.step)})" if finding.step is not None else ""
    return f"nndoctor: {w[finding.severity]} {finding.code} {finding.name}{where}{step}: {finding.message_in(lang)}"


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def exit_code(report: Report, fail_on: str) -> int:
    floor = severity_rank(fail_on)
    return 1 if any(severity_rank(f.severity) >= floor for f in report.findings) else 0


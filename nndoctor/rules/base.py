"""The rule registry: each catalog code that nndoctor can judge is one small function here.

A rule reads ``Signals`` (plain numbers gathered by the probes) and its thresholds,
and returns ``Hit``s; the engine turns hits into findings with the catalog's name,
severity and fix. Rules never touch torch and never register hooks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from nndoctor.i18n import tr
from nndoctor.signals import Signals

LIVE, END = "live", "end"


@dataclass
class Hit:
    message: str
    where: str = ""
    step: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # None: the catalog's default severity for the code
    # A LIVE hit the rule may take back: at the end the engine asks the rule again and its answer
    # replaces this hit (see Engine.evaluate), e.g. dead units that came back to life.
    revisable: bool = False
    # Codes this hit explains beyond the engine's CONSEQUENCES table (they are shown as its consequences).
    explains: tuple[str, ...] = ()
    # A mechanism seen directly (a loss with no graph to the model): the engine's table of consequences
    # does not explain it away, only a hit that names it in its ``explains``.
    root_cause: bool = False


@dataclass
class Context:
    signals: Signals
    th: dict[str, Any]  # this rule's thresholds
    final: bool  # True at the end of the run, False while it is live


RuleFn = Callable[[Context], "Hit | Iterable[Hit] | None"]


@dataclass
class RuleSpec:
    code: str
    check: RuleFn
    stage: str

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()


RULES: dict[str, RuleSpec] = {}


def rule(code: str, stage: str = END) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as the judge of ``code``. LIVE rules also run while training goes on."""

    def register(fn: RuleFn) -> RuleFn:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = RuleSpec(code, fn, stage)
        return fn

    return register


def load_rules() -> dict[str, RuleSpec]:
    from nndoctor.rules import data, loop, loss, model, numerics, optim  # noqa: F401  (registration)
    from nndoctor.rules import experiments  # noqa: F401  (pre-flight judges)
    from nndoctor.rules import distributed  # noqa: F401  (multi-process: T506, T507)
    from nndoctor.rules import labels  # noqa: F401  (D105, cleanlab imported only when it runs)
    from nndoctor.rules import data_split  # noqa: F401  (D111, D116: training vs validation samples)

    return RULES


def fmt(value: float) -> str:
    """A number as a person reads it in a message."""
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return str(value)
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2e}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.1f}"


def names_list(names: Iterable[str], limit: int = 4) -> str:
    names = list(dict.fromkeys(names))
    shown = ", ".join(names[:limit])
    return tr("{shown} and {more} more", shown=shown, more=len(names) - limit) if len(names) > limit else shown

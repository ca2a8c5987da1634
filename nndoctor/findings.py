"""Findings and the report: what nndoctor concluded, in a form that needs no torch.

The JSON form (``Report.to_dict``) is versioned by ``SCHEMA``; every entry point
(`run`, `watch`, `check`, the integrations) returns the same ``Report`` type.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nndoctor import __version__

SCHEMA = 1
SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass
class Finding:
    """One diagnosis: a catalog code with the numbers that show it."""

    code: str
    name: str
    severity: str
    message: str
    where: str = ""
    step: int | None = None
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    # --try-fixes: {"remedy", "metric", "before", "after", "steps", "helped", ...} when a remedy was tried
    trial: dict[str, Any] | None = None
    # The message in every language it was rendered in ({"en": ..., "zh": ...}); ``message`` is the
    # report's language. Empty for findings read from JSON written before messages were translated.
    messages: dict[str, str] = field(default_factory=dict)

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` when it was rendered in it, else the report's own message."""
        return self.messages.get(lang) or self.message

    def to_dict(self) -> dict[str, Any]:
        extra = {"trial": _jsonable(self.trial)} if self.trial is not None else {}
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "step": self.step,
            "fix": self.fix,
            "evidence": _jsonable(self.evidence),
            **extra,
            **({"messages": dict(self.messages)} if self.messages else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return cls(**{k: data.get(k) for k in ("code", "name", "severity", "message", "where", "step", "fix")},
                   evidence=data.get("evidence") or {}, trial=data.get("trial"),
                   messages=dict(data.get("messages") or {}))


@dataclass
class InternalError:
    """A rule or probe that crashed: reported, never raised into the user's run."""

    component: str
    error: str

    def to_dict(self) -> dict[str, str]:
        return {"component": self.component, "error": self.error}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    script: str | None = None
    argv: list[str] = field(default_factory=list)
    exit_status: int | None = None
    steps_seen: int = 0
    internal_errors: list[InternalError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    data_summary: dict[str, Any] = field(default_factory=dict)  # nndoctor/data_summary.py
    # Runs the trials on the set-up captured by the session (not serialized): see try_fixes.
    _trials: Any = field(default=None, repr=False, compare=False)

    def sorted_findings(self) -> list[Finding]:
        # Within a severity, a trial is evidence: remedy tried and helped first, untried next,
        # tried and did not help last.
        return sorted(self.findings, key=lambda f: (-severity_rank(f.severity), _trial_rank(f), f.code))

    def try_fixes(self, *, steps: int | None = None, seconds: float | None = None) -> list[dict]:
        """Try the remedy of each finding on copies of the set-up captured while training (``watch``
        or ``check`` with ``try_fixes=True``); each finding tried gets ``trial``. A report without a
        captured set-up (read back from JSON, or watched without ``try_fixes``) raises ValueError."""
        if self._trials is None:
            raise ValueError("this report holds no captured training set-up: pass try_fixes=True to "
                             "nndoctor.watch(...) or nndoctor.check(...), or use `nndoctor run --try-fixes`")
        return self._trials(self, steps, seconds)

    def codes(self, min_severity: str = "info") -> set[str]:
        floor = severity_rank(min_severity)
        return {f.code for f in self.findings if severity_rank(f.severity) >= floor}

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=severity_rank, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nndoctor": __version__,
            "schema": SCHEMA,
            "script": self.script,
            "argv": list(self.argv),
            "exit_status": self.exit_status,
            "steps_seen": self.steps_seen,
            "findings": [f.to_dict() for f in self.sorted_findings()],
            "internal_errors": [e.to_dict() for e in self.internal_errors],
            "notes": [str(n) for n in self.notes],
            **_notes_by_lang(self.notes),
            "series": _jsonable(self.series),
            "data_summary": _jsonable(self.data_summary),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        return cls(
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            script=data.get("script"),
            argv=list(data.get("argv", [])),
            exit_status=data.get("exit_status"),
            steps_seen=data.get("steps_seen", 0),
            internal_errors=[InternalError(**e) for e in data.get("internal_errors", [])],
            notes=_notes_from(data),
            series=data.get("series", {}),
            data_summary=data.get("data_summary") or {},
        )


def trial_summary(trial: dict[str, Any], lang: str = "en") -> str:
    """One line for a finding's trial (--try-fixes): the remedy, its result, the unchanged run's."""
    from nndoctor.i18n import render, tr

    def num(value: Any) -> str:
        return f"{value:.3g}" if isinstance(value, (int, float)) else str(value)

    unchanged = tr("unchanged: {value}", value=num(trial.get("before")))
    if trial.get("diverged_before") is not None:
        unchanged = tr("unchanged: diverged (non-finite loss) at step {step}", step=trial["diverged_before"])
    after = num(trial.get("after")) if trial.get("diverged_after") is None else \
        tr("diverged at step {step}", step=trial["diverged_after"])
    # Remedy and metric are translatable texts in the run's own report; read back from JSON, English.
    remedy, metric, steps = trial.get("remedy"), trial.get("metric"), trial.get("steps")
    if trial.get("helped"):
        return render(tr("helped: with {remedy} the {metric} reached {after} in {steps} steps ({unchanged})",
                         remedy=remedy, metric=metric, after=after, steps=steps, unchanged=unchanged), lang)
    return render(tr("did not help: with {remedy} the {metric} reached {after} in {steps} steps ({unchanged})",
                     remedy=remedy, metric=metric, after=after, steps=steps, unchanged=unchanged), lang)


def _notes_by_lang(notes: list) -> dict[str, Any]:
    """{"notes_by_lang": {"zh": [...]}} when a note is translatable (``nndoctor.i18n.tr``), else {}."""
    from nndoctor.i18n import LANGS, Text, render

    if not any(isinstance(n, Text) for n in notes):
        return {}
    return {"notes_by_lang": {lang: [render(n, lang) for n in notes] for lang in LANGS if lang != "en"}}


def _notes_from(data: dict[str, Any]) -> list:
    """The notes of a saved report, each renderable again in the languages it was saved in."""
    from nndoctor.i18n import from_langs

    notes = [str(n) for n in data.get("notes", [])]
    by_lang = {lang: texts for lang, texts in (data.get("notes_by_lang") or {}).items()
               if isinstance(texts, list) and len(texts) == len(notes)}
    if not by_lang:
        return notes
    return [from_langs({"en": note, **{lang: str(texts[i]) for lang, texts in by_lang.items()}})
            for i, note in enumerate(notes)]


def _trial_rank(finding: Finding) -> int:
    if finding.trial is None:
        return 1
    return 0 if finding.trial.get("helped") else 2


def _jsonable(value: Any) -> Any:
    """Numbers that JSON can hold: NaN/Inf become strings, tuples lists, numpy scalars floats."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number or number in (float("inf"), float("-inf")):
        return str(number)
    if isinstance(value, float) or not float(number).is_integer():
        return round(number, 6) if abs(number) >= 1e-3 or number == 0 else float(f"{number:.4g}")
    return int(number)

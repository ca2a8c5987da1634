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

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "step": self.step,
            "fix": self.fix,
            "evidence": _jsonable(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return cls(**{k: data.get(k) for k in ("code", "name", "severity", "message", "where", "step", "fix")},
                   evidence=data.get("evidence") or {})


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

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (-severity_rank(f.severity), f.code))

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
            "notes": list(self.notes),
            "series": _jsonable(self.series),
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
            notes=list(data.get("notes", [])),
            series=data.get("series", {}),
        )


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

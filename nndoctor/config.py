"""Settings: defaults, then ``[tool.nndoctor]`` in pyproject.toml, then command-line flags."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from nndoctor import thresholds
from nndoctor.findings import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    lang: str = "en"
    sample_every: int | None = None  # None: adaptive, within sample_budget
    sample_budget: float = 0.01  # share of run time the sampled steps (full statistics) may take
    full_steps: int = 20  # every one of the first steps gets full statistics
    preflight: bool = True
    live: bool = True
    try_fixes: bool = False  # --try-fixes: try each finding's remedy on copies at the end of the run
    trial_steps: int = 200  # steps of each trial run (the unchanged and the remedied set-up)
    trial_seconds: float = 30.0  # and at most this long for each trial
    thresholds: dict[str, dict[str, Any]] = field(default_factory=thresholds.merged)
    source: str | None = None

    def update(self, **values: Any) -> "Config":
        known = {f.name for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown nndoctor setting {key!r}")
            if value is not None:
                setattr(self, key, value)
        if self.fail_on not in SEVERITIES:
            raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, not {self.fail_on!r}")
        if not (isinstance(self.trial_steps, int) and self.trial_steps >= 1):
            raise ValueError(f"trial_steps must be a positive integer, not {self.trial_steps!r}")
        if not (isinstance(self.trial_seconds, (int, float)) and self.trial_seconds > 0):
            raise ValueError(f"trial_seconds must be a positive number, not {self.trial_seconds!r}")
        if not (isinstance(self.sample_budget, (int, float)) and 0 < self.sample_budget < 1):
            raise ValueError(f"sample_budget must be a share of run time between 0 and 1, not {self.sample_budget!r}")
        if self.lang not in ("en", "zh"):
            raise ValueError(f"lang must be 'en' or 'zh', not {self.lang!r}")
        return self


def find_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    """The configuration in force for a script in ``start`` (or the working directory)."""
    config = Config()
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return config
    with open(path, "rb") as fh:
        table = tomllib.load(fh).get("tool", {}).get("nndoctor", {})
    if not table:
        return config
    table = {k.replace("-", "_"): v for k, v in table.items()}
    overrides = table.pop("thresholds", {})
    config.update(**table)
    config.thresholds = thresholds.merged(overrides)
    config.source = str(path)
    return config

"""The catalog of rule codes (the public contract), with each rule's texts in English and Chinese."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nndoctor.catalog_text import CATALOG

LANGS = ("en", "zh")


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    how: str
    texts: dict[str, dict[str, str]]
    references: tuple[str, ...]

    def text(self, field: str, lang: str = "en") -> str:
        values = self.texts.get(field, {})
        return values.get(lang) or values.get("en", "")

    @property
    def implemented(self) -> bool:
        from nndoctor.rules.base import load_rules

        return self.code in load_rules()

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "severity": self.severity, "how": self.how,
                "implemented": self.implemented,
                **{f: self.text(f, lang) for f in ("summary", "why", "fix", "example", "false_positives")},
                "references": list(self.references)}


def _build() -> dict[str, RuleInfo]:
    rules = {}
    for entry in CATALOG:
        texts = {k: v for k, v in entry.items() if isinstance(v, dict)}
        rules[entry["code"]] = RuleInfo(entry["code"], entry["name"], entry["severity"], entry["how"], texts,
                                        tuple(entry.get("references", ())))
    return rules


RULE_INFO: dict[str, RuleInfo] = _build()


def matches(code: str, patterns: list[str]) -> bool:
    """Prefix selection as linters do it: ``D1`` matches D101..D116, ``G409`` only itself."""
    return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())

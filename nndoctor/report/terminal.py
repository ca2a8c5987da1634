"""The terminal summary (rich): colour on a terminal, plain text in CI logs and pipes."""
from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nndoctor.findings import Report

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
TITLE = {
    "en": {"title": "nndoctor diagnosis", "none": "no problems found", "steps": "steps seen",
           "fix": "fix", "internal": "internal errors (these checks were skipped)", "where": "where"},
    "zh": {"title": "nndoctor 诊断", "none": "未发现问题", "steps": "已观察步数",
           "fix": "修复", "internal": "内部错误(这些检查已跳过)", "where": "位置"},
}


def console_for(stream: TextIO | None = None, width: int | None = None) -> Console:
    stream = stream or sys.stderr
    return Console(file=stream, width=width or (None if stream.isatty() else 120), highlight=False,
                   soft_wrap=False)


def render(report: Report, console: Console, lang: str = "en") -> None:
    words = TITLE.get(lang, TITLE["en"])
    head = f"{words['title']}: {report.script or ''} — {words['steps']}: {report.steps_seen}"
    console.rule(escape(head))
    if not report.findings:
        console.print(f"[green]{words['none']}[/]")
    else:
        table = Table(show_lines=True, expand=True)
        table.add_column("", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column(words["where"], ratio=1)
        table.add_column("", ratio=4)
        for f in report.sorted_findings():
            style = STYLE.get(f.severity, "")
            where = escape(f.where) + (f"\nstep {f.step}" if f.step is not None else "")
            body = escape(f.message) + (f"\n[dim]{words['fix']}:[/] {escape(f.fix)}" if f.fix else "")
            table.add_row(f"[{style}]{f.severity}[/]", f"[{style}]{f.code}[/]\n{escape(f.name)}", where, body)
        console.print(table)
    if report.internal_errors:
        console.print(f"[magenta]{words['internal']}:[/]")
        for e in report.internal_errors:
            console.print(f"  {escape(e.component)}: {escape(e.error)}")
    for note in report.notes:
        console.print(f"[dim]{escape(note)}[/]")

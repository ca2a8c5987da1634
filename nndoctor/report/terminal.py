"""The terminal summary (rich): colour on a terminal, plain text in CI logs and pipes.

``render`` prints the end-of-run summary: a coloured table on a terminal, a plain list otherwise
(rich also honours NO_COLOR / FORCE_COLOR). ``LiveSink`` prints the engine's live lines while the
script runs: one short line per finding (the full text is in the summary), and a progress display
while the pre-flight experiments run.
"""
from __future__ import annotations

import re
import sys
import time
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nndoctor.findings import SEVERITIES, Report, trial_summary
from nndoctor.i18n import TITLE, rule_text, where_in, words  # noqa: F401  (TITLE: kept importable from here)
from nndoctor.i18n import render as render_text  # a translatable live line in the reader's language

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
LIVE_PLAIN_WIDTH = 200  # a live line in a log is cut here; the summary at the end has everything
_LIVE = re.compile(r"^nndoctor: (error|warning|info|错误|警告|提示) ([A-Z]\d{3}) ")
_SEVERITY_OF = {words("zh")[s]: s for s in SEVERITIES}  # a zh live line names its severity in Chinese
_PREFLIGHT = "nndoctor: pre-flight "


def console_for(stream: TextIO | None = None, width: int | None = None) -> Console:
    stream = stream or sys.stderr
    return Console(file=stream, width=width or (None if stream.isatty() else 120), highlight=False,
                   soft_wrap=False)


def _tally(report: Report, w: dict[str, str]) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITIES}
    return w["tally"].format(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])


def render(report: Report, console: Console, lang: str = "en", outputs: dict[str, str] | None = None) -> None:
    """The summary: a coloured table on a terminal, plain text when the console is not one."""
    w = words(lang)
    if not console.is_terminal:
        return render_plain(report, console, lang, outputs)
    head = f"{w['title']}: {report.script or ''} — {w['steps']}: {report.steps_seen}"
    console.rule(escape(head))
    if not report.findings:
        console.print(f"[green]{w['none']}[/]")
    else:
        table = Table(show_lines=True, expand=True)
        table.add_column("", no_wrap=True)
        table.add_column(w["code"], no_wrap=True)
        table.add_column(w["where"], ratio=1, overflow="fold")
        table.add_column("", ratio=4, overflow="fold")
        for f in report.sorted_findings():
            style = STYLE.get(f.severity, "")
            where = escape(where_in(f.where, lang))
            if f.step is not None:
                where += f"\n{w['at_step'].format(step=f.step)}"
            body = ""
            if lang != "en":  # the rule's summary in the reader's language, the evidence as measured
                summary = rule_text(f.code, "summary", lang)
                body = f"[bold]{escape(summary)}[/]\n" if summary else ""
            body += escape(f.message_in(lang))
            fix = rule_text(f.code, "fix", lang) or f.fix
            if fix:
                body += f"\n[green]{w['fix']}:[/] {escape(fix)}"
            if f.trial:
                body += f"\n[{'green' if f.trial.get('helped') else 'yellow'}]{w['trial']}:[/] {escape(trial_summary(f.trial, lang))}"
            table.add_row(f"[{style}]{w[f.severity]}[/]", f"[{style}]{f.code}[/]\n{escape(f.name)}", where, body)
        console.print(table)
    if report.internal_errors:
        console.print(f"[magenta]{w['internal']}:[/]")
        for e in report.internal_errors:
            console.print(f"  {escape(e.component)}: {escape(e.error)}")
    data_line = _data_line(report, lang)
    if data_line:
        console.print(f"[dim]{escape(data_line)}[/]")
    for note in report.notes:
        console.print(f"[dim]{escape(render_text(note, lang))}[/]")
    if report.findings:
        console.print(f"[bold]{escape(_tally(report, w))}[/] · [dim]{escape(w['explain_hint'])}[/]")
    for kind, path in (outputs or {}).items():
        console.print(f"[dim]{kind} {w['written']}:[/] {escape(path)}")


def render_plain(report: Report, console: Console, lang: str = "en", outputs: dict[str, str] | None = None) -> None:
    """The summary for logs and pipes: no table borders, no colour, one block per finding."""
    w = words(lang)
    out = console.file
    print(f"== {w['title']}: {report.script or ''} — {w['steps']}: {report.steps_seen}", file=out)
    if not report.findings:
        print(w["none"], file=out)
    for f in report.sorted_findings():
        where = f" [{where_in(f.where, lang)}]" if f.where else ""
        step = f" ({w['at_step'].format(step=f.step)})" if f.step is not None else ""
        print(f"{f.severity} {f.code} {f.name}{where}{step}", file=out)
        if lang != "en" and rule_text(f.code, "summary", lang):
            print(f"    {rule_text(f.code, 'summary', lang)}", file=out)
        print(f"    {f.message_in(lang)}", file=out)
        fix = rule_text(f.code, "fix", lang) or f.fix
        if fix:
            print(f"    {w['fix']}: {fix}", file=out)
        if f.trial:
            print(f"    {w['trial']}: {trial_summary(f.trial, lang)}", file=out)
    if report.internal_errors:
        print(f"{w['internal']}:", file=out)
        for e in report.internal_errors:
            print(f"    {e.component}: {e.error}", file=out)
    data_line = _data_line(report, lang)
    if data_line:
        print(data_line, file=out)
    for note in report.notes:
        print(f"{w['note']}: {render_text(note, lang)}", file=out)
    if report.findings:
        print(f"{_tally(report, w)}. {w['explain_hint']}", file=out)
    for kind, path in (outputs or {}).items():
        print(f"{kind} {w['written']}: {path}", file=out)
    out.flush()


def _data_line(report: Report, lang: str = "en") -> str | None:
    """The data summary in one line ("data: ..."), when the report has one."""
    try:
        from nndoctor.data_summary import one_line

        line = one_line(report.data_summary or {}, lang)
    except Exception:  # a display problem must never hide the findings
        return None
    return words(lang)["data_line"].format(line=line) if line else None


class LiveSink:
    """Receives the engine's live lines while the user's script runs.

    On a terminal: a finding is one coloured line cut to the terminal's width (the summary at the end
    holds the full text), and the pre-flight experiments show as a transient progress bar followed by one
    line. Elsewhere (CI logs, pipes): plain lines, long ones cut at ``LIVE_PLAIN_WIDTH`` characters.
    """

    def __init__(self, console: Console, lang: str = "en") -> None:
        self.console = console
        self.lang = lang
        self.tty = console.is_terminal
        self._progress: Any = None
        self._task: Any = None
        self._started = 0.0
        self._done = 0

    def __call__(self, line: str) -> None:
        try:
            if line.startswith(_PREFLIGHT):  # a Text's str is English: recognized before translation
                self._preflight(line)
                return
            self._stop_progress()
            self._line(render_text(line, self.lang))
        except Exception:  # a display problem must never reach the user's training
            print(line, file=self.console.file, flush=True)

    def _line(self, line: str) -> None:
        if not self.tty:
            cut = line if len(line) <= LIVE_PLAIN_WIDTH else line[:LIVE_PLAIN_WIDTH - 1] + "…"
            print(cut, file=self.console.file, flush=True)
            return
        width = max(40, self.console.width)
        cut = line if len(line) <= width else line[:width - 1] + "…"
        match = _LIVE.match(cut)
        if match:
            style = STYLE.get(_SEVERITY_OF.get(match.group(1), match.group(1)), "")
            rest = cut[match.end():]
            self.console.print(f"[dim]nndoctor:[/] [{style}]{match.group(1)} {match.group(2)}[/] {escape(rest)}",
                               overflow="ellipsis", no_wrap=True)
        else:
            self.console.print(f"[dim]{escape(cut)}[/]", no_wrap=True, overflow="ellipsis")

    def _preflight(self, line: str) -> None:
        if not self.tty:
            self._line(render_text(line, self.lang))
            return
        plan = _plan()
        total = len(plan)
        w = words(self.lang)

        def running(i: int) -> str:  # the experiment now running, in the reader's language
            name = plan[i] if i < total else ""
            return escape(f"{w['preflight_running']} · {w.get('exp_' + name, name)}" if name else w["preflight_running"])

        if self._progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("[dim]nndoctor:[/] {task.description}"),
                                      BarColumn(), MofNCompleteColumn(), console=self.console, transient=True,
                                      redirect_stdout=False, redirect_stderr=False)
            self._progress.start()
            self._task = self._progress.add_task(running(0), total=total)
            self._started = time.perf_counter()
            self._done = 0
            if line.startswith(_PREFLIGHT + "on a copy"):
                return
        self._done += 1
        self._progress.update(self._task, completed=self._done, description=running(self._done))
        if self._done >= total:
            self._stop_progress()

    def _stop_progress(self) -> None:
        if self._progress is None:
            return
        self._progress.stop()
        self._progress = None
        seconds = time.perf_counter() - self._started
        self.console.print("[dim]nndoctor: " + escape(words(self.lang)["preflight_done"].format(
            n=self._done, seconds=seconds)) + "[/]")

    def close(self) -> None:
        try:
            self._stop_progress()
        except Exception:
            pass


def _plan() -> list[str]:
    try:
        from nndoctor.preflight import PLAN

        return [name for name, _ in PLAN]
    except Exception:  # pragma: no cover
        return ["initial_loss", "batch_mixing", "gradcheck", "overfit", "input_ignored", "labels", "lr_range",
                "regularization", "augmentation"]

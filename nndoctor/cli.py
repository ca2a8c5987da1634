"""The command line: ``nndoctor run | report | rules | explain | demo``. A thin shell over the engine."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from nndoctor import __version__

TOOL_ERROR = 2


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nndoctor")
def main() -> None:
    """nndoctor: why is my neural network not training?"""


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the report as JSON here.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write the report as one self-contained HTML file with plots here.")
@click.option("--select", multiple=True, help="Only these codes or prefixes (e.g. D1,L202).")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes (e.g. D1,G409).")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding of this severity or worse is found (default: warning).")
@click.option("--max-steps", type=int, default=None, help="Stop the script cleanly after N optimizer steps.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help="Language of the report.")
@click.option("--sample-every", type=int, default=None, help="Full statistics every N steps (default: adaptive).")
@click.option("--quiet", is_flag=True, help="No live warnings while the script runs.")
@click.option("--no-preflight", is_flag=True,
              help="Skip the pre-flight experiments on copies of the model at the first training step.")
@click.option("--try-fixes", is_flag=True, default=None,
              help="At the end, try each finding's remedy on copies of the set-up and report whether it helped.")
@click.option("--trial-steps", type=int, default=None, help="Steps of each trial run (default 200).")
@click.option("--trial-seconds", type=float, default=None, help="Time limit of each trial (default 30 s).")
@click.option("--tensorboard", "tensorboard_dir", type=click.Path(file_okay=False), default=None,
              help="Write nndoctor's per-layer statistics and findings as TensorBoard events into DIR.")
@click.argument("script", type=click.Path(dir_okay=True))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
def run(json_path, select, ignore, fail_on, max_steps, lang, sample_every, quiet, script, script_args,
        no_preflight=False, html_path=None, tensorboard_dir=None, try_fixes=None, trial_steps=None,
        trial_seconds=None) -> None:
    """Run SCRIPT [ARGS...] unmodified, watching its training, and diagnose it."""
    from nndoctor.config import load_config
    from nndoctor.engine import exit_code
    from nndoctor.i18n import tr
    from nndoctor.report.terminal import LiveSink, console_for, render
    from nndoctor.runner import ScriptError, compile_script, run_script
    from nndoctor.session import Session, StopTraining

    try:
        code = compile_script(script)
        config = load_config(Path(script).resolve().parent)
        config.update(select=_codes(select) or None, ignore=(config.ignore + _codes(ignore)) or None,
                      fail_on=fail_on, lang=lang, sample_every=sample_every, live=not quiet,
                      try_fixes=try_fixes, trial_steps=trial_steps, trial_seconds=trial_seconds)
        if no_preflight:
            config.preflight = False
        if tensorboard_dir:
            from nndoctor.integrations.tensorboard import require_tensorboard

            require_tensorboard()
    except (ScriptError, ValueError, ImportError) as exc:
        click.echo(f"nndoctor: error: {exc}", err=True)
        sys.exit(TOOL_ERROR)
    # Output paths are relative to where nndoctor was started, even if the script changes directory.
    json_path, html_path, tensorboard_dir = (os.path.abspath(p) if p else p
                                             for p in (json_path, html_path, tensorboard_dir))
    console = console_for(sys.stderr)
    live = LiveSink(console, config.lang) if config.live else None
    session = Session(config, max_steps=max_steps, live_sink=live, tensorboard=tensorboard_dir)
    try:
        with session:
            result = run_script(script, list(script_args), code=code, stop_exc=StopTraining)
    finally:
        if live is not None:
            live.close()
    report = session.report(script=script, argv=[script, *script_args], exit_status=result.exit_status)
    if result.stopped_early:
        report.notes.append(tr("stopped after {max_steps} optimizer steps (--max-steps)",
                               max_steps=max_steps))
    if session.ranks is not None and session.ranks.rank != 0:
        sys.exit(result.exit_status)  # torchrun: rank 0 reports for every rank; the others stay quiet
    trained = session.engine.signals
    if not (trained.backward_calls or trained.steps or trained.root_calls):
        report.notes.append(tr("no PyTorch training was seen: no model forward, backward() or optimizer "
                               "step"))
    elif not (trained.backward_calls or trained.steps):
        report.notes.append(tr("no training step was seen (no backward() or optimizer step), only "
                               "{root_calls} model forward(s): inference only, nothing to diagnose "
                               "about training",
                               root_calls=trained.root_calls))
    if config.try_fixes and session.capture is not None:
        # After the script: the trials train copies, and the user's run is over.
        session.try_fixes(report, log=None if quiet else (lambda line: click.echo(line, err=True)))
    outputs = {}
    if json_path:
        Path(json_path).write_text(report.to_json(), encoding="utf-8")
        outputs["JSON"] = json_path
    if html_path and _write_html(report, html_path, config.lang):
        outputs["HTML"] = html_path
    render(report, console, config.lang, outputs)
    if result.exit_status != 0:
        sys.exit(result.exit_status)
    if not (trained.backward_calls or trained.steps or trained.root_calls):
        click.echo(f"nndoctor: error: no PyTorch training was seen in {script} "
                   "(no model forward, backward() or optimizer step)", err=True)
        sys.exit(TOOL_ERROR)
    sys.exit(exit_code(report, config.fail_on))


def _write_html(report, path: str, lang: str) -> bool:
    """Write the HTML report; a missing plotting library is a clear message, not a lost run."""
    from nndoctor.report.html import MissingMatplotlib, write_html

    try:
        write_html(report, path, lang)
    except MissingMatplotlib as exc:
        click.echo(f"nndoctor: error: {exc}", err=True)
        return False
    except Exception as exc:  # a renderer bug must not lose the run's summary and JSON
        click.echo(f"nndoctor: error: could not write the HTML report {path}: {type(exc).__name__}: {exc}", err=True)
        return False
    return True


@main.command()
@click.argument("json_file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "html_path", type=click.Path(dir_okay=False),
              help="Write the report as one self-contained HTML file here (else: the terminal summary).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", help="Language of the report.")
def report(json_file, html_path, lang) -> None:
    """Render a saved run (`nndoctor run --json run.json ...`) as HTML or as the terminal summary."""
    from nndoctor.findings import SCHEMA, Report
    from nndoctor.report.terminal import console_for, render

    try:
        data = json.loads(Path(json_file).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "findings" not in data:
            raise ValueError("not an nndoctor report")
        if int(data.get("schema", 0)) > SCHEMA:
            raise ValueError(f"report schema {data.get('schema')} is newer than this nndoctor reads ({SCHEMA})")
        saved = Report.from_dict(data)
    except (OSError, ValueError, TypeError) as exc:
        click.echo(f"nndoctor: error: cannot read {json_file}: {exc}", err=True)
        sys.exit(TOOL_ERROR)
    if html_path:
        if not _write_html(data, html_path, lang):
            sys.exit(TOOL_ERROR)
        click.echo(f"nndoctor: HTML report written to {html_path}", err=True)
        return
    render(saved, console_for(sys.stdout), lang)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
def rules(as_json, lang) -> None:
    """List every rule code, implemented or not."""
    from nndoctor.catalog import RULE_INFO

    if as_json:
        click.echo(json.dumps([r.to_dict(lang) for r in RULE_INFO.values()], indent=2, ensure_ascii=False))
        return
    for r in RULE_INFO.values():
        mark = "implemented" if r.implemented else "planned    "
        click.echo(f"{r.code}  {r.name:<32} {r.severity:<8} {r.how:<4} {mark}  {r.text('summary', lang)}")


@main.command()
@click.argument("code")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.option("--json", "as_json", is_flag=True)
def explain(code, lang, as_json) -> None:
    """Print one rule in full: what it means, why, the fix, references, thresholds in force."""
    from nndoctor.catalog import RULE_INFO
    from nndoctor.config import load_config

    info = RULE_INFO.get(code.upper())
    if info is None:
        click.echo(f"nndoctor: error: unknown rule code {code!r} (see `nndoctor rules`)", err=True)
        sys.exit(TOOL_ERROR)
    thresholds = load_config().thresholds.get(info.code, {})
    if as_json:
        click.echo(json.dumps({**info.to_dict(lang), "thresholds": thresholds}, indent=2, ensure_ascii=False))
        return
    heads = {"en": ("What it means", "Why it matters", "How to fix", "Example", "Known false positives",
                    "References", "Thresholds in force", "implemented", "not implemented yet"),
             "zh": ("含义", "为什么重要", "如何修复", "示例", "已知误报", "参考文献", "当前阈值", "已实现", "尚未实现")}[lang]
    click.echo(f"{info.code} {info.name} ({info.severity}, {'P' if info.how == 'P' else info.how}; "
               f"{heads[7] if info.implemented else heads[8]})\n")
    for head, field in zip(heads[:5], ("summary", "why", "fix", "example", "false_positives")):
        click.echo(f"{head}:\n{info.text(field, lang)}\n")
    click.echo(f"{heads[5]}:")
    for ref in info.references:
        click.echo(f"  - {ref}")
    if thresholds:
        click.echo(f"\n{heads[6]}: " + ", ".join(f"{k}={v}" for k, v in thresholds.items()))


@main.command()
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None)
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None)
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None)
@click.pass_context
def demo(ctx, json_path, lang, html_path=None) -> None:
    """Diagnose a bundled broken training script (scikit-learn digits, nothing downloaded)."""
    script = Path(__file__).parent / "demo" / "broken_digits.py"
    args = ["--json", json_path] if json_path else []
    args += ["--lang", lang] if lang else []
    click.echo(f"nndoctor demo: running `nndoctor run {script.name}` on a script with planted bugs\n", err=True)
    try:
        ctx.invoke(run, json_path=json_path, select=(), ignore=(), fail_on="error", max_steps=None, lang=lang,
                   sample_every=None, quiet=False, script=str(script), script_args=(), html_path=html_path)
    except SystemExit as exc:
        # Findings are what the demo is for: exit 0 when it diagnosed the planted bugs.
        if exc.code not in (0, 1):
            raise


if __name__ == "__main__":
    main()

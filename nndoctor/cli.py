"""The command line: ``nndoctor run | rules | explain | demo``. A thin shell over the engine."""
from __future__ import annotations

import json
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
@click.option("--select", multiple=True, help="Only these codes or prefixes (e.g. D1,L202).")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes (e.g. D1,G409).")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Exit 1 when a finding of this severity or worse is found (default: warning).")
@click.option("--max-steps", type=int, default=None, help="Stop the script cleanly after N optimizer steps.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help="Language of the report.")
@click.option("--sample-every", type=int, default=None, help="Full statistics every N steps (default: adaptive).")
@click.option("--quiet", is_flag=True, help="No live warnings while the script runs.")
@click.argument("script", type=click.Path(dir_okay=True))
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
def run(json_path, select, ignore, fail_on, max_steps, lang, sample_every, quiet, script, script_args) -> None:
    """Run SCRIPT [ARGS...] unmodified, watching its training, and diagnose it."""
    from nndoctor.config import load_config
    from nndoctor.engine import exit_code
    from nndoctor.report.terminal import console_for, render
    from nndoctor.runner import ScriptError, compile_script, run_script
    from nndoctor.session import Session, StopTraining

    try:
        code = compile_script(script)
        config = load_config(Path(script).resolve().parent)
        config.update(select=_codes(select) or None, ignore=(config.ignore + _codes(ignore)) or None,
                      fail_on=fail_on, lang=lang, sample_every=sample_every, live=not quiet)
    except (ScriptError, ValueError) as exc:
        click.echo(f"nndoctor: error: {exc}", err=True)
        sys.exit(TOOL_ERROR)
    session = Session(config, max_steps=max_steps)
    with session:
        result = run_script(script, list(script_args), code=code, stop_exc=StopTraining)
    report = session.report(script=script, argv=[script, *script_args], exit_status=result.exit_status)
    if result.stopped_early:
        report.notes.append(f"stopped after {max_steps} optimizer steps (--max-steps)")
    trained = session.engine.signals
    if not (trained.backward_calls or trained.steps or trained.root_calls):
        report.notes.append("no PyTorch training was seen: no model forward, backward() or optimizer step")
    render(report, console_for(sys.stderr), config.lang)
    if json_path:
        Path(json_path).write_text(report.to_json(), encoding="utf-8")
    if result.exit_status != 0:
        sys.exit(result.exit_status)
    if not (trained.backward_calls or trained.steps or trained.root_calls):
        click.echo(f"nndoctor: error: no PyTorch training was seen in {script} "
                   "(no model forward, backward() or optimizer step)", err=True)
        sys.exit(TOOL_ERROR)
    sys.exit(exit_code(report, config.fail_on))


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
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None)
@click.pass_context
def demo(ctx, json_path, lang) -> None:
    """Diagnose a bundled broken training script (scikit-learn digits, nothing downloaded)."""
    script = Path(__file__).parent / "demo" / "broken_digits.py"
    args = ["--json", json_path] if json_path else []
    args += ["--lang", lang] if lang else []
    click.echo(f"nndoctor demo: running `nndoctor run {script.name}` on a script with planted bugs\n", err=True)
    ctx.invoke(run, json_path=json_path, select=(), ignore=(), fail_on="error", max_steps=None, lang=lang,
               sample_every=None, quiet=False, script=str(script), script_args=())


if __name__ == "__main__":
    main()

"""Run someone else's script faithfully, as ``python script.py args`` would (after coverage.py's PyRunner)."""
from __future__ import annotations

import os
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path


class ScriptError(Exception):
    """The script cannot be started at all (missing, unreadable, not Python): one clear line."""


@dataclass
class ScriptResult:
    exit_status: int
    exception: BaseException | None = None
    stopped_early: bool = False


def compile_script(path: str):
    script = Path(path)
    if not script.exists():
        raise ScriptError(f"no such script: {path}")
    if script.is_dir():
        raise ScriptError(f"{path} is a directory, not a Python script")
    try:
        source = script.read_bytes()
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return compile(source, str(script), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise ScriptError(f"{exc.filename}:{exc.lineno}: {exc.msg} (the script is not valid Python)") from None
    except ValueError as exc:
        raise ScriptError(f"{path}: {exc}") from None


def run_script(path: str, args: list[str], code=None, stop_exc: type[BaseException] | None = None) -> ScriptResult:
    """Execute ``path`` as ``__main__`` with ``sys.argv = [path, *args]``; never raises for the script's errors."""
    code = code or compile_script(path)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = __builtins__
    main.__loader__ = None
    old_main, old_argv, old_path0 = sys.modules.get("__main__"), sys.argv, sys.path[0] if sys.path else None
    sys.modules["__main__"] = main
    sys.argv = [path, *args]
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path:
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    try:
        exec(code, main.__dict__)
        return ScriptResult(0)
    except SystemExit as exc:
        return ScriptResult(_exit_status(exc.code), exc)
    except KeyboardInterrupt as exc:
        traceback.print_exc()
        return ScriptResult(130, exc)
    except BaseException as exc:
        if stop_exc is not None and isinstance(exc, stop_exc):
            return ScriptResult(0, None, stopped_early=True)
        _print_user_traceback(exc)
        return ScriptResult(1, exc)
    finally:
        sys.stdout.flush()
        if old_main is not None:
            sys.modules["__main__"] = old_main
        sys.argv = old_argv
        if old_path0 is not None:
            sys.path[0] = old_path0


def _exit_status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _print_user_traceback(exc: BaseException) -> None:
    """The traceback Python would print, without nndoctor's own frames on top."""
    tb = exc.__traceback__
    while tb is not None and "nndoctor" + os.sep in tb.tb_frame.f_code.co_filename \
            and os.sep + "runner.py" in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)

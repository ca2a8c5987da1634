"""Runs `python -m nndoctor ...` and `python script.py ...` as forks of a process that has already
imported torch, scikit-learn and nndoctor (a zygote, one per test worker).

Importing them takes 4-5 s of the ~10 s a zoo script runs: forking instead of starting a fresh
interpreter halves the time of the zoo tests, and nothing else changes. Each run is a fresh child
process with its own cwd, argv, environment and stdio, exits through sys.exit or an exception as the
interpreter would (atexit handlers, non-daemon threads), and gives back its status and output as
``subprocess.run(capture_output=True, text=True)`` does. Tests that need the real process (its pid,
signals, the console script) keep using subprocess.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading

_ZYGOTE = r'''
import json, os, sys
import torch, numpy, sklearn.datasets, sklearn.model_selection, sklearn.preprocessing  # the slow imports
import nndoctor.cli, nndoctor.session, nndoctor.runner, nndoctor.report.terminal  # noqa: F401

def child(req):
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    for fd, (path, mode) in enumerate(((os.devnull, os.O_RDONLY), (req["stdout"], os.O_WRONLY),
                                       (req["stderr"], os.O_WRONLY))):
        os.dup2(os.open(path, mode), fd)
    import atexit, runpy, threading, traceback
    argv = req["argv"]
    code = 0
    try:
        if argv[0] == "-m":
            sys.argv = [argv[1], *argv[2:]]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(argv)
            sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        threading._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)

for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        child(req)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
'''

_lock = threading.Lock()
_zygote: subprocess.Popen | None = None


def _start() -> subprocess.Popen:
    global _zygote
    if _zygote is None or _zygote.poll() is not None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
        _zygote = subprocess.Popen([sys.executable, "-c", _ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, env=env)
    return _zygote


def run(argv: list[str], *, cwd, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Like ``subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True,
    timeout=timeout)``, forked from the zygote. ``argv`` starts with ``-m module`` or a script path."""
    with _lock, tempfile.TemporaryDirectory() as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        open(out, "w").close()
        open(err, "w").close()
        zygote = _start()
        zygote.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd), "env": env, "stdout": out, "stderr": err}) + "\n")
        zygote.stdin.flush()
        pid = json.loads(zygote.stdout.readline())["pid"]
        done: list[str] = []
        reader = threading.Thread(target=lambda: done.append(zygote.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not done:
            os.kill(pid, 9)
            reader.join()
            raise subprocess.TimeoutExpired([sys.executable, *argv], timeout)
        with open(out) as f_out, open(err) as f_err:
            stdout, stderr = f_out.read(), f_err.read()
        return subprocess.CompletedProcess([sys.executable, *argv], json.loads(done[0])["status"], stdout, stderr)

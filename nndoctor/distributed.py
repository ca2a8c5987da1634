"""Multi-process training (torch.distributed): every rank watches itself, rank 0 writes one report.

What happens under ``torchrun ... -m nndoctor run train.py`` (or ``watch`` in a DDP script):

- every rank runs its own session (probe + engine); ranks other than 0 print nothing;
- this module collects, on every rank, the evidence the cross-rank rules need, with no
  collective call during training (nothing that could hang or slow a step):
  fingerprints of the first batches (the probe's ``BatchSignal.fingerprint``), the first
  losses, and a checksum of each optimizer's parameters right after a few early optimizer
  steps (``CHECK_STEPS``), from nndoctor's own optimizer step post-hook;
- at the end (when the script destroys its process group, or when the session stops) each
  rank sends a small JSON payload (its findings and that evidence) through the job's c10d
  store; rank 0 waits for them (bounded, ``GATHER_TIMEOUT_S``) and merges: each finding says
  which ranks saw it, and T506 / T507 (nndoctor/rules/distributed.py) judge the evidence.

Nothing here judges: rules do. Nothing here renders: the report does.
"""
from __future__ import annotations

import json
import os
import time
import weakref
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from nndoctor.i18n import tr

if TYPE_CHECKING:
    from nndoctor.session import Session

# Optimizer steps (1-based, per optimizer) after which parameter checksums are taken.
CHECK_STEPS = (1, 2, 3, 5, 10, 20, 50, 100)
# Batches and losses of steps below this are kept for the cross-rank comparison.
EVIDENCE_STEPS = 16
GATHER_TIMEOUT_S = float(os.environ.get("NNDOCTOR_GATHER_TIMEOUT", "60"))
SHARDED = ("FullyShardedDataParallel", "FSDPModule", "DTensor", "DeepSpeedEngine")


def rank_and_world() -> tuple[int, int]:
    """This process's rank and the world size: from the process group, else torchrun's environment."""
    try:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return dist.get_rank(), dist.get_world_size()
    except Exception:
        pass
    try:
        return int(os.environ.get("RANK", "0") or 0), int(os.environ.get("WORLD_SIZE", "1") or 1)
    except ValueError:
        return 0, 1


def rank() -> int:
    return rank_and_world()[0]


def multiprocess() -> bool:
    return rank_and_world()[1] > 1


def is_leader() -> bool:
    """True on rank 0 and in single-process runs: the process that prints and writes reports."""
    return rank() == 0


class RankWatcher:
    """One rank's side of a multi-process run: evidence for T506/T507, then the gather to rank 0."""

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.rank, self.world = rank_and_world()
        self._handles: list[Any] = []
        self._undo: list[Any] = []
        self._opt_index: "weakref.WeakKeyDictionary[Any, list[int]]" = weakref.WeakKeyDictionary()
        self.checksums: dict[str, list[list[float]]] = {}  # "opt:step" -> [sums, abs sums]
        self.param_names: dict[int, list[str]] = {}
        self.sharded = False
        self.gathered: list[dict] | None = None  # rank 0: every rank's payload, by rank
        self.missing: list[int] = []
        self._exchanged = False

    # ------------------------------------------------------------------ install
    def install(self) -> None:
        from torch.optim import optimizer as optim_mod

        handle = optim_mod.register_optimizer_step_post_hook(self._guarded(self._after_step))
        self._handles.append(handle)
        try:
            import torch.distributed as dist

            if dist.is_available():
                original = dist.destroy_process_group
                watcher = self

                def destroy_process_group(*args, **kwargs):
                    group = args[0] if args else kwargs.get("group")
                    if group is None and not watcher._exchanged:
                        watcher.exchange_early()
                    return original(*args, **kwargs)

                destroy_process_group.__wrapped__ = original
                destroy_process_group.__doc__ = original.__doc__
                dist.destroy_process_group = destroy_process_group
                self._undo.append(lambda: setattr(dist, "destroy_process_group", original))
        except Exception as exc:
            self.session.engine.internal_error("distributed:install", exc)

    def uninstall(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        while self._undo:
            self._undo.pop()()

    def _guarded(self, fn):
        engine, probe = self.session.engine, self.session.probe

        def guarded(*args, **kwargs):
            if probe._paused:  # nndoctor's own experiments on copies
                return None
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                engine.internal_error("distributed:step", exc)
                return None

        return guarded

    # ------------------------------------------------------------------ evidence
    def _after_step(self, opt: Any, args: tuple, kwargs: dict) -> None:
        import torch

        entry = self._opt_index.get(opt)
        if entry is None:
            entry = self._opt_index[opt] = [len(self._opt_index), 0]
        entry[1] += 1
        index, count = entry
        if count not in CHECK_STEPS or self.sharded:
            return
        params = [p for g in opt.param_groups for p in g["params"]]
        if any(type(p).__name__ in SHARDED for p in params):
            self.sharded = True  # sharded parameters differ across ranks by design
            return
        with torch.no_grad():
            flat = [p.detach() for p in params]
            sums = torch.stack([p.double().sum() for p in flat]).tolist() if flat else []
            l1 = torch.stack([p.double().abs().sum() for p in flat]).tolist() if flat else []
        self.checksums[f"{index}:{count}"] = [sums, l1]
        if index not in self.param_names:
            probe = self.session.probe
            self.param_names[index] = [probe.param_name(p) or f"param{i}" for i, p in enumerate(params)]

    def payload(self) -> dict:
        sig = self.session.engine.signals
        seen: dict[tuple, int] = {}
        batches = []
        for b in sig.batches:
            if b.step >= EVIDENCE_STEPS or not b.fingerprint:
                continue
            key = (b.step, b.model)
            seen[key] = seen.get(key, -1) + 1
            batches.append([b.step, b.model, seen[key], [float(v) for v in b.fingerprint]])
        roots = [type(m).__name__ for m in list(getattr(self.session.probe, "_roots", ()))]
        engine = self.session.engine
        return {
            "rank": self.rank, "world": self.world, "steps": sig.steps,
            "findings": [f.to_dict() for f in engine.findings.values()],
            "internal_errors": [e.to_dict() for e in engine.errors.values()],
            "batches": batches,
            "losses": [[s, v] for s, v in sig.losses if s < EVIDENCE_STEPS and v == v and abs(v) != float("inf")],
            "checksums": self.checksums,
            "param_names": {str(k): v for k, v in self.param_names.items()},
            "sharded": self.sharded or any(r in SHARDED for r in roots),
            "models": roots,
        }

    # ------------------------------------------------------------------ gather
    def exchange_early(self) -> None:
        """The script is about to destroy its process group: judge this rank now and send it."""
        session = self.session
        try:
            session.probe.rb.flush()
            session.probe.finish()
            session.engine.evaluate("end")
        except Exception as exc:
            session.engine.internal_error("distributed:gather", exc)
        self.exchange()

    def exchange(self) -> None:
        if self._exchanged:
            return
        self._exchanged = True
        try:
            self._exchange()
        except Exception as exc:
            self.session.engine.internal_error("distributed:gather", exc)

    def _exchange(self) -> None:
        store = _store()
        if store is None:
            self.session.engine.signals.notes.append(
                tr("torch.distributed: no process group or torchrun store at the end, so this report is "
                   "rank {rank}'s alone",
                   rank=self.rank))
            return
        prefix = "nndoctor/{}/{}/".format(os.environ.get("TORCHELASTIC_RUN_ID", "run"),
                                          os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))
        store.set(prefix + str(self.rank), json.dumps(self.payload(), allow_nan=False, default=str))
        if self.rank != 0:
            return
        gathered = [None] * self.world
        deadline = time.monotonic() + GATHER_TIMEOUT_S
        for r in range(self.world):
            try:
                left = max(0.1, deadline - time.monotonic())
                store.wait([prefix + str(r)], timedelta(seconds=left))
                gathered[r] = json.loads(store.get(prefix + str(r)))
            except Exception:
                self.missing.append(r)
        self.gathered = [p for p in gathered if p is not None]

    def merge(self) -> None:
        """Rank 0, after its own final judgment: the other ranks' findings, then T506/T507."""
        from nndoctor.findings import Finding, InternalError
        from nndoctor.rules.base import Context, Hit

        engine = self.session.engine
        sig = engine.signals
        if self.rank != 0:
            return
        if self.missing:
            sig.notes.append(tr("torch.distributed: rank(s) {ranks} sent no report within "
                                "{timeout:.0f} s (crashed or still running?)",
                                ranks=", ".join(map(str, self.missing)), timeout=GATHER_TIMEOUT_S))
        if not self.gathered:
            return
        ranks = sorted(self.gathered, key=lambda p: p["rank"])
        sig.ddp = {"world": self.world, "ranks": ranks}  # read by nndoctor/rules/distributed.py
        for code in ("T506", "T507"):
            spec = engine.rules.get(code)
            if spec is None:
                continue
            try:
                result = spec.check(Context(sig, engine.config.thresholds.get(code, {}), True))
                hits = [] if result is None else [result] if isinstance(result, Hit) else list(result)
            except Exception as exc:
                engine.internal_error(f"rule {code}", exc)
                continue
            for hit in hits:
                engine.add(code, hit)
        # Which rank saw what.
        seen: dict[str, list[int]] = {}
        first: dict[str, dict] = {}
        for payload in ranks:
            for f in payload["findings"]:
                seen.setdefault(f["code"], []).append(payload["rank"])
                first.setdefault(f["code"], f)
            if payload["rank"] != 0:
                for e in payload["internal_errors"]:
                    key = f"rank {payload['rank']}: {e['component']}"
                    engine.errors.setdefault(key, InternalError(key, e["error"]))
        n = len(ranks)
        for code, where_seen in seen.items():
            if code in ("T506", "T507"):
                continue
            base = engine.findings.get(code)
            if base is None:
                base = Finding.from_dict(first[code])
            label = _ranks_label(where_seen, n)
            engine.findings[code] = Finding(**{
                **base.__dict__, "message": f"{base.message} ({label})",
                "messages": {lang: f"{text} ({label})" for lang, text in base.messages.items()},
                "where": base.where if len(where_seen) == n else f"{_ranks_short(where_seen)}: {base.where}".rstrip(": "),
                "evidence": {**base.evidence, "ranks": where_seen}})
        sig.notes.append(tr("torch.distributed: {n} ranks watched; one report gathered on rank 0",
                            n=n)
                         + (tr(" ({world} missing)",
                               world=self.world - n) if n < self.world else ""))


def _ranks_short(ranks: list[int]) -> str:
    return ("rank " if len(ranks) == 1 else "ranks ") + ", ".join(map(str, ranks))


def _ranks_label(ranks: list[int], world: int) -> str:
    if len(ranks) == world:
        return f"seen on all {world} ranks"
    return f"seen on {_ranks_short(ranks)} only"


def _store():
    """The job's key-value store: torchrun's agent store (alive until the job ends), else the
    default process group's store."""
    try:
        import torch.distributed as dist
    except Exception:
        return None
    if not dist.is_available():
        return None
    if os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True" and os.environ.get("MASTER_PORT"):
        try:
            return dist.TCPStore(os.environ.get("MASTER_ADDR", "127.0.0.1"), int(os.environ["MASTER_PORT"]),
                                 is_master=False, timeout=timedelta(seconds=GATHER_TIMEOUT_S))
        except Exception:
            pass
    if dist.is_initialized():
        try:
            return dist.distributed_c10d._get_default_store()
        except Exception:
            return None
    return None

"""Data capture: a bounded sample of the data itself (``Signals.train_samples`` / ``val_samples``).

What goes in:
- training samples: the trained root model's input on the probe's sampled steps, paired with the
  class-index target of the loss call of the same step (y stays unknown for other losses);
- validation samples: every gradient-free forward of that model (each call is its own ``source``, so
  leakage can be judged per call: evaluating on training data is legitimate, a partly copied split is
  not), paired with the target of a gradient-free loss call that follows it;
- a DataLoader over a tensor-backed data set (``TensorDataset``, ``Subset`` of one) is read once, at its
  first iteration (the script's loaders are often gone by the end); at the end, the training loader's
  and a validation-only loader's data sets replace the streamed samples: the whole split, with dataset
  indices and whole-split per-feature sums (a uniform random sample of rows when it is larger than the
  bank).

Bounds: ``CAPACITY`` samples and ``MAX_BYTES`` per split. Training streams keep a reservoir (uniform over
the distinct samples offered, so a sorted stream stays representative); validation keeps its first
distinct samples. A sample is all the per-sample tensors of the model call (every tensor argument whose
first dimension is the batch's: token ids and their lengths, category ids and numeric features); the
banks keep the first one's values (``x``) and row hashes of them all (``x_hash``, ``parts``:
``sample_keys``), so two rows that share their category ids but not their features are two samples.
Cost: a few attribute reads per root call; copies only on sampled steps (training) and gradient-free
calls (validation), on the host right away for CPU tensors, and as device copies moved at the probe's
next batched readback for device tensors (no sync of their own). Rows are deduplicated by a content
hash (low mantissa bits masked, so near-exact copies hash alike). ``distinct_share``: the estimated
share of distinct samples among the training split's rows (inputs with few possible values repeat by
nature), exact for a whole split, else from how often distinct dataset items (the rows of the first
pass over the data, or of one batch) share their content. ``check`` fills the banks
from the datasets handed in (``capture_datasets``).
"""
from __future__ import annotations

import functools
import math
import weakref
from collections import deque
from typing import Any, Callable

import numpy as np

from nndoctor.i18n import tr
from nndoctor.signals import SampleBank, Signals

CAPACITY = 4096  # samples kept per split
MAX_BYTES = 64 << 20  # host memory per split: large samples (images) lower the capacity
NEAR_MASK = np.uint32(0xFFFFFF00)  # drop the 8 lowest of 23 mantissa bits: copies within ~3e-5 hash alike
GROUP_ROWS = 1 << 16  # rows of one group of distinct items counted (a long first pass: its first rows)
COVERAGE_WINDOW = 1024  # recent training rows used to estimate how much of the split the bank holds
LOADER_SOURCE = 1 << 30  # val sources from a whole data set: LOADER_SOURCE + loader number
# What a bank holds. Beyond SampleBank's declared fields, set here: ``x_hash`` (n,) and ``parts`` (n, m)
# uint64 row hashes of the first per-sample tensor and of the other ones (shapes ``part_shapes``),
# ``key_parts`` (how many of ``parts`` are inputs of the model: ``sample_keys`` combines those), and
# ``distinct_share`` (None when unknown).
BANK_FIELDS = ("x", "y", "index", "seen", "capacity", "source", "complete", "coverage", "wrap_coverage", "feature_n",
               "feature_sum", "feature_sumsq", "x_hash", "parts", "part_shapes", "key_parts", "distinct_share")
WRAP_ROWS = 128  # rows offered after the stream came back to a kept row, for ``wrap_coverage``

_WEIGHTS: dict[int, np.ndarray] = {}


def row_hashes(rows: np.ndarray) -> np.ndarray:
    """One 64-bit content hash per row of a 2-D float32 array (a fixed random linear hash, wrapping)."""
    rows = np.ascontiguousarray(rows, dtype=np.float32)
    d = rows.shape[1]
    w = _WEIGHTS.get(d)
    if w is None:
        odd = np.random.default_rng(20240611 + d).integers(1, 2 ** 62, size=d, dtype=np.uint64)
        w = odd * np.uint64(2) + np.uint64(1)
        _WEIGHTS[d] = w
    bits = (rows.view(np.uint32) & NEAR_MASK).astype(np.uint64)
    with np.errstate(over="ignore"):
        return (bits * w).sum(axis=1, dtype=np.uint64)


_PART_WEIGHTS = (np.random.default_rng(20240612).integers(1, 2 ** 62, size=16, dtype=np.uint64) * np.uint64(2)
                 + np.uint64(1))  # odd: each tensor's row hash enters the key with its own weight
MAX_PARTS = len(_PART_WEIGHTS)  # per-sample tensors hashed besides the first


def combine_hashes(first: np.ndarray, parts: np.ndarray | None) -> np.ndarray:
    """One key per row from the first tensor's row hashes and the other tensors' ((n, m) uint64): a
    random linear hash of all their values together."""
    if parts is None or parts.shape[1] == 0:
        return first
    with np.errstate(over="ignore"):
        return first + (parts * _PART_WEIGHTS[:parts.shape[1]]).sum(axis=1, dtype=np.uint64)


def sample_keys(bank: SampleBank, parts: int | None = None) -> np.ndarray:
    """One content key per kept sample: its first tensor and the first ``parts`` other input tensors
    (default: the bank's ``key_parts``); banks without hashes (filled elsewhere) hash ``x`` alone."""
    x_hash = getattr(bank, "x_hash", None)
    if x_hash is None or len(x_hash) != len(bank):
        return row_hashes(bank.x.reshape(len(bank), -1)) if len(bank) else np.zeros(0, dtype=np.uint64)
    k = (getattr(bank, "key_parts", 0) or 0) if parts is None else parts
    stored = getattr(bank, "parts", None)
    return combine_hashes(x_hash, stored[:, :k] if stored is not None and k else None)


def part_hashes(tensors: list, rows: int) -> np.ndarray:
    """(rows, len(tensors)) row hashes of per-sample tensors (numpy or torch, first dimension ``rows``)."""
    out = np.zeros((rows, len(tensors)), dtype=np.uint64)
    for k, t in enumerate(tensors):
        a = _host(t) if hasattr(t, "detach") else np.asarray(t, dtype=np.float32)
        out[:, k] = row_hashes(a.reshape(rows, -1))
    return out


def feature_matrix(x: np.ndarray) -> np.ndarray:
    """Samples as (rows, features): columns of flat samples, channels (dim 1) of images, last dim of sequences."""
    if x.ndim == 2:
        return x
    if x.ndim >= 4:  # (N, C, H, W...): per channel
        return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    if x.ndim == 3:
        return x.reshape(-1, x.shape[-1])
    return x.reshape(-1, 1)


def feature_sums(x: Any) -> tuple[int, np.ndarray, np.ndarray]:
    """(rows, per-feature sum, per-feature sum of squares) in float64; ``x`` numpy or torch."""
    if hasattr(x, "detach"):
        import torch

        t = x.detach().to(torch.float64)
        if t.dim() >= 4:
            t = t.movedim(1, -1).reshape(-1, t.shape[1])
        elif t.dim() == 3:
            t = t.reshape(-1, t.shape[-1])
        elif t.dim() == 1:
            t = t.reshape(-1, 1)
        return int(t.shape[0]), t.sum(0).cpu().numpy(), (t * t).sum(0).cpu().numpy()
    m = feature_matrix(np.asarray(x)).astype(np.float64)
    return int(m.shape[0]), m.sum(0), (m * m).sum(0)


class _Filler:
    """Fills one SampleBank: first distinct samples up to capacity, hashed, with index and source."""

    def __init__(self, bank: SampleBank, capacity: int = CAPACITY, estimate_coverage: bool = False,
                 reservoir: bool = False) -> None:
        self.bank = bank
        self.estimate_coverage = estimate_coverage  # training streams go round the data: estimate it
        # Once full, a reservoir keeps a uniform sample of the distinct rows offered (a sorted stream stays
        # representative); otherwise the first distinct rows are kept. Its own generator: the user's
        # random streams are never touched.
        self.reservoir = np.random.default_rng(0) if reservoir else None
        self.distinct = 0
        self.row_hash: list[int] = []
        self.pending = 0  # rows copied on a device, waiting for the next readback
        self.capacity = capacity
        self.cap = 0
        self.shape: tuple[int, ...] | None = None
        self.n = 0
        self.hashes: dict[int, int] = {}
        self.x = self.y = self.index = self.source = None
        self.x_hash = self.parts = None  # per kept row: hash of x, hashes of the other per-sample tensors
        self.part_shapes: tuple = ()  # per-sample shapes of those other tensors
        # Pairs of rows that are distinct dataset items (one group: the first pass over the data, or one
        # batch), and how many of them have equal keys; the open group's key counts.
        self.pairs = self.pair_collisions = 0
        self._group: Any = None
        self._group_counts: dict[int, int] = {}
        self._group_rows = 0
        self.full = False
        self.recent: deque = deque(maxlen=COVERAGE_WINDOW)  # 1 where an offered row was already kept
        self.after_wrap: deque | None = None  # the same, from the first row found kept already
        self.offered = 0
        self.position = 0  # running position in the stream

    def room(self) -> int:
        cap = self.capacity if self.shape is None else self.cap
        return cap - self.pending - (0 if self.reservoir is not None or self.shape is None else self.n)

    def add(self, x: np.ndarray, y: np.ndarray | None, source: int, positions: np.ndarray | None = None,
            parts: np.ndarray | None = None, part_shapes: tuple = (), group: Any = None) -> None:
        """Offer rows ``x`` (labels ``y``); ``parts``: (rows, m) hashes of the call's other per-sample tensors
        (shapes ``part_shapes``), part of each sample's key; ``group``: rows offered under one group id are
        distinct dataset items (their key collisions measure how often distinct samples share content)."""
        if x.ndim < 2 or len(x) == 0:
            return
        if parts is None:
            parts = np.zeros((len(x), 0), dtype=np.uint64)
        if self.shape is None:
            self.part_shapes = tuple(part_shapes)
            self.parts = np.zeros((0, parts.shape[1]), dtype=np.uint64)
            self.shape = tuple(x.shape[1:])
            per_sample = max(1, int(np.prod(self.shape)) * 4)
            self.cap = max(1, min(self.capacity, MAX_BYTES // per_sample))
            self.bank.capacity = self.cap
            self.x = np.empty((self.cap, *self.shape), dtype=np.float32)
            self.y = np.full(self.cap, -1, dtype=np.int64)
            self.index = np.zeros(self.cap, dtype=np.int64)
            self.source = np.zeros(self.cap, dtype=np.int64)
            self.x_hash = np.zeros(self.cap, dtype=np.uint64)
            self.parts = np.zeros((self.cap, parts.shape[1]), dtype=np.uint64)
        elif tuple(x.shape[1:]) != self.shape or tuple(part_shapes) != self.part_shapes:
            return  # another kind of input (a second model, a different resolution): not this split
        start = self.position
        self.position += len(x)
        x_hash = row_hashes(x.reshape(len(x), -1))
        keys = combine_hashes(x_hash, parts)
        hashes = keys.tolist()
        if group is not None:
            self._count_pairs(group, hashes)
        for i, h in enumerate(hashes):
            self.offered += 1
            row = self.hashes.get(h)
            if self.after_wrap is not None:
                self.after_wrap.append(row is not None)
            if row is not None:
                self.recent.append(1)
                if self.after_wrap is None:
                    self.after_wrap = deque([True], maxlen=COVERAGE_WINDOW)
                if y is not None and self.y[row] < 0:
                    self.y[row] = y[i]
                continue
            self.recent.append(0)
            self.distinct += 1
            if self.n < self.cap:
                slot = self.n
                self.n += 1
                self.row_hash.append(h)
            else:
                self.full = True
                if self.reservoir is None:
                    continue
                slot = int(self.reservoir.integers(0, self.distinct))
                if slot >= self.cap:
                    continue
                self.hashes.pop(self.row_hash[slot], None)
                self.row_hash[slot] = h
            self.hashes[h] = slot
            self.x_hash[slot] = x_hash[i]
            self.parts[slot] = parts[i]
            self.x[slot] = x[i]
            self.y[slot] = y[i] if y is not None else -1
            self.index[slot] = positions[i] if positions is not None else start + i
            self.source[slot] = source
        self.publish()

    def _count_pairs(self, group: Any, hashes: list) -> None:
        """Each row pairs with every earlier row of its group; equal keys are a collision."""
        if group != self._group or self._group_rows >= GROUP_ROWS:
            self._group, self._group_counts, self._group_rows = group, {}, 0
        counts = self._group_counts
        for h in hashes:
            same = counts.get(h, 0)
            self.pairs += self._group_rows
            self.pair_collisions += same
            counts[h] = same + 1
            self._group_rows += 1

    def publish(self) -> None:
        bank, n = self.bank, self.n
        if self.x is None or bank.origin:
            return  # nothing yet, or the bank was filled from a whole data set (check, a DataLoader's)
        bank.x, bank.index, bank.source = self.x[:n], self.index[:n], self.source[:n]
        bank.x_hash, bank.parts, bank.part_shapes = self.x_hash[:n], self.parts[:n], self.part_shapes
        bank.key_parts = len(self.part_shapes)  # a model call's per-sample tensors: all inputs
        ys = self.y[:n]
        bank.y = ys if n and (ys >= 0).all() else None
        # Share of recent rows that were already kept: the share of the split the bank holds, once the
        # stream has gone round the data at least once (otherwise unknown).
        if self.estimate_coverage and self.offered >= 2 * max(n, 1) and len(self.recent) >= min(COVERAGE_WINDOW, n):
            bank.coverage = sum(self.recent) / len(self.recent)
        if self.estimate_coverage and self.after_wrap is not None and len(self.after_wrap) >= WRAP_ROWS:
            bank.wrap_coverage = sum(self.after_wrap) / len(self.after_wrap)
        bank.complete = bank.complete or (not self.full and bank.coverage is not None and bank.coverage >= 0.999)


def _host(t: Any) -> np.ndarray:
    import torch

    t = t.detach()
    if t.dtype != torch.float32:
        t = t.float()
    return np.array(t.cpu().numpy(), dtype=np.float32, copy=True)


def _class_targets(target: Any, rows: int) -> np.ndarray | None:
    """Targets as class indices when they are one whole number per sample, else None."""
    import torch

    if not isinstance(target, torch.Tensor) or target.is_floating_point() or target.is_complex():
        return None
    if target.dim() != 1 or target.shape[0] != rows:
        return None
    return target


def dataset_arrays(dataset: Any) -> tuple[Any, Any, Any] | None:
    """(inputs, targets or None, dataset indices or None) of a tensor-backed data set, read whole.
    ``dataset_others`` gives its other tensors (all but the first), which may be inputs too."""
    import torch
    from torch.utils.data import Subset, TensorDataset

    indices = None
    while isinstance(dataset, Subset):
        idx = torch.as_tensor(list(dataset.indices), dtype=torch.long)
        indices = idx if indices is None else idx[indices]  # an outer Subset indexes the inner one
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset) or not dataset.tensors:
        return None
    x = dataset.tensors[0]
    y = dataset.tensors[1] if len(dataset.tensors) > 1 else None
    if indices is not None:
        x = x[indices]
        y = y[indices] if y is not None else None
    return x, y, indices


def sampler_indices(loader: Any) -> Any:
    """The dataset indices a loader's sampler draws from, when it is restricted to a subset of them
    (``SubsetRandomSampler``, or any sampler with an ``indices`` sequence), as a long tensor; else None."""
    import torch

    sampler = getattr(loader, "sampler", None)
    # A plain sequence of indices is a sampler too (DataLoader(ds, sampler=val_idx.tolist())).
    indices = sampler if isinstance(sampler, (list, tuple, range, np.ndarray, torch.Tensor)) \
        else getattr(sampler, "indices", None)
    if indices is None or isinstance(sampler, torch.utils.data.SequentialSampler):
        return None
    try:
        chosen = torch.as_tensor(list(indices), dtype=torch.long)
    except (TypeError, ValueError, RuntimeError):
        return None
    return chosen if chosen.dim() == 1 and len(chosen) else None


def _same_indices(a: Any, b: Any) -> bool:
    """Two loaders' sampler indices select the same samples (None: the whole data set)."""
    if a is None or b is None:
        return a is b
    a, b = a.unique(), b.unique()
    return a.shape == b.shape and bool((a == b).all())


def dataset_others(dataset: Any) -> list:
    """The tensors of a tensor-backed data set after the first (more inputs, then targets), indexed like
    ``dataset_arrays``'s."""
    import torch
    from torch.utils.data import Subset, TensorDataset

    indices = None
    while isinstance(dataset, Subset):
        idx = torch.as_tensor(list(dataset.indices), dtype=torch.long)
        indices = idx if indices is None else idx[indices]
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset):
        return []
    others = list(dataset.tensors[1:1 + MAX_PARTS])
    return [t[indices] for t in others] if indices is not None else others


def _weak(obj: Any) -> Any:
    try:
        return weakref.ref(obj)
    except TypeError:
        return None


def _base_dataset(dataset: Any) -> Any:
    from torch.utils.data import Subset

    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return dataset


def fill_from_arrays(bank: SampleBank, x: Any, y: Any, indices: Any, origin: str, source: int = 0,
                     others: list | None = None) -> None:
    """Replace ``bank`` with a whole split given as tensors/arrays (a bounded sample if it is large).
    ``others``: the data set's other per-sample tensors (more inputs, targets), hashed into the keys."""
    import torch

    fresh = SampleBank()
    fresh.seen = int(len(x))
    filler = _Filler(fresh)
    n = len(x)
    xt = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
    yt = None
    if y is not None:
        yt = y if isinstance(y, torch.Tensor) else torch.as_tensor(np.asarray(y))
        yt = _class_targets(yt, n)
    pos = indices.cpu().numpy() if isinstance(indices, torch.Tensor) else np.arange(n)
    others = [t if isinstance(t, torch.Tensor) else torch.as_tensor(np.asarray(t)) for t in (others or [])]
    others = [t for t in others if t.dim() >= 1 and len(t) == n]
    shapes = tuple(tuple(t.shape[1:]) for t in others)
    per_sample = max(1, int(np.prod(tuple(xt.shape[1:]))) * 4)
    cap = max(1, min(CAPACITY, MAX_BYTES // per_sample))
    # A large split: a uniform random sample of rows (its own generator), never just the first ones.
    rows = np.arange(n) if n <= cap else np.sort(np.random.default_rng(0).choice(n, cap, replace=False))
    chunk = 4096
    for start in range(0, len(rows), chunk):
        take = torch.as_tensor(rows[start:start + chunk], device=xt.device)
        part = _host(xt[take])
        ys = yt[take.to(yt.device)].cpu().numpy().astype(np.int64) if yt is not None else None
        parts = part_hashes([t[take.to(t.device)] for t in others], len(take))
        filler.add(part, ys, source, pos[rows[start:start + chunk]], parts, shapes)
    try:
        fresh.feature_n, fresh.feature_sum, fresh.feature_sumsq = feature_sums(
            xt if xt.is_floating_point() else xt.float())
    except Exception:
        pass
    fresh.complete = len(rows) == n  # every row offered: each distinct sample is held
    fresh.coverage = len(rows) / n if n else None
    fresh.origin = origin
    fresh.key_parts = 0  # the model's call decides which of ``others`` are inputs (DataCapture.finish)
    fresh.distinct_share = len(fresh) / n if fresh.complete and n else None
    for name in BANK_FIELDS + ("origin",):
        setattr(bank, name, getattr(fresh, name, None))


def _parts_of(bank: SampleBank, parts: int) -> np.ndarray:
    """The bank's first ``parts`` other-tensor hashes, (n, parts)."""
    stored = getattr(bank, "parts", None)
    if stored is None or len(stored) != len(bank):
        return np.zeros((len(bank), 0), dtype=np.uint64)
    return stored[:, :parts]


def _guarded(method: Callable) -> Callable:
    """An error in the capture becomes an internal error of "probe:data"; the probe's own work goes on."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            self.release()
            self.on_error("probe:data", exc)
            return None

    return guarded


def _assign(bank: SampleBank, snapshot: SampleBank, origin: str, source: int | None = None) -> None:
    for name in BANK_FIELDS:
        setattr(bank, name, getattr(snapshot, name, None))
    if source is not None and bank.source is not None:
        bank.source = np.full(len(bank.source), source, dtype=np.int64)
    bank.scored = {source if source is not None else 0}
    bank.origin = origin


def _per_sample_tensors(args: Any, x: Any, rows: int) -> list:
    """The tensors of a model call other than ``x`` whose first dimension is the batch's (in tuples, lists
    and dicts of the arguments, in order): the rest of each sample, e.g. numeric features beside
    category ids, or sequence lengths beside token ids."""
    import torch

    found: list = []

    def walk(value: Any, depth: int) -> None:
        if len(found) >= MAX_PARTS or depth > 3:
            return
        if isinstance(value, torch.Tensor):
            if value is not x and value.dim() >= 1 and value.shape[0] == rows and not value.is_complex():
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)

    if rows > 1 and args is not None:
        walk(args, 0)
    return found


class DataCapture:
    """Called by the torch probe at a few places (forward of a root model, loss call, loader iteration,
    step end, end of run); never raises into training (the probe's guards turn errors into internal ones)."""

    def __init__(self, sig: Signals, on_error: Callable[[str, BaseException], None]) -> None:
        self.sig = sig
        self.on_error = on_error
        self.train = _Filler(sig.train_samples, estimate_coverage=True, reservoir=True)
        self.val = _Filler(sig.val_samples)
        self._model: weakref.ref | None = None
        self._train_x: Any = None  # this step's training input, waiting for its loss call
        self._val_x: Any = None  # (input, source) of the last gradient-free call, waiting for a loss call
        self._train_extra: list = []  # the other per-sample tensors of those calls
        self._val_extra: list = []
        self._signature: tuple | None = None  # per-sample shapes of the training call's other tensors
        self._base_rows = 0  # rows of the tensor the training batches are sliced from (X[i:i+b])
        self._loose_fed = 0  # rows fed to the model while no DataLoader was being iterated (such slices)
        self._train_group: Any = None  # the group of distinct items this step's batch belongs to
        self._batches = 0
        self._queued: list[tuple] = []  # device copies for the next readback
        self._loaders: list[tuple[weakref.ref, dict[str, int]]] = []
        self._current: dict[str, int] | None = None
        self._eval_calls = 0
        self._scored: set[int] = set()  # gradient-free calls followed by a loss call, or fed by a DataLoader

    # ------------------------------------------------------------------ probe call sites
    @_guarded
    def on_loader(self, loader: Any) -> None:
        for number, (ref, roles) in enumerate(self._loaders):
            if ref() is loader:
                self._current = roles
                roles["passes"] += 1
                return
        # passes: iterations over the loader; first_step: the training step of the first one; same_data:
        # the numbers of the loaders (this one's included) over the very same data set object, whole.
        roles = {"number": len(self._loaders), "train": 0, "eval": 0, "snapshot": None, "base": None, "length": None,
                 "fed": 0, "chosen": None, "passes": 1, "first_step": self.sig.steps,
                 "batch_size": getattr(loader, "batch_size", None) or math.inf}
        dataset = getattr(loader, "dataset", None)
        # A split made by the sampler (SubsetRandomSampler(train_idx) / (val_idx) over one data set): the
        # loader's split is the sampler's indices, not the whole data set.
        chosen = sampler_indices(loader)
        # Compared while both data sets are alive (an id of a freed one can be reused).
        roles["dataset"] = _weak(dataset) if chosen is None and dataset is not None else None
        roles["same_data"] = {roles["number"]} | {
            other["number"] for _, other in self._loaders
            if roles["dataset"] is not None and other["dataset"] is not None and other["dataset"]() is dataset}
        for _, other in self._loaders:
            if other["number"] in roles["same_data"]:
                other["same_data"].add(roles["number"])
        self._loaders.append((weakref.ref(loader), roles))
        self._current = roles
        # The script's loaders are often gone by the end of the run: a tensor-backed data set is read now,
        # once (a bounded sample plus whole-split feature sums), and used at the end if its role asks for it.
        try:
            roles["length"] = len(dataset)
        except Exception:
            pass
        if chosen is not None:
            roles["length"] = len(chosen)
        arrays = dataset_arrays(dataset)
        if arrays is not None:
            x, y, indices = arrays
            others = dataset_others(dataset)
            origin = type(dataset).__name__
            if chosen is not None:
                x, y = x[chosen], (y[chosen] if y is not None else None)
                indices = chosen if indices is None else indices[chosen]
                others = [t[chosen] for t in others]
                origin = f"{type(loader.sampler).__name__} over a {origin}"
            snapshot = SampleBank()
            fill_from_arrays(snapshot, x, y, indices, origin=origin, others=others)
            # Two sampler splits of one data set are different splits: the base is the data set and the indices.
            roles["snapshot"], roles["base"], roles["chosen"] = snapshot, id(_base_dataset(dataset)), chosen

    def on_train_forward(self, module: Any, x: Any, sampling: bool, args: tuple) -> None:
        """A training call of the root model (its gradient on): ``x`` its first tensor, ``args`` all its
        arguments (the other per-sample tensors in them are part of each sample). Runs on every step:
        guarded inline, as _guarded would (a wrapper's frame costs as much as the body)."""
        try:
            if x is None:
                return
            shape = x.shape  # (one torch call)
            dims = len(shape)
            if dims < 1:
                return
            rows = shape[0] if dims > 1 else 1
            model = self._model
            if model is None:
                self._model = weakref.ref(module)
            elif model() is not module:
                return
            self.train.bank.seen += rows
            # The rows of the first pass over the data are distinct dataset items, as are those of one batch.
            self._batches += 1
            current = self._current
            if current is not None:
                current["train"] += 1
                fed, length = current["fed"], current["length"]
                current["fed"] = fed + rows
            else:
                fed, length = self._loose_fed, None
                self._loose_fed = fed + rows
                if sampling:  # (the tensor sliced from is looked up on sampled steps only: the first ones are)
                    base = x._base
                    if base is not None and base.dim() == dims and base.shape[0] > rows:
                        self._base_rows = max(self._base_rows, base.shape[0])
                        length = base.shape[0]
            if sampling and dims > 1 and self.train.room() > 0:
                self._train_x = x
                self._train_extra = _per_sample_tensors(args, x, rows)
                self._train_group = "first pass" if length and fed + rows <= length else self._batches
                if self._signature is None:
                    self._signature = tuple(tuple(t.shape[1:]) for t in self._train_extra)
        except Exception as exc:
            self.release()
            self.on_error("probe:data", exc)

    @_guarded
    def on_eval_forward(self, module: Any, x: Any, args: tuple) -> None:
        """A gradient-free call of the root model (validation, or inference)."""
        if x is None or x.dim() < 2 or self._model is None or self._model() is not module:
            return
        rows = x.shape[0]
        self.val.bank.seen += rows
        # The loader last iterated may be done with: a call on more rows than its batches hold is not its.
        current = self._current if self._current is not None and rows <= self._current["batch_size"] else None
        if current is not None:
            current["eval"] += 1
        self._queue_val()
        if self.val.room() > 0:
            self._eval_calls += 1
            if current is not None:
                self._scored.add(self._eval_calls)
                self.sig.val_samples.scored = self._scored
            self._val_x = (x, self._eval_calls)
            self._val_extra = _per_sample_tensors(args, x, rows)

    @_guarded
    def on_loss(self, inp: Any, target: Any, grad: bool) -> None:
        if grad:
            if self._train_x is not None:
                self._queue(self.train, self._train_x, _class_targets(target, int(self._train_x.shape[0])), 0,
                            self._train_extra, self._train_group)
                self._train_x, self._train_extra = None, []
        elif self._val_x is not None:
            x, source = self._val_x
            self._scored.add(source)
            self.sig.val_samples.scored = self._scored
            y = _class_targets(target, int(x.shape[0]))
            if y is not None:
                self._queue(self.val, x, y, source, self._val_extra)
                self._val_x, self._val_extra = None, []

    @_guarded
    def end_step(self, sampled: bool) -> None:
        if self._train_x is not None:
            self._queue(self.train, self._train_x, None, 0, self._train_extra, self._train_group)
            self._train_x, self._train_extra = None, []
        self._queue_val()
        if sampled and self._queued:
            self.flush()

    # ------------------------------------------------------------------ internals
    def _queue_val(self) -> None:
        if self._val_x is not None:
            x, source = self._val_x
            self._val_x = None
            self._queue(self.val, x, None, source, self._val_extra)
            self._val_extra = []

    def _queue(self, filler: _Filler, x: Any, y: Any, source: int, extra: list, group: Any = None) -> None:
        room = filler.room()
        if room <= 0:
            return
        x = x.detach()[:room]
        y = y.detach()[:room] if y is not None else None
        extra = [t.detach()[:room] for t in extra]
        if x.device.type == "cpu":
            self._add(filler, x, y, source, extra, group)
        else:  # a copy on the device now, to the host at the probe's next batched readback
            filler.pending += len(x)
            self._queued.append((filler, x.clone(), y.clone() if y is not None else None, source,
                                 [t.clone() for t in extra], group))

    @staticmethod
    def _add(filler: _Filler, x: Any, y: Any, source: int, extra: list, group: Any) -> None:
        filler.add(_host(x), y.cpu().numpy().astype(np.int64) if y is not None else None, source,
                   parts=part_hashes(extra, len(x)), part_shapes=tuple(tuple(t.shape[1:]) for t in extra),
                   group=group)

    def flush(self) -> None:
        queued, self._queued = self._queued, []
        for filler, x, y, source, extra, group in queued:
            filler.pending -= len(x)
            self._add(filler, x, y, source, extra, group)

    def release(self) -> None:
        self._train_x = self._val_x = None
        self._train_extra, self._val_extra = [], []
        for filler, x, *_ in self._queued:
            filler.pending -= len(x)
        self._queued = []

    @_guarded
    def finish(self) -> None:
        """End of run: queued copies to the host; whole splits from the tensor-backed data sets of the loaders."""
        self.end_step(True)
        self.flush()
        self.release()
        roles = [r for _, r in self._loaders]
        trained = [r for r in roles if r["train"]]
        train_base = main = None
        whole = False  # the training bank holds a whole data set's rows, not the streamed batches
        if trained:
            main = max(trained, key=lambda r: r["train"])
            train_base = main["base"]
            snap = main["snapshot"]
            if snap is not None and self._fits(self.train, snap.x):
                _assign(self.sig.train_samples, snap, f"{snap.origin} of the training DataLoader")
                whole = True
        if not self.sig.train_samples.origin and len(self.sig.train_samples):
            self.sig.train_samples.origin = tr("training batches (sampled steps)")
        # A validation-only loader over a tensor-backed data set: the whole split as one source. Loaders
        # that were also trained on (train-accuracy passes) stay out.
        val_roles = [r for r in roles if r["eval"] and not r["train"]]
        # The only validation loaders read the very data set the model trains on, whole, pass after pass
        # while training goes on (DataLoader(train_ds) where val_ds was meant): their scores are training
        # scores. A single pass at the end (train accuracy) stays a train-eval pass.
        self.sig.val_samples_from_train_set = bool(main and val_roles) and all(
            main["number"] in r["same_data"] for r in val_roles) and any(
            r["passes"] >= 2 and r["first_step"] < self.sig.steps for r in val_roles)
        if len(val_roles) == 1 and val_roles[0]["snapshot"] is not None \
                and self._fits(self.val, val_roles[0]["snapshot"].x):
            r = val_roles[0]
            parts = min(self._matching_parts(r["snapshot"]), self._matching_parts(self.sig.val_samples))
            kept = self._streamed_val_outside(r["snapshot"], parts)
            same = r["base"] is not None and r["base"] == train_base
            # Sampler splits of one data set (train_idx / val_idx): the validation loader's indices are the
            # split the script holds out, whatever they overlap; not a pass over the training data.
            declared = same and r["chosen"] is not None and not _same_indices(r["chosen"], main["chosen"])
            declared = declared or self.sig.val_samples_from_train_set
            _assign(self.sig.val_samples, r["snapshot"], f"{r['snapshot'].origin} of a validation DataLoader"
                    + (" (a subset of the training data set)" if same and r["chosen"] is None else ""),
                    LOADER_SOURCE + r["number"])
            self.sig.val_samples.declared_source = LOADER_SOURCE + r["number"] if declared else None
            if kept is not None:
                self._merge_val(kept, parts)
        self._key_parts()
        self._distinct_share(main, whole)
        bank = self.sig.val_samples
        if not bank.origin and len(bank):
            bank.origin = tr("gradient-free forwards of the trained model")
            if not self.val.full:  # every gradient-free sample the model saw is in the bank
                bank.complete = True
                bank.feature_n, bank.feature_sum, bank.feature_sumsq = feature_sums(bank.x)
        train = self.sig.train_samples
        if train.complete and train.feature_sum is None and train.x is not None and len(train):
            train.feature_n, train.feature_sum, train.feature_sumsq = feature_sums(train.x)

    def _fits(self, filler: _Filler, x: Any) -> bool:
        return filler.shape is None or tuple(x.shape[1:]) == filler.shape

    def _matching_parts(self, bank: SampleBank) -> int:
        """How many of the bank's other per-sample tensors are, in order, the training call's other inputs
        (a data set's tensors after the first may be inputs, then targets)."""
        shapes, signature = tuple(getattr(bank, "part_shapes", None) or ()), self._signature or ()
        k = 0
        while k < min(len(shapes), len(signature)) and shapes[k] == signature[k]:
            k += 1
        return k

    def _key_parts(self) -> None:
        """Both banks key their samples by the same tensors: the first and the model's other inputs that
        both hold (a whole data set's may not match the call's), so a copy matches across the splits."""
        banks = [b for b in (self.sig.train_samples, self.sig.val_samples) if len(b)]
        k = min([self._matching_parts(b) for b in banks] or [0])
        for b in banks:
            b.key_parts = k

    def _distinct_share(self, main: dict | None, whole: bool) -> None:
        """The share of distinct samples among the training split's N rows (N: the training data set's
        length, or the rows of the tensor the batches are sliced from). A whole split: counted. A stream
        that went round the data: the distinct samples kept. Otherwise from how often two distinct dataset
        items (rows of the first pass, or of one batch) share their content, p: read as K = 1/p equally
        likely values, of which N rows hold K (1 - exp(-N / K)); with no such pair among at least N pairs,
        1."""
        bank = self.sig.train_samples
        if not len(bank):
            return
        distinct = len(np.unique(sample_keys(bank)))
        if whole:
            offered = bank.seen if bank.complete else len(bank)
            bank.distinct_share = min(1.0, distinct / offered) if offered else None
            return
        rows = (main or {}).get("length") or self._base_rows or None
        filler = self.train
        bank.distinct_share = None
        if not rows:
            return
        if bank.complete:  # every distinct sample is held
            bank.distinct_share = min(1.0, distinct / rows)
        elif filler.pairs >= rows:
            k = filler.pairs / filler.pair_collisions if filler.pair_collisions else math.inf
            bank.distinct_share = 1.0 if math.isinf(k) else min(1.0, k * -math.expm1(-rows / k) / rows)
        elif bank.coverage:  # the bank holds this share of the distinct samples
            bank.distinct_share = min(1.0, distinct / bank.coverage / rows)

    def _streamed_val_outside(self, snapshot: SampleBank, parts: int) -> tuple | None:
        """Streamed gradient-free samples that are not in this loader's data set (a train-accuracy pass, a
        test tensor): kept, as their own sources, beside the loader's whole data set."""
        bank = self.sig.val_samples
        if bank.x is None or not len(bank) or snapshot.x is None:
            return None
        known = set(sample_keys(snapshot, parts).tolist())
        keep = np.array([h not in known for h in sample_keys(bank, parts).tolist()], dtype=bool)
        if not keep.any():
            return None
        return (bank.x[keep], (self.val.y[:self.val.n][keep]), bank.source[keep],
                _parts_of(bank, parts)[keep])

    def _merge_val(self, kept: tuple, parts: int) -> None:
        x, y, source, extra = kept
        bank = self.sig.val_samples
        shapes = tuple(bank.part_shapes or ())[:parts]
        filler = _Filler(SampleBank())
        filler.add(bank.x, bank.y if bank.y is not None else None, 0, bank.index, _parts_of(bank, parts), shapes)
        filler.source[:filler.n] = bank.source
        for s in np.unique(source):
            part = source == s
            ys = y[part] if (y[part] >= 0).all() else None
            filler.add(x[part], ys, int(s), parts=extra[part], part_shapes=shapes)
        for name in ("x", "y", "index", "source", "x_hash", "parts", "part_shapes", "key_parts"):
            setattr(bank, name, getattr(filler.bank, name))
        bank.scored = set(bank.scored or ()) | self._scored
        bank.seen += len(x)
        bank.complete = False  # the streamed part may be partial; the sums stay those of the data set


def capture_datasets(sig: Signals, data: Any, val_data: Any = None) -> None:
    """``check``: the banks from the data handed in (an (X, y) pair, a DataLoader over a tensor-backed
    data set, or batches, read up to the capacity), so the data rules judge the data sets themselves."""
    for bank, source, origin in ((sig.train_samples, 0, "training data given to check"),
                                 (sig.val_samples, LOADER_SOURCE, "val_data given to check")):
        given = data if source == 0 else val_data
        if given is None:
            continue
        arrays = _arrays_of(given)
        if arrays is not None:
            fill_from_arrays(bank, *arrays, origin=origin, source=source)
            bank.scored = {source}


def _arrays_of(data: Any) -> tuple | None:
    import torch

    if isinstance(data, (tuple, list)) and len(data) == 2 and all(isinstance(t, torch.Tensor) for t in data):
        return data[0], data[1], None
    if isinstance(data, torch.Tensor):
        return data, None, None
    dataset = getattr(data, "dataset", None)
    arrays = dataset_arrays(dataset) if dataset is not None else None
    if arrays is not None:
        return arrays
    xs, ys, rows = [], [], 0
    for batch in data:  # batches: read up to the capacity
        if isinstance(batch, dict):
            batch = list(batch.values())
        x = batch if isinstance(batch, torch.Tensor) else batch[0] if isinstance(batch, (tuple, list)) else None
        y = batch[-1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
        if not isinstance(x, torch.Tensor):
            return None
        xs.append(x.detach())
        ys.append(y.detach() if isinstance(y, torch.Tensor) else None)
        rows += len(x)
        if rows >= CAPACITY:
            break
    if not xs:
        return None
    try:
        x = torch.cat(xs)
        y = torch.cat(ys) if all(v is not None for v in ys) else None
    except (RuntimeError, TypeError):
        return None
    return x, y, None

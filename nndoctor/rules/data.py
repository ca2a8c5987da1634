"""D1xx: the data fed to the model (inputs and targets)."""
from __future__ import annotations

import math
import statistics

import numpy as np

from nndoctor.i18n import tjoin, tr
from nndoctor.rules.base import LIVE, Context, Hit, fmt, rule
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES, REGRESSION_LOSSES


def _train_batches(sig):
    return [b for b in sig.batches if b.inputs.numel > 1]


@rule("D101", stage=LIVE)
def constant_inputs(ctx: Context):
    """Inputs with zero spread carry no information: every sample looks the same to the model."""
    batches = [b for b in _train_batches(ctx.signals) if b.inputs.is_floating and b.inputs.shape[0] > 1]
    constant = [b for b in batches
                if b.inputs.nonfinite == 0 and b.inputs.std <= ctx.th["rel_std"] * max(abs(b.inputs.mean), 1e-30)]
    if len(constant) < min(ctx.th["min_steps"], len(batches)) or len(constant) * 2 < len(batches) or not constant:
        return None
    if not ctx.final and len(constant) < ctx.th["min_steps"]:
        return None
    first = constant[0]
    return Hit(tr("the inputs of {model} are constant in {n_constant} of {n_batches} sampled batches "
                  "(std {inputs_std}, every value {inputs_mean})",
                  model=first.model, n_constant=len(constant), n_batches=len(batches),
                  inputs_std=fmt(first.inputs.std), inputs_mean=fmt(first.inputs.mean)),
               where=f"{first.model} inputs", step=first.step,
               evidence={"constant_batches": len(constant), "sampled_batches": len(batches),
                         "value": first.inputs.mean, "shape": list(first.inputs.shape)})


@rule("D102", stage=LIVE)
def nonfinite_data(ctx: Context):
    """NaN or Inf in the data poisons the loss and every weight it touches."""
    sig = ctx.signals
    for batch in sig.batches:
        if batch.inputs.nonfinite:
            return Hit(tr("{inputs_nonfinite} non-finite values (NaN/Inf) in the inputs of {model} "
                          "(shape {inputs_shape}), first at index {inputs_first_nonfinite}",
                          inputs_nonfinite=batch.inputs.nonfinite, model=batch.model,
                          inputs_shape=tuple(batch.inputs.shape),
                          inputs_first_nonfinite=batch.inputs.first_nonfinite),
                       where=f"{batch.model} inputs", step=batch.step,
                       evidence={"tensor": "inputs", "count": batch.inputs.nonfinite,
                                 "first_index": batch.inputs.first_nonfinite, "shape": list(batch.inputs.shape)})
    for call in sig.loss_calls:
        if call.target is not None and call.target.nonfinite:
            return Hit(tr("{target_nonfinite} non-finite values (NaN/Inf) in the targets given to {fn} "
                          "(shape {target_shape}), first at index {target_first_nonfinite}",
                          target_nonfinite=call.target.nonfinite, fn=call.fn,
                          target_shape=tuple(call.target.shape),
                          target_first_nonfinite=call.target.first_nonfinite),
                       where=f"{call.fn} target", step=call.step,
                       evidence={"tensor": "targets", "count": call.target.nonfinite,
                                 "first_index": call.target.first_nonfinite, "shape": list(call.target.shape)})
    return None


@rule("D103", stage=LIVE)
def repeated_batch(ctx: Context):
    """The same batch every step while more data exists: the model memorises one batch."""
    sig = ctx.signals
    batches = [b for b in _train_batches(sig) if b.fingerprint]
    run, best, start = 1, 1, None
    for prev, cur in zip(batches, batches[1:]):
        if cur.step == prev.step:
            continue  # several forwards in one step (accumulation) are not repetition
        run = run + 1 if cur.fingerprint == prev.fingerprint and cur.model == prev.model else 1
        if run > best:
            best, start = run, cur
    if best < ctx.th["min_repeats"] or start is None:
        return None
    rows = start.inputs.shape[0]
    larger = [info.dataset_len for info in sig.loaders if info.dataset_len and info.dataset_len > rows]
    if start.view_of_rows and start.view_of_rows > rows:
        larger.append(start.view_of_rows)
    # A global generator seeded again with the same seed through the repeated steps: the batch is drawn
    # at random (so from more data) and comes out the same each time.
    reseeded = [(key, entry) for key, entry in sig.reseeds.items()
                if entry[1] >= ctx.th["min_repeats"] and entry[2] <= start.step - best + 2]
    if not larger and reseeded:
        key, entry = max(reseeded, key=lambda kv: kv[1][1])
        return Hit(tr("the same batch of {rows} samples (identical content) was fed {best} steps in a row, and "
                      "{call} ran at {n_steps} steps from step {first}: seeding the generator again with the "
                      "same seed during training makes every random draw repeat, the indices that pick the "
                      "batch among them (seed once, before training)",
                      rows=rows, best=best, call=key, n_steps=entry[1], first=entry[2]),
                   where=f"{start.model} inputs", step=start.step,
                   evidence={"consecutive_repeats": best, "batch_size": rows, "reseeded": key,
                             "reseed_steps": entry[1]})
    if not larger:
        return None  # full-batch training: the whole data set every step is legitimate
    return Hit(tr("the same batch of {rows} samples (identical content) was fed {best} steps in a row, "
                  "while the data has {max_larger} samples",
                  rows=rows, best=best, max_larger=max(larger)),
               where=f"{start.model} inputs", step=start.step,
               evidence={"consecutive_repeats": best, "batch_size": rows, "dataset_size": max(larger)})


# ---------------------------------------------------------------------------------------------
# Shared helpers for D106-D115.



def _median(values):
    values = sorted(values)
    if not values:
        return 0.0
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else 0.5 * (values[mid - 1] + values[mid])


def _batch_rows(sig) -> int | None:
    """The usual number of rows of a training batch (median over sampled batches)."""
    rows = [b.inputs.shape[0] for b in _train_batches(sig) if b.inputs.shape]
    return int(_median(rows)) if rows else None


def _training_data_size(sig) -> tuple[int | None, int | None, str]:
    """(data set size, batch size, how it was found) of the training data, or Nones when unknown.

    A DataLoader says both; without one, a batch sliced from a larger tensor (``X[i:i+b]``) says the
    tensor's rows; the same content every step with no larger source is the whole data set (full batch).
    """
    rows = _batch_rows(sig)
    loaders = [info for info in sig.loaders if info.dataset_len and info.batch_size]
    seen_rows = {b.inputs.shape[0] for b in _train_batches(sig) if b.inputs.shape}
    matching = [info for info in loaders if info.batch_size in seen_rows]
    if matching:  # the training loader; a validation loader has its own batch size or is never trained on
        info = max(matching, key=lambda i: i.dataset_len)
        return info.dataset_len, info.batch_size, "DataLoader"
    views = [b.view_of_rows for b in _train_batches(sig) if b.view_of_rows]
    if views and rows:
        return max(views), rows, "sliced tensor"
    batches = [b for b in _train_batches(sig) if b.fingerprint]
    steps = {b.step for b in batches}
    if rows and len(steps) >= 3 and len({b.fingerprint for b in batches}) == 1 and not loaders:
        return rows, rows, "full batch (the same content every step)"
    return None, rows, ""


def _class_index_calls(sig):
    return [c for c in sig.loss_calls if c.fn in CLASS_INDEX_LOSSES and c.target_majority_class is not None]


def _n_classes(sig) -> int | None:
    classes = [c.classes for c in sig.loss_calls if c.fn in CLASS_INDEX_LOSSES and c.classes]
    if classes:
        return max(classes)
    if any(c.fn in BINARY_LOSSES for c in sig.loss_calls):
        return 2
    return None


@rule("D106", stage=LIVE)
def unshuffled_data(ctx: Context):
    """Batches come in label order: the majority class of a batch predicts the next batch's.

    With shuffled data, the majority classes of two different batches are independent: they agree
    with probability sum(q_c^2), q being how often each class is a batch's majority. Sorted data
    gives long runs of batches of one class, so consecutive batches agree far more often. Batches
    with identical content (the same batch reused) are skipped: that is D103, not ordering.
    """
    sig, th = ctx.signals, ctx.th
    calls = _class_index_calls(sig)
    per_step: dict[int, object] = {}
    for c in calls:
        per_step.setdefault(c.step, c)  # the first class-index loss of each step
    if len(per_step) < th["min_batches"]:
        return None
    fingerprints: dict[int, tuple] = {}
    for b in _train_batches(sig):
        fingerprints.setdefault(b.step, b.fingerprint)
    steps = sorted(per_step)
    majority = [per_step[s].target_majority_class for s in steps]
    freq: dict[int, int] = {}
    for m in majority:
        freq[m] = freq.get(m, 0) + 1
    expected = sum((n / len(majority)) ** 2 for n in freq.values())
    if len(freq) < 2 or expected >= 1.0:
        return None  # one class is the majority of every batch: imbalance (D107), not order
    # Adjacent batches only (the first steps are all sampled): far-apart sampled steps can sit at the
    # same place of every epoch, where an unshuffled but unsorted data set repeats its labels.
    pairs = []
    for a, b in zip(steps, steps[1:]):
        fa, fb = fingerprints.get(a), fingerprints.get(b)
        if b == a + 1 and not (fa and fb and fa == fb):
            pairs.append((per_step[a], per_step[b]))
    if len(pairs) < th["min_batches"]:
        return None
    agree = [(a, b) for a, b in pairs if a.target_majority_class == b.target_majority_class]
    observed = len(agree) / len(pairs)
    z = (observed - expected) / math.sqrt(expected * (1 - expected) / len(pairs))
    pure = [c for c in per_step.values() if (c.target_majority_frac or 0) >= th["majority_fraction"]]
    pure_hit = None
    if observed < max(th["min_agreement"], expected + th["min_excess"]) or z < th["min_z"]:
        # The sampled batches may themselves come from one sorted stretch (the first steps all of one
        # class make one class the majority "expected"): then batches of one class are the evidence.
        pure_hit = _pure_batches(sig, th, list(per_step.values()), pure)
        if pure_hit is None:
            return None
        pure_expected, z = pure_hit
    run, best, best_start, start = 1, 1, steps[0], steps[0]
    for a, b in zip(steps, steps[1:]):
        same = per_step[a].target_majority_class == per_step[b].target_majority_class and b == a + 1
        if same:
            run += 1
        else:
            run, start = 1, b
        if run > best:
            best, best_start = run, start
    run_class = per_step[best_start].target_majority_class
    loader_note = ""
    unshuffled = [info for info in sig.loaders if info.shuffle is False]
    custom = [info for info in sig.loaders if info.custom_batches]
    # Training batches that are slices of one larger tensor (X[i:i+b]) come from no DataLoader: an unshuffled
    # loader beside them is the validation one.
    batches = _train_batches(sig)
    sliced = [b.view_of_rows for b in batches if b.view_of_rows]
    if len(sliced) * 2 > len(batches) > 0:
        loader_note = tr("; the batches are sliced in a fixed order from one tensor of {rows} rows (X[i:i + b])",
                         rows=max(sliced))
    elif custom:  # (before an unshuffled loader: that one is the validation one)
        loader_note = tr("; the DataLoader's batches come from {sampler}: check how it orders them",
                         sampler=custom[0].sampler)
    elif unshuffled:
        loader_note = tr("; the DataLoader uses {sampler} (shuffle=False)",
                         sampler=unshuffled[0].sampler)
    elif not sig.loaders:
        loader_note = tr("; no DataLoader: the batches are sliced by hand in a fixed order")
    if pure_hit is not None:
        seen = tr("{n_pure} of {n_per_step} sampled training batches are >= {majority_fraction:.0%} one class, "
                  "where shuffled batches drawn from the classes seen over the run would be {expected:.1%} of "
                  "the time", n_pure=len(pure), n_per_step=len(per_step),
                  majority_fraction=th['majority_fraction'], expected=pure_expected)
    else:
        seen = tr("consecutive training batches share their majority class in {n_agree} of {n_pairs} "
                  "sampled pairs ({observed:.0%}, expected {expected:.0%} if shuffled); {n_pure} of "
                  "{n_per_step} batches are >= {majority_fraction:.0%} one class",
                  n_agree=len(agree), n_pairs=len(pairs), observed=observed, expected=expected, n_pure=len(pure),
                  n_per_step=len(per_step), majority_fraction=th['majority_fraction'])
    return Hit(seen + tr(", and class {run_class} is the majority of {best} batches in a row from step "
                         "{best_start}{loader_note}",
                         run_class=run_class, best=best, best_start=best_start, loader_note=loader_note),
               where="training data order", step=best_start,
               evidence={"agreeing_pairs": len(agree), "pairs": len(pairs), "agreement": observed,
                         "expected_if_shuffled": expected, "z": z, "pure_batches": len(pure),
                         "sampled_batches": len(per_step), "longest_run": best, "run_class": run_class,
                         "loader_shuffle": [info.shuffle for info in sig.loaders]})


def _pure_batches(sig, th, calls: list, pure: list) -> tuple[float, float] | None:
    """(expected share of pure batches, z) when far more sampled batches are >= majority_fraction one
    class than shuffled batches would be, given the class shares seen over the run: with no class above
    ~70% of the data a shuffled batch of 32 is almost never 90% one class; an imbalanced data set makes
    pure batches expected, and they are then no evidence of order."""
    counts = [n for n in sig.class_counts.values() if n > 0]
    sizes = [c.target.numel for c in calls if c.target is not None]
    if len(counts) < 2 or not sizes or len(pure) < th["min_batches"]:
        return None
    n = int(statistics.median(sizes))
    if not 8 <= n <= 4096:
        return None
    total = sum(counts)
    need = math.ceil(th["majority_fraction"] * n)
    expected = min(1.0, sum(_binomial_tail(n, k / total, need) for k in counts))
    observed = len(pure) / len(calls)
    z = (observed - expected) / math.sqrt(max(expected * (1 - expected), 1e-4) / len(calls))
    if observed < th["min_pure_share"] or observed < expected + th["min_excess"] or z < th["min_z"]:
        return None
    return expected, z


def _binomial_tail(n: int, p: float, k: int) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if p <= 0.0:
        return 0.0 if k > 0 else 1.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    return min(1.0, sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                                 + i * log_p + (n - i) * log_q) for i in range(k, n + 1)))


def _per_position(call, shapes_by_step: dict[int, tuple], shape: tuple | None) -> bool:
    """Targets that hold k > 1 class indices per sample of the batch: one per position (token, pixel), as
    flattened by ``logits.reshape(-1, V)`` / ``y.reshape(-1)`` in a language model or a segmentation net.

    k must be the size of some positions of the input (a product of consecutive non-batch dimensions,
    or one less: next-token targets of a sequence cut inside the model), so a sequence-first batch
    (T, N, F) with N per-sample targets is not mistaken for one.
    """
    inputs = shapes_by_step.get(call.step, shape)
    numel = call.target.numel if call.target is not None else 0
    if not inputs or not inputs[0] or numel <= inputs[0] or numel % inputs[0]:
        return False
    k = numel // inputs[0]
    dims = list(inputs[1:])
    runs = {math.prod(dims[i:j]) for i in range(len(dims)) for j in range(i + 1, len(dims) + 1)}
    return k in runs or k + 1 in runs


@rule("D107")
def class_imbalance(ctx: Context):
    """The largest class outnumbers the smallest by more than ~10:1 with an unweighted loss: in the sampled
    training targets, or in the whole training split (read in full) where the sampled batches hold even
    less of its rarest class (a sampler weighted by class frequency instead of its inverse).

    Only one class index per sample counts: per-position targets (segmentation masks, next-token
    targets, also when flattened to 1-D with k x the batch's rows) are skewed by nature (background
    pixels, frequent words), and class weights would be wrong for them.
    """
    sig, th = ctx.signals, ctx.th
    shapes: dict[int, tuple] = {}
    for b in _train_batches(sig):
        if b.inputs.shape:
            shapes.setdefault(b.step, tuple(b.inputs.shape))
    usual = next(iter(shapes.values()), None)
    calls = [c for c in _class_index_calls(sig) if c.target is not None and len(c.target.shape) == 1
             and not _per_position(c, shapes, usual)]
    counts: dict[int, float] = {}
    fn = None
    if calls and len(calls) * 2 >= len(_class_index_calls(sig)):
        if any(c.has_weight for c in calls):
            return _weights_favour_the_majority(sig, th, calls[0].fn)
        counts = dict(sig.class_counts)
        fn = calls[0].fn
        skewed = _sampler_keeps_imbalance(sig, th, counts, fn)
        if skewed is not None:
            return skewed
    else:
        # Binary losses with one 0/1 target per sample: the positive share is the target mean.
        binary = [c for c in sig.loss_calls if c.fn in BINARY_LOSSES and c.target is not None and c.target.shape
                  and c.target.integral and c.target.min >= 0 and c.target.max <= 1
                  and c.target.numel == c.target.shape[0]]
        if not binary or any(c.has_pos_weight or c.has_weight for c in binary):
            return None
        pos = sum(c.target.mean * c.target.numel for c in binary)
        total = sum(c.target.numel for c in binary)
        counts = {0: total - pos, 1: pos}
        fn = binary[0].fn
    total = sum(counts.values())
    present = {k: v for k, v in counts.items() if v > 0}
    if total < th["min_samples"] or len(present) < 2:
        return None
    big = max(present, key=present.get)
    small = min(present, key=present.get)
    ratio = present[big] / present[small]
    if ratio <= th["max_ratio"]:
        return None
    shares = tjoin(tr(", "), (tr("class {k}: {v}",
                          k=k, v=int(round(v))) for k, v in sorted(present.items())[:8]))
    return Hit(tr("class {big} outnumbers class {small} {ratio:.0f}:1 in {total} sampled training "
                  "targets ({shares}), and {fn} has no class weights: the model can score well by "
                  "predicting class {big}",
                  big=big, small=small, ratio=ratio, total=int(total), shares=shares, fn=fn),
               where=f"{fn} targets",
               evidence={"counts": {str(k): int(round(v)) for k, v in sorted(counts.items())}, "ratio": ratio,
                         "largest_class": big, "smallest_class": small, "samples": int(total)})


def _sampler_keeps_imbalance(sig, th, sampled: dict[int, float], fn: str) -> Hit | None:
    """The whole training split is imbalanced beyond max_ratio (its labels read in full), and the batches
    hold no more of its smallest class than the split does: nothing rebalances it. Judged on the split
    where the sampled targets alone miss it: a class so rare that the sampled batches (a few hundred
    targets) hold none of it, or a sampler whose weights follow the class frequency instead of its inverse
    (fewer still). A sampler that does rebalance (WeightedRandomSampler with inverse weights) gives
    batches far richer in that class than the split: silent."""
    bank = sig.train_samples
    if bank.y is None or not bank.complete or len(bank.y) < th["min_samples"]:
        return None
    labels, numbers = np.unique(bank.y[bank.y >= 0], return_counts=True)
    split = {int(c): int(n) for c, n in zip(labels, numbers)}
    # The split's labels must be this loss's classes (a contrastive pre-training's arange targets, banked
    # beside a probe's labels, are another task's).
    classes = next((n for n, counts in sig.class_counts_by_n.items() if counts == sampled), None)
    if classes is None or not split or max(split) >= classes:
        return None
    total_sampled = sum(sampled.values())
    if len(split) < 2 or total_sampled < th["min_samples"] or not set(sampled) <= set(split):
        return None
    big, small = max(split, key=split.get), min(split, key=split.get)
    ratio = split[big] / split[small]
    sampled_present = [v for v in sampled.values() if v > 0]
    if ratio <= th["max_ratio"] or (len(sampled_present) >= 2 and max(sampled_present) / min(sampled_present) > th["max_ratio"]):
        return None  # (balanced, or the sampled batches show it themselves: the rule's usual message)
    share_split = split[small] / sum(split.values())
    share_batches = sampled.get(small, 0) / total_sampled
    if share_batches > share_split:
        return None  # the sampler raises the rare class's share: rebalanced
    samplers = sorted({info.sampler for info in sig.loaders
                       if info.sampler not in ("SequentialSampler", "RandomSampler", "none", "")})
    return Hit(tr("class {big} outnumbers class {small} {ratio:.0f}:1 in the training set ({n} samples), and the "
                  "sampled training batches hold {got} of class {small} in {total} targets ({share_batches:.1%}, "
                  "{share_split:.1%} of the set){sampler}: nothing rebalances the classes and {fn} has no class "
                  "weights, so the model can score well by predicting class {big}",
                  big=big, small=small, ratio=ratio, n=int(sum(split.values())), got=int(round(sampled.get(small, 0))),
                  total=int(total_sampled), share_batches=share_batches, share_split=share_split, fn=fn,
                  sampler=tr("; the loader's {sampler} draws it even less often than the set holds it (weights "
                             "proportional to the class frequency, where inverse ones were meant?)",
                             sampler=", ".join(samplers)) if samplers and share_batches < 0.5 * share_split else ""),
               where=f"{fn} targets",
               evidence={"split_counts": {str(k): v for k, v in sorted(split.items())}, "ratio": ratio,
                         "sampled_counts": {str(k): int(round(v)) for k, v in sorted(sampled.items())},
                         "largest_class": big, "smallest_class": small, "samplers": samplers})


def _weights_favour_the_majority(sig, th, fn: str) -> Hit | None:
    """Class weights that make an imbalance worse, not better: proportional to the class frequencies
    (``counts / counts.sum()``) where inverse ones were meant."""
    weights, counts = sig.class_weights, {k: v for k, v in sig.class_counts.items() if v > 0}
    if not weights or len(counts) < 2 or sum(counts.values()) < th["min_samples"] \
            or any(k >= len(weights) for k in counts):
        return None
    big, small = max(counts, key=counts.get), min(counts, key=counts.get)
    ratio = counts[big] / counts[small]
    if ratio <= th["max_ratio"] or not weights[small] > 0:
        return None
    weighted = counts[big] * weights[big] / (counts[small] * weights[small])
    if weighted < ratio:
        return None
    return Hit(tr("class {big} outnumbers class {small} {ratio:.0f}:1 in the sampled training targets, and the "
                  "class weights given to {fn} ({w_big} for class {big}, {w_small} for class {small}) make it "
                  "{weighted:.0f}:1 in the loss: they grow with the class frequency, where inverse frequencies "
                  "(counts.sum() / counts) were meant",
                  big=big, small=small, ratio=ratio, fn=fn, w_big=fmt(weights[big]), w_small=fmt(weights[small]),
                  weighted=weighted),
               where=f"{fn} weight",
               evidence={"counts": {str(k): int(round(v)) for k, v in sorted(counts.items())}, "ratio": ratio,
                         "weighted_ratio": weighted, "class_weights": weights[:20]})


@rule("D108")
def too_little_data(ctx: Context):
    """Very few samples per class for a model trained from scratch."""
    sig, th = ctx.signals, ctx.th
    size, _, source = _training_data_size(sig)
    classes = _n_classes(sig)
    if not size or not classes or classes < 2:
        return None
    per_class = size / classes
    batches = _train_batches(sig)
    image_like = bool(batches) and len(batches[0].inputs.shape) == 4
    floor = th["min_per_class"] if image_like else th["absolute_floor"]
    if per_class >= floor:
        return None
    kind = tr("images") if image_like else tr("samples")
    norm = (tr("the rule of thumb for training an image model from scratch is ~{floor} per class",
               floor=floor) if image_like
            else tr("below {floor} per class any model mostly memorizes",
                    floor=floor))
    return Hit(tr("the training data has {size} {kind} for {classes} classes: {per_class:.0f} per class "
                  "({norm}); expect overfitting, or use a pretrained model / augmentation",
                  size=size, kind=kind, classes=classes, per_class=per_class, norm=norm),
               where=f"training data ({source})",
               evidence={"dataset_size": size, "classes": classes, "per_class": per_class, "floor": floor,
                         "source": source})


def _image_like(shape) -> bool:
    """(N, C, H, W) / (N, H, W, C) / (N, H, W) images, or (N, H*W) flattened square images."""
    if len(shape) == 4:
        return shape[2] >= 8 and (shape[3] >= 8 or shape[1] >= 8)
    if len(shape) == 3:
        return shape[1] >= 8 and shape[2] >= 8 and abs(shape[1] - shape[2]) <= max(shape[1], shape[2]) // 2
    if len(shape) == 2:
        side = math.isqrt(shape[1])
        side3 = math.isqrt(shape[1] // 3) if shape[1] % 3 == 0 else 0
        return (side >= 8 and side * side == shape[1]) or (side3 >= 8 and 3 * side3 * side3 == shape[1])
    return False


def _pixels_0_255(batch, th) -> bool:
    s = batch.inputs
    return (s.is_floating and s.nonfinite == 0 and _image_like(s.shape) and s.min >= 0
            and th["min_max"] < s.max <= th["max_max"])


@rule("D110", stage=LIVE)
def input_range_mismatch(ctx: Context):
    """Float images in [0, 255]: the pixels were converted to float but never scaled to [0, 1]."""
    batches = [b for b in _train_batches(ctx.signals) if b.inputs.is_floating]
    hits = [b for b in batches if _pixels_0_255(b, ctx.th)]
    if not hits or len(hits) * 2 < len(batches) or (len(hits) < 3 and not ctx.final):
        return None
    b = hits[0]
    return Hit(tr("the inputs of {model} are images {inputs_shape} with values in [{inputs_min}, "
                  "{inputs_max}] (mean {inputs_mean}) in {n_hits} of {n_batches} sampled batches: 8-bit "
                  "pixels as floats, never divided by 255 or normalized",
                  model=b.model, inputs_shape=tuple(b.inputs.shape), inputs_min=fmt(b.inputs.min),
                  inputs_max=fmt(b.inputs.max), inputs_mean=fmt(b.inputs.mean), n_hits=len(hits),
                  n_batches=len(batches)),
               where=f"{b.model} inputs", step=b.step,
               evidence={"shape": list(b.inputs.shape), "min": b.inputs.min, "max": b.inputs.max,
                         "mean": b.inputs.mean, "batches": len(hits), "sampled_batches": len(batches)})


def _unnormalized(batch, th) -> str | None:
    s = batch.inputs
    if not s.is_floating or s.nonfinite or s.numel < 2:
        return None
    if _image_like(s.shape) and s.min >= 0 and s.max <= th["image_max"]:
        return None  # images in [0, 1] are fine, images in [0, 255] are D110's
    if batch.n_features >= 2 and batch.feature_std_max > th["max_scale"]:
        spread = batch.feature_std_max / batch.feature_std_min if batch.feature_std_min > 0 else float("inf")
        return (tr("feature std up to {feature_std_max} (smallest {feature_std_min}",
                   feature_std_max=fmt(batch.feature_std_max), feature_std_min=fmt(batch.feature_std_min))
                + (tr(", {spread}x apart",
                      spread=fmt(spread)) if math.isfinite(spread) else "") + ")")
    if batch.n_features >= 2 and batch.feature_std_min > 0 \
            and batch.feature_std_max / batch.feature_std_min > th["scale_spread"] \
            and batch.feature_std_max > th["min_spread_scale"]:
        return (tr("features on scales {feature_std_max}x apart (std from {feature_std_min} to "
                   "{feature_std_max2})",
                   feature_std_max=fmt(batch.feature_std_max / batch.feature_std_min),
                   feature_std_min=fmt(batch.feature_std_min), feature_std_max2=fmt(batch.feature_std_max)))
    if abs(s.mean) > th["max_abs_mean_in_std"] * max(s.std, 1e-30) and abs(s.mean) > th["max_scale"]:
        return tr("values offset far from zero (mean {mean}, std {std})",
                  mean=fmt(s.mean), std=fmt(s.std))
    if batch.n_features >= th["min_offset_features"] and batch.feature_offset_median > th["max_offset_in_std"] \
            and not _image_like(s.shape):
        # Each feature a small variation on its own offset: per-sample (row) standardization squeezes
        # tabular features so; a binary or standardized feature stays below 10 in any batch under 100.
        return tr("most features vary little around an offset: median over features of |mean| / std "
                  "{offset} (standardized features ~1; rows standardized instead of columns?)",
                  offset=fmt(batch.feature_offset_median))
    return None


def _scale_drift(batches: list, th: dict) -> Hit | None:
    """The training inputs of one model change scale by orders of magnitude over the run, steadily: the
    stored data is rewritten as training goes (``xb /= 16`` on a slice ``X[i:i+b]`` divides the data set
    itself, once more every epoch). Drawn from one data set, batches keep their scale: the last two
    sampled batches each move further from the first half's median scale, the last by drift_factor,
    the one before by its square root."""
    by_model: dict[str, list] = {}
    for b in batches:
        if b.inputs.std > 0 and b.inputs.nonfinite == 0:
            by_model.setdefault(b.model, []).append(b)
    for model, seen in by_model.items():
        if len(seen) < th["drift_min_batches"]:
            continue
        seen.sort(key=lambda b: b.step)
        base = statistics.median(b.inputs.std for b in seen[:len(seen) // 2])
        before, last = seen[-2].inputs.std / base, seen[-1].inputs.std / base
        if last < 1:
            before, last = 1 / before, 1 / last
        if not (last >= th["drift_factor"] and th["drift_factor"] ** 0.5 <= before < last):
            continue
        first, end = seen[0], seen[-1]
        return Hit(tr("the training inputs of {model} changed scale while training: batch std {first_std} at "
                      "step {first_step}, {last_std} at step {last_step} ({factor}x {way}), steadily: the "
                      "stored data is being rewritten in place (an in-place op on a batch that is a view of "
                      "the data set, e.g. xb /= 16 on X[i:i+b], repeats every epoch)",
                      model=model, first_std=fmt(first.inputs.std), first_step=first.step,
                      last_std=fmt(end.inputs.std),
                      last_step=end.step, factor=fmt(last),
                      way=tr("smaller") if end.inputs.std < base else tr("larger")),
                   where=f"{model} inputs", step=seen[-2].step,
                   evidence={"std_start": base, "std_steps": [(b.step, b.inputs.std) for b in seen[-2:]],
                             "batches": len(seen)})
    return None


@rule("D109", stage=LIVE)
def unnormalized_inputs(ctx: Context):
    """Input features far from zero mean / unit variance, or on wildly different scales; or inputs
    whose scale drifts by orders of magnitude during training (the data rewritten in place)."""
    th = ctx.th
    batches = [b for b in _train_batches(ctx.signals) if b.inputs.is_floating]
    drift = _scale_drift(batches, th)
    if drift is not None:
        return drift
    found = [(b, why) for b in batches for why in [_unnormalized(b, th)] if why]
    if not found or len(found) * 2 < len(batches) or (len(found) < 3 and not ctx.final):
        return None
    b, why = found[0]
    return Hit(tr("the inputs of {model} are not normalized in {n_found} of {n_batches} sampled "
                  "batches: {why}; values in [{inputs_min}, {inputs_max}] over {n_features} features",
                  model=b.model, n_found=len(found), n_batches=len(batches), why=why, inputs_min=fmt(b.inputs.min),
                  inputs_max=fmt(b.inputs.max), n_features=b.n_features),
               where=f"{b.model} inputs", step=b.step,
               evidence={"shape": list(b.inputs.shape), "feature_std_min": b.feature_std_min,
                         "feature_std_max": b.feature_std_max, "mean": b.inputs.mean, "std": b.inputs.std,
                         "min": b.inputs.min, "max": b.inputs.max, "batches": len(found),
                         "sampled_batches": len(batches)})


def _first_leaf_kind(sig) -> str:
    for _, kind in sig.module_order:
        return kind
    return ""


@rule("D112", stage=LIVE)
def layout_suspect(ctx: Context):
    """The tensor layout looks wrong: channels-last images fed as channels-first, or samples stacked as time.

    Three signatures: (1) (N, H, W, C) images with C in 1/3/4 reaching a Conv layer that reads dim 1 as
    channels; (2) a (N, H, W, C) buffer reshaped with ``view`` instead of ``permute``: each "channel"
    then interleaves the C colours along the width, so a value correlates more with the one C columns
    away (the same colour of the next pixel) than with its neighbour (natural images decorrelate
    monotonically with distance); (3) a batch of shuffled samples passed as one sequence (1, N, F), so
    the samples become time steps.
    """
    sig, th = ctx.signals, ctx.th
    batches = [b for b in _train_batches(sig) if b.inputs.is_floating]
    if len(batches) < th["min_batches"] and not ctx.final or not batches:
        return None
    first = _first_leaf_kind(sig)
    # (1) channels-last given to a convolution.
    last = [b for b in batches if len(b.inputs.shape) == 4 and b.inputs.shape[3] in (1, 3, 4)
            and b.inputs.shape[1] > 4 and b.inputs.shape[2] >= 8 and b.inputs.shape[1] == b.inputs.shape[2]]
    if first.startswith("Conv") and len(last) * 2 >= len(batches):
        b = last[0]
        n, h, w, c = b.inputs.shape
        return Hit(tr("{first} receives images shaped {inputs_shape}: the last dimension ({c}) looks "
                      "like colour channels and dims 1-2 ({h}x{w}) like height and width, but the "
                      "convolution reads dim 1 as {h} channels (channels-last data fed as "
                      "channels-first)",
                      first=first, inputs_shape=tuple(b.inputs.shape), c=c, h=h, w=w),
                   where=f"{b.model} inputs", step=b.step,
                   evidence={"shape": list(b.inputs.shape), "first_layer": first, "batches": len(last)})
    # (2) view instead of permute. Needs the probe's width autocorrelations of 4-D float inputs with C in
    # (3, 4): BatchSignal.width_corr_lag1 and width_corr_lag_c (lag C); read only when present.
    corr = [(b, getattr(b, "width_corr_lag1", None), getattr(b, "width_corr_lag_c", None)) for b in batches
            if len(b.inputs.shape) == 4 and b.inputs.shape[1] in (3, 4) and b.inputs.shape[3] >= 2 * b.inputs.shape[1]]
    corr = [(b, c1, cc) for b, c1, cc in corr if c1 is not None and cc is not None]
    odd = [(b, c1, cc) for b, c1, cc in corr if cc >= th["min_period_corr"] and cc - c1 >= th["min_period_excess"]]
    if corr and len(odd) * 2 >= len(corr) and len(odd) >= min(th["min_batches"], len(corr)):
        b, c1, cc = odd[0]
        c = b.inputs.shape[1]
        return Hit(tr("the images {inputs_shape} correlate more with the value {c} columns away "
                      "({cc:.2f}) than with the adjacent one ({c1:.2f}) in {n_odd} of {n_corr} sampled "
                      "batches: a channels-last (N, H, W, {c}) buffer reshaped with view/reshape "
                      "instead of permute(0, 3, 1, 2) interleaves the {c} colour channels along the "
                      "width",
                      inputs_shape=tuple(b.inputs.shape), c=c, cc=cc, c1=c1, n_odd=len(odd), n_corr=len(corr)),
                   where=f"{b.model} inputs", step=b.step,
                   evidence={"shape": list(b.inputs.shape), "width_corr_lag1": c1, "width_corr_lag_c": cc,
                             "batches": len(odd), "sampled_batches": len(corr)})
    # (2b) the same inside the model: its first convolution's input, reshaped there (a Conv1d over
    # (N, T, C) sensor windows viewed as (N, C, T)).
    conv = _interleaved_conv_input(sig, th)
    if conv is not None:
        return conv
    # (3) one sequence made of a shuffled batch.
    shuffled_sizes = {info.batch_size for info in sig.loaders if info.shuffle and info.batch_size}
    stacked = [b for b in batches if len(b.inputs.shape) == 3 and b.inputs.shape[0] == 1
               and b.inputs.shape[1] in shuffled_sizes and b.inputs.shape[1] > 1]
    if stacked and len(stacked) * 2 >= len(batches):
        b = stacked[0]
        return Hit(tr("the model receives {inputs_shape}: a batch dimension of 1 holding the "
                      "{inputs_shape2} shuffled samples of a DataLoader batch, so a sequence layer "
                      "treats the samples as consecutive time steps of one sequence",
                      inputs_shape=tuple(b.inputs.shape), inputs_shape2=b.inputs.shape[1]),
                   where=f"{b.model} inputs", step=b.step,
                   evidence={"shape": list(b.inputs.shape), "loader_batch_sizes": sorted(shuffled_sizes)})
    return None


def _interleaved_conv_input(sig, th: dict) -> Hit | None:
    first = next((name for name, kind in sig.module_order if kind.startswith("Conv")), None)
    stats = [st for st in sig.layer_stats if st.module == first and st.kind.endswith(":input")
             and st.in_corr_lag1 is not None and st.in_corr_lag_c is not None]
    odd = [st for st in stats if st.in_corr_lag_c >= th["min_conv_period_corr"]
           and st.in_corr_lag_c - st.in_corr_lag1 >= th["min_period_excess"]]
    if not odd or len(odd) * 2 < len(stats) or len(odd) < min(th["min_batches"], len(stats)):
        return None
    st = odd[len(odd) // 2]
    return Hit(tr("the input of {layer}, the first convolution, correlates more with the value {c} "
                  "positions away along its last axis ({cc:.2f}) than with the adjacent one ({c1:.2f}) in "
                  "{n_odd} of {n_stats} sampled steps: a channels-last (N, L, {c}) tensor reshaped to "
                  "(N, {c}, L) with view/reshape instead of permute interleaves the {c} channels along L",
                  layer=first, c=st.in_channels, cc=st.in_corr_lag_c, c1=st.in_corr_lag1,
                  n_odd=len(odd), n_stats=len(stats)),
               where=f"{first} input", step=st.step,
               evidence={"layer": first, "corr_lag1": st.in_corr_lag1, "corr_lag_c": st.in_corr_lag_c,
                         "steps": len(odd), "sampled_steps": len(stats)})


def _in_most(found: list, measured: list, final: bool) -> bool:
    """A pattern seen in most of the sampled calls that measured it: at least 3 of them while live."""
    return bool(found) and len(found) * 2 > len(measured) and (len(found) >= 3 or final)


def _padding_scored(ctx: Context, calls: list) -> Hit | None:
    """Token targets at the input's padding, scored: in most sampled calls that measured it, at least
    min_padded_share of the targets sit in the (N, T) token input's trailing runs of one token (at least
    min_padded_run tokens a row on average), all of one class that is not the loss's ignore_index."""
    th = ctx.th
    measured = [c for c in calls if c.padded_target_share is not None and c.padded_same_class is not None]
    scored = [c for c in measured if c.padded_target_share >= th["min_padded_share"]
              and c.padded_target_share * c.token_row_length >= th["min_padded_run"]
              and c.padded_same_class >= th["min_padded_same_class"] and c.padded_target_class != c.ignore_index]
    if not _in_most(scored, measured, ctx.final):
        return None
    c = scored[0]
    share = statistics.median(x.padded_target_share for x in scored)
    return Hit(tr("{share:.0%} of the targets of {fn} sit where the input is padding (the trailing run of token "
                  "{pad} in each row, {n} of {m} sampled calls) and are all class {cls}, which the loss scores "
                  "(ignore_index={ignore}): the model is trained to predict the padding, an easy class that "
                  "weighs on the loss and the accuracy as much as the real tokens; pass ignore_index={cls} (or "
                  "set the padded targets to -100)",
                  share=share, fn=c.fn, pad=c.padded_token, n=len(scored), m=len(measured), cls=c.padded_target_class,
                  ignore=c.ignore_index),
               where=f"{c.fn} target", step=c.step, severity="warning", explains=("D107", "L206"),
               evidence={"padded_target_share": share, "padding_token": c.padded_token,
                         "padded_target_class": c.padded_target_class, "ignore_index": c.ignore_index,
                         "calls": len(scored), "measured_calls": len(measured)})


def _real_class_ignored(ctx: Context, calls: list) -> Hit | None:
    """A classifier's loss whose ignore_index is one of its own classes (ignore_index=0 copied from a
    padding constant): in most sampled calls, at least min_ignored_share of the per-sample targets are
    that class, and they never reach the loss. Token losses (padding) are not judged here."""
    measured = [c for c in calls if c.ignored_share is not None and c.input_is_model_output
                and len(c.input.shape) == 2 and c.padded_target_share is None]
    ignored = [c for c in measured if c.ignored_share >= ctx.th["min_ignored_share"]]
    if not _in_most(ignored, measured, ctx.final):
        return None
    c = ignored[0]
    share = statistics.median(x.ignored_share for x in ignored)
    return Hit(tr("{fn} has ignore_index={cls}, one of the model's {classes} classes, and {share:.0%} of the "
                  "targets are that class ({n} of {m} sampled calls): those samples never reach the loss, so "
                  "the model is never taught to predict class {cls}; ignore_index is for targets that are no "
                  "class (padding, unlabeled: the default -100)",
                  fn=c.fn, cls=c.ignore_index, classes=c.classes, share=share, n=len(ignored), m=len(measured)),
               where=f"{c.fn} ignore_index", step=c.step,
               evidence={"ignore_index": c.ignore_index, "ignored_share": share, "classes": c.classes,
                         "calls": len(ignored), "measured_calls": len(measured)})


def _scored_class_range(c) -> tuple[float | None, float | None]:
    """The smallest and largest class index the loss scores: its ignore_index (-100 by default, -1 or 255 in
    many scripts) left out where the probe measured that; (None, None) where every target is ignored."""
    if c.valid_target_min is not None:
        return c.valid_target_min, c.valid_target_max
    if c.ignore_index_used:
        return None, None  # (all ignored, or measured before the range was)
    return c.target.min, c.target.max


@rule("D113", stage=LIVE)
def invalid_targets(ctx: Context):
    """Targets the loss cannot use as given: binary targets outside [0, 1], class-probability targets whose
    rows do not sum to 1, regression targets on a scale far beyond the network's outputs."""
    sig, th = ctx.signals, ctx.th
    calls = [c for c in sig.loss_calls if c.target is not None and c.target.numel > 0 and not c.target.nonfinite]
    padded = _padding_scored(ctx, calls) or _real_class_ignored(ctx, calls)
    if padded is not None:
        return padded
    # Class indices outside [0, C) for C outputs (the loss raises on them), the loss's ignore_index aside.
    outside = [(c, lo, hi) for c in calls if c.fn in CLASS_INDEX_LOSSES and c.classes and not c.target.is_floating
               for lo, hi in [_scored_class_range(c)] if lo is not None and (hi >= c.classes or lo < 0)]
    if outside:
        c, lo, hi = outside[0]
        return Hit(tr("{fn} got class indices in [{target_min}, {target_max}] for {classes} outputs "
                      "(valid: 0 to {classes2}): labels numbered from 1, or more classes than the "
                      "output layer has",
                      fn=c.fn, target_min=fmt(lo), target_max=fmt(hi), classes=c.classes,
                      classes2=c.classes - 1),
                   where=f"{c.fn} target", step=c.step,
                   evidence={"target_min": lo, "target_max": hi, "classes": c.classes,
                             "ignore_index": c.ignore_index, "calls": len(outside)})
    # Whole-number labels outside {0, 1}; continuous targets outside [0, 1] are L210's (wrong loss).
    bad = [c for c in calls if c.fn in BINARY_LOSSES and c.target.integral
           and (c.target.min < -1e-6 or c.target.max > 1 + 1e-6)]
    if bad and (len(bad) >= 2 or ctx.final):
        c = bad[0]
        return Hit(tr("{fn} expects targets in [0, 1] (0/1 labels or probabilities) but got "
                      "whole-number labels in [{target_min}, {target_max}] in {n_bad} of {n_value} "
                      "sampled calls",
                      fn=c.fn, target_min=fmt(c.target.min), target_max=fmt(c.target.max), n_bad=len(bad),
                      n_value=len([x for x in calls if x.fn in BINARY_LOSSES]))
                   + tr("; labels like {{-1, 1}} or {{1, 2}} must be mapped to {{0, 1}}, several "
                        "classes need cross_entropy"),
                   where=f"{c.fn} target", step=c.step,
                   evidence={"target_min": c.target.min, "target_max": c.target.max, "bad_calls": len(bad)})
    soft = [c for c in calls if c.fn == "cross_entropy" and c.target.is_floating and c.classes
            and tuple(c.target.shape) == tuple(c.input.shape) and c.label_smoothing == 0]
    wrong = [c for c in soft if c.target.min < -1e-6 or c.target.max > 1 + 1e-6
             or abs(c.target.mean * c.classes - 1) > th["row_sum_tol"]]
    if wrong and (len(wrong) >= 2 or ctx.final) and len(wrong) * 2 >= len(soft):
        c = wrong[0]
        return Hit(tr("cross_entropy got float targets shaped like its input {input_shape}, which it "
                      "reads as class probabilities, but they are not: values in [{target_min}, "
                      "{target_max}], rows summing to {target_mean} on average (should be 1)",
                      input_shape=tuple(c.input.shape), target_min=fmt(c.target.min), target_max=fmt(c.target.max),
                      target_mean=fmt(c.target.mean * c.classes)),
                   where="cross_entropy target", step=c.step,
                   evidence={"target_min": c.target.min, "target_max": c.target.max,
                             "mean_row_sum": c.target.mean * c.classes, "bad_calls": len(wrong)})
    regression = [c for c in calls if c.fn in REGRESSION_LOSSES and c.target.is_floating]
    if regression:
        c = regression[0]
        target_scale = max(abs(c.target.mean), c.target.std)
        pred_scale = max(abs(c.input.mean), c.input.std, 1e-12)
        if target_scale > th["huge_target"] and target_scale > th["min_target_over_prediction"] * pred_scale:
            return Hit(tr("{fn} targets are on a huge scale (mean {target_mean}, std {target_std}, "
                          "range [{target_min}, {target_max}]) while the predictions start at scale "
                          "{pred_scale}: the first loss is {value} and the network must grow its "
                          "outputs {target_scale:.0f}x; standardize the targets",
                          fn=c.fn, target_mean=fmt(c.target.mean), target_std=fmt(c.target.std),
                          target_min=fmt(c.target.min), target_max=fmt(c.target.max), pred_scale=fmt(pred_scale),
                          value=fmt(c.value), target_scale=target_scale / pred_scale),
                       where=f"{c.fn} target", step=c.step,
                       evidence={"target_mean": c.target.mean, "target_std": c.target.std,
                                 "prediction_scale": pred_scale, "first_loss": c.value})
    return None


@rule("D115")
def batch_too_large(ctx: Context):
    """The batch is a large share of the data set: few, large steps per epoch."""
    sig, th = ctx.signals, ctx.th
    size, batch, source = _training_data_size(sig)
    if not size or not batch or size < th["min_dataset"]:
        return None  # small data sets are trained full-batch on purpose
    if any(opt.kind == "LBFGS" for opt in sig.optimizers):
        return None  # LBFGS wants the full batch
    share = min(1.0, batch / size)
    if share < th["max_share"]:
        return None
    steps_per_epoch = math.ceil(size / batch)
    if share >= 0.999:
        what = tr("full-batch training: all {size} samples in every step, 1 optimizer step per pass "
                  "over the data",
                  size=size)
    else:
        what = (tr("batches of {batch} samples are {share:.0%} of the {size}-sample training set: "
                   "{steps_per_epoch} optimizer steps per epoch",
                   batch=batch, share=share, size=size, steps_per_epoch=steps_per_epoch))
    return Hit(what + tr("; smaller batches give more updates per epoch and usually generalize better"),
               where=f"training data ({source})",
               evidence={"batch_size": batch, "dataset_size": size, "share": share,
                         "steps_per_epoch": steps_per_epoch, "source": source})

"""D111, D116: the training split against the validation/test split, judged on the samples themselves.

Both read ``Signals.train_samples`` / ``val_samples`` (nndoctor/probes/data_capture.py): bounded samples
of the data, the validation one made of the gradient-free forwards of the trained model, each call its
own ``source``. Evaluating on training data under ``torch.no_grad()`` (train accuracy) is legitimate:
a source whose samples are training samples as often as the training bank's coverage allows is such a
pass, and it is left out of both rules. Leakage is a source that is mostly distinct from the training
data but holds copies of some of it.
"""
from __future__ import annotations

import math
import statistics

import numpy as np

from nndoctor.i18n import tjoin, tr
from nndoctor.probes.data_capture import LOADER_SOURCE, feature_matrix, feature_sums, row_hashes, sample_keys
from nndoctor.rules.base import Context, Hit, fmt, rule
from nndoctor.signals import REGRESSION_LOSSES


def _coverage(sig) -> tuple[float | None, bool]:
    """The share of the training split's distinct samples the training bank holds, and whether it was
    measured (rows of the training stream found in the bank) rather than guessed from the rows fed."""
    bank = sig.train_samples
    if bank.complete:
        return 1.0, True
    if bank.coverage is not None:
        return bank.coverage, True
    if getattr(bank, "wrap_coverage", None):
        return bank.wrap_coverage, True
    sizes = [info.dataset_len for info in sig.loaders if info.dataset_len]
    fed = max([bank.seen] + sizes)  # (every epoch counted: a low guess)
    return (min(1.0, len(bank) / fed) if fed else None), False


def _split(sig, th) -> dict | None:
    """Validation samples matched against the training bank, grouped by source."""
    train, val = sig.train_samples, sig.val_samples
    if not len(train) or not len(val) or train.x.shape[1:] != val.x.shape[1:]:
        return None
    coverage, measured = _coverage(sig)
    if not coverage:
        return None
    # A pass over training data shows the bank's coverage in copies. Measured, that is the test (a share
    # well below it is a held-out source with copies); guessed low from the rows fed, a pass must also
    # be mostly copies.
    min_share = th["train_eval_min_share"] * (coverage if measured else 1.0)
    # A sample is all the per-sample tensors of the model call (category ids and numeric features), keyed
    # alike in both banks: rows that share only their first tensor are different samples.
    train_hashes = set(sample_keys(train).tolist())
    val_hashes = sample_keys(val)
    dup = np.fromiter((h in train_hashes for h in val_hashes.tolist()), dtype=bool, count=len(val))
    sources = val.source if val.source is not None else np.zeros(len(val), dtype=np.int64)
    train_eval, held_out = [], []
    for s in np.unique(sources):
        rows = sources == s
        n, k = int(rows.sum()), int(dup[rows].sum())
        # Consistent with a pass over training data: as many copies as the bank's coverage gives, less
        # train_eval_z binomial standard deviations.
        expected = n * coverage
        slack = th["train_eval_z"] * math.sqrt(max(expected * (1 - coverage), 0.0))
        if k and k >= expected - slack - 1e-9 and k / n >= min_share \
                and int(s) != val.declared_source and not sig.val_samples_from_train_set:
            train_eval.append(int(s))
        else:
            held_out.append(int(s))
    keep = np.isin(sources, held_out)
    return {"dup": dup, "keep": keep, "coverage": coverage, "train_eval": train_eval, "held_out": held_out}


def _sample_note(bank) -> str:
    if bank.complete or (bank.coverage or 0) >= 0.999:
        return ""
    return tr(" (judged on a sample: {kept} of the {seen} samples fed)", kept=len(bank), seen=bank.seen)


@rule("D111")
def preprocessing_leakage(ctx: Context):
    """Training and validation data overlap (copied samples), or normalization statistics were fitted on
    training and validation data together.

    Copies: every sample is hashed (low mantissa bits masked, so near-exact copies match); a validation
    source (one gradient-free call, or one validation data set) that is not itself a pass over training
    data but shares samples with the training data is leakage, counted when the overlap is beyond what
    the data's own duplicate rate explains. Normalization: when both whole splits are known, the pooled
    per-feature mean and std are exactly 0 and 1 while the training split alone is not standardized.
    """
    sig, th = ctx.signals, ctx.th
    if not ctx.final:
        return None
    split = _split(sig, th)
    hit = _overlap_hit(sig, th, split) if split is not None else None
    return hit or _normalization_hit(sig, th, split)


def _overlap_hit(sig, th, split) -> Hit | None:
    train, val = sig.train_samples, sig.val_samples
    keep, dup = split["keep"], split["dup"]
    n = int(keep.sum())
    k = int((dup & keep).sum())
    if not n or k < th["min_overlap"]:
        return None
    # Inputs with few distinct values (a small vocabulary, coarse categories) repeat within the training
    # data itself: copies across splits are their nature there, not a split bug. The share is counted on a
    # whole split, estimated from a stream (nndoctor/probes/data_capture.py).
    distinct = getattr(train, "distinct_share", None)
    if distinct is not None and distinct < th["min_distinct_share"]:
        return None
    share = k / n
    if share < th["min_fraction"]:
        return None
    # Discrete inputs (short token sequences, category codes, word counts) drawn from a small space also
    # meet by chance: a held-out sample matches a training one about as often as training samples repeat
    # one another (1 - distinct_share). Continuous features never repeat by chance (oversampled copies).
    if distinct is not None and _discrete(train.x):
        chance = 1.0 - distinct
        if share <= th["chance_factor"] * chance + 3 * math.sqrt(max(chance * (1 - chance), 1e-12) / n):
            return None
    rows = np.flatnonzero(dup & keep)
    examples = [int(val.index[i]) for i in rows[:8]]
    train_index = {h: int(i) for h, i in zip(sample_keys(train).tolist(), train.index)}
    val_hashes = sample_keys(val)[rows[:8]].tolist()
    pairs = [[int(val.index[i]), train_index.get(h)] for i, h in zip(rows[:8], val_hashes)]
    cover = split["coverage"]
    cover_note = "" if cover >= 0.999 else tr("; the training sample covers ~{cover:.0%} of the "
                                              "training data, so the true overlap is likely larger",
                                              cover=cover)
    skipped = tr("; {passes} gradient-free pass(es) over training data itself (e.g. train accuracy) are not "
                 "counted", passes=len(split["train_eval"])) if split["train_eval"] else ""
    where = "validation data" if any(s >= LOADER_SOURCE for s in split["held_out"]) else "gradient-free inputs"
    if sig.val_samples_from_train_set:
        skipped = tr("; the validation DataLoader iterates the training data set itself, pass after pass while "
                     "training goes on: every validation score is a training score (build it from the held-out "
                     "split)")
    return Hit(tr("{k} of {n} validation samples ({share:.1%}) are copies of training samples: the splits "
                  "overlap, so validation scores are inflated (validation index -> training index: "
                  "{pairs}){cover_note}{skipped}{sample_note}",
                  k=k, n=n, share=share, pairs=", ".join(f"{a}->{b}" for a, b in pairs[:5]),
                  cover_note=cover_note, skipped=skipped, sample_note=_sample_note(val)),
               where=f"{where} vs training data",
               evidence={"overlap": k, "validation_samples": n, "fraction": share, "examples": examples,
                         "pairs": pairs, "training_samples": len(train), "training_coverage": cover,
                         "train_eval_sources": len(split["train_eval"]),
                         "distinct_share": distinct, "input_tensors": 1 + (getattr(train, "key_parts", 0) or 0),
                         "validation_loader_on_training_set": sig.val_samples_from_train_set,
                         "validation_origin": val.origin, "training_origin": train.origin})


def _discrete(x, max_rows: int = 2000, max_features: int = 256) -> bool:
    """Most features take few distinct values (tokens, categories, counts), not one per sample."""
    a = np.asarray(x).reshape(len(x), -1)[:max_rows, :max_features]
    if a.shape[0] < 50 or not a.shape[1]:
        return False
    levels = [len(np.unique(a[:, j])) for j in range(a.shape[1])]
    return float(np.median(levels)) <= max(20.0, 0.02 * a.shape[0])


def _normalization_hit(sig, th, split) -> Hit | None:
    train, val = sig.train_samples, sig.val_samples
    if train.feature_sum is None or val.feature_sum is None:
        return None
    nt, st, qt = train.feature_n, np.asarray(train.feature_sum), np.asarray(train.feature_sumsq)
    nv, sv, qv = val.feature_n, np.asarray(val.feature_sum), np.asarray(val.feature_sumsq)
    if split is not None and val.complete and len(val) == val.feature_n and not split["keep"].all() \
            and split["keep"].any():
        # Streamed validation data that includes passes over training data: only the held-out part.
        nv, sv, qv = feature_sums(val.x[split["keep"]])
    if st.shape != sv.shape or nt + nv < th["min_rows"] or not nt or not nv:
        return None
    n = nt + nv
    mean = (st + sv) / n
    std = np.sqrt(np.maximum((qt + qv) / n - mean ** 2, 0.0))
    live = std > 1e-6
    if not live.any():
        return None
    tol = max(th["exact_tol"], 0.0)
    pooled_mean_off = float(np.abs(mean).max())
    # Population std (numpy, sklearn) or sample std (torch.std): either counts as "exactly 1".
    pooled_std_off = float(np.minimum(np.abs(std[live] - 1),
                                      np.abs(std[live] * math.sqrt(n / max(n - 1, 1)) - 1)).max())
    train_mean = st / nt
    train_std = np.sqrt(np.maximum(qt / nt - train_mean ** 2, 0.0))
    train_off = float(max(np.abs(train_mean).max(),
                          np.minimum(np.abs(train_std[live] - 1),
                                     np.abs(train_std[live] * math.sqrt(nt / max(nt - 1, 1)) - 1)).max()))
    if pooled_mean_off > tol or pooled_std_off > tol or train_off < th["train_off_factor"] * tol:
        return None
    return Hit(tr("the normalization statistics were fitted on training and validation data together: "
                  "over the {nt} training and {nv} validation samples pooled, every one of the {features} "
                  "varying features has mean 0 and std 1 exactly (largest deviations "
                  "{pooled_mean_off:.1e} and {pooled_std_off:.1e}), while the training split alone does "
                  "not (off by up to {train_off}): the validation data leaked into the preprocessing",
                  nt=nt, nv=nv, features=int(live.sum()), pooled_mean_off=pooled_mean_off,
                  pooled_std_off=pooled_std_off, train_off=fmt(train_off)),
               where="input normalization",
               evidence={"training_samples": nt, "validation_samples": nv, "features": int(live.sum()),
                         "pooled_mean_max_abs": pooled_mean_off, "pooled_std_max_dev": pooled_std_off,
                         "training_split_max_dev": train_off, "tolerance": tol})


WINDOW_SHIFTS = 8  # sliding windows are recognized with strides of 1 to this many steps


def _count_in(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """How often each of ``values`` occurs in ``pool`` (uint64 hashes)."""
    keys, counts = np.unique(pool, return_counts=True)
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return np.where(keys[at] == values, counts[at], 0)


def _window_share(x, max_shift: int = WINDOW_SHIFTS, max_values: int = 1 << 22) -> tuple[float, int | None]:
    """(share of samples, time axis): how many samples reappear shifted by 1..``max_shift`` steps in
    another sample, ``x[j][:-s] == x[i][s:]`` for some j != i: overlapping sliding windows of one series.

    Flat samples (n, T) have time on axis 1, sequences (n, T, F) or (n, C, L) on axis 1 or 2 (the better
    is kept); images are not series. Samples constant over time are left out (padding matches anything).
    Chance matches of short, coarse samples (a few binary features) are measured on the same data: the
    share of samples whose tail ``x[i][s:]`` equals another sample's tail at the same positions, which
    windows of a (non-periodic) series do not give; that share is subtracted. Hashed like the leakage
    check (low mantissa bits masked): windows cut from one array are exact copies.
    """
    if x is None or x.ndim not in (2, 3) or len(x) < 2:
        return 0.0, None
    if x.size > max_values:  # bounded time: the first rows (the bank is a random sample of the split already)
        x = x[: max(2, max_values // int(np.prod(x.shape[1:])))]
    n = len(x)
    best: tuple[float, int | None] = (0.0, None)
    for axis in ((1,) if x.ndim == 2 else (1, 2)):
        steps = x.shape[axis]
        varying = np.ptp(x, axis=axis).reshape(n, -1).max(axis=1) > 0
        if steps < 4 or not varying.any():
            continue
        shifted = np.zeros(n, dtype=bool)
        by_chance = np.zeros(n, dtype=bool)
        for shift in range(1, min(max_shift, steps // 2) + 1):
            head = row_hashes(np.take(x, range(shift, steps), axis=axis).reshape(n, -1))  # x[i][s:]
            tail = row_hashes(np.take(x, range(steps - shift), axis=axis).reshape(n, -1))  # x[j][:-s]
            shifted |= _count_in(head, tail) - (head == tail) > 0  # another sample, not i itself
            by_chance |= _count_in(head, head) > 1
        share = float(((shifted & varying).sum() - (by_chance & varying).sum()) / varying.sum())
        if share > best[0]:
            best = (share, axis)
    return best


def _feature_spreads(x, max_rows: int = 4096, max_features: int = 4096) -> tuple[float, float, np.ndarray]:
    """(min, max, per-feature std) of a bank's rows, on a strided sample of rows and features."""
    rows = np.asarray(x).reshape(len(x), -1)
    rows = rows[::max(1, len(rows) // max_rows), ::max(1, rows.shape[1] // max_features)].astype(np.float64)
    return float(rows.min()), float(rows.max()), rows.std(axis=0)


def _scale_mismatch(sig, th, train, val, keep) -> Hit | None:
    """The validation inputs the model was fed (its gradient-free forwards) spread many times wider or
    narrower than the training inputs, feature by feature: a preprocessing step (a normalization, a
    division by 255) applied to one split only. The typical (median) feature decides: a few features
    that vary only in validation (standardized by a near-zero training std) are no transform missed.
    Both sides as fed: a data set read whole may be normalized later."""
    fed = keep & (val.source < LOADER_SOURCE)
    if int(fed.sum()) < th["min_val"] or not _fed_as_stored(sig, train):
        return None
    (t_lo, t_hi, t_sds), (v_lo, v_hi, v_sds) = _feature_spreads(train.x), _feature_spreads(val.x[fed])
    varies = (t_sds > 1e-8) & (v_sds > 1e-8)
    if t_sds.shape != v_sds.shape or varies.sum() < max(1, varies.size // 2):
        return None
    ratio = float(np.exp(np.median(np.log(v_sds[varies] / t_sds[varies]))))
    if max(ratio, 1 / ratio) < th["min_scale_ratio"]:
        return None
    t_sd, v_sd = float(np.median(t_sds[varies])), float(np.median(v_sds[varies]))
    return Hit(tr("the validation inputs are on another scale than the training inputs: values in [{v_lo}, "
                  "{v_hi}] (median feature std {v_sd}) against [{t_lo}, {t_hi}] (median feature std {t_sd}) in "
                  "training, {ratio:.0f}x apart: a preprocessing step (normalization, scaling to [0, 1]) is "
                  "applied to one split only; apply the same transform to both",
                  v_lo=fmt(v_lo), v_hi=fmt(v_hi), v_sd=fmt(v_sd), t_lo=fmt(t_lo), t_hi=fmt(t_hi), t_sd=fmt(t_sd),
                  ratio=max(ratio, 1 / ratio)),
               where="validation data vs training data",
               evidence={"validation_range": [v_lo, v_hi], "validation_std": v_sd, "training_range": [t_lo, t_hi],
                         "training_std": t_sd, "feature_std_ratio": ratio, "validation_samples": int(fed.sum()),
                         "training_samples": len(train)},
               explains=("G408",))  # (the validation loss drifts away as the training scale is learned)


def _fed_as_stored(sig, bank) -> bool:
    """The training bank holds values as the model was fed them: the sampled training inputs lie within
    its range. A data set read whole may be normalized later, in the loop or a prefetcher, while the
    validation inputs were caught at the model: their features would be compared with raw values."""
    shape = tuple(np.shape(bank.x)[1:])
    fed = [b for b in sig.batches if b.inputs.numel > 1 and tuple(b.inputs.shape[1:]) == shape]
    if not fed:
        return not sig.batches
    lo, hi = float(np.min(bank.x)), float(np.max(bank.x))
    slack = 0.05 * max(hi - lo, 1e-12)
    return all(lo - slack <= b.inputs.min and b.inputs.max <= hi + slack for b in fed if b.inputs.is_floating)


def _relabeling(confusion: list[list[int]] | None, th: dict) -> tuple[int, float, float, dict] | None:
    """(samples, accuracy, accuracy under the best one-to-one relabeling, the classes it moves) when
    the predictions agree with a relabeling of the targets far better than with the targets themselves."""
    if not confusion:
        return None
    m = np.asarray(confusion, dtype=np.int64)
    n = int(m.sum())
    if n < th["min_relabel_samples"]:
        return None
    mapping, rows, cols = {}, set(), set()
    for cell in np.argsort(-m, axis=None, kind="stable"):  # greedy: the largest cells first, one per row and column
        t, p = divmod(int(cell), m.shape[1])
        if m[t, p] == 0:
            break
        if t not in rows and p not in cols:
            mapping[t] = p
            rows.add(t)
            cols.add(p)
    matched = float(np.trace(m)) / n
    best = sum(int(m[t, p]) for t, p in mapping.items()) / n
    moved = {t: p for t, p in sorted(mapping.items()) if t != p}
    moved_share = sum(int(m[t, p]) for t, p in moved.items()) / n
    if len(moved) >= 2 and best >= th["min_relabel_accuracy"] and matched <= th["max_relabel_ratio"] * best \
            and moved_share >= th["min_relabel_share"]:
        return n, matched, best, moved
    return None


def _target_scale_mismatch(sig, th) -> Hit | None:
    """Regression targets transformed for training only (a StandardScaler or log fitted and applied to y_train,
    y_val left raw): the model's validation predictions are on the training targets' scale, the validation
    targets far off it. Scoring predictions and targets both mapped back to the original units is no
    mismatch: there the predictions are off the training scale too."""
    ratio, fit = th["min_scale_ratio"], th["fit_scale_ratio"]
    train = [c for c in sig.loss_calls if c.fn in REGRESSION_LOSSES
             and c.target is not None and c.target.is_floating and c.target.numel > 1 and c.input.numel > 1]
    evals = [(fn, p, t) for _, fn, p, t in sig.eval_value_calls if not (p.nonfinite or t.nonfinite)]
    if len(train) < 3 or len(evals) < 2:
        return None
    # The latest calls: the first steps' predictions have not found the targets' scale yet.
    train, evals = train[-max(3, len(train) // 4):], evals[len(evals) // 2:]
    med = statistics.median
    t_std, t_mean = med(c.target.std for c in train), med(c.target.mean for c in train)
    p_std = med(c.input.std for c in train)
    v_std, v_mean = med(t.std for _, _, t in evals), med(t.mean for _, _, t in evals)
    vp_std = med(p.std for _, p, _ in evals)
    if min(t_std, p_std, v_std, vp_std) <= 0 or not (1 / fit <= p_std / t_std <= fit):
        return None  # (the model does not fit the training targets' scale itself: nothing to compare)
    off_spread = v_std >= ratio * t_std or v_std * ratio <= t_std
    off_mean = abs(v_mean - t_mean) >= ratio * t_std
    if not (off_spread or off_mean) or not (v_std >= ratio * vp_std or v_std * ratio <= vp_std or
                                            abs(v_mean - med(p.mean for _, p, _ in evals)) >= ratio * vp_std):
        return None
    fn = evals[0][0]
    return Hit(tr("the validation targets of {fn} are on another scale than the training targets (mean {v_mean}, "
                  "std {v_std} against mean {t_mean}, std {t_std}), while the model's validation predictions are on "
                  "the training scale (std {vp_std}): the targets were transformed (standardized, log) for training "
                  "only, so the validation loss measures the scale gap, not the model; apply the same target "
                  "transform to every split (or map the predictions back before scoring)",
                  fn=fn, v_mean=fmt(v_mean), v_std=fmt(v_std), t_mean=fmt(t_mean), t_std=fmt(t_std), vp_std=fmt(vp_std)),
               where=f"{fn} validation targets", step=sig.eval_value_calls[0][0], explains=("G408", "G409"),
               evidence={"val_target_mean": v_mean, "val_target_std": v_std, "train_target_mean": t_mean,
                         "train_target_std": t_std, "val_prediction_std": vp_std, "train_prediction_std": p_std,
                         "validation_calls": len(evals), "training_calls": len(train)})


@rule("D116")
def split_mismatch(ctx: Context):
    """Training and validation data hold different things: classes in validation that training never had,
    class frequencies far apart, features whose standardized mean difference is far beyond what two
    random splits of one data set show (a class- or time-sorted data set split by position), inputs or
    regression targets on another scale (a transform fitted and applied to the training split only)."""
    sig, th = ctx.signals, ctx.th
    if not ctx.final:
        return None
    relabeled = _relabeling(sig.val_confusion, th)
    if relabeled is not None:
        n, matched, best, moved = relabeled
        first, last = sig.val_confusion_steps
        return Hit(tr("the validation labels look encoded apart from the training ones: in the last validation "
                      "pass(es) the model's predictions match the targets in {matched:.0%} of {n} samples, but "
                      "{best:.0%} under the relabeling {moved}; the class indices were assigned per split (a "
                      "LabelEncoder, factorize or sorted(set(labels)) fitted on each split): build one mapping on "
                      "the training labels and apply it to every split",
                      matched=matched, n=n, best=best,
                      moved=", ".join(f"{t} -> {p}" for t, p in list(moved.items())[:8])),
                   where="validation targets", step=last,
                   evidence={"validation_predictions": n, "accuracy": matched, "accuracy_relabeled": best,
                             "relabeling": {str(t): p for t, p in moved.items()}, "steps": [first, last]},
                   explains=("G408",))  # (the validation loss rises as the training mapping is learned)
    targets = _target_scale_mismatch(sig, th)
    if targets is not None:
        return targets
    split = _split(sig, th)
    if split is None:
        return None
    train, val = sig.train_samples, sig.val_samples
    if not val.complete and val.coverage is None:
        return None  # the first samples of a large streamed validation set say nothing of its distribution
    keep = split["keep"] & ~split["dup"]
    # Only samples scored against targets (a loss call, a DataLoader) count as validation data: a
    # gradient-free pass without targets (a prediction grid for a plot, generated samples) may differ
    # from the training data on purpose.
    keep &= np.isin(val.source, sorted(val.scored or ()))
    nv = int(keep.sum())
    if nv < th["min_val"] or len(train) < th["min_train"]:
        return None
    evidence: dict = {"validation_samples": nv, "training_samples": len(train), "validation_origin": val.origin,
                      "training_origin": train.origin}
    reasons = []
    if val.y is not None:
        train_classes = set(sig.class_counts)
        if train.y is not None:
            train_classes |= set(np.unique(train.y).tolist())
        vy = val.y[keep]
        counts = {int(c): int(n) for c, n in zip(*np.unique(vy, return_counts=True))}
        unseen = {c: n for c, n in counts.items() if c not in train_classes}
        unseen_n = sum(unseen.values())
        if train_classes and unseen_n >= th["min_unseen"] and unseen_n / nv >= th["min_unseen_share"]:
            reasons.append(tr("{unseen_n} of {nv} validation samples ({share:.0%}) belong to "
                              "classes {unseen} that never occur in training (training has classes "
                              "{train_classes})",
                              unseen_n=unseen_n, nv=nv, share=unseen_n / nv, unseen=sorted(unseen),
                              train_classes=sorted(train_classes)[:12]))
            evidence.update(unseen_classes=sorted(unseen), unseen_samples=unseen_n)
        if train.y is not None:
            tc = {int(c): int(n) for c, n in zip(*np.unique(train.y, return_counts=True))}
            classes = sorted(set(tc) | set(counts))
            p = np.array([tc.get(c, 0) for c in classes], dtype=float) / max(sum(tc.values()), 1)
            q = np.array([counts.get(c, 0) for c in classes], dtype=float) / nv
            tv = 0.5 * float(np.abs(p - q).sum())
            evidence.update(class_distance=tv, validation_class_counts=counts)
            if tv >= th["max_class_distance"] and not unseen:
                top = max(counts, key=counts.get)
                reasons.append(tr("the class frequencies differ by a total variation distance of "
                                  "{tv:.2f} (class {top} is {val_share:.0%} of validation, {train_share:.0%} of "
                                  "training)",
                                  tv=tv, top=top, val_share=counts[top] / nv,
                                  train_share=tc.get(top, 0) / max(sum(tc.values()), 1)))
    scale = _scale_mismatch(sig, th, train, val, keep)
    if scale is not None:
        return scale
    a = feature_matrix(train.x).astype(np.float64)
    b = feature_matrix(val.x[keep]).astype(np.float64)
    if a.shape[1] == b.shape[1] and a.shape[1] <= th["max_features"] and _fed_as_stored(sig, train):
        sd = np.sqrt((a.var(0) + b.var(0)) / 2)
        live = sd > 1e-8
        if live.any():
            smd = (b.mean(0)[live] - a.mean(0)[live]) / sd[live]
            mean_abs = float(np.abs(smd).mean())
            # Two random splits give |SMD| ~ 0.8 sqrt(1/n_train + 1/n_val) per feature.
            noise = math.sqrt(1 / len(train) + 1 / nv)
            worst = np.argsort(-np.abs(smd))[:5]
            features = np.flatnonzero(live)[worst]
            evidence.update(mean_abs_smd=mean_abs, noise_level=noise,
                            largest_smd={str(int(f)): float(smd[w]) for f, w in zip(features, worst)})
            if mean_abs >= max(th["min_smd"], th["smd_z"] * noise):
                reasons.append(tr("the features are far apart: mean |standardized mean difference| "
                                  "{mean_abs:.2f} over {features} features (random splits of one data set "
                                  "give ~{noise:.2f}), largest at feature(s) {largest}",
                                  mean_abs=mean_abs, features=int(live.sum()), noise=0.8 * noise,
                                  largest=", ".join(f"{int(f)} ({smd[w]:+.2f})"
                                                    for f, w in zip(features[:3], worst[:3]))))
    if not reasons:
        return None
    # Overlapping windows of one series (a forecaster's inputs) are not independent samples: a random
    # split would put near-copies of every validation window in training, so a chronological split is
    # the right one, and the later stretch of the series differs in level (trend, slow seasons) by nature.
    window_share, axis = _window_share(train.x)
    if window_share >= th["min_window_share"] and "unseen_classes" not in evidence:
        evidence.update(sliding_windows=round(window_share, 4), time_axis=axis,
                        validation_windows=round(_window_share(val.x[keep])[0], 4))
        return Hit(tr("training and validation data differ: {reasons}; but the samples are overlapping "
                      "windows of one series ({share:.0%} of the training samples reappear in another shifted "
                      "by 1 to {max_shift} steps along axis {axis}), so they are not independent and a "
                      "chronological split (validation on a later stretch) is the right one for forecasting; "
                      "the difference is the series changing over time (trend, slow seasons), which the model "
                      "must extrapolate{sample_note}",
                      reasons=tjoin(tr("; "), reasons), share=window_share, max_shift=WINDOW_SHIFTS, axis=axis,
                      sample_note=_sample_note(train)),
                   where="validation data vs training data", severity="info", evidence=evidence)
    return Hit(tr("training and validation data disagree: {reasons}: the split is not a random one (a sorted "
                  "data set split by position?){sample_note}",
                  reasons=tjoin(tr("; "), reasons), sample_note=_sample_note(train)),
               where="validation data vs training data", evidence=evidence)

"""L2xx: the loss and what is passed to it."""
from __future__ import annotations

import math
import statistics

from nndoctor.i18n import tr
from nndoctor.rules.base import LIVE, Context, Hit, fmt, rule
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES, REGRESSION_LOSSES

ELEMENTWISE = REGRESSION_LOSSES + ("soft_margin_loss", "poisson_nll_loss", "kl_div", "gaussian_nll_loss") + BINARY_LOSSES


def _chance_level(call) -> tuple[float, str] | None:
    """The loss a model predicting uniformly at random gets, per the loss's reduction."""
    if call.fn in CLASS_INDEX_LOSSES and call.classes and call.classes > 1:
        per_sample, unit = math.log(call.classes), call.input.shape[0]
        label = tr("ln({classes}) = {chance:.3f} for {classes} classes",
                   classes=call.classes, chance=math.log(call.classes))
    elif call.fn in BINARY_LOSSES and not call.has_pos_weight:
        per_sample, unit = math.log(2), call.input.numel
        label = tr("ln 2 = 0.693 per binary output")
    else:
        return None
    if call.reduction == "sum":
        return per_sample * unit, label + tr(" (x{unit}, reduction='sum')",
                                             unit=unit)
    if call.reduction == "mean":
        return per_sample, label
    return None


@rule("L201", stage=LIVE)
def initial_loss_off(ctx: Context):
    """The first loss should sit at the chance level; far above it means a bad init or output scale."""
    sig = ctx.signals
    calls = [c for c in sig.loss_calls if c.fn in CLASS_INDEX_LOSSES + BINARY_LOSSES]
    if not calls or calls[0].step != 0:
        return None
    first = calls[0]
    if first.fn == "nll_loss" and (first.row_logsumexp_absmax or 0) > 0.05:
        return None  # not log-probabilities: L203's business, the chance level does not apply
    chance = _chance_level(first)
    if chance is None or not math.isfinite(first.value):
        return None
    expected, label = chance
    if first.value <= ctx.th["max_ratio"] * expected + ctx.th["abs_slack"]:
        return None
    return Hit(tr("first loss {loss}, expected ~{expected} at initialization ({label}): {ratio:.1f}x "
                  "the chance level",
                  loss=fmt(first.value), expected=fmt(expected), label=label, ratio=first.value / expected),
               where=f"{first.fn} at step 0", step=0,
               evidence={"first_loss": first.value, "expected": expected, "loss": first.fn,
                         "classes": first.classes})


@rule("L202", stage=LIVE)
def softmax_before_crossentropy(ctx: Context):
    """cross_entropy applies log_softmax itself; probabilities in give a squashed, slow loss."""
    calls = [c for c in ctx.signals.loss_calls if c.fn == "cross_entropy" and c.classes and c.classes > 1]
    probs = [c for c in calls if c.probs_like]
    if not probs or len(probs) * 2 < len(calls) or (len(probs) < 2 and not ctx.final):
        return None
    c = probs[0]
    return Hit(tr("cross_entropy received probabilities in {n_probs} of {n_calls} sampled calls: every "
                  "row is non-negative and sums to 1 (inputs in [{input_min}, {input_max}]); it expects "
                  "raw logits and applies log_softmax itself",
                  n_probs=len(probs), n_calls=len(calls), input_min=fmt(c.input.min), input_max=fmt(c.input.max)),
               where="cross_entropy input" + (" (model output)" if c.input_is_model_output else ""), step=c.step,
               evidence={"calls_with_probabilities": len(probs), "sampled_calls": len(calls),
                         "input_min": c.input.min, "input_max": c.input.max})


@rule("L203", stage=LIVE)
def nll_on_non_log_probabilities(ctx: Context):
    """nll_loss needs log-probabilities (log_softmax output): logsumexp of each row is 0."""
    calls = [c for c in ctx.signals.loss_calls if c.fn == "nll_loss" and c.row_logsumexp_absmax is not None]
    bad = [c for c in calls if c.row_logsumexp_absmax > ctx.th["lse_tol"]]
    if not bad or len(bad) * 2 < len(calls) or (len(bad) < 2 and not ctx.final):
        return None
    c = bad[0]
    kind = tr("probabilities (softmax output)") if c.probs_like else tr("raw scores (logits)")
    return Hit(tr("nll_loss received {kind}, not log-probabilities: |logsumexp| of a row reaches "
                  "{row_logsumexp_absmax} (0 for log_softmax output) in {n_bad} of {n_calls} calls",
                  kind=kind, row_logsumexp_absmax=fmt(c.row_logsumexp_absmax), n_bad=len(bad), n_calls=len(calls)),
               where="nll_loss input", step=c.step,
               evidence={"row_logsumexp_absmax": c.row_logsumexp_absmax, "probabilities": c.probs_like,
                         "bad_calls": len(bad), "sampled_calls": len(calls)})


def _broadcast_shape(a, b):
    out = []
    for x, y in zip(reversed((1,) * (len(b) - len(a)) + tuple(a)), reversed((1,) * (len(a) - len(b)) + tuple(b))):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(reversed(out))


@rule("L204", stage=LIVE)
def loss_shape_broadcast(ctx: Context):
    """Prediction and target of different shapes broadcast: every prediction meets every target."""
    for c in ctx.signals.loss_calls:
        if c.fn not in ELEMENTWISE or c.target is None:
            continue
        a, b = tuple(c.input.shape), tuple(c.target.shape)
        if a == b or c.input.numel <= 1 or c.target.numel <= 1:
            continue
        joint = _broadcast_shape(a, b)
        if joint is None:
            continue
        size = math.prod(joint)
        if size > max(c.input.numel, c.target.numel):
            return Hit(tr("{fn} got prediction {a} and target {b}, which broadcast to {joint}: {size} "
                          "pairs compared instead of {max_input_numel}",
                          fn=c.fn, a=a, b=b, joint=joint, size=size,
                          max_input_numel=max(c.input.numel, c.target.numel)),
                       where=f"{c.fn}", step=c.step,
                       evidence={"prediction_shape": list(a), "target_shape": list(b), "broadcast_shape": list(joint)})
    if ctx.signals.loss_broadcasts:  # a loss written by hand
        step, op, operand, result, reduced = ctx.signals.loss_broadcasts[0]
        n = result[0]
        if reduced is not None:
            return Hit(tr("the loss's {op} broadcast one number, which {reduction} computed over the whole "
                          "batch ({shape} -> a scalar), against a tensor of shape {target} with no gradient "
                          "(the per-sample target): every sample gets the same value, so no sample is told "
                          "apart from another (a norm or sum without dim=1, e.g. torch.norm(a - b) for "
                          "per-pair distances)",
                          op=op, reduction=reduced[0], shape=tuple(reduced[1]), target=tuple(result)),
                       where=f"loss ({op})", step=step,
                       evidence={"reduction": reduced[0], "reduced_shape": list(reduced[1]),
                                 "broadcast_shape": list(result), "op": op})
        return Hit(tr("the loss's {op} broadcast the model's output of shape {a} against a tensor of shape "
                      "{b} with no gradient (the target) into {joint}: {size} pairs compared instead of {n}, "
                      "every prediction with every target",
                      op=op, a=tuple(operand), b=(n, 1) if len(operand) == 1 else (n,), joint=tuple(result),
                      size=n * n, n=n),
                   where=f"loss ({op})", step=step,
                   evidence={"prediction_shape": list(operand), "broadcast_shape": list(result), "op": op})
    return None


@rule("L208", stage=LIVE)
def sigmoid_before_bcewithlogits(ctx: Context):
    """binary_cross_entropy_with_logits applies the sigmoid itself: probabilities in squash the loss.
    And binary_cross_entropy wants probabilities: logits clamped into [0, 1] to silence its range error
    sit at exactly 0 or 1, where they get no gradient."""
    pinned = _clamped_into_bce(ctx.signals, ctx.th)
    if pinned is not None:
        return pinned
    calls = [c for c in ctx.signals.loss_calls if c.fn == "binary_cross_entropy_with_logits" and c.input.numel >= 8]
    probs = [c for c in calls if c.unit_interval]
    # Sigmoid outputs never leave [0, 1]; logits do, sooner or later (a GAN's discriminator
    # logits can sit inside [0, 1] for a while, never for a whole run).
    if len(probs) < 3 or len(probs) < len(calls) or (not ctx.final and probs[-1].step - probs[0].step < 100):
        return None
    c = probs[0]
    return Hit(tr("binary_cross_entropy_with_logits received values all inside [0, 1] in {n_probs} of "
                  "{n_calls} sampled calls (range [{input_min}, {input_max}]): these look like sigmoid "
                  "outputs, but the loss expects raw logits",
                  n_probs=len(probs), n_calls=len(calls), input_min=fmt(c.input.min), input_max=fmt(c.input.max)),
               where="binary_cross_entropy_with_logits input", step=c.step,
               evidence={"calls_in_unit_interval": len(probs), "sampled_calls": len(calls),
                         "input_min": c.input.min, "input_max": c.input.max})


def _clamped_into_bce(sig, th) -> Hit | None:
    """Early calls of binary_cross_entropy whose inputs are exactly 0 or 1 in a good share of entries: a
    sigmoid reaches 1.0 only past x ~ 17 and 0.0 past -88, which an untrained model's logits do not."""
    early = [c for c in sig.loss_calls if c.fn == "binary_cross_entropy" and c.pinned_share is not None
             and c.step < th["pinned_first_steps"] and c.input.numel >= 8]
    if len(early) < th["min_pinned_calls"] or min(c.pinned_share for c in early) < th["min_pinned_share"]:
        return None
    share = statistics.median(c.pinned_share for c in early)
    return Hit(tr("binary_cross_entropy received inputs at exactly 0 or 1 in {share:.0%} of their entries (median of "
                  "its first {n} sampled calls, before step {steps}): these are values clamped into [0, 1] (logits "
                  "clipped to silence the loss's range error?), not sigmoid probabilities; a clamped entry gets no "
                  "gradient, and a wrong one costs log(0), cut to -100. Pass the raw logits to "
                  "binary_cross_entropy_with_logits (nn.BCEWithLogitsLoss)",
                  share=share, n=len(early), steps=th["pinned_first_steps"]),
               where="binary_cross_entropy input", step=early[0].step,
               evidence={"pinned_share": share, "early_calls": len(early), "input_min": early[0].input.min,
                         "input_max": early[0].input.max})



def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Solve the small linear system a x = b (Gaussian elimination with pivoting); None if singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12 * max(1.0, max(abs(v) for row in m for v in row[:n])):
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def _term_weights(records) -> list[float] | None:
    """The constant weights w with total = sum(w_i * term_i) over the recorded steps, if they fit."""
    k = len(records[0][1])
    rows = [([v for _, v in terms], total) for _, terms, total in records if len(terms) == k]
    fits = lambda w: all(abs(sum(wi * v for wi, v in zip(w, vals)) - total)  # noqa: E731
                         <= 1e-3 * max(abs(total), 1e-12) for vals, total in rows)
    if len(rows) >= k + 2:
        # Columns scaled to unit RMS, so that a term 1e-5 in size is as well conditioned as one of 1e3.
        rms = [max(math.sqrt(sum(r[0][i] ** 2 for r in rows) / len(rows)), 1e-30) for i in range(k)]
        ata = [[sum(r[0][i] * r[0][j] for r in rows) / (rms[i] * rms[j]) for j in range(k)] for i in range(k)]
        atb = [sum(r[0][i] * r[1] for r in rows) / rms[i] for i in range(k)]
        w = _solve(ata, atb)
        w = [wi / rms[i] for i, wi in enumerate(w)] if w is not None else None
        if w is not None and fits(w):
            return [1.0 if abs(wi - 1.0) < 1e-3 else wi for wi in w]
    if all(abs(total - sum(vals)) <= 1e-4 * max(1e-12, abs(total)) for vals, total in rows):
        return [1.0] * k
    return None  # the weights change over the run (a schedule), or the terms are not summed


@rule("L205", stage=LIVE)
def loss_terms_imbalanced(ctx: Context):
    """One term of a composite loss outweighs another by orders of magnitude, so the small one is ignored.

    The terms are the loss calls of one step before its backward; their weights are recovered from the
    backpropagated total (total = sum of w_i * term_i, the same w every step) so that ``ce + 1000 * mse``
    is judged by 1000 * mse. Judged on the first recorded steps, before either term has been learned.
    """
    sig, th = ctx.signals, ctx.th
    records = [r for r in sig.loss_terms if all(math.isfinite(v) for _, v in r[1]) and math.isfinite(r[2])]
    if not records:
        return _gradient_imbalance(ctx)
    k = len(records[0][1])
    records = [r for r in records if len(r[1]) == k and [f for f, _ in r[1]] == [f for f, _ in records[0][1]]]
    if len(records) < th["min_steps"]:
        return _gradient_imbalance(ctx)
    weights = _term_weights(records)
    if weights is None:
        return _gradient_imbalance(ctx)
    scale = max(abs(w) for w in weights)
    active = [i for i, w in enumerate(weights) if abs(w) > 1e-6 * scale]  # terms not in the total: monitoring
    if len(active) < 2:
        return _gradient_imbalance(ctx)
    early = records[:th["early_steps"]]
    # Each term's largest contribution over the early steps: a term that starts at ~0 and grows (a KL
    # term at initialization) is judged by what it grows to.
    peak = {i: max(abs(weights[i] * terms[i][1]) for _, terms, _ in early) for i in active}
    hi, lo = max(peak, key=peak.get), min(peak, key=peak.get)
    ratio = peak[hi] / max(peak[lo], 1e-30)
    if ratio < th["max_ratio"]:
        return _gradient_imbalance(ctx)
    step, terms, total = early[0]
    names = [f"{fn} #{i + 1}" if [f for f, _ in terms].count(fn) > 1 else fn for i, (fn, _) in enumerate(terms)]
    shown = lambda i: (f"{fmt(peak[i] / abs(weights[i]))} x weight {fmt(weights[i])} = {fmt(peak[i])}"  # noqa: E731
                       if weights[i] != 1.0 else fmt(peak[i]))
    return Hit(tr("the loss is a sum of {n_active} terms and {names} ({hi}) outweighs {names2} ({lo}) "
                  "{ratio:.0f}x (largest values over the first {n_early} recorded steps): the gradient "
                  "of {names2} is drowned out; rescale the terms (reduction='mean' for both, or a "
                  "weight)",
                  n_active=len(active), names=names[hi], hi=shown(hi), names2=names[lo], lo=shown(lo), ratio=ratio,
                  n_early=len(early)),
               where=f"loss terms {names[hi]} vs {names[lo]}", step=step,
               evidence={"terms": [[n, v] for n, (_, v) in zip(names, terms)], "weights": weights,
                         "peak_contributions": {names[i]: peak[i] for i in active},
                         "total": total, "ratio": ratio, "dominant": names[hi], "dominated": names[lo]})


def _gradient_imbalance(ctx: Context):
    """By gradient: a loss function's term brings a gradient max_grad_ratio x smaller than another
    term's, or than the rest of the loss (terms written by hand, which the probe sees only in the
    total). Each part by its largest contribution over the weighed steps. The rest is never the small
    side: a hand-written regularizer is meant to be small."""
    sig, th = ctx.signals, ctx.th
    samples = [s for s in sig.loss_term_grads if all(math.isfinite(c) for _, _, c in s[1])
               and math.isfinite(s[2]) and math.isfinite(s[3]) and s[3] > 0]
    if len(samples) < th["min_grad_samples"]:
        return None
    names = [n for n, _, _ in samples[0][1]]
    samples = [s for s in samples if [n for n, _, _ in s[1]] == names]
    if len(samples) < th["min_grad_samples"]:
        return None
    shown = [f"{n} #{i + 1}" if names.count(n) > 1 else n for i, n in enumerate(names)]
    peak = {i: max(s[1][i][2] for s in samples) for i in range(len(names))}
    # The same without the weights the script gave the terms: a term weighted down on purpose
    # (0.01 * aux) is small by choice; a sum beside a mean is small by accident.
    raw = {i: max(s[1][i][2] / abs(s[1][i][1]) for s in samples if s[1][i][1]) for i in peak if peak[i] > 0}
    total = max(s[3] for s in samples)
    rest = max(s[2] for s in samples)
    parts = {i: c for i, c in peak.items() if c > 1e-9 * total}  # 0: a monitored term, not in the total
    if rest > th["min_rest_share"] * total:
        parts["rest"] = raw["rest"] = rest
    if len(parts) < 2:
        return None
    best = None
    for lo in (i for i in parts if i != "rest"):
        hi = max((i for i in parts if i != lo), key=parts.get)
        ratio = parts[hi] / parts[lo]
        if raw[hi] / raw[lo] >= th["max_grad_ratio"] and (best is None or ratio > best[0]):
            best = (ratio, hi, lo)
    if best is None or best[0] < th["max_grad_ratio"]:
        return None
    ratio, hi, lo = best
    hand = tr("the part of the loss written by hand (not a torch loss function)")
    name_hi = hand if hi == "rest" else shown[hi]
    return Hit(tr("the loss is a sum of parts and the gradient of {hi} is {ratio:.0f}x that of {lo} "
                  "(gradient norms {c_hi} against {c_lo}, each its largest over {n} early steps): {lo} "
                  "barely trains the model; rescale the parts (the same reduction for both: a sum over "
                  "the batch or the features beside a mean is the usual cause, or a weight)",
                  hi=name_hi, lo=shown[lo], ratio=ratio, c_hi=fmt(parts[hi]), c_lo=fmt(parts[lo]), n=len(samples)),
               where=f"loss terms {'hand-written' if hi == 'rest' else shown[hi]} vs {shown[lo]}",
               step=samples[0][0],
               evidence={"gradient_contributions": {("hand-written" if i == "rest" else shown[i]): c
                                                    for i, c in parts.items()},
                         "weights": [w for _, w, _ in samples[0][1]],
                         "total_gradient_norm": total, "ratio": ratio, "steps": [s[0] for s in samples],
                         "dominant": "hand-written" if hi == "rest" else shown[hi], "dominated": shown[lo]})


HIGHER_IS_BETTER = ("acc", "f1", "auc", "precision", "recall", "iou", "dice", "map", "bleu", "r2", "score")


def _window_means(points: list[tuple[int, float]], first: int, last: int) -> tuple[float, float] | None:
    """Mean of the values in the first and in the last quarter of the steps [first, last]."""
    span = max(last - first, 1)
    early = [v for s, v in points if s <= first + span / 4]
    late = [v for s, v in points if s >= last - span / 4]
    if not early or not late:
        return None
    return sum(early) / len(early), sum(late) / len(late)


@rule("L206")
def loss_metric_disagree(ctx: Context):
    """The loss goes down but accuracy (or the user's metric) does not move."""
    sig, th = ctx.signals, ctx.th
    losses = [(s, v) for s, v in sig.losses if math.isfinite(v)]
    if len(losses) < th["min_points"]:
        return None
    first, last = losses[0][0], losses[-1][0]
    loss_start, loss_end = _window_means(losses, first, last)
    if loss_start <= 0 or (loss_start - loss_end) / loss_start < th["min_loss_drop"]:
        return None
    drop = (loss_start - loss_end) / loss_start
    series: list[tuple[str, list[tuple[int, float]]]] = []
    for name, points in sig.metrics.items():
        if any(key in name.lower() for key in HIGHER_IS_BETTER) and "loss" not in name.lower():
            series.append((name, points))
    acc = [(c.step, c.accuracy) for c in sig.loss_calls if c.accuracy is not None]
    if acc and not series:
        # The accuracy of the loss calls that scored it: those calls' own loss must have fallen too (a
        # total can fall by a term that does not pass through the outputs: a KL over the weights).
        own = [(c.step, c.value) for c in sig.loss_calls if c.accuracy is not None and math.isfinite(c.value)]
        means = _window_means(own, first, last) if len(own) >= th["min_points"] else None
        if means is not None and means[0] > 0 and (means[0] - means[1]) / means[0] < th["min_loss_drop"]:
            return None
        series.append(("training batch accuracy", acc))
    improved = False
    for name, points in series:
        points = [(s, v) for s, v in points if math.isfinite(v)]
        values = [v for _, v in points]
        if len(values) < (th["min_metric_points"] if name in sig.metrics else th["min_points"]):
            continue
        means = _window_means(points, first, last)
        if means is None:
            continue
        start, end = means
        bounded = min(values) >= 0 and max(values) <= 1.0
        if bounded and start >= th["ceiling"]:
            continue  # already at the top: nothing left to gain
        spread = max(abs(start), abs(end), 1e-12)
        if end - start >= th["min_metric_gain"] * (1.0 if bounded else spread) \
                or (bounded and start < 1 and end - start >= th["min_error_cut"] * (1 - start)):
            improved = True
            continue
        return Hit(tr("the training loss fell {drop:.0%} ({loss_start} -> {loss_end}, first vs last "
                      "quarter of steps {first}-{last}) but {name} did not improve ({start} -> {end} "
                      "over {n_values} points): the loss is optimizing something the metric does not "
                      "reward (class prior, wrong targets, or a metric bug)",
                      drop=drop, loss_start=fmt(loss_start), loss_end=fmt(loss_end), first=first, last=last,
                      name=name, start=fmt(start), end=fmt(end), n_values=len(values)),
                   where=name, step=points[-1][0],
                   evidence={"loss_start": loss_start, "loss_end": loss_end, "loss_drop": drop, "metric": name,
                             "metric_start": start, "metric_end": end, "metric_points": len(values)})
    if improved:
        return None  # the metric moved: a loss still above the prior level is overconfident, not blind
    # Without a metric: a loss that fell only to the level of predicting the label frequencies (ignoring
    # the input) bought no accuracy. That level is the entropy of the labels, per output.
    prior = _prior_level(sig)
    if prior is None:
        return None
    level, label = prior
    if loss_end < (1 - th["prior_tol"]) * level:
        return None
    return Hit(tr("the training loss fell {drop:.0%} ({loss_start} -> {loss_end}, first vs last quarter "
                  "of steps {first}-{last}) but not below {level}, the loss of a model that ignores its "
                  "input and predicts the label frequencies ({label}): the fall is the class prior "
                  "being learned, and accuracy cannot have moved beyond always predicting the most "
                  "frequent answer",
                  drop=drop, loss_start=fmt(loss_start), loss_end=fmt(loss_end), first=first, last=last,
                  level=fmt(level), label=label),
               where=f"{sig.loss_calls[0].fn} (training loss)", step=last,
               evidence={"loss_start": loss_start, "loss_end": loss_end, "loss_drop": drop, "prior_level": level,
                         "prior": label})


def _entropy(probs) -> float:
    return -sum(p * math.log(p) for p in probs if p > 0)


def _prior_level(sig) -> tuple[float, str] | None:
    """The mean loss of predicting the label frequencies, when one mean-reduced classification loss is used."""
    calls = sig.loss_calls
    if not calls or sig.loss_terms or len({c.fn for c in calls}) != 1 or any(c.reduction != "mean" for c in calls):
        return None
    fn = calls[0].fn
    if any(c.has_weight or c.has_pos_weight or c.label_smoothing for c in calls):
        return None
    if fn in BINARY_LOSSES:
        targets = [c.target for c in calls if c.target is not None]
        if len(targets) != len(calls) or not all(t.integral and t.min >= 0 and t.max <= 1 for t in targets):
            return None
        p = sum(t.mean * t.numel for t in targets) / max(1, sum(t.numel for t in targets))
        return _entropy((p, 1 - p)), tr("{p:.1%} of the binary targets are 1",
                                        p=p)
    if fn in CLASS_INDEX_LOSSES and sig.class_counts:
        total = sum(sig.class_counts.values())
        probs = [n / total for n in sig.class_counts.values()]
        top = max(probs)
        return _entropy(probs), tr("{n_probs} classes, the most frequent {top:.1%}",
                                   n_probs=len(probs), top=top)
    return None


LOGIT_LOSSES = ("cross_entropy", "binary_cross_entropy_with_logits")  # losses that take raw logits


@rule("L209", stage=LIVE)
def wrong_output_activation(ctx: Context):
    """The final activation cannot produce what the loss needs: ReLU/sigmoid/tanh outputs against targets
    outside their range, or a ReLU/sigmoid on the logits of a cross-entropy loss."""
    sig, th = ctx.signals, ctx.th
    act = sig.output_activation
    kind = act[1] if act else None
    if kind is None:
        clamped = _functional_relu_logits(sig, th)
        if clamped is not None:
            return clamped
    calls = [c for c in sig.loss_calls if c.input_is_model_output and c.target is not None]
    if len(calls) < th["min_calls"] and not (ctx.final and calls):
        return None
    where = f"{act[0]} ({kind}) -> " if act else ""
    # Sigmoid before binary_cross_entropy_with_logits is L208's.
    logit_calls = [c for c in calls if c.fn in LOGIT_LOSSES
                   and not (kind == "Sigmoid" and c.fn == "binary_cross_entropy_with_logits")]
    if logit_calls and kind in ("ReLU", "ReLU6", "Softplus", "Sigmoid"):
        c = logit_calls[0]
        consequence = (tr("every logit >= 0, so every predicted probability is >= 0.5")
                       if c.fn == "binary_cross_entropy_with_logits" else
                       tr("logits cannot be negative, and a class whose logit hits 0 gets no gradient")
                       if kind in ("ReLU", "ReLU6") else tr("the logits are squashed into a narrow range"))
        return Hit(tr("the model's output passes through {kind} ({act}) before {fn}, which expects raw "
                      "logits: outputs in [{input_min}, {input_max}]; {consequence}",
                      kind=kind, act=act[0], fn=c.fn, input_min=fmt(c.input.min), input_max=fmt(c.input.max),
                      consequence=consequence),
                   where=f"{where}{c.fn}", step=c.step,
                   evidence={"activation": kind, "module": act[0], "loss": c.fn,
                             "output_min": c.input.min, "output_max": c.input.max})
    bounds = {"ReLU": (0.0, None), "ReLU6": (0.0, 6.0), "Softplus": (0.0, None), "Sigmoid": (0.0, 1.0),
              "Tanh": (-1.0, 1.0), "Hardtanh": (-1.0, 1.0), "Softmax": (0.0, 1.0)}
    regress = [c for c in calls if c.fn in REGRESSION_LOSSES + ("binary_cross_entropy",) and c.target.is_floating]
    if not regress:
        return None
    if kind in bounds:
        lo, hi = bounds[kind]
        label = f"{kind} ({act[0]})"
    else:
        # No activation module: a functional ReLU leaves the predictions exactly >= 0 in every call.
        if len(regress) < th["min_calls"] or not all(c.input.min == 0.0 for c in regress):
            return None
        lo, hi, label = 0.0, None, "a ReLU (every prediction >= 0, many exactly 0)"
    out = [c for c in regress
           if (c.target.min < lo - th["margin"] * max(c.target.std, 1e-12) and c.target.mean < lo + c.target.std)
           or (hi is not None and c.target.max > hi + th["margin"] * max(c.target.std, 1e-12))]
    if not out or len(out) * 2 < len(regress):
        return None
    c = out[0]
    rng = f"[{fmt(lo)}, {fmt(hi)}]" if hi is not None else f"[{fmt(lo)}, inf)"
    return Hit(tr("the model's output goes through {label}, which can only produce values in {rng}, but "
                  "the {fn} targets lie in [{target_min}, {target_max}] (mean {target_mean}) in {n_out} "
                  "of {n_regress} sampled calls: part of the targets is unreachable",
                  label=label, rng=rng, fn=c.fn, target_min=fmt(c.target.min), target_max=fmt(c.target.max),
                  target_mean=fmt(c.target.mean), n_out=len(out), n_regress=len(regress)),
               where=f"{where}{c.fn}", step=c.step,
               evidence={"activation": kind or "relu (functional)", "output_range": [lo, hi],
                         "target_min": c.target.min, "target_max": c.target.max, "target_mean": c.target.mean,
                         "calls": len(out), "sampled_calls": len(regress)})


def _functional_relu_logits(sig, th) -> Hit | None:
    """Logits through a functional ReLU (``F.relu`` on the last layer, no module to see): the smallest logit
    is exactly 0 in every sampled call, where a linear layer's logits reach below 0. Calls on a slice of
    the output (``out[train_mask]``) count as well: they are the same logits."""
    calls = [c for c in sig.loss_calls if c.fn in LOGIT_LOSSES and c.input.is_floating and c.input.numel > 1
             and c.reduction != "failed" and not c.probs_like]
    if len(calls) < th["min_calls"] or not all(c.input.min == 0.0 for c in calls):
        return None
    c = calls[0]
    return Hit(tr("every logit {fn} gets is >= 0 and the smallest is exactly 0 in all {n} sampled calls (outputs "
                  "in [0, {input_max}]): the model's output goes through a ReLU (F.relu on the last layer?) "
                  "before {fn}, which expects raw logits; logits cannot be negative, and a class whose logit "
                  "hits 0 gets no gradient",
                  fn=c.fn, n=len(calls), input_max=fmt(max(x.input.max for x in calls))),
               where=f"{c.fn} input", step=c.step,
               evidence={"activation": "relu (functional)", "loss": c.fn, "calls": len(calls),
                         "output_min": 0.0, "output_max": max(x.input.max for x in calls)})


@rule("L210", stage=LIVE)
def wrong_loss_for_task(ctx: Context):
    """The loss does not fit the targets: a regression loss on class indices or one-hot rows,
    or a classification loss on continuous targets.

    Known false positive: a real count regressed with one output (0..k items, k <= max_classes).
    """
    sig, th = ctx.signals, ctx.th
    single = [c for c in sig.loss_calls if c.fn in CLASS_INDEX_LOSSES and c.classes == 1]
    if len(single) >= th["min_calls"]:
        return Hit(tr("{fn} gets one output per sample ({shape}): a softmax over one class is always 1, so the "
                      "loss is {value} whatever the model outputs and no gradient reaches it. Two classes need "
                      "two outputs with {fn}, or one logit with binary_cross_entropy_with_logits (BCEWithLogitsLoss)",
                      fn=single[0].fn, shape=tuple(single[0].input.shape), value=fmt(single[-1].value)),
                   where=f"{single[0].fn} input", step=single[0].step, severity="error",
                   evidence={"calls": len(single), "input_shape": list(single[0].input.shape)},
                   explains=("M303",))  # (a loss exactly 0 leaves every gradient exactly zero)
    calls = [c for c in sig.loss_calls if c.target is not None and c.target.numel > 1 and not c.target.nonfinite]
    if len(calls) < th["min_calls"] and not (ctx.final and calls):
        return None
    regress = [c for c in calls if c.fn in REGRESSION_LOSSES]
    onehot = [c for c in regress if c.target.integral and c.target.min == 0 and c.target.max == 1
              and len(c.target.shape) == 2 and c.target.shape[1] >= 3 and tuple(c.target.shape) == tuple(c.input.shape)
              and abs(c.target.mean * c.target.shape[1] - 1) < 1e-6]
    if onehot and len(onehot) * 2 >= len(regress) and len(onehot) >= min(th["min_calls"], len(regress)):
        c = onehot[0]
        return Hit(tr("{fn} compares the outputs {input_shape} with one-hot targets (0/1, exactly one 1 "
                      "per row over {target_shape} columns) in {n_onehot} of {n_regress} sampled calls: "
                      "a classification trained as regression; cross_entropy on the logits with class "
                      "indices learns faster and calibrates",
                      fn=c.fn, input_shape=tuple(c.input.shape), target_shape=c.target.shape[1],
                      n_onehot=len(onehot), n_regress=len(regress)),
                   where=f"{c.fn} target", step=c.step,
                   evidence={"loss": c.fn, "target_shape": list(c.target.shape), "calls": len(onehot)})
    indices = [c for c in regress if c.target.integral and c.target.min == 0
               and 2 <= c.target.max <= th["max_classes"] and c.input.numel == c.input.shape[0]
               and c.target.numel == c.input.numel]
    if indices and len(indices) * 2 >= len(regress) and len(indices) >= min(th["min_calls"], len(regress)):
        c = indices[0]
        top = int(max(x.target.max for x in indices))
        return Hit(tr("{fn} regresses one output per sample onto integer targets 0..{top} in "
                      "{n_indices} of {n_regress} sampled calls: these look like class indices, and a "
                      "regression loss treats class {top} as {top}x further from class 0 than class 1 "
                      "is; use cross_entropy with {top2} outputs (or say so if the values are real "
                      "counts)",
                      fn=c.fn, top=top, n_indices=len(indices), n_regress=len(regress), top2=top + 1),
                   where=f"{c.fn} target", step=c.step,
                   evidence={"loss": c.fn, "target_min": 0, "target_max": top, "calls": len(indices)})
    soft = [c for c in calls if c.fn in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy")
            and c.target.is_floating and not c.target.integral
            and (c.target.min < -1e-6 or c.target.max > 1 + 1e-6)]
    classif = [c for c in calls if c.fn in ("binary_cross_entropy", "binary_cross_entropy_with_logits",
                                            "cross_entropy")]
    if soft and len(soft) * 2 >= len(classif) and len(soft) >= min(th["min_calls"], len(classif)):
        c = soft[0]
        return Hit(tr("{fn} got continuous targets in [{target_min}, {target_max}] (mean {target_mean}, "
                      "not 0/1 labels or probabilities) in {n_soft} of {n_classif} sampled calls: a "
                      "regression task needs a regression loss such as mse_loss",
                      fn=c.fn, target_min=fmt(c.target.min), target_max=fmt(c.target.max),
                      target_mean=fmt(c.target.mean), n_soft=len(soft), n_classif=len(classif)),
                   where=f"{c.fn} target", step=c.step,
                   evidence={"loss": c.fn, "target_min": c.target.min, "target_max": c.target.max,
                             "calls": len(soft)})
    return None

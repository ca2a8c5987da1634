"""Active codes: judges of the pre-flight experiments (``signals.experiments``, filled by
``nndoctor.preflight`` on copies of the model at the first training step or by ``nndoctor.check``).

Each rule reads one experiment's result; a skipped experiment (``{"skipped": reason}``) or a
missing one leaves its rule silent. G401/G402 (``lr_range``) and L201 (``initial_loss``) are
judged in their own families.
"""
from __future__ import annotations

import collections
import math
import statistics

from nndoctor.i18n import tr
from nndoctor.rules.base import LIVE, Context, Hit, fmt, names_list, rule
from nndoctor.signals import BINARY_LOSSES, CLASS_INDEX_LOSSES, REGRESSION_LOSSES


ACTIVATIONS = {"ReLU", "ReLU6", "LeakyReLU", "ELU", "GELU", "SiLU", "Tanh", "Sigmoid", "Softplus", "Mish", "Hardtanh",
               "PReLU", "SELU", "CELU", "Hardswish", "Hardsigmoid", "Softsign", "Threshold", "LogSigmoid"}


SEQUENCE_LAYERS = {"RNN", "LSTM", "GRU", "MultiheadAttention", "TransformerEncoder", "TransformerDecoder",
                   "TransformerEncoderLayer", "TransformerDecoderLayer", "Transformer", "Conv1d"}


def _result(ctx: Context, name: str) -> dict | None:
    r = ctx.signals.experiments.get(name)
    return r if isinstance(r, dict) and "skipped" not in r else None


def _curve_text(curve: list, limit: int = 6) -> str:
    if not curve:
        return ""
    step = max(1, len(curve) // limit)
    picks = curve[::step][:limit] + ([curve[-1]] if (len(curve) - 1) % step else [])
    return ", ".join(f"{int(k)}: {fmt(v)}" for k, v in picks)


# Losses that grow with the residual itself, not its square: they fall as the square root of what a
# squared-error or cross-entropy loss does for the same fit (thresholds M308 max_ratio_linear).
LINEAR_LOSSES = {"l1_loss"}


@rule("M308", stage=LIVE)
def cannot_overfit(ctx: Context):
    """A copy of the model, trained alone on one small batch (dropout off, Adam, no weight decay),
    must drive the loss near zero within a few hundred steps (Karpathy's "overfit one batch";
    TheDeepChecker: 16 samples). If it cannot, the model, the loss or the data pipeline has a bug,
    or the model is far too small.

    Known false positives avoided: soft targets (binary cross-entropy on grey levels in [0, 1]) cannot
    go below their entropy, so the fall is measured down to that floor; an L1 loss falls as the square
    root of a squared one (its own limit); the end value is robust to one noisy last step; a slow
    learner whose loss still fell by ``still_learning`` over the second half of the steps gets no
    verdict (measured: a healthy LSTM on 16 sequences fell 55% over steps 99-199, a one-unit bottleneck 16%);
    at the end, a run whose own loss late in training (over all its data) is below the copy's on 16
    samples turns the finding into info: the model can fit, the copy was slow (a CORAL ordinal model)."""
    r = _result(ctx, "overfit")
    if r is None or r.get("ratio") is None or not math.isfinite(r["ratio"]):
        return None
    th = ctx.th
    limit = th["max_ratio_linear"] if r.get("loss_fn") in LINEAR_LOSSES else th["max_ratio"]
    fitted = r["ratio"] <= limit or (r.get("accuracy") is not None and r["accuracy"] >= 1.0
                                     and r["ratio"] <= th["max_ratio_when_accurate"])
    if fitted or r["steps"] < min(th["min_steps"], r.get("max_steps", th["min_steps"])):
        return None
    if r.get("timed_out") and _still_falling(r.get("curve") or [], th["still_falling"]):
        return None  # the time budget ran out while the loss was still falling fast: no verdict
    if _second_half_fall(r.get("curve") or []) >= th["still_learning"]:
        return None  # a slow learner (an LSTM) still learning fast when the steps ran out: no verdict
    if r.get("steepness") is not None and r["steepness"] >= th["max_steepness"]:
        return None  # near-equal inputs with different targets: slow to memorize for any model, no verdict
    run_loss = _run_fit(ctx, r)
    if run_loss is not None and run_loss <= r["loss_end"]:  # the copy ran out of steps, the model can fit
        return Hit(tr("a copy trained alone on {samples} samples for {steps} steps only took the loss from "
                      "{loss_start} to {loss_end}, but the run itself reached {run_loss} over all its data late "
                      "in training: the model can fit, the copy was slow (a structured output such as ordinal "
                      "thresholds fits a few samples slowly)",
                      samples=r['samples'], steps=r['steps'], loss_start=fmt(r['loss_start']),
                      loss_end=fmt(r['loss_end']), run_loss=fmt(run_loss)),
                   where="pre-flight: overfit one batch", step=0, evidence={**r, "run_loss": run_loss},
                   severity="info")
    revisable = not ctx.final
    acc = tr(", accuracy {accuracy:.0f}%",
             accuracy=100 * r['accuracy']) if r.get("accuracy") is not None else ""
    if r.get("loss_floor"):
        floor_is = (tr("the entropy of its soft targets") if r.get("floor_kind") == "soft_targets"
                    else tr("the loss of predicting every count exactly"))
        return Hit(tr("a copy trained alone on {samples} samples for {steps} steps ({optimizer}, dropout "
                      "off) only took the loss from {loss_start} to {loss_end}: {percent_left:.0f}% of the "
                      "gap down to {loss_floor}, the lowest loss its targets allow ({floor_is}{acc}), is "
                      "left; a healthy model memorizes so few samples. Loss by step: {curve}",
                      samples=r['samples'], steps=r['steps'], optimizer=r['optimizer'],
                      loss_start=fmt(r['loss_start']), loss_end=fmt(r['loss_end']), percent_left=100 * r['ratio'],
                      loss_floor=fmt(r['loss_floor']), floor_is=floor_is, acc=acc,
                      curve=_curve_text(r.get('curve', []))),
                   where="pre-flight: overfit one batch", step=0, evidence=r, revisable=revisable)
    return Hit(tr("a copy trained alone on {samples} samples for {steps} steps ({optimizer}, dropout "
                  "off) only took the loss from {loss_start} to {loss_end} ({percent_left:.0f}% of the "
                  "start{acc}); a healthy model memorizes so few samples. Loss by step: {curve}",
                  samples=r['samples'], steps=r['steps'], optimizer=r['optimizer'],
                  loss_start=fmt(r['loss_start']), loss_end=fmt(r['loss_end']), percent_left=100 * r['ratio'], acc=acc,
                  curve=_curve_text(r.get('curve', []))),
               where="pre-flight: overfit one batch", step=0, evidence=r, revisable=revisable)


def _run_fit(ctx: Context, r: dict) -> float | None:
    """The loss the run itself reached, late in training, with the loss function the copy was trained
    with (its own value, before any scaling the script applies for backward): the median of its last
    three sampled calls in the second half of the run. A structured model (ordinal thresholds, a
    bottleneck by design) may memorize 16 samples slowly, yet a model that cannot fit shows it in the
    run too: its loss over all the data stays above the copy's on a few samples."""
    sig = ctx.signals
    if not ctx.final or not sig.steps:
        return None
    late = [c.value for c in sig.loss_calls
            if c.fn == r.get("loss_fn") and c.step >= sig.steps / 2 and math.isfinite(c.value)]
    return statistics.median(late[-3:]) if late else None


def _second_half_fall(curve: list) -> float:
    """How much of its loss the copy lost over the second half of its steps (0 when it rose)."""
    if len(curve) < 2 or not curve[-1][0]:
        return 0.0
    last_step, last = curve[-1]
    half = [v for k, v in curve if 0 < k <= last_step / 2]  # a point inside the run, not its start
    return max(0.0, 1 - last / half[-1]) if half and half[-1] > 0 else 0.0


def _still_falling(curve: list, factor: float, span: int = 10) -> bool:
    """The loss fell by more than ``factor`` over the last ``span`` steps of the curve."""
    if len(curve) < 2:
        return False
    last_step, last = curve[-1]
    earlier = [v for k, v in curve if k <= last_step - span]
    return bool(earlier) and earlier[-1] > 0 and last < (1 - factor) * earlier[-1]


@rule("M309", stage=LIVE)
def input_ignored(ctx: Context):
    """The model's output does not change when its input is replaced by zeros or by random values
    of the same shape: the input is multiplied away, overwritten, or never used."""
    r = _result(ctx, "input_ignored")
    if r is None:
        return None
    states = [r[k] for k in ("init", "trained") if k in r]
    if not states or any(not s["sensitivity"] <= ctx.th["max_sensitivity"] for s in states):
        return None  # (a NaN sensitivity is no evidence either)
    last = states[-1]
    if last.get("lost_at_kind") in ACTIVATIONS:
        return None  # dead or saturated units swallow the input: M306/M307's business
    if not last.get("lost_at") and last["sensitivity"] > 1e-9:
        return None  # the dependence fades layer by layer (vanishing signal, G404), it is not cut
    if last.get("lost_at"):
        where_lost = tr("; the dependence is cut at `{lost_at}` ({lost_at_kind}), its output is "
                        "identical",
                        lost_at=last['lost_at'], lost_at_kind=last['lost_at_kind'])
    else:
        where_lost = tr("; no layer sees the input change (it is replaced or multiplied away in forward)")
    after = tr(" even after training on the batch") if "trained" in r else ""
    loss = (tr("; loss {loss_real} with the real inputs, {loss_zeros} with zeros",
               loss_real=fmt(last['loss_real']), loss_zeros=fmt(last['loss_zeros']))
            if "loss_real" in last else "")
    return Hit(tr("the model's outputs are the same with the real inputs, all-zero inputs and random "
                  "inputs{after} (mean relative change {sensitivity}){loss}{where_lost}: the model "
                  "ignores its input",
                  after=after, sensitivity=fmt(last['sensitivity']), loss=loss, where_lost=where_lost),
               where="pre-flight: real vs zero/random inputs", step=0, evidence=r)


@rule("M304", stage=LIVE)
def batch_mixing(ctx: Context):
    """In eval mode (so BatchNorm's legitimate coupling is off), an output of sample i must not
    change when only sample j's input changes (Karpathy's batch-independence test)."""
    r = _result(ctx, "batch_mixing")
    if r is None or not r["output_mixing_fraction"] > ctx.th["max_mixing_fraction"]:
        return None
    layer = r.get("first_mixing_layer")
    if layer and r.get("mixed_before_layer"):
        where = tr("before `{layer}`: its input already mixes samples (a view/reshape in forward?)",
                   layer=layer)
    elif layer and r.get("first_mixing_kind") in SEQUENCE_LAYERS:
        where = (tr("in `{layer}` ({kind}): it gets each sample's values unmixed but "
                    "combines them across what it takes for the batch dimension; the input's layout "
                    "does not match its batch_first setting: for (batch, time, features) inputs build it "
                    "with batch_first=True, else transpose the input (not a view/reshape)",
                    layer=layer, kind=r['first_mixing_kind']))
    elif layer:
        where = tr("in `{layer}` ({kind}): its input is clean, its output mixes samples",
                   layer=layer, kind=r.get("first_mixing_kind"))
    else:
        where = tr("in the forward code")
    return Hit(tr("{percent:.0f}% of the model's outputs depend on the inputs of more than one sample of "
                  "the batch (eval mode, {samples} samples perturbed one at a time); the mixing starts "
                  "{where}",
                  percent=100 * r['output_mixing_fraction'], samples=r['samples'], where=where),
               where=layer or "", step=0, evidence=r)


@rule("M301", stage=LIVE)
def custom_gradient_wrong(ctx: Context):
    """torch.autograd.gradcheck (float64, fast mode, at two nearby points) fails on a custom
    autograd.Function or on a module class defined outside torch."""
    r = _result(ctx, "gradcheck")
    if r is None or not r["failed"]:
        return None
    # A failing autograd.Function is the culprit; a failing hand-written module without one has
    # its gradient cut (detach, .data, numpy: M303's business) or computed in lower precision,
    # so it stays in the evidence but is not raised here.
    culprits = [f for f in r["failed"] if f["kind"] == "function"]
    if not culprits:
        return None
    worst = culprits[0]
    names = [f"autograd.Function {c['name']}" for c in culprits]
    used_in = [m["name"] for m in r["failed"] if m["kind"] == "module" and set(m.get("functions", ())) &
               {c["name"] for c in culprits}]
    if used_in:
        names[-1] += tr(" (used in `{used_in}`)",
                        used_in=names_list(used_in, 3))
    return Hit(tr("numerical gradient check failed for {names}: along a random direction the backward "
                  "gives {analytic}, finite differences give {numerical}",
                  names=names_list(names), analytic=fmt(worst.get('analytic', 0.0)),
                  numerical=fmt(worst.get('numerical', 0.0))),
               where=worst["name"], step=0, evidence=r)


@rule("D104", stage=LIVE)
def labels_unlearnable(ctx: Context):
    """Copies learn the true targets no faster than random permutations of them, and trained on
    one half of the captured samples they predict the other, held-out half no better than the
    label frequencies (or mean target) do: the targets carry no signal from the inputs (shuffled
    apart, misaligned or random)."""
    for passive in (_flattened_apart, _constant_targets):
        hit = passive(ctx)
        if hit is not None:
            return hit
    r = _result(ctx, "labels")
    if r is None or not (r["advantage"] < ctx.th["min_advantage"] and r["heldout_gain"] < ctx.th["min_heldout_gain"]
                         and r["heldout_advantage"] < ctx.th["min_heldout_advantage"]):
        return None
    if r.get("label_diversity") is not None and r["label_diversity"] < ctx.th["min_label_diversity"]:
        return None  # nearly one class: a permutation hardly changes the labels, nothing to compare
    if min(r["true_auc"], r["permuted_auc"]) > ctx.th["max_auc_learned"]:
        return None  # the copy learns nothing at all in the experiment: no verdict on the labels
    # The model itself must be able to learn: a model that cannot fit one batch, ignores its
    # input or mixes samples learns no labels, true or not (M308/M309/M304 say why).
    fit = ctx.signals.experiments.get("overfit") or {}
    if "ratio" in fit and not (fit["ratio"] is not None and (fit["ratio"] <= 0.1 or fit.get("accuracy") == 1.0)):
        return None
    aug = ctx.signals.experiments.get("augmentation") or {}
    if aug.get("augmented") and aug.get("drop_fixed", 0) > 0 and aug.get("drop_augmented", 1) < 0.2 * aug["drop_fixed"]:
        return None  # the captured samples are augmented beyond recognition: D114's business
    mixing = ctx.signals.experiments.get("batch_mixing") or {}
    if mixing.get("output_mixing_fraction"):
        return None
    ignored = (ctx.signals.experiments.get("input_ignored") or {}).get("trained") or {}
    if ignored.get("sensitivity") is not None and ignored["sensitivity"] <= 1e-4:
        return None
    # 32 captured samples are few for a slow learner (an LSTM): the run itself has the last word. Wait
    # until it has shown whether it learns the labels (a slow learner takes epochs; shuffled labels
    # are memorized far more slowly still, Zhang et al. 2017).
    sig = ctx.signals
    per_epoch = max([-(-info.dataset_len // info.batch_size) for info in sig.loaders
                     if info.dataset_len and info.batch_size] or [0])
    wait = ctx.th["wait_epochs"] * per_epoch if per_epoch else ctx.th["wait_steps"]
    if not ctx.final and sig.steps < wait:
        return None
    if run_learns_labels(sig, per_epoch * ctx.th["wait_epochs"] or ctx.th["fresh_steps"],
                         ctx.th["run_learned_share"], ctx.th["val_learned_share"]) is not None:
        return None
    return Hit(tr("on {samples} captured samples, copies learn the true labels no faster than shuffled "
                  "ones (mean loss over {steps} steps {true_auc} vs {permuted_auc} of the start) and on "
                  "held-out samples they do no better than predicting the label frequencies (loss "
                  "{heldout_true} vs {heldout_baseline}): the labels do not go with the inputs",
                  samples=r['samples'], steps=r['steps'], true_auc=fmt(r['true_auc']),
                  permuted_auc=fmt(r['permuted_auc']), heldout_true=fmt(r['heldout_true']),
                  heldout_baseline=fmt(r['heldout_baseline'])),
               where="pre-flight: true vs shuffled labels", step=0, evidence=r)


def _flattened_apart(ctx: Context) -> Hit | None:
    """Predictions flattened from (A, B, ...) and targets from (B, A): a sequence model's (T, N, C)
    logits against batch-first (N, T) tags, both viewed as one long batch, so each position is
    scored against another sample's target. In most of the sampled calls of a loss function."""
    calls = [c for c in ctx.signals.loss_calls if c.target is not None and c.reduction != "failed"]
    if not calls:
        return None
    apart = [c for c in calls if c.flattened_from is not None and c.flattened_from[0] != c.flattened_from[1]
             and c.flattened_from[0] == c.flattened_from[1][::-1]]
    same_fn = [c for c in calls if apart and c.fn == apart[0].fn]
    if not apart or len(apart) * 2 <= len(same_fn) or (len(apart) < 3 and not ctx.final):
        return None
    c = apart[0]
    (a, b), target_dims = c.flattened_from
    return Hit(tr("{fn} gets predictions flattened from a ({a}, {b}, ...) tensor and targets flattened "
                  "from a ({b}, {a}) one, in {n_apart} of {n_calls} sampled calls: position i of one "
                  "is not position i of the other, so most outputs are scored against another "
                  "sample's target (a sequence-first output against batch-first targets); transpose "
                  "one of them before flattening",
                  fn=c.fn, a=a, b=b, n_apart=len(apart), n_calls=len(same_fn)),
               where=f"{c.fn} input vs target", step=c.step,
               evidence={"input_flattened_from": [a, b], "target_flattened_from": list(target_dims),
                         "input_shape": list(c.input.shape), "calls": len(apart), "sampled_calls": len(same_fn)})


# Losses whose target is a value per output (not a class index: a contrastive model's positives all sit
# at index 0, so constant class targets are a healthy MoCo/InfoNCE; L206 judges a class prior learned).
VALUE_TARGET_LOSSES = REGRESSION_LOSSES + BINARY_LOSSES


def _constant_targets(ctx: Context) -> Hit | None:
    """Every target of the run's one training loss is the same number, batch after batch: a targets
    buffer never filled, a Dataset returning one label, a column of zeros. Nothing ties the targets to
    the inputs, so the model learns to output that number whatever it is given. Spared: composite
    losses (a PINN's boundary and residual terms fitted to 0), targets the model returns itself, an
    input that is not the model's output (a residual), several optimizers (a GAN's generator step)."""
    sig, th = ctx.signals, ctx.th
    calls = [c for c in sig.loss_calls if c.reduction != "failed"]
    if len(calls) < th["min_constant_calls"] or len(sig.optimizers) > 1 \
            or len({c.step for c in calls}) < len(calls):
        return None
    first = calls[0].target
    if first is None or first.nonfinite or first.min != first.max:
        return None
    value = first.min
    for c in calls:
        t = c.target
        if c.fn not in VALUE_TARGET_LOSSES or t is None or not c.input_is_model_output or c.target_from_model \
                or t.nonfinite or t.min != value or t.max != value:
            return None
    targets = sum(c.target.numel for c in calls)
    if targets < th["min_constant_targets"]:
        return None
    losses = [v for _, v in sig.losses if math.isfinite(v)]
    fall = tr("; the loss went from {first} to {last}", first=fmt(losses[0]), last=fmt(losses[-1])) if losses else ""
    return Hit(tr("all {targets} targets of {fn} in the {calls} sampled steps ({start}-{end}) are {value}: the "
                  "targets never vary, so the model learns to output {value} whatever its input{fall}; check how "
                  "the targets are built (a buffer never filled, a Dataset returning the same label, a wrong column)",
                  targets=targets, fn=calls[0].fn, calls=len(calls), start=calls[0].step, end=calls[-1].step,
                  value=fmt(value), fall=fall),
               where=f"{calls[0].fn} target", step=calls[0].step, explains=("G406", "L206", "G409"),
               evidence={"target_value": value, "targets": targets, "sampled_calls": len(calls),
                         "steps": [calls[0].step, calls[-1].step], "fn": calls[0].fn,
                         "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None})


def run_learns_labels(sig, window: int, share: float, val_share: float) -> dict | None:
    """Evidence from the run that its targets go with its inputs: a validation loss, or the accuracy
    on training batches in the first ``window`` steps (the first epochs, before shuffled labels could
    be memorized), that closes ``share`` of the gap between the label statistics (class frequencies /
    mean target) and a perfect fit. Where the validation labels are known, the label statistics are
    scored on them exactly (the training class frequencies as a prediction of the validation labels),
    so ``val_share`` of the gap is enough: no input-free predictor does better there."""
    calls = [c for c in sig.loss_calls if c.reduction == "mean" and c.target is not None]
    classes = {k: v for k, v in sig.class_counts.items() if v > 0}
    baseline, loss_share = None, share
    if classes and any(c.fn in CLASS_INDEX_LOSSES for c in calls):
        total = sum(classes.values())
        baseline = -sum(v / total * math.log(v / total) for v in classes.values())
        val_y = sig.val_samples.y
        if val_y is not None and len(val_y) >= 32:
            seen = collections.Counter(int(v) for v in val_y if v >= 0)
            smoothed = total + 0.5 * len(set(classes) | set(seen))
            val_total = sum(seen.values())
            baseline = -sum(n / val_total * math.log((classes.get(c, 0) + 0.5) / smoothed)
                            for c, n in seen.items())
            loss_share = val_share
    elif calls:
        baseline = _value_baseline(calls)
    evals = [v for _, v in sig.eval_losses if math.isfinite(v)]
    if baseline and evals and min(evals[-5:]) < (1 - loss_share) * baseline:
        return {"validation_loss": min(evals[-5:]), "label_statistics_loss": baseline}
    scored = [(c.step, c.accuracy, c.target_majority_frac) if c.accuracy is not None
              else (c.step, c.binary_accuracy, c.binary_majority) for c in calls]
    recent = [(a, m) for step, a, m in scored if a is not None and m is not None and math.isfinite(a)
              and math.isfinite(m) and 10 <= step < window][-2:]  # the latest two: one batch is noisy
    if len(recent) == 2:
        accuracy, majority = sum(a for a, _ in recent) / 2, sum(m for _, m in recent) / 2
        if accuracy > majority + share * (1 - majority):
            return {"early_batch_accuracy": accuracy, "majority_share": majority}
    # One output per sample: its ranking of the batch (a pos_weight moves the threshold accuracy is taken
    # at, not the ranking), from 0.5 for outputs unrelated to the labels to 1 for a perfect one.
    aucs = [c.binary_auc for c in calls if c.binary_auc is not None and math.isfinite(c.binary_auc)
            and 10 <= c.step < window][-2:]
    if len(aucs) == 2 and sum(aucs) / 2 > 0.5 + share * 0.5:
        return {"early_batch_auc": sum(aucs) / 2}
    return None


def _value_baseline(calls: list) -> float | None:
    """The loss of predicting the mean target (the best input-free prediction for a squared error; near
    it for the others) for value-target losses, from the sampled training targets' spread: exact for
    mse and for binary cross-entropy on one output (the entropy of the positive rate), for a Gaussian
    spread of targets for l1, huber and smooth_l1. None for other losses, or a mix of them."""
    fn = calls[0].fn
    if any(c.fn != fn for c in calls):
        return None
    values = []
    for c in calls:
        t = c.target
        if fn in BINARY_LOSSES:
            if not (0.0 <= t.min and t.max <= 1.0) or len([d for d in t.shape if d > 1]) > 1:
                return None  # (several outputs, multi-label: their rates differ; no one number)
            p = min(max(t.mean, 1e-7), 1 - 1e-7)
            values.append(-(p * math.log(p) + (1 - p) * math.log(1 - p)))
        elif fn == "mse_loss":
            values.append(t.std ** 2)
        elif fn == "l1_loss":
            values.append(t.std * math.sqrt(2 / math.pi))
        elif fn in ("huber_loss", "smooth_l1_loss") and c.delta and c.delta > 0:
            values.append(_gaussian_huber(t.std, c.delta) / (c.delta if fn == "smooth_l1_loss" else 1.0))
        else:
            return None
    return sum(values) / len(values)


def _gaussian_huber(sigma: float, delta: float) -> float:
    """E[huber_delta(r)] for r ~ N(0, sigma^2): quadratic within delta, linear beyond."""
    if sigma <= 0:
        return 0.0
    a = delta / sigma
    pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    inside = math.erf(a / math.sqrt(2))  # P(|Z| < a)
    return 0.5 * sigma ** 2 * (inside - 2 * a * pdf) + delta * sigma * 2 * pdf - 0.5 * delta ** 2 * (1 - inside)


@rule("L207", stage=LIVE)
def regularization_insane(ctx: Context):
    """Regularization must change the outcome (CS231n: turned up, the loss must go up). A copy
    trained with the configured weight decay must end elsewhere than one trained without it, and
    one with weight decay turned far up must differ from the configured one; bit-identical
    weights mean the decay is not wired in (a decay group with no parameters, an optimizer that
    ignores the setting). A decay too small for float32 to resolve (lr * weight_decay per step below
    ~1e-6: AdamW at lr 1e-6 shrinks each weight by a factor that rounds to exactly 1) is raised for
    the comparison, so that an applied decay always shows."""
    r = _result(ctx, "regularization")
    if r is None or "weight_decay_up" not in r or not r.get("user_changed_weights"):
        return None
    if r.get("configured_decay_changed_weights") is False:
        empty = r.get("decay_groups_empty") or []
        why = (tr("the parameter groups with weight decay ({groups}) hold no parameters",
                  groups=", ".join(str(i) for i in empty)) if len(empty) > 1
               else tr("the parameter group with weight decay ({groups}) holds no parameters", groups=empty[0])
               if empty else tr("the optimizer does not apply it"))
        if r.get("configured_decay_raised_by"):
            # lr * weight_decay was below float32 resolution: the decay was raised for the test
            return Hit(tr("weight_decay={weight_decay} is configured in {optimizer}; too small to show in "
                          "float32 at this learning rate, it was raised {factor}x for the test, and a copy "
                          "trained with it still ends bit-identical to one trained with weight_decay=0: {why}",
                          weight_decay=fmt(r['weight_decay']), optimizer=r['optimizer'],
                          factor=fmt(r['configured_decay_raised_by']), why=why),
                       where=f"{r['optimizer']} param_groups", step=0, evidence=r)
        return Hit(tr("weight_decay={weight_decay} is configured in {optimizer}, but a copy trained "
                      "with it ends bit-identical to one trained with weight_decay=0: {why}",
                      weight_decay=fmt(r['weight_decay']), optimizer=r['optimizer'], why=why),
                   where=f"{r['optimizer']} param_groups", step=0, evidence=r)
    if r["decay_changed_weights"]:
        return None
    return Hit(tr("turning weight decay up to {weight_decay_up} in {optimizer} left the weights "
                  "bit-identical to a run with the configured weight_decay={weight_decay}; loss "
                  "{loss_decay_up} vs {loss_user} as configured: the regularization is not wired into "
                  "the update",
                  weight_decay_up=fmt(r['weight_decay_up']), optimizer=r['optimizer'],
                  weight_decay=fmt(r['weight_decay']), loss_decay_up=fmt(r['loss_decay_up']),
                  loss_user=fmt(r['loss_user'])), where=f"{r['optimizer']} weight_decay", step=0, evidence=r)


@rule("G407", stage=LIVE)
def over_regularized(ctx: Context):
    """Copies trained with the user's optimizer on one batch: with the user's dropout and weight
    decay the loss barely falls, with them off it falls: the regularization makes the model underfit."""
    r = _result(ctx, "regularization")
    if r is None or "loss_unregularized" not in r or not r["loss_start"]:
        return None
    drop_user = (r["loss_start"] - r["loss_user"]) / r["loss_start"]
    drop_free = (r["loss_start"] - r["loss_unregularized"]) / r["loss_start"]
    if not (drop_free >= ctx.th["min_free_drop"] and drop_user <= ctx.th["max_drop_share"] * drop_free):
        return None
    reg = []
    if r["weight_decay"]:
        reg.append(f"weight_decay={fmt(r['weight_decay'])}")
    if r["dropout"]:
        reg.append(f"dropout p={names_list(fmt(p) for p in r['dropout'])}")
    return Hit(tr("in {steps} steps on {samples} samples the loss falls {drop_free:.0f}% without "
                  "regularization but only {drop_user:.0f}% with {reg}: the model is over-regularized",
                  steps=r['steps'], samples=r['samples'], drop_free=100 * drop_free, drop_user=100 * drop_user,
                  reg=', '.join(reg)),
               where=", ".join(reg), step=0, evidence=r)


@rule("D114", stage=LIVE)
def excessive_augmentation(ctx: Context):
    """The same sample index gives different tensors (augmentation); a copy fits fixed draws of
    the samples but learns nothing from fresh augmented draws: the augmentation destroys the signal."""
    r = _result(ctx, "augmentation")
    if r is None or not r.get("augmented") or "drop_fixed" not in r:
        return None
    if not (r["drop_fixed"] >= ctx.th["min_fixed_drop"]
            and r["drop_augmented"] <= ctx.th["max_drop_share"] * r["drop_fixed"]):
        return None
    return Hit(tr("dataset items change from one access to the next (augmentation, relative change "
                  "{augmentation_change}); in {steps} steps a copy's loss falls {drop_fixed:.0f}% on fixed "
                  "draws but {drop_augmented:.0f}% on fresh augmented draws: the augmentation is too strong to "
                  "learn from",
                  augmentation_change=fmt(r['augmentation_change']), steps=r['steps'], drop_fixed=100 * r['drop_fixed'],
                  drop_augmented=100 * r['drop_augmented']),
               where="dataset augmentation", step=0, evidence=r)

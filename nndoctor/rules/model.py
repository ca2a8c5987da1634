"""M3xx: the model, its architecture and its parameters."""
from __future__ import annotations

import math
import statistics
from collections import defaultdict

from nndoctor.i18n import tjoin, tr
from nndoctor.rules.base import LIVE, Context, Hit, fmt, names_list, rule
from nndoctor.rules.loop import optimizer_of_another_model
from nndoctor.rules.optim import initial_level, step_curve, windows


def _modules(params) -> list[str]:
    return list(dict.fromkeys(p.module for p in params))


# The pre-flight's copies build their optimizers from model.parameters() as the script does: they miss
# these tensors too, so they cannot learn the true labels any better than shuffled ones.
UNTRAINED_IN_COPIES = ("D104",)


@rule("M302")
def frozen_parameters(ctx: Context):
    """Parameters that look trainable but never change: requires_grad=False or missing from the optimizer."""
    sig = ctx.signals
    if not sig.steps or not sig.optimizers:
        return None
    by_model = defaultdict(list)
    for p in sig.params.values():
        by_model[p.name.split(".")[0] if "." in p.name and p.name.split(".")[0] in sig.models else ""].append(p)
    hits = [hit for opt in sig.optimizers if (hit := _optimizer_of_another_model(sig, opt, ctx.th))]
    if not hits:
        untrained = _downstream_model_untrained(sig, ctx.th)
        if untrained is not None:
            hits.append(untrained)
    hidden = sig.unregistered_layers
    if hidden:
        hits.append(Hit(tr("{n} layer(s) run in the forward pass with gradients but are not registered "
                           "submodules, so model.parameters() leaves out their {values} values and no "
                           "optimizer trains them: {names} (kept in a plain Python list or dict: use "
                           "nn.ModuleList / nn.ModuleDict)",
                           n=len(hidden), values=sum(hidden.values()), names=names_list(sorted(hidden))),
                        where=names_list(sorted(hidden)), evidence={"unregistered_layers": dict(hidden)},
                        explains=UNTRAINED_IN_COPIES))
    plain = sig.unregistered_tensors
    if plain:
        hits.append(Hit(tr("{n} tensor(s) of the model require gradients and get them in the backward pass, but "
                           "are plain tensor attributes, not nn.Parameter, so model.parameters() leaves out "
                           "their {values} values and they never change: {names} (wrap them in nn.Parameter)",
                           n=len(plain), values=sum(plain.values()), names=names_list(sorted(plain))),
                        where=names_list(sorted(plain)), evidence={"plain_tensor_attributes": dict(plain)},
                        explains=UNTRAINED_IN_COPIES))
    for params in by_model.values():
        if not any(p.in_optimizer for p in params):
            continue  # a model nobody trains (a teacher, a metric network): not ours to judge
        # requires_grad as last seen; a tensor that changed, or got non-zero gradients from an optimizer,
        # was trained in some stage of the run (frozen later on purpose), whatever its state now.
        still = [p for p in params if p.changed is not True and p.grad_checked <= p.grad_none + p.grad_zero]
        missing = [p for p in still if p.requires_grad and not p.in_optimizer]
        frozen_in_opt = [p for p in still if not p.requires_grad and p.in_optimizer]
        frozen = [p for p in still if not p.requires_grad and not p.in_optimizer]
        total = sum(p.numel for p in params)
        if missing:
            hits.append(Hit(tr("{n_missing} parameter tensors ({sum_value} values) require gradients "
                               "but are in no optimizer, so they never change: {missing} (an optimizer "
                               "created before these layers were added, replaced or unfrozen?)",
                               n_missing=len(missing), sum_value=sum(p.numel for p in missing),
                               missing=names_list(_modules(missing))),
                            where=names_list(_modules(missing)),
                            evidence={"not_in_optimizer": [p.name for p in missing]}))
        if frozen_in_opt:
            hits.append(Hit(tr("{n_frozen_in_opt} parameter tensors are given to the optimizer but have "
                               "requires_grad=False, so they never change: {frozen_in_opt}",
                               n_frozen_in_opt=len(frozen_in_opt),
                               frozen_in_opt=names_list(_modules(frozen_in_opt))),
                            where=names_list(_modules(frozen_in_opt)),
                            evidence={"frozen_in_optimizer": [p.name for p in frozen_in_opt]}))
        if frozen:
            head = [p for p in frozen if p.in_output_layer]
            share = sum(p.numel for p in frozen) / max(total, 1)
            hits.append(Hit(tr("{n_frozen} parameter tensors ({share:.0%} of the model's values) are "
                               "frozen (requires_grad=False, not in the optimizer): {frozen}",
                               n_frozen=len(frozen), share=share, frozen=names_list(_modules(frozen)))
                            + (tr(" — including the output layer, which fine-tuning normally trains") if head else
                               tr("; fine when a pretrained backbone is frozen on purpose")),
                            where=names_list(_modules(frozen)), severity=None if head else "info",
                            evidence={"frozen": [p.name for p in frozen], "share_of_values": share,
                                      "output_layer_frozen": bool(head)}))
    return hits


def _optimizer_of_another_model(sig, opt, th) -> Hit | None:
    """The optimizer's parameters get no gradient while those of the model that runs do, and no optimizer
    holds them: that model was created (again) after the optimizer, which still steps the old tensors."""
    checked = [s for s in sig.step_stats if s.optimizer == opt.index and s.step < sig.steps]
    foreign = optimizer_of_another_model(checked, th["min_foreign_steps"])
    if not foreign:
        return None
    models = list(dict.fromkeys(m for s in foreign for m in s.foreign_models))
    return Hit(tr("{kind} holds none of the parameters of the model run with gradients ({models}): they get "
                  "gradients in {n_foreign} of {n_checked} sampled steps, but no optimizer updates them, and "
                  "{kind}.step() updates {n_params} other parameter tensors (the model was created again after "
                  "the optimizer, e.g. in a k-fold or restart loop: build the optimizer from the new model's "
                  "parameters)",
                  kind=opt.kind, models=names_list(models), n_foreign=len(foreign), n_checked=len(checked),
                  n_params=opt.n_params),
               where=names_list(models), step=foreign[0].step, severity="error",
               evidence={"models_not_in_optimizer": models, "foreign_steps": len(foreign),
                         "checked_steps": len(checked), "optimizer_params": opt.n_params})


def _downstream_model_untrained(sig, th) -> Hit | None:
    """A model fed another model's output (a decoder on an encoder's state), whose output the loss scores
    against the data's targets, gets gradients on the sampled steps, yet no optimizer holds its
    parameters while the other model's optimizer steps: it stays at its initialization (an optimizer built
    on encoder.parameters() twice). A network that only judges the output (a perceptual loss's feature
    extractor, its target another of its outputs) is not scored against data: left alone."""
    scored = {c.input_model for c in sig.loss_calls if c.input_model and not c.target_from_model
              and c.target is not None}
    perceptual = {c.input_model for c in sig.loss_calls if c.input_model and c.target_from_model}
    for model in sig.downstream_models:
        if model not in scored or model in perceptual:
            continue
        steps = {s.step for s in sig.step_stats if s.step < sig.steps and model in s.foreign_models}
        checked = {s.step for s in sig.step_stats if s.step < sig.steps}
        if len(steps) < th["min_foreign_steps"] or 2 * len(steps) < len(checked):
            continue
        names = [p for p in sig.params.values() if p.name.split(".")[0] == model and p.requires_grad]
        values = sum(p.numel for p in names)
        return Hit(tr("{model} is fed the output of another model and its output is what the loss scores, and it "
                      "gets gradients in {n_steps} of {n_checked} sampled steps, but no optimizer holds its "
                      "{n_params} parameter tensors ({values} values): it stays at its initialization while the "
                      "rest is trained (an optimizer built on the wrong model's parameters, e.g. "
                      "decoder_optimizer = SGD(encoder.parameters()))",
                      model=model, n_steps=len(steps), n_checked=len(checked), n_params=len(names), values=values),
                   where=model, step=min(steps), severity="error", explains=UNTRAINED_IN_COPIES,
                   evidence={"model": model, "foreign_steps": len(steps), "checked_steps": len(checked),
                             "parameters": len(names), "values": values})
    return None


@rule("M303")
def gradient_blocked(ctx: Context):
    """Trainable parameters that never receive a gradient: the graph is cut before them."""
    sig = ctx.signals
    need = ctx.th["min_steps"]
    blocked = [p for p in sig.params.values() if p.requires_grad and p.in_optimizer and p.grad_checked >= need
               and p.grad_none + p.grad_zero == p.grad_checked]
    if not blocked:
        return None
    # An exactly zero gradient (not None) on a tensor whose layer's other tensors learn is not a cut
    # graph: that tensor cancels out (a bias under a difference of outputs, as in a siamese distance,
    # or before a normalization that subtracts the mean).
    learning = {p.module for p in sig.params.values() if p.grad_checked and p.grad_none + p.grad_zero < p.grad_checked}
    blocked = [p for p in blocked if not (p.grad_zero == p.grad_checked and p.module in learning)]
    used = [p for p in blocked if p.module_called]
    unused = [p for p in blocked if not p.module_called]
    hits = []
    leaf = sig.leaf_losses * 2 >= sig.sampled_backwards > 0
    zero_losses = _zero_losses(sig, ctx.th)
    detached = not leaf and sig.detached_losses * 2 >= sig.sampled_backwards > 0
    if used and detached:
        hits.append(Hit(tr("the loss given to backward() reaches none of the model's parameters in {detached} of "
                           "{sampled_backwards} sampled steps: its graph ends at a tensor made to require grad by "
                           "hand (requires_grad=True set on an argmax, a rounded value or a NumPy result) instead "
                           "of at the model's output, so the {n_used} parameter tensors ({used}) never learn. An "
                           "argmax or a rounding has no gradient: compute the loss on the logits or probabilities",
                           detached=sig.detached_losses, sampled_backwards=sig.sampled_backwards, n_used=len(used),
                           used=names_list(_modules(used))),
                        where="the loss given to backward()", severity="error",
                        evidence={"detached_losses": sig.detached_losses, "sampled_backwards": sig.sampled_backwards,
                                  "params": [p.name for p in used]}, root_cause=True))
    elif used and leaf:
        hits.append(Hit(tr("the loss given to backward() has no graph in {leaf_losses} of {sampled_backwards} "
                           "sampled steps: it is a leaf tensor, made from a plain number (torch.tensor(value, "
                           "requires_grad=True) after .item(), .numpy() or a NumPy computation) rather than "
                           "computed from the model's output, so backward() reaches none of the {n_used} "
                           "parameter tensors ({used}) and they never learn. Compute the loss with torch "
                           "operations on the output",
                           leaf_losses=sig.leaf_losses, sampled_backwards=sig.sampled_backwards, n_used=len(used),
                           used=names_list(_modules(used))),
                        where="the loss given to backward()", severity="error",
                        evidence={"leaf_losses": sig.leaf_losses, "sampled_backwards": sig.sampled_backwards,
                                  "params": [p.name for p in used]}, root_cause=True))
    elif used and _fed_only_unused_losses(sig, used):
        fns = sorted({fn for _, fn, names in sig.unused_loss_terms if names})
        hits.append(Hit(tr("{n_used} parameter tensors got no gradient at every one of {grad_checked} checked "
                           "steps: {used}. Their output goes only into {fns}, whose result is not part of the "
                           "loss given to backward() (a loss computed for the log, or a term left out of the "
                           "total?): add it to the loss if these layers are meant to learn",
                           n_used=len(used), grad_checked=used[0].grad_checked, used=names_list(_modules(used)),
                           fns=names_list(fns)),
                        where=names_list(_modules(used)), severity="warning",
                        evidence={"params": [p.name for p in used], "checked_steps": used[0].grad_checked,
                                  "unused_loss_calls": fns}))
    elif used and not all(p.grad_none == p.grad_checked for p in used) and zero_losses is not None:
        zeros, total = zero_losses
        hits.append(Hit(tr("{n_used} parameter tensors got an exactly zero gradient at every one of {grad_checked} "
                           "checked steps ({used}), and the loss handed to backward() was exactly 0 at {zeros} of "
                           "{total} steps: a mask or weight zeroes every term of the loss (a threshold on the wrong "
                           "scale, a mask that selects nothing), so nothing is learned",
                           n_used=len(used), grad_checked=used[0].grad_checked, used=names_list(_modules(used)),
                           zeros=zeros, total=total),
                        where="the loss given to backward()", severity="error",
                        evidence={"params": [p.name for p in used], "checked_steps": used[0].grad_checked,
                                  "zero_losses": zeros, "losses": total}, root_cause=True))
    elif used:
        none = all(p.grad_none == p.grad_checked for p in used)
        hits.append(Hit(tr("{n_used} parameter tensors of layers that run in the forward pass got "
                           "{gradient} at every one of {grad_checked} checked steps: {used}. Something "
                           "between them and the loss cuts the graph (.detach(), .data, "
                           "torch.no_grad(), .item() or a numpy round trip)",
                           n_used=len(used),
                           gradient=tr("no gradient (grad is None)") if none else tr("an exactly zero gradient"),
                           grad_checked=used[0].grad_checked, used=names_list(_modules(used))),
                        where=names_list(_modules(used)),
                        evidence={"params": [p.name for p in used], "checked_steps": used[0].grad_checked,
                                  "grad_none": none}))
    if unused:
        hits.append(Hit(tr("{n_unused} parameter tensors never got a gradient and their layers never "
                           "ran in the forward pass: {unused} (defined but unused?)",
                           n_unused=len(unused), unused=names_list(_modules(unused))),
                        where=names_list(_modules(unused)), severity="info",
                        evidence={"params": [p.name for p in unused]}))
    return hits


def _zero_losses(sig, th) -> tuple[int, int] | None:
    """(steps whose loss was exactly 0, steps with a loss) when at least min_zero_loss_share of them were."""
    losses = [v for _, v in sig.losses]
    zeros = sum(v == 0 for v in losses)
    return (zeros, len(losses)) if losses and zeros >= th["min_zero_loss_share"] * len(losses) else None


def _fed_only_unused_losses(sig, params) -> bool:
    """Every one of ``params`` feeds a loss call whose result the backward's loss leaves out (and nothing
    the loss uses: the probe collects the parameters exclusive to such a call)."""
    feeding = {n for _, _, names in sig.unused_loss_terms for n in names}
    return bool(feeding) and all(p.name in feeding for p in params)


# ----------------------------------------------------------------------------- activation statistics
#
# ``layer_stats`` holds, per sampled forward and in execution order, an input record for each
# Linear/Conv ("Linear:input": in_std, in_dead_frac, in_saturated_frac) and an output record for each
# leaf module with parameters or that is an activation (out_mean, out_std, out_frac_zero). The record
# just before a layer's input record is the module that produced that input when it is an output record
# (an activation module, or a layer with a functional activation in between).

RELU_FAMILY = ("ReLU", "ReLU6", "Threshold")
SQUASHING = ("Tanh", "Sigmoid", "Hardtanh", "Hardsigmoid", "Softsign")
NORMS = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "LayerNorm", "GroupNorm", "RMSNorm",
         "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm")
NO_EXACT_ZERO = ("Sigmoid", "Tanh", "GELU", "SiLU", "ELU", "CELU", "SELU", "Softplus", "Mish", "LeakyReLU",
                 "PReLU", "RReLU", "Softsign", "LogSigmoid", "Embedding", "EmbeddingBag")


def _layer_steps(sig):
    """[(step, records)] for every finished sampled step (their numbers have arrived), incrementally."""
    from nndoctor.rules.optim import _cache

    c = _cache(sig).setdefault("layer_steps", {"read": 0, "out": []})
    stats, out = sig.layer_stats, c["out"]
    while c["read"] < len(stats) and stats[c["read"]].step < sig.steps:
        rec = stats[c["read"]]
        if out and out[-1][0] == rec.step:
            out[-1][1].append(rec)
        else:
            out.append((rec.step, [rec]))
        c["read"] += 1
    return out


def _is_input(rec) -> bool:
    return rec.kind.endswith(":input")


def _model_of(sig, module: str) -> str:
    """Which model a module belongs to: the probe prefixes the modules of every model after the first."""
    for label in sig.models[1:]:
        if module.startswith(label + "."):
            return label
    return sig.models[0] if sig.models else ""


def _fed_inputs(records, sig=None):
    """(input record, producer output record or None, index of the input among the step's inputs).

    The producer is the output record just before the input record, from the same model (a generator's
    output fed to a discriminator is another model's output layer, not a hidden activation) and not
    the model's output activation.
    """
    n_inputs = 0
    out_act = sig.output_activation[0] if sig is not None and sig.output_activation else None
    for i, rec in enumerate(records):
        if not _is_input(rec):
            continue
        prev = records[i - 1] if i else None
        if prev is not None and (_is_input(prev) or prev.module == out_act
                                 or sig is not None and _model_of(sig, prev.module) != _model_of(sig, rec.module)):
            prev = None
        yield rec, prev, n_inputs
        n_inputs += 1


def _per_key(steps, pick, min_samples: int = 1):
    """Per key: the (step, value) pairs ``pick`` gives over ``steps`` ([(step, records)]), keys with
    at least ``min_samples`` of them."""
    per: dict = {}
    for step, records in steps:
        for key, value in pick(step, records):
            per.setdefault(key, []).append((step, value))
    return {k: v for k, v in per.items() if len(v) >= min_samples}


def _window(sig, th, pick):
    """Per key: the values ``pick`` gives over the last th['window'] finished sampled steps."""
    return _per_key(_layer_steps(sig)[-th["window"]:], pick, th["min_samples"])


def _median(values):
    values = sorted(values)
    n = len(values)
    return (values[n // 2] + values[(n - 1) // 2]) / 2 if n else float("nan")


def _output_modules(sig) -> set[str]:
    return {p.module for p in sig.params.values() if p.in_output_layer}


LINEAR_KINDS = ("Linear", "LazyLinear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
                "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d", "LazyConv2d", "LazyConv3d")


def _identical_units(sig) -> Hit | None:
    """Layers whose units trained and are still copies of each other: a constant (not random) init."""
    trained = {n: units for n, units in sig.identical_units.items()  # ... that got gradients, and used them
               if (p := sig.params.get(f"{n}.weight")) is not None and p.grad_checked > p.grad_none + p.grad_zero}
    if not trained:
        return None
    names = list(trained)
    return Hit(tr("the {units} units of {layers} still have identical weights after {steps} steps of training: "
                  "initialised to one constant, every unit computes the same output and gets the same gradient, "
                  "so they never become different and the layer works as a single unit (initialise weights "
                  "randomly: PyTorch's default, or nn.init.kaiming_uniform_ / xavier_uniform_)",
                  units=trained[names[0]], layers=names_list(names), steps=sig.steps),
               where=names_list(names), severity="error",
               evidence={"identical_units": trained})


def _zero_init(sig, th):
    """Weight matrices of Linear/Conv layers that are exactly zero when training starts, and either stay
    without a gradient or are every such layer of the model (the textbook symmetric init)."""
    first = next((s for s in sig.step_stats if s.step < sig.steps), None)  # norms taken before its update
    if first is None:
        return None
    kinds = dict(sig.module_order)
    steps = _layer_steps(sig)
    linear = {r.module for r in steps[0][1] if _is_input(r)} if steps else set()

    def is_weight(p) -> bool:
        return p.name.rsplit(".", 1)[-1] == "weight" and (kinds.get(p.module) in LINEAR_KINDS or p.module in linear)

    weights = [p for p in sig.params.values() if p.requires_grad and p.name in first.param_norm and is_weight(p)]
    zero = [p for p in weights if first.param_norm[p.name] == 0]
    if not zero:
        return None
    # Zero-initialising one layer of a branch (LoRA's B, Fixup, adaLN-Zero) is deliberate: the other layers
    # break the symmetry and the zero layer gets a gradient at once. Harm shows as a zero layer that never
    # gets one, or as a model whose every weight matrix is zero.
    stuck = [p for p in zero if p.grad_checked >= th["zero_min_steps"] and p.grad_zero + p.grad_none == p.grad_checked]
    if not stuck and not (len(zero) == len(weights) >= 2):
        return None
    modules = _modules(zero)
    text = tr("the weights of {n_zero} of the {n_layers} Linear/Conv layers are exactly zero when training "
              "starts (step {step}): {layers}",
              n_zero=len(zero), n_layers=len(weights), step=first.step, layers=names_list(modules))
    if stuck:
        text += tr("; {stuck} got an exactly zero gradient at every one of {checked} checked steps, so "
                   "they never train",
                   stuck=names_list(_modules(stuck)) if len(stuck) < len(zero) else tr("all of them"),
                   checked=min(p.grad_checked for p in stuck))
    text += tr(". Every unit of such a layer computes the same output and gets the same gradient (none at "
               "all behind a ReLU with zero biases), so the symmetry between units is never broken: keep "
               "the default random init (or nn.init.kaiming_uniform_ / xavier_uniform_) and zero only the biases")
    return Hit(text, where=names_list(modules), step=first.step, severity="error" if stuck else None,
               explains=("G404", "G406", "M303", "M306", "M308", "M309", "L206"),
               evidence={"zero_weights": [p.name for p in zero], "never_trained": [p.name for p in stuck],
                         "linear_weights": len(weights), "direction": "zero"})


# What activations blown up a hundredfold and more bring: a huge first loss, steps that overshoot, and
# the overflow to inf/NaN that follows them.
BLOW_UP_ECHOES = ("G401", "G403", "G405", "L201", "N601", "N602", "N603")


@rule("M305", stage=LIVE)
def bad_init_scale(ctx: Context):
    """At initialization, consecutive layers shrink or blow up the activation std by a large factor each,
    or the weight matrices are all zero (no randomness to break the symmetry between units)."""
    sig, th = ctx.signals, ctx.th
    zero = _zero_init(sig, th)
    if zero is not None:
        return zero
    symmetric = _identical_units(sig) if ctx.final and sig.steps >= th["symmetric_min_steps"] else None
    if symmetric is not None:
        return symmetric
    steps = _layer_steps(sig)
    if not steps:
        return None
    step, records = steps[0]
    heads = _output_modules(sig)
    layers = []  # (module, gain, out_std, mean_known)
    prev_in_std = None
    for i, rec in enumerate(records):
        if not _is_input(rec) or not rec.in_std:
            continue
        # Siblings reading the same tensor (attention's query/key/value projections) are parallel, not
        # consecutive: their shrinking does not compound with depth.
        sibling = prev_in_std is not None and abs(rec.in_std - prev_in_std) <= 1e-6 * rec.in_std
        prev_in_std = rec.in_std
        name = rec.module
        out = next((r for r in records[i + 1:] if r.module == name and not _is_input(r)), None)
        if out is None:
            continue
        prev = records[i - 1] if i else None
        mean_known = prev is not None and not _is_input(prev) and prev.out_std > 0 \
            and abs(prev.out_std - rec.in_std) <= 0.02 * rec.in_std
        rms = (rec.in_std ** 2 + prev.out_mean ** 2) ** 0.5 if mean_known else rec.in_std
        j = records.index(out)
        after = records[j + 1] if j + 1 < len(records) else None
        normalized = after is not None and after.kind in NORMS
        if sibling and layers:
            layers[-1] = (*layers[-1][:4], True, layers[-1][5])  # the run breaks at a fork
        layers.append((name, out.out_std / rms, out.out_std, mean_known,
                       name in heads or normalized or out.out_std == 0 or sibling, rms))
    # Runs of consecutive layers that all shrink (or all blow up) the signal.
    best = None
    for direction in ("shrink", "grow"):
        run = []
        for name, gain, std, mean_known, skip, rms in layers + [("", 1.0, 1.0, True, True, 1.0)]:
            bad = not skip and (gain < th["low_gain"] if direction == "shrink"
                                else gain > th["high_gain"] and std > th["high_std"])
            if bad:
                run.append((name, gain, std, rms))
                continue
            if len(run) >= th["min_run"]:
                total = 1.0
                for _, g, _, _ in run:
                    total *= g
                factor = 1 / total if direction == "shrink" else total
                # A fading signal is what the run really does from its first input to its last output: an
                # operation between the layers that restores the scale (SIREN's sin(30 x)) keeps it from
                # compounding. (Pre-activations too large saturate each layer on their own.)
                faded = run[0][3] / run[-1][2] if direction == "shrink" else factor
                if min(factor, faded) >= th["min_total"] and (best is None or factor > best[2]):
                    best = (direction, list(run), factor)
            run = []
    if best is None:
        return _grows_between_layers(layers, step, th)
    direction, run, factor = best
    gains = ", ".join(f"{n} x{g:.2g} (std {fmt(s)})" for n, g, s, _ in run)
    names = [n for n, _, _, _ in run]
    verb = tr("shrinks") if direction == "shrink" else tr("blows up")
    return Hit(tr("at initialization (step {step}) each of {n_run} consecutive layers {verb} the "
                  "activation std relative to its input: {gains}; together x{total}. PyTorch's default "
                  "init gives ~x0.6 per layer, He/Xavier ~x1-1.4: ",
                  step=step, n_run=len(run), verb=verb, gains=gains,
                  total=fmt(1 / factor if direction == 'shrink' else factor))
               + (tr("the signal (and the gradient) fades with depth") if direction == "shrink"
                  else tr("pre-activations this large saturate tanh/sigmoid and make ReLU nets unstable")),
               where=names_list(names), step=step,
               evidence={"layers": names, "gains": [g for _, g, _, _ in run], "stds": [s for _, _, s, _ in run],
                         "total_factor": factor, "direction": direction},
               explains=BLOW_UP_ECHOES if direction != "shrink" and factor >= th["growth_total"] else ())


def _grows_between_layers(layers: list[tuple], step: int, th: dict) -> Hit | None:
    """The inputs of the linear layers grow geometrically with depth at initialization although no layer
    itself blows its input up: something between the layers adds the signal to itself (a residual block
    that adds its input twice, skips summed without scaling). Judged on the layers after the first (the
    data's own scale is D109's): the median input RMS of the last quarter over the first quarter's."""
    rms = [(name, r) for name, _, _, _, _, r in layers[1:] if r > 0]
    quarter = len(rms) // 4
    if len(rms) < th["growth_min_layers"] or quarter == 0:
        return None
    first = statistics.median(r for _, r in rms[:quarter])
    last = statistics.median(r for _, r in rms[-quarter:])
    middle = statistics.median(r for _, r in rms[quarter:-quarter] or rms)
    growth = last / first
    # Geometric: the middle layers sit well inside the rise (in log scale), not at one of its ends.
    if growth < th["growth_total"] or not first * growth ** 0.2 <= middle <= first * growth ** 0.8:
        return None
    per_layer = growth ** (1 / max(1, len(rms) - quarter))
    return Hit(tr("at initialization (step {step}) the input of the linear layers grows with depth from an RMS of "
                  "{first} ({first_layer}) to {last} ({last_layer}), x{growth} over {n} layers (~x{per_layer} "
                  "each), while no layer itself blows its input up: something between the layers adds the "
                  "signal to itself (a residual block that adds its input twice, skip connections summed "
                  "without scaling or normalization)",
                  step=step, first=fmt(rms[0][1]), first_layer=rms[0][0], last=fmt(rms[-1][1]),
                  last_layer=rms[-1][0], growth=fmt(growth), n=len(rms), per_layer=f"{per_layer:.2g}"),
               where=names_list([rms[0][0], rms[-1][0]]), step=step,
               evidence={"layers": [n for n, _ in rms], "input_rms": [r for _, r in rms], "total_factor": growth,
                         "direction": "grow between layers"},
               explains=BLOW_UP_ECHOES)


def _dead_pick(sig):
    """``pick`` for M306: (layer, source) -> the share of its ReLU-family inputs zero for every sample."""

    def pick(step, records):
        for rec, prod, k in _fed_inputs(records, sig):
            if rec.in_dead_frac is None or k == 0 and prod is None:
                continue  # the model's own input: D101's business
            if prod is None or prod.kind in NO_EXACT_ZERO or prod.kind in SQUASHING:
                continue
            if prod.kind in RELU_FAMILY or k > 0:
                yield (rec.module, prod.module if prod.kind in RELU_FAMILY else tr("activation after {module}",
                                                                                   module=prod.module)), \
                    rec.in_dead_frac

    return pick


def _dead(per: dict, th) -> list[tuple]:
    """(layer, source, median dead share, first step, last step) of the keys at or above max_dead_frac."""
    dead = []
    for (layer, source), vals in per.items():
        frac = _median(v for _, v in vals)
        if frac >= th["max_dead_frac"]:
            dead.append((layer, source, frac, vals[0][0], vals[-1][0]))
    dead.sort(key=lambda d: -d[2])
    return dead


@rule("M306", stage=LIVE)
def dead_units(ctx: Context):
    """Inputs of a layer coming from ReLU-family units that are zero for every sample of recent batches.

    Units can die early and come back (an autoencoder's decoder while the code settles): a LIVE hit is
    revisable, and at the end the rule judges the last sampled steps again; units that recovered are
    reported as info."""
    sig, th = ctx.signals, ctx.th
    sizes = [b.inputs.shape[0] for b in sig.batches[-th["window"]:] if b.inputs.shape]
    if sizes and _median(sizes) < th["min_batch"]:
        return None  # a unit silent on a handful of samples is not dead
    pick = _dead_pick(sig)
    dead = _dead(_window(sig, th, pick), th)
    if dead:
        layer, source, frac, first, last = dead[0]
        rest = tjoin(tr("; "), (tr("{share:.0%} into {layer}", share=d[2], layer=d[0]) for d in dead[1:4]))
        learned = _learned_anyway(sig, th)
        return Hit(tr("{frac:.0%} of the units feeding {layer} (from {source}) output exactly 0 for every "
                      "sample of the batch, in the median of the sampled steps {first}-{last}",
                      frac=frac, layer=layer, source=source, first=first, last=last)
                   + (tr("; also {rest}", rest=rest) if rest else "")
                   + tr(": these ReLU units are dead and get no gradient (negative bias, a too-high "
                        "learning rate, or a bad init pushed their inputs below 0)")
                   + (tr("; the loss fell from {start} to {now} all the same: the live units carry the "
                         "training (capacity lost, not a failure)", start=fmt(learned[0]), now=fmt(learned[1]))
                      if learned else ""),
                   where=names_list(d[1] for d in dead), step=first, revisable=not ctx.final,
                   severity="info" if learned else None,
                   evidence={"layers": {d[0]: d[2] for d in dead}, "steps": [first, last],
                             **({"loss_start": learned[0], "loss_now": learned[1]} if learned else {})})
    if not ctx.final:
        return None
    return _recovered(sig, th, pick)


def _learned_anyway(sig, th) -> tuple[float, float] | None:
    """(start, now) when the training loss has come down to learned_share of its start or below."""
    curve = step_curve(sig)
    wins = windows(curve) if len(curve) >= th["learned_min_steps"] else []
    if not wins:
        return None
    start, now = initial_level(curve), wins[-1][2]
    return (start, now) if start > 0 and math.isfinite(now) and now <= th["learned_share"] * start else None


def _recovered(sig, th, pick):
    """At the end: units that were dead over some window of the run but are alive over the last one."""
    steps = _layer_steps(sig)
    w = th["window"]
    if len(steps) <= w:
        return None
    per_step = [(step, list(pick(step, records))) for step, records in steps]
    worst = None
    for i in range(len(per_step) - w + 1):  # every window the LIVE rule could have judged
        for d in _dead(_per_key(per_step[i:i + w], lambda step, pairs: pairs, th["min_samples"]), th):
            if worst is None or d[2] > worst[2]:
                worst = d
    if worst is None:
        return None
    layer, source, frac, first, last = worst
    now = [v for _, v in _per_key(per_step[-w:], lambda step, pairs: pairs).get((layer, source), [])]
    if not now:
        return None
    a, b = per_step[-w][0], per_step[-1][0]
    return Hit(tr("{frac:.0%} of the units feeding {layer} (from {source}) output exactly 0 for every sample "
                  "of the batch over the sampled steps {first}-{last}, but they came back to life: {now:.0%} "
                  "over the last sampled steps {a}-{b}; units that recover do no lasting harm",
                  frac=frac, layer=layer, source=source, first=first, last=last, now=_median(now), a=a, b=b),
               where=source, step=first, severity="info",
               evidence={"layers": {layer: frac}, "steps": [first, last], "recovered": True,
                         "final_dead_share": _median(now), "final_steps": [a, b]})


@rule("M307", stage=LIVE)
def saturated_units(ctx: Context):
    """Hidden Tanh/Sigmoid outputs sitting at their asymptotes over recent batches."""
    sig, th = ctx.signals, ctx.th

    def pick(step, records):
        for rec, prod, _ in _fed_inputs(records, sig):
            if prod is not None and prod.kind in SQUASHING and rec.in_saturated_frac is not None:
                yield (prod.module, prod.kind, rec.module), rec.in_saturated_frac

    sat = []
    for (act, kind, layer), vals in _window(sig, th, pick).items():
        frac = _median(v for _, v in vals)
        if frac >= th["max_saturated_frac"]:
            sat.append((act, kind, layer, frac, vals[0][0], vals[-1][0]))
    if not sat:
        return None
    sat.sort(key=lambda s: -s[3])
    act, kind, layer, frac, first, last = sat[0]
    others = tjoin(tr("; "), (tr("{share:.0%} before {layer}", share=s[3], layer=s[2]) for s in sat[1:4]))
    return Hit(tr("{frac:.0%} of the {kind} outputs feeding {layer} sit at the asymptote ({band}), "
                  "median of the sampled steps {first}-{last}",
                  frac=frac, kind=kind, layer=layer,
                  band="|x| > 0.99" if kind in ("Tanh", "Hardtanh", "Softsign") else tr("x < 0.01 or x > 0.99"),
                  first=first, last=last)
               + (tr("; also {others}", others=others) if others else "")
               + tr(": their derivative is ~0, so the gradient through {kind} vanishes (pre-activations "
                    "too large: init scale, unnormalized inputs, or a too-high learning rate)",
                    kind=kind),
               where=names_list(s[0] + f" ({s[1]})" for s in sat), step=first,
               evidence={"layers": {s[2]: s[3] for s in sat}, "steps": [first, last]})


@rule("M310", stage=LIVE)
def activation_mean_drift(ctx: Context):
    """A hidden activation fed to the next layer has |mean| several times its std."""
    sig, th = ctx.signals, ctx.th

    def pick(step, records):
        for rec, prod, _ in _fed_inputs(records, sig):
            if prod is None or prod.kind in ("Embedding", "EmbeddingBag") or not prod.out_std or not rec.in_std:
                continue
            if abs(prod.out_std - rec.in_std) > 0.05 * rec.in_std:
                continue  # not the same tensor (a dropout or another branch in between)
            yield (prod.module, prod.kind), (prod.out_mean, prod.out_std)

    drift = []
    for (module, kind), vals in _window(sig, th, pick).items():
        ratio = _median(abs(m) / s for _, (m, s) in vals)
        if ratio >= th["max_mean_over_std"]:
            m, s = vals[-1][1]
            drift.append((module, kind, ratio, m, s, vals[0][0], vals[-1][0]))
    if not drift:
        return None
    drift.sort(key=lambda d: -d[2])
    module, kind, ratio, m, s, first, last = drift[0]
    return Hit(tr("the {kind} output of {module} has mean {m} and std {s}: |mean| is {ratio:.1f}x the "
                  "std (median of the sampled steps {first}-{last})",
                  kind=kind, module=module, m=fmt(m), s=fmt(s), ratio=ratio, first=first, last=last)
               + (tr(", and {n_drift} more layer(s) alike",
                     n_drift=len(drift) - 1) if len(drift) > 1 else "")
               + tr(": the next layer gets an off-centre signal (zero-centred activations or a "
                    "normalization layer would help)"),
               where=names_list(d[0] for d in drift), step=first,
               evidence={"layers": {d[0]: d[2] for d in drift}, "mean": m, "std": s})


@rule("M311", stage=LIVE)
def missing_nonlinearity(ctx: Context):
    """Linear/Conv layers whose output goes straight into another Linear/Conv."""
    sig, th = ctx.signals, ctx.th
    if not sig.linear_chains:
        return None
    warn, low_rank = [], []
    forked = set(sig.forked_linear_chains)  # (the first layer's output also feeds a skip: not one map)
    for prev, nxt in dict.fromkeys(p for p in sig.linear_chains if p not in forked):
        bias, w_prev, w_next = (sig.params.get(f"{prev}.bias"), sig.params.get(f"{prev}.weight"),
                                sig.params.get(f"{nxt}.weight"))
        if bias is not None and w_prev is not None and w_next is not None and bias.numel:
            width, fan_in, fan_out = bias.numel, w_prev.numel // bias.numel, w_next.numel // bias.numel
            if width < th["bottleneck"] * min(fan_in, fan_out):
                low_rank.append((prev, nxt, width))
                continue
        warn.append((prev, nxt))
    pairs = warn or low_rank
    if not pairs:  # (every pair's first layer also feeds something else)
        return None
    path = _paths([(a, b) for a, b, *_ in pairs])
    if warn:
        # Every linear layer of the model in one chain: the whole model is a linear map, which cannot
        # learn labels that are not linear in the inputs, true or shuffled.
        layers = {name for name, kind in sig.module_order if kind in LINEAR_KINDS}
        whole = bool(layers) and layers <= {m for pair in warn for m in pair}
        identities = _identities_between(sig, warn)
        text = tr("{path}: these layers follow each other with no activation in between, so together they "
                  "are one linear map and add no depth", path=path)
        if identities:  # getattr(nn, name, nn.Identity), a config's "none": the activation was looked up
            text += tr(" (nn.Identity at {names} where an activation belongs: a lookup that fell back to "
                       "Identity?)", names=names_list(identities))
        else:
            text += tr(" (an activation defined in __init__ but not called in forward?)")
        return Hit(text, where=path,
                   evidence={"pairs": [list(p) for p in warn], "whole_model_linear": whole,
                             "identities_between": identities},
                   explains=("D104", "G406", "L206", "M308") if whole else ())
    return Hit(tr("{path}: a linear layer feeds another directly through a narrow width ({value}): a "
                  "low-rank factorization; fine if deliberate (LoRA, a bottleneck projection)",
                  path=path, value=', '.join(str(w) for *_, w in low_rank)), where=path, severity="info",
               evidence={"pairs": [[a, b] for a, b, _ in low_rank]})


def _identities_between(sig, pairs) -> list[str]:
    """The nn.Identity modules the first forward called between the two layers of a pair."""
    order = [name for name, _ in sig.module_order]
    kinds = dict(sig.module_order)
    found = []
    for a, b in pairs:
        if a in order and b in order:
            found += [m for m in order[order.index(a) + 1:order.index(b)]
                      if kinds.get(m) == "Identity" and m not in found]
    return found


def _paths(pairs) -> str:
    nxt = dict(pairs)
    starts = [a for a, _ in pairs if a not in {b for _, b in pairs}] or [pairs[0][0]]
    out = []
    for a in starts:
        chain, seen = [a], {a}
        while chain[-1] in nxt and nxt[chain[-1]] not in seen:
            chain.append(nxt[chain[-1]])
            seen.add(chain[-1])
        out.append(" -> ".join(chain))
    return "; ".join(out)

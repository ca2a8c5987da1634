"""One small unit per mechanical remedy: which codes it answers, when it applies, what it changes.

A remedy never touches the user's objects: ``apply`` edits a ``Variant``, the description of
one trial run (what differs from the faithful replay of the user's loop), and returns what it
did in words. The trial loop (``trial.py``) builds the copies from the variant.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
import torch.nn.functional as F
from torch import nn

from nndoctor.findings import Finding
from nndoctor.i18n import Text, tjoin, tr
from nndoctor.remedies.capture import TrialCapture
from nndoctor.signals import CLASS_INDEX_LOSSES

DROPOUT = (nn.modules.dropout._DropoutNd, nn.AlphaDropout)
RELU_LIKE = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.RReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
             nn.Mish, nn.Hardswish)
SQUASHING = (nn.Tanh, nn.Sigmoid, nn.Hardtanh, nn.Softsign, nn.Hardsigmoid)
HEALTHY_UPDATE_RATIO = 1e-3  # CS231n: updates ~1e-3 of the weights
LR_FACTOR = 10.0  # without an LR range test: one decade down (G401) or up (G402)
REDUCED_DROPOUT = 0.1  # G407: dropout above this is set to it
DECAY_FACTOR = 10.0  # G407: weight decay divided by this


@dataclass
class Variant:
    """One trial run. The defaults replay the user's loop as the probe saw it."""

    zero_grad: bool = True  # False replays a loop that never clears gradients (T501)
    train_mode: bool | None = None  # None: each batch in the mode the user trained it in
    optimizer_overrides: dict = field(default_factory=dict)
    lr_scale: float | None = None
    inputs: Callable[[tuple], tuple] | None = None  # applied to each batch's model inputs
    output: Callable[[Any], Any] | None = None  # applied to the model output before the loss
    loss_kwargs: dict = field(default_factory=dict)
    clip_norm: float | None = None
    edit_model: Callable[[nn.Module], None] | None = None
    unfreeze: list[str] = field(default_factory=list)  # parameter names: requires_grad and in the optimizer
    shuffle: bool = False


class Remedy:
    codes: tuple[str, ...] = ()
    metric = tr("loss")  # what before/after compare: the user's loss on the captured batches
    # True: train on the first batches, measure on the last HELD_OUT share (the remedy's effect is
    # at test time: dropout and BatchNorm in train mode regularize, they do not fit the batch faster).
    held_out = False

    def applies(self, finding: Finding, capture: TrialCapture, experiments: dict) -> bool:
        return True

    def apply(self, variant: Variant, finding: Finding, capture: TrialCapture, experiments: dict) -> Text:
        raise NotImplementedError

    def metric_fn(self, capture: TrialCapture) -> Callable[[Any, torch.Tensor], torch.Tensor]:
        """The loss both runs are measured by (the same function for both)."""
        return capture.loss


def _lr(capture: TrialCapture) -> float | None:
    try:
        lr = float(capture.optimizer.param_groups[0]["lr"])
    except Exception:
        return None
    return lr if lr > 0 and math.isfinite(lr) else None


def _range_test_lr(experiments: dict) -> float | None:
    """A constant rate from the LR range test, when it ran and is reliable: a decade below the rate
    where the loss fell fastest (Smith 2017: that rate is the top of a cyclic schedule, where
    training on the edge of divergence; a constant rate sits well below it)."""
    r = experiments.get("lr_range") or {}
    best = r.get("best_lr")
    if not r.get("reliable") or not isinstance(best, (int, float)) or not best > 0:
        return None
    return float(best) / LR_FACTOR


class LowerLearningRate(Remedy):
    codes = ("G401",)

    def applies(self, finding, capture, experiments):
        return _lr(capture) is not None

    def apply(self, variant, finding, capture, experiments):
        lr = _lr(capture)
        suggested = _range_test_lr(experiments)
        new = min(lr / LR_FACTOR, suggested or math.inf)
        variant.lr_scale = new / lr
        source = tr("from the LR range test") if new == suggested else tr("{factor:g}x lower", factor=LR_FACTOR)
        return tr("lr {new:.3g} instead of {lr:.3g} ({source})", new=new, lr=lr, source=source)


class RaiseLearningRate(Remedy):
    codes = ("G402",)

    def applies(self, finding, capture, experiments):
        return _lr(capture) is not None

    def apply(self, variant, finding, capture, experiments):
        lr = _lr(capture)
        suggested = _range_test_lr(experiments)
        # Without a range test: the rate that brings the measured update/weight ratio to ~1e-3
        # (CS231n), at least a decade up and at most three.
        ratio = finding.evidence.get("update_ratio")
        by_ratio = lr * min(1000.0, HEALTHY_UPDATE_RATIO / ratio) if isinstance(ratio, (int, float)) and ratio > 0 \
            else 0.0
        new = max(lr * LR_FACTOR, suggested or 0.0, by_ratio)
        variant.lr_scale = new / lr
        source = tr("from the LR range test") if new == suggested else \
            tr("update/weight ratio ~1e-3") if new == by_ratio else tr("{factor:g}x higher", factor=LR_FACTOR)
        return tr("lr {new:.3g} instead of {lr:.3g} ({source})", new=new, lr=lr, source=source)


class ClipGradients(Remedy):
    codes = ("G403",)

    def apply(self, variant, finding, capture, experiments):
        # Clip at the gradient norm the run started with: the growth is what is cut, not the signal.
        start = finding.evidence.get("grad_norm_start") or finding.evidence.get("neighbour_median")
        norm = float(start) if isinstance(start, (int, float)) and math.isfinite(start) and start > 0 else 1.0
        variant.clip_norm = norm
        return tr("gradient norm clipped at {norm:.3g} (clip_grad_norm_)", norm=norm)


class ZeroGradEachStep(Remedy):
    codes = ("T501",)

    def applies(self, finding, capture, experiments):
        return capture.accumulates  # the unchanged run must reproduce the accumulation

    def apply(self, variant, finding, capture, experiments):
        variant.zero_grad = True
        return tr("optimizer.zero_grad() before each backward")


class TrainModeForTraining(Remedy):
    codes = ("T503",)
    metric = tr("held-out loss")
    held_out = True

    def applies(self, finding, capture, experiments):
        mode_layers = any(isinstance(m, DROPOUT + (nn.modules.batchnorm._NormBase,)) for m in capture.model.modules())
        return mode_layers and len(capture.batches) >= 4 and any(not b.training for b in capture.batches)

    def apply(self, variant, finding, capture, experiments):
        variant.train_mode = True
        return tr("model.train() for the training steps")


class LogProbabilities(Remedy):
    """CrossEntropyLoss on probabilities p: cross_entropy(log p) = nll(log p) = the loss of the logits
    the softmax was given, with the same gradient as removing the softmax."""

    codes = ("L202",)
    metric = tr("cross-entropy of the model's probabilities")

    def applies(self, finding, capture, experiments):
        if capture.loss.name != "cross_entropy":
            return False
        with torch.no_grad():
            twin_out = capture.loss.input_of(_forward(capture, capture.batches[0]))
        rows = twin_out.sum(dim=1) if twin_out.dim() >= 2 else twin_out
        return bool((twin_out >= 0).all()) and bool(((rows - 1).abs() < 1e-3).all())

    def apply(self, variant, finding, capture, experiments):
        variant.output = _log_of
        return tr("the softmax dropped before CrossEntropyLoss (its log taken: log_softmax of the logits)")

    def metric_fn(self, capture):
        return lambda out, target: capture.loss(_log_of(out), target)


def _log_of(out: Any) -> torch.Tensor:
    from nndoctor.probes.measure import first_tensor

    return torch.log(first_tensor(out).clamp_min(1e-12))


class Unfreeze(Remedy):
    codes = ("M302",)

    def _names(self, finding, capture) -> list[str]:
        names = {n for key in ("not_in_optimizer", "frozen_in_optimizer", "frozen")
                 for n in finding.evidence.get(key) or []}
        own = dict(capture.model.named_parameters())
        return sorted(n for n in {_own_name(n, own) for n in names} if n is not None)

    def applies(self, finding, capture, experiments):
        return bool(self._names(finding, capture))

    def apply(self, variant, finding, capture, experiments):
        variant.unfreeze = self._names(finding, capture)
        shown = ", ".join(variant.unfreeze[:4]) + (", ..." if len(variant.unfreeze) > 4 else "")
        return tr("{count} frozen parameter(s) trained ({shown})", count=len(variant.unfreeze), shown=shown)


def _own_name(name: str, own: dict) -> str | None:
    if name in own:
        return name
    tail = name.split(".", 1)[1] if "." in name else None  # a second model's names carry its class name
    return tail if tail in own else None


class Reinitialize(Remedy):
    codes = ("M305", "M306", "M307", "G404")

    def apply(self, variant, finding, capture, experiments):
        kinds = [m for m in capture.model.modules()]
        relu = any(isinstance(m, RELU_LIKE) for m in kinds)
        squash = any(isinstance(m, SQUASHING) for m in kinds)
        # Without activation modules (F.relu in forward) the finding tells which units they are.
        he = relu or (not squash and finding.code in ("M306", "M305"))
        tanh = any(isinstance(m, nn.Tanh) for m in kinds) or finding.code == "M307"

        def edit(model: nn.Module) -> None:
            for m in model.modules():
                if isinstance(m, (nn.Linear, nn.modules.conv._ConvNd)):
                    if he:
                        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    else:
                        nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("tanh") if tanh else 1.0)
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)

        variant.edit_model = edit
        return tr("He (kaiming_normal_) initialization of every Linear/Conv layer, biases zero") if he else \
            tr("Xavier (xavier_uniform_) initialization of every Linear/Conv layer, biases zero")


class Standardize(Remedy):
    codes = ("D109", "D110")

    def applies(self, finding, capture, experiments):
        return all(isinstance(b.args[0], torch.Tensor) and b.args[0].is_floating_point() for b in capture.batches)

    def apply(self, variant, finding, capture, experiments):
        xs = [b.args[0].detach().double() for b in capture.batches]
        per_feature = all(x.dim() == 2 for x in xs)
        if per_feature:
            flat = torch.cat(xs)
            mean, std = flat.mean(0), flat.std(0)
        else:  # images and sequences: one scale for all values
            flat = torch.cat([x.reshape(-1) for x in xs])
            mean, std = flat.mean(), flat.std()
        std = torch.where(std > 0, std, torch.ones_like(std))
        dtype = capture.batches[0].args[0].dtype

        def inputs(args: tuple) -> tuple:
            x = args[0]
            return (((x.double() - mean.to(x.device)) / std.to(x.device)).to(dtype), *args[1:])

        variant.inputs = inputs
        if per_feature:
            return tr("inputs standardized per feature with the mean and std of the captured training batches")
        return tr("inputs standardized over all values with the mean and std of the captured training batches")


class ClassWeights(Remedy):
    codes = ("D107",)
    metric = tr("class-balanced loss")

    def _counts(self, capture) -> dict[int, int]:
        counts: dict[int, int] = {}
        for b in capture.batches:
            for value, n in zip(*torch.unique(b.target.reshape(-1).round().long(), return_counts=True)):
                counts[int(value)] = counts.get(int(value), 0) + int(n)
        return counts

    def applies(self, finding, capture, experiments):
        name = capture.loss.name
        if name in CLASS_INDEX_LOSSES:
            return not capture.batches[0].target.is_floating_point() and len(self._counts(capture)) >= 2
        if name == "binary_cross_entropy_with_logits":
            return set(self._counts(capture)) == {0, 1}
        return False

    def apply(self, variant, finding, capture, experiments):
        counts = self._counts(capture)
        total = sum(counts.values())
        if capture.loss.name == "binary_cross_entropy_with_logits":
            pos = counts[0] / counts[1]
            variant.loss_kwargs = {"pos_weight": torch.tensor(pos)}
            return tr("pos_weight {pos:.3g} in the loss (negatives / positives in the captured batches)", pos=pos)
        out = _forward(capture, capture.batches[0])
        classes = int(capture.loss.input_of(out).shape[1])
        weight = torch.ones(classes)
        for c, n in counts.items():
            if 0 <= c < classes:
                weight[c] = total / (len(counts) * n)
        variant.loss_kwargs = {"weight": weight}
        return tr("class weights (inverse class frequency of the captured batches) in the loss")

    def metric_fn(self, capture):
        """Mean over classes of the per-class mean loss: the minority classes count as much as the majority."""

        def balanced(out: Any, target: torch.Tensor) -> torch.Tensor:
            per = _per_sample(capture, out, target)
            cls = target.reshape(-1).round().long()
            if per.numel() != cls.numel():
                return per.mean()
            return torch.stack([per[cls == c].mean() for c in cls.unique()]).mean()

        return balanced


def _per_sample(capture: TrialCapture, out: Any, target: torch.Tensor) -> torch.Tensor:
    kwargs = {k: v for k, v in capture.loss.kwargs.items() if k not in ("reduction", "weight", "pos_weight")}
    return getattr(F, capture.loss.name)(capture.loss.input_of(out), target, reduction="none", **kwargs).reshape(-1)


class LessRegularization(Remedy):
    codes = ("G407",)

    def _settings(self, capture) -> tuple[float, list[float]]:
        decay = max((float(g.get("weight_decay") or 0.0) for g in capture.optimizer.param_groups), default=0.0)
        drops = [float(m.p) for m in capture.model.modules() if isinstance(m, DROPOUT) and m.p > REDUCED_DROPOUT]
        return decay, drops

    def applies(self, finding, capture, experiments):
        decay, drops = self._settings(capture)
        return decay > 0 or bool(drops)

    def apply(self, variant, finding, capture, experiments):
        decay, drops = self._settings(capture)
        parts = []
        if decay > 0:
            variant.optimizer_overrides["weight_decay"] = decay / DECAY_FACTOR
            parts.append(tr("weight decay {new:.3g} instead of {old:.3g}", new=decay / DECAY_FACTOR, old=decay))
        if drops:
            def edit(model: nn.Module) -> None:
                for m in model.modules():
                    if isinstance(m, DROPOUT) and m.p > REDUCED_DROPOUT:
                        m.p = REDUCED_DROPOUT

            variant.edit_model = edit
            parts.append(tr("dropout {new:g} instead of {old:.3g}", new=REDUCED_DROPOUT, old=max(drops)))
        return tjoin(", ", parts)


class Shuffle(Remedy):
    codes = ("D106",)

    def applies(self, finding, capture, experiments):
        sizes = {b.args[0].shape[0] for b in capture.batches}
        return len(capture.batches) >= 2 and len(sizes) <= 2 and all(a.shape[0] == b.target.shape[0]
                                                                     for b in capture.batches for a in b.args[:1])

    def apply(self, variant, finding, capture, experiments):
        variant.shuffle = True
        return tr("the samples of the {count} captured batches shuffled across batches", count=len(capture.batches))


REMEDIES: tuple[Remedy, ...] = (LowerLearningRate(), RaiseLearningRate(), ClipGradients(), ZeroGradEachStep(),
                                TrainModeForTraining(), LogProbabilities(), Unfreeze(), Reinitialize(), Standardize(),
                                ClassWeights(), LessRegularization(), Shuffle())


def remedy_for(code: str) -> Remedy | None:
    return next((r for r in REMEDIES if code in r.codes), None)


def _forward(capture: TrialCapture, batch: Any) -> Any:
    from nndoctor.preflight.common import clone_model

    twin = clone_model(capture.model)
    twin.eval()
    with torch.no_grad():
        return twin(*batch.args)

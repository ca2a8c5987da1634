"""Signals: what the probes saw, as plain Python numbers. Rules judge these.

Nothing here imports torch: probes turn tensors into numbers (read back in
batches), rules only ever see this store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


def _step_at_0(item: Any) -> int:
    return item[0]


def _step_at_1(item: Any) -> int:
    return item[1]


def _step_attr(item: Any) -> int:
    return item.step


class BoundedSeries(list):
    """A per-step record list that stays bounded however long the run: the first ``head`` entries,
    then every ``stride``-th step (entries of one step are kept or dropped together); when it grows
    past ``capacity`` the stride doubles and the kept steps are thinned to match, so the history stays
    evenly spaced over the whole run (rules compare early and late windows by step numbers, which
    every entry carries). ``generation`` counts the thinnings: caches indexed by position restart.
    A plain ``list`` to read (and to pickle or copy)."""

    def __init__(self, items: Any = (), *, head: int = 200, capacity: int = 4096,
                 step_of: Callable[[Any], int] = _step_at_0) -> None:
        super().__init__()
        self.head, self.capacity, self.step_of = head, max(capacity, 2 * head + 2), step_of
        self.stride, self.generation = 1, 0
        self._groups: list[int] = []  # per entry: the index of its step among the distinct steps seen
        self._group, self._last_step = -1, object()
        for item in items:
            self.append(item)

    def append(self, item: Any) -> None:
        # Runs on every step (the losses): no call for the usual (step, ...) item.
        step = item[0] if self.step_of is _step_at_0 else self.step_of(item)
        if step != self._last_step:
            self._group, self._last_step = self._group + 1, step
        if self.stride > 1 and self._group % self.stride and len(self) >= self.head:
            return
        super().append(item)  # (not list.append(self, ...): torch.compile traces this)
        self._groups.append(self._group)
        if len(self) > self.capacity:
            self._thin()

    def extend(self, items: Any) -> None:
        for item in items:
            self.append(item)

    def _thin(self) -> None:
        self.stride *= 2
        keep = [i for i, g in enumerate(self._groups) if i < self.head or g % self.stride == 0]
        self[:] = [self[i] for i in keep]
        self._groups = [self._groups[i] for i in keep]
        self.generation += 1

    def __reduce__(self):
        return (list, (list(self),))


def _bounded(head: int, capacity: int, step_of: Callable[[Any], int] = _step_at_0) -> Callable[[], BoundedSeries]:
    return lambda: BoundedSeries(head=head, capacity=capacity, step_of=step_of)


@dataclass
class TensorStats:
    """A tensor summarised: shape, dtype and value statistics over its finite entries."""

    shape: tuple[int, ...]
    dtype: str
    numel: int
    min: float = 0.0
    max: float = 0.0
    mean: float = 0.0
    std: float = 0.0
    nonfinite: int = 0
    first_nonfinite: tuple[int, ...] | None = None
    integral: bool = False  # every value is a whole number
    is_floating: bool = True


@dataclass
class BatchSignal:
    """The inputs of one model call (the root module's first tensor argument)."""

    step: int
    model: str
    inputs: TensorStats
    fingerprint: tuple[float, ...] = ()
    # Per-feature statistics (features = last dim for 2-D, channel dim for 4-D).
    feature_mean_absmax_in_std: float = 0.0  # max over features of |mean| / std (both over the batch)
    # Median over features of |mean| / std over the batch (a constant feature counts 0): large when most
    # features are small variations on an offset (rows standardized instead of columns, raw offsets).
    feature_offset_median: float = 0.0
    feature_std_min: float = 0.0
    feature_std_max: float = 0.0
    n_features: int = 0
    view_of_rows: int | None = None  # the batch is a slice of a tensor with this many rows
    # Images (N, C, H, W) with C of 3 or 4: autocorrelation along the width at lag 1 and at lag C.
    # Natural images correlate most with their neighbours; channels-last data viewed as channels-first
    # correlates most at lag C (the same channel of the neighbouring pixel).
    width_corr_lag1: float | None = None
    width_corr_lag_c: float | None = None


# Loss functions by what their target is (LossCall.fn): a class index per sample, a value per output, or a 0/1
# (or soft) label per output.
CLASS_INDEX_LOSSES = ("cross_entropy", "nll_loss")
REGRESSION_LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")
BINARY_LOSSES = ("binary_cross_entropy", "binary_cross_entropy_with_logits")


@dataclass
class LossCall:
    """One call of a loss function (functional or module), analysed on sampled steps."""

    step: int
    fn: str
    reduction: str
    value: float
    input: TensorStats
    target: TensorStats | None
    label_smoothing: float = 0.0
    delta: float | None = None  # huber_loss's delta, smooth_l1_loss's beta (where the loss turns linear)
    has_weight: bool = False
    has_pos_weight: bool = False
    ignore_index_used: bool = False
    # Shape of the class dimension (dim 1) for cross-entropy-like losses.
    classes: int | None = None
    probs_like: bool = False  # rows non-negative and summing to 1 (over dim 1)
    unit_interval: bool = False  # every value in [0, 1]
    row_logsumexp_absmax: float | None = None  # for NLL: 0 for log-probabilities
    input_is_model_output: bool = False
    input_model: str | None = None  # ... the model (its label in ``Signals.models``) that returned it
    target_from_model: bool = False  # the target is one of the tensors the model returned beside its output
    # Class-index targets (cross_entropy / nll_loss): accuracy of argmax over dim 1, and the
    # share and index of the most frequent class in this batch.
    accuracy: float | None = None
    target_majority_frac: float | None = None
    target_majority_class: int | None = None
    # Token targets beside an (N, T) token input (tagging, language modelling): the share of targets at
    # the input's padded positions (each row's trailing run of one token), the class most of them hold
    # (the target at the first such position), the share of them holding it, and the padding token.
    padded_target_share: float | None = None
    padded_target_class: int | None = None
    padded_same_class: float | None = None
    padded_token: int | None = None
    ignore_index: int | None = None  # the class-index loss's ignore_index
    valid_target_min: float | None = None  # the class indices other than ignore_index (none left: None)
    valid_target_max: float | None = None
    ignored_share: float | None = None  # share of the targets equal to it, where it is one of the classes
    token_row_length: int | None = None  # T of that (N, T) token input
    # Binary targets (0/1, the input's shape): the share of entries on the right side of the decision
    # threshold, and the share that predicting each output's majority value would get right.
    binary_accuracy: float | None = None
    binary_majority: float | None = None
    # One output per sample: the area under the ROC curve of the outputs against the 0/1 targets, which a
    # class weight (pos_weight) that moves the decision threshold leaves alone.
    binary_auc: float | None = None
    pinned_share: float | None = None  # binary_cross_entropy: share of input entries exactly 0 or 1 (clamped?)
    # Prediction and target each flattened (a view) from a tensor with two leading dims merged: those
    # two dims of each, (input's, target's). (T, N) against (N, T) pairs each position with another's.
    flattened_from: tuple[tuple[int, int], tuple[int, int]] | None = None


MANUAL_UPDATES = -1  # StepStats.optimizer of a step whose parameters the script updates by hand


@dataclass
class StepStats:
    """Per-parameter gradient / weight / update norms of one sampled optimizer step."""

    step: int
    optimizer: int
    grad_norm: dict[str, float] = field(default_factory=dict)
    grad_none: list[str] = field(default_factory=list)
    param_norm: dict[str, float] = field(default_factory=dict)
    update_norm: dict[str, float] = field(default_factory=dict)
    lrs: list[float] = field(default_factory=list)
    # Right after the step's last backward, before anything between it and step() (clipping) touched them.
    backward_grad_norm: dict[str, float] = field(default_factory=dict)
    backward_noted: bool = False  # a backward of this step was seen (backward_grad_norm empty: it gave them none)
    # Models run with gradients this step whose parameters got gradients and are in no optimizer.
    foreign_models: list[str] = field(default_factory=list)


@dataclass
class ClipCall:
    """A call of clip_grad_norm_ on a sampled step: the norm it was asked to hold the gradients to, the
    parameters it was handed, and whether a backward had run since the last step or zero_grad."""

    step: int
    max_norm: float
    norm_type: float
    params: list[str]
    after_backward: bool
    grads_present: int  # of the parameters handed in, those holding a gradient at the call


@dataclass
class LayerStats:
    """Activation statistics of one module on one sampled forward."""

    step: int
    module: str
    kind: str
    out_mean: float = 0.0
    out_std: float = 0.0
    out_frac_zero: float = 0.0
    in_std: float | None = None
    in_dead_frac: float | None = None  # input features that are zero for every sample
    in_saturated_frac: float | None = None
    # A convolution's input with few channels C: mean autocorrelation along its last axis at lag 1 and
    # at lag C (D112: channels-last data viewed as channels-first interleaves the channels there).
    in_corr_lag1: float | None = None
    in_corr_lag_c: float | None = None
    in_channels: int | None = None


@dataclass
class OptimizerInfo:
    index: int
    kind: str
    groups: list[dict[str, Any]]
    n_params: int
    steps: int = 0
    # The run's step at this optimizer's first and latest step() (two optimizers of a GAN overlap; a
    # model and optimizer built again every epoch or fold follow one another).
    first_step: int | None = None
    last_step: int = 0
    empty_grad_steps: int = 0  # steps taken with no gradient at all on any parameter
    checked_steps: int = 0  # steps whose gradients were compared with the previous step's (T501)
    stale_steps: int = 0  # ... and found the same tensors, accumulated, never cleared
    # (step, max lr over groups) each time an lr scheduler changed it: the lr between sampled steps.
    scheduled_lrs: list[tuple[int, float]] = field(default_factory=_bounded(200, 4096))


@dataclass
class PlateauReport:
    """One ReduceLROnPlateau.step(metric): what the scheduler was given and what it did to the lr."""
    scheduler: int  # which scheduler (its order of first step)
    step: int
    mode: str  # "min" or "max": the direction the scheduler counts as improvement
    metric: float
    lr_before: float
    lr_after: float


@dataclass
class LoaderInfo:
    dataset_len: int | None
    batch_size: int | None
    shuffle: bool | None
    sampler: str
    drop_last: bool
    custom_batches: bool = False  # the batches come from a batch_sampler of the script's own (``sampler`` names it)


@dataclass
class ParamInfo:
    name: str
    module: str
    numel: int
    requires_grad: bool
    in_optimizer: bool = False
    module_called: bool = False
    in_output_layer: bool = False
    grad_checked: int = 0
    grad_none: int = 0
    grad_zero: int = 0
    changed: bool | None = None  # did its value change over the run


@dataclass
class NonFiniteEvent:
    kind: str  # "loss" | "gradient" | "parameters"
    step: int
    value: float | None = None
    module: str | None = None
    op: str | None = None
    detail: str = ""
    input_stats: dict[str, Any] | None = None
    params: list[str] = field(default_factory=list)


@dataclass
class SampleBank:
    """A bounded sample of the data itself, copied to the host: for the data rules (label noise,
    leakage, split mismatch) and the report's data summary and sample grid.

    ``x``: numpy float32 array (n, *sample_shape); ``y``: numpy int64 array (n,) of class indices, or
    None when the targets are not class indices; ``index``: where each kept sample was seen
    (dataset index when known, else its running position in the stream); ``seen``: samples seen in
    all (kept or not). Filled by the probe in run/watch and by ``check`` from the datasets handed in.
    """

    x: Any = None
    y: Any = None
    index: Any = None
    seen: int = 0
    capacity: int = 4096
    # Filled by nndoctor/probes/data_capture.py. ``source``: int per kept sample, the gradient-free model
    # call (or data set) it first came from (leakage is judged per source). ``complete``: the bank holds
    # the whole split; ``coverage``: estimated share of the split's distinct samples that the bank holds.
    # ``feature_n/sum/sumsq``: per-feature (column, or channel of images) sums over the whole split, when
    # the whole split was readable (a tensor-backed data set), for the normalization-leak check.
    source: Any = None
    scored: Any = None  # the sources whose samples were scored against targets (a loss call, a DataLoader)
    complete: bool = False
    coverage: float | None = None
    # The same share, measured on the rows offered since the stream first came back to a kept row, when
    # too few rows were offered for ``coverage`` (a short run, few sampled steps): a lower bound.
    wrap_coverage: float | None = None
    origin: str = ""  # where the samples came from, in words ("TensorDataset of the training DataLoader")
    # The source of a validation split the script declared by a sampler over other indices of the training
    # data set (SubsetRandomSampler(val_idx)): held out by intent, so copies of training samples there are leakage.
    declared_source: int | None = None
    feature_n: int = 0
    feature_sum: Any = None
    feature_sumsq: Any = None

    def __len__(self) -> int:
        return 0 if self.x is None else len(self.x)


@dataclass
class Signals:
    steps: int = 0
    backward_calls: int = 0
    # backward() passes whose gradients a zero_grad() cleared before any optimizer step used them.
    discarded_backwards: int = 0
    # Sampled backward() calls, and those given a loss with no graph (a leaf: torch.tensor(value,
    # requires_grad=True) from a number computed elsewhere).
    sampled_backwards: int = 0
    leaf_losses: int = 0
    # Sampled backwards whose loss has a graph that reaches neither the model's output nor a parameter
    detached_losses: int = 0
    # Layers that run in training forwards with gradients but sit in a plain list/dict attribute of a
    # model (not registered, so parameters() misses them): path -> trainable values.
    unregistered_layers: dict[str, int] = field(default_factory=dict)
    # Tensors requiring grad kept as plain module attributes, used (given gradients), trained by nothing.
    unregistered_tensors: dict[str, int] = field(default_factory=dict)
    optimizer_created: int = 0
    root_calls: int = 0
    # Per-step records are BoundedSeries: the first steps in full, then evenly thinned (flat memory).
    losses: list[tuple[int, float]] = field(default_factory=_bounded(200, 4096))
    batches: list[BatchSignal] = field(default_factory=_bounded(100, 2048, _step_attr))
    loss_calls: list[LossCall] = field(default_factory=_bounded(100, 2048, _step_attr))
    step_stats: list[StepStats] = field(default_factory=_bounded(100, 1024, _step_attr))
    layer_stats: list[LayerStats] = field(default_factory=_bounded(1000, 16384, _step_attr))
    optimizers: list[OptimizerInfo] = field(default_factory=list)
    loaders: list[LoaderInfo] = field(default_factory=list)
    # Global random generators seeded again during training: "torch.manual_seed(0)" -> [calls, distinct
    # steps, first step, last step] (at most RESEED_KEYS of them).
    reseeds: dict[str, list[int]] = field(default_factory=dict)
    params: dict[str, ParamInfo] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    # Models first called on another model's output (a decoder on an encoder's state): their labels.
    downstream_models: list[str] = field(default_factory=list)
    module_order: list[tuple[str, str]] = field(default_factory=list)  # (path, kind) of the first forward
    linear_chains: list[tuple[str, str]] = field(default_factory=list)  # Linear/Conv feeding Linear/Conv directly
    # ... of them, those whose first layer's output is read by more than the second (a residual skip)
    forked_linear_chains: list[tuple[str, str]] = field(default_factory=list)
    # Training forwards (the call whose output was backpropagated) by mode, for models
    # that hold mode-dependent layers (Dropout, BatchNorm...).
    train_forwards_eval_mode: int = 0
    train_forwards_train_mode: int = 0
    first_eval_train_step: int | None = None
    mode_dependent_layers: list[str] = field(default_factory=list)
    # lr_scheduler.step() calls made before their optimizer's first step() (the first lr value is skipped).
    scheduler_steps_before_optimizer: int = 0
    # ReduceLROnPlateau.step(metric) calls (once per epoch, typically).
    plateau_reports: list[PlateauReport] = field(default_factory=_bounded(200, 4096, lambda r: r.step))
    # Backward passes that started with the previous step's gradients still in place.
    stale_grad_backwards: int = 0
    checked_backwards: int = 0
    first_stale_step: int | None = None
    nonfinite: list[NonFiniteEvent] = field(default_factory=list)
    # Forwards with gradients off (validation, inference) by the model's mode, for models with
    # mode-dependent layers.
    eval_forwards_train_mode: int = 0
    eval_forwards_eval_mode: int = 0
    first_train_mode_eval_step: int | None = None
    train_mode_eval_steps: int = 0  # the steps after which such forwards ran (evaluation comes in bursts)
    # Forwards with gradients off of models in eval mode, and those in which a dropout ran with
    # training=True all the same (F.dropout's default), from first_eval_dropout_step.
    eval_mode_forwards: int = 0
    eval_dropout_forwards: int = 0
    first_eval_dropout_step: int | None = None
    # Leaf module (kind) whose output is the model's output, when it is an activation (Sigmoid, ReLU...).
    output_activation: tuple[str, str] | None = None
    # BatchNorm layers in training mode: (module, step, samples per channel statistic).
    batchnorm_batches: list[tuple[str, int, int]] = field(default_factory=_bounded(200, 4096, _step_at_1))
    # Class-index targets seen in training loss calls (sampled): class -> count.
    class_counts: dict[int, int] = field(default_factory=dict)
    # The same per number of classes (C -> class -> count, C -> total): class_counts is the C with the
    # most targets, so a contrastive pre-training's targets (C = 2 x batch) do not mix with a probe's.
    class_counts_by_n: dict[int, dict[int, int]] = field(default_factory=dict)
    # The class weights of the first weighted class-index loss (read once).
    class_weights: list[float] | None = None
    # Linear/Conv layers whose output units all have the same weights (the last sampled step): module -> units.
    identical_units: dict[str, int] = field(default_factory=dict)
    class_totals_by_n: dict[int, int] = field(default_factory=dict)
    # The loss terms of one step: several loss calls before one backward, on sampled steps:
    # (step, [(loss function, value)], value that was backpropagated).
    loss_terms: list[tuple[int, list[tuple[str, float]], float]] = field(default_factory=_bounded(100, 1024))
    # L205 by gradient, a few early steps: (step, [(term fn, d loss/d term, its gradient's contribution
    # |d loss/d term| x ||grad of term||)], the norm of the rest of the gradient, the total gradient's norm)
    loss_term_grads: list[tuple[int, list[tuple[str, float, float]], float, float]] = field(default_factory=list)
    # (step, loss function, parameters that feed only it) for loss calls left out of the backward's graph
    unused_loss_terms: list[tuple[int, str, list[str]]] = field(default_factory=list)
    # L204 in a loss written by hand: (step, op, the model-side operand's shape, the broadcast result's
    # shape, and for a scalar operand the reduction that took the batch to it: (its op, the reduced shape))
    loss_broadcasts: list[tuple[int, str, tuple, tuple, tuple | None]] = field(default_factory=list)
    # Gradient-free class-index losses of the last validation passes: counts[target][prediction], their steps
    val_confusion: list[list[int]] | None = None
    val_confusion_steps: tuple[int, int] | None = None
    # clip_grad_norm_ calls of sampled steps (one a step).
    clip_calls: list[ClipCall] = field(default_factory=_bounded(50, 512, _step_attr))
    # Value-target losses computed with gradients off (validation), one a step: (step, fn, predictions, targets).
    eval_value_calls: list[tuple[int, str, TensorStats, TensorStats]] = field(default_factory=_bounded(50, 256))
    # Losses computed with gradients off (validation): (step, value).
    eval_losses: list[tuple[int, float]] = field(default_factory=_bounded(200, 4096))
    # Metrics handed in by the user (doctor.log(val_loss=...)) or integrations: name -> [(step, value)].
    metrics: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    # Results of nndoctor's own experiments on copies (pre-flight): name -> result dict.
    experiments: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The data itself (bounded samples): training batches, and validation/test batches (forwards with
    # gradients off, or val_data in check).
    train_samples: SampleBank = field(default_factory=SampleBank)
    val_samples: SampleBank = field(default_factory=SampleBank)
    # The only validation DataLoader iterates the training DataLoader's own data set, again and again
    # while training goes on (data_capture.py): the validation split is the training split.
    val_samples_from_train_set: bool = False

    def thinned(self) -> int:
        """How often the bounded records were thinned: caches that index them by position restart."""
        return sum(getattr(records, "generation", 0) for records in (
            self.losses, self.batches, self.loss_calls, self.step_stats, self.layer_stats,
            self.batchnorm_batches, self.loss_terms, self.eval_losses))

"""Every threshold nndoctor judges by, in one place, with where it comes from.

Override any of them in ``pyproject.toml``::

    [tool.nndoctor.thresholds.L201]
    max_ratio = 2.0

Rules read them through ``ctx.th`` (this table merged with the user's overrides).
"""
from __future__ import annotations

import copy
from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    # Inputs whose std is this small relative to their magnitude are constant.
    "D101": {"min_steps": 3, "rel_std": 1e-7},
    "D102": {},
    # The same batch, by content, this many consecutive steps while a larger data set exists.
    "D103": {"min_repeats": 5},
    # Label autocorrelation: consecutive batches share their majority class (agreement) far more often
    # than independent batches would (sum of q_c^2); a one-sided binomial z-test, z >= 3 (~0.1% false
    # alarms per run). A batch >= majority_fraction one class counts as "pure" in the evidence.
    "D106": {"majority_fraction": 0.9, "min_batches": 10, "min_agreement": 0.5, "min_excess": 0.3,
             "min_z": 3.0, "min_pure_share": 0.5},
    # Seed checklist: "1 image of class B and 1000 of class A"; the catalog's ~10:1.
    "D107": {"max_ratio": 10.0, "min_samples": 200},
    # Seed checklist: ~1000 images per class when training from scratch (images only); below
    # absolute_floor samples per class any data set is tiny.
    "D108": {"min_per_class": 1000, "absolute_floor": 20},
    # Zero mean / unit variance (seed checklist, CS231n "Data preprocessing"): a feature whose std is
    # max_scale x the unit scale, features whose stds are scale_spread x apart (when the largest is
    # above min_spread_scale), or a pooled |mean| above max_abs_mean_in_std stds (and max_scale).
    # Images within [0, image_max] are left to D110.
    # Drift: the last two sampled batches' std moving away from the first half's median, the last by
    # >= drift_factor (two orders of magnitude; batches of one data set vary by a few x), the one before by its root.
    "D109": {"max_abs_mean_in_std": 5.0, "max_scale": 20.0, "scale_spread": 1000.0, "min_spread_scale": 5.0,
             "image_max": 256.0, "drift_factor": 100.0, "drift_min_batches": 9, "max_offset_in_std": 10.0,
             "min_offset_features": 4},
    # Images in [0, 255] as floats: a batch maximum above min_max (8-bit pixels; [0, 1] images and
    # raw 4-bit digits stay below), at most max_max.
    "D110": {"min_max": 20.0, "max_max": 256.0},
    # Channels-last viewed as channels-first: the width autocorrelation at lag C (channels) reaches
    # min_period_corr and beats lag 1 by min_period_excess (measured on the zoo's D112 script: lag-3
    # 0.55 vs lag-1 0.16 viewed, 0.14 vs 0.58 permuted).
    # The same for the first convolution's input, with few channels (sensor windows, audio): any positive
    # correlation that grows from lag 1 to lag C by min_period_excess (natural signals decorrelate
    # with distance; a noisy sensor's adjacent samples correlate only ~0.2).
    "D112": {"min_batches": 3, "min_period_corr": 0.3, "min_period_excess": 0.2, "min_conv_period_corr": 0.2},
    # Regression targets above huge_target in scale and min_target_over_prediction x the initial
    # predictions (a default-initialized network outputs values of order 0.1-1); probability rows
    # must sum to 1 within row_sum_tol.
    # Padding scored as a class: at least min_padded_share of the token targets in the input's trailing
    # runs of one token, min_padded_run of them a row on average (a sentence ending in one "." is not
    # padding), min_padded_same_class of them one class.
    "D113": {"huge_target": 1e3, "min_target_over_prediction": 100.0, "row_sum_tol": 1e-2,
             "min_padded_share": 0.1, "min_padded_run": 2.0, "min_padded_same_class": 0.99,
             # A classifier's own class as ignore_index, at least this share of its targets.
             "min_ignored_share": 0.05},
    # Keskar et al. 2017 (arXiv:1609.04836): large batches generalize worse. Data sets below
    # min_dataset are trained full-batch on purpose.
    "D115": {"max_share": 0.25, "min_dataset": 256},
    # Copies between splits (content hashes): at least min_overlap validation samples and min_fraction of
    # them (iris has 1 natural duplicate pair in 150), unless fewer than min_distinct_share of the
    # training samples are distinct (inputs with few possible values repeat by nature: 2520 category
    # combinations over 4800 rows give 0.45; breast cancer with its minority class oversampled before the
    # split 0.8), counted on a whole split, estimated on a streamed sample (nndoctor/probes/data_capture.py:
    # 0.44 measured against 0.445 true on that table). A sample is all the per-sample tensors of the model
    # call, not its first one alone. A gradient-free source with as many copies as the training
    # sample's coverage allows (within train_eval_z binomial sds, and >= train_eval_min_share) is a pass
    # over training data (train accuracy), not leakage. Normalization fitted on all data: pooled
    # per-feature mean 0 / std 1 within exact_tol (float32 arithmetic is ~1e-6) while the training split
    # alone is off by >= train_off_factor x exact_tol; at least min_rows samples.
    "D111": {"min_overlap": 5, "min_fraction": 0.01, "min_distinct_share": 0.5, "train_eval_z": 3.0,
             "train_eval_min_share": 0.5, "exact_tol": 1e-3, "train_off_factor": 10.0, "min_rows": 50,
             # Discrete inputs: copies across the splits up to this many times the training data's own
             # repeat rate are chance meetings in a small input space, not a leak.
             "chance_factor": 2.0},
    # Split mismatch: validation classes never seen in training (>= min_unseen samples and
    # min_unseen_share of validation); class frequencies a total variation distance >= max_class_distance
    # apart; features: mean |standardized mean difference| (Cohen's d) >= min_smd ("small" effect, 0.2)
    # and >= smd_z x the sqrt(1/n_train + 1/n_val) that random splits give (measured on the scikit-learn
    # sets: random 80/20 splits 0.7-2.0x, class-sorted splits by position 4.5-7x). Needs min_val
    # held-out validation and min_train training samples; images with more than max_features channels
    # or features are skipped (cost). Gradient-free passes over training data are told apart as in D111.
    # When min_window_share of the training samples reappear shifted by 1-8 steps in another sample
    # (overlapping sliding windows of one series, x[j][:-s] == x[i][s:]), the samples are not independent
    # and a chronological split is the right one: feature or class-frequency differences are info (the
    # series drifts). Sliding windows with a bank covering c of them match with 1 - (1 - c)^8: >= 0.99
    # at c = 0.45 (the zoo's LSTM forecaster); independent samples (digits, wine, breast cancer) match 0.
    "D116": {"min_unseen": 3, "min_unseen_share": 0.02, "max_class_distance": 0.5, "min_smd": 0.2,
             "smd_z": 3.0, "min_val": 20, "min_train": 50, "max_features": 100000, "train_eval_z": 3.0,
             "train_eval_min_share": 0.5, "min_window_share": 0.5,
             # Labels encoded per split: the best one-to-one relabeling of the validation targets reaches
             # min_relabel_accuracy while the targets as given get at most max_relabel_ratio of it, and the
             # classes it moves hold min_relabel_share of the samples.
             "min_relabel_samples": 50, "min_relabel_accuracy": 0.5, "max_relabel_ratio": 0.5,
             "min_relabel_share": 0.2,
             # Inputs of the two splits, as the model was fed them, whose spreads (std) differ this many times.
             # The same for regression targets: validation targets min_scale_ratio x off the training targets'
             # spread (std, or a mean that far outside it) and off the validation predictions', while the
             # training predictions sit within fit_scale_ratio of the training targets' spread.
             "min_scale_ratio": 10.0, "fit_scale_ratio": 3.0},
    # CS231n: ln(C) for cross-entropy at init, ln 2 per output for BCE.
    "L201": {"max_ratio": 1.6, "abs_slack": 0.25},
    # Softmax rows: non-negative and summing to 1 within this tolerance.
    "L202": {"row_sum_tol": 1e-3},
    # logsumexp of log-probabilities is 0; raw logits or probabilities are far from it.
    "L203": {"lse_tol": 1e-2},
    "L204": {},
    # BCELoss fed clamped logits: in each of its first min_pinned_calls sampled calls (before step
    # pinned_first_steps, while a sigmoid cannot saturate yet) this share of entries is exactly 0 or 1.
    "L208": {"min_pinned_share": 0.05, "min_pinned_calls": 3, "pinned_first_steps": 20},
    # "Orders of magnitude" (catalog): weighted terms max_ratio x apart, each by its largest value over
    # the first early_steps recorded steps (before a term is learned to ~0), at least min_steps recorded.
    # By gradient (the catalog's "in value or gradient"): a loss function's term whose gradient is
    # max_grad_ratio x smaller than another part's, on min_grad_samples weighed steps; the hand-written
    # rest of the loss counts as a part once its gradient is min_rest_share of the total's.
    "L205": {"max_ratio": 100.0, "early_steps": 10, "min_steps": 3,
             "max_grad_ratio": 100.0, "min_grad_samples": 2, "min_rest_share": 1e-3},
    # Loss down >= min_loss_drop (first vs last quarter) while the metric gains < min_metric_gain
    # (absolute for metrics in [0, 1], relative otherwise). DL4J "Visualizing network training".
    # A [0, 1] metric already at ceiling in the first quarter has nothing left to gain; one near it that
    # closed min_error_cut of its distance to 1 improved (0.979 -> 0.993 is two thirds of the errors gone).
    # Without a metric, a loss that fell but ends within prior_tol of the label entropy (the loss of
    # predicting the class frequencies) learned only the prior.
    "L206": {"min_loss_drop": 0.3, "min_metric_gain": 0.02, "min_points": 20, "min_metric_points": 4,
             "ceiling": 0.98, "min_error_cut": 0.25, "prior_tol": 0.05},
    # Targets beyond the activation's range by margin x their std, in >= half of the sampled calls.
    "L209": {"min_calls": 3, "margin": 0.1},
    # Class indices: whole numbers 0..k with 2 <= k <= max_classes regressed by one output per sample.
    "L210": {"min_calls": 3, "max_classes": 20},
    # An optimizer stepping none of the parameters of the models that train: in at least min_foreign_steps
    # sampled steps and half of them.
    "M302": {"min_foreign_steps": 3},
    # Zero gradients explained by the loss itself: exactly 0 at min_zero_loss_share of the steps.
    "M303": {"min_steps": 3, "min_zero_loss_share": 0.9},
    # Activation std relative to the layer's input (gain = out std / input rms). PyTorch's default init
    # gives ~0.58 per Linear/Conv, He ~1.4, Xavier/LeCun ~1 (Deeplearning4j's activation std band
    # [0.5, 2]; He et al. 2015). A run of >= min_run consecutive layers outside [low_gain, high_gain]
    # whose combined factor reaches min_total is a geometric trend with depth, not one odd layer.
    # Weight matrices exactly zero when training starts: judged once their gradient has been checked at
    # zero_min_steps sampled steps (a layer zero-initialised on purpose gets a gradient at the first one).
    # Growth between layers: the median input RMS of the last quarter of at least growth_min_layers linear
    # layers growth_total x the first quarter's (a residual MLP without normalization grows ~x1.05 a block,
    # x2 when each block adds its input twice).
    "M305": {"low_gain": 0.2, "high_gain": 4.0, "min_run": 2, "min_total": 10.0, "high_std": 2.0,
             "growth_min_layers": 8, "growth_total": 100.0,
             "zero_min_steps": 3, "symmetric_min_steps": 50},
    # Share of a layer's ReLU-family inputs that are zero for every sample of the batch, in the median of
    # the last `window` sampled batches (at least min_samples of them). Judged on batches of min_batch
    # samples or more (median): a unit active on 1% of the samples is silent on a batch of 8 with
    # probability 0.92, on 16 with 0.85, so smaller batches make live units look dead.
    # Dead units in a run whose loss came down to learned_share of its start all the same (over at least
    # learned_min_steps steps) are info: capacity lost, not a failure.
    "M306": {"max_dead_frac": 0.5, "window": 5, "min_samples": 3, "min_batch": 16, "learned_share": 0.1,
             "learned_min_steps": 100},
    # Share of a hidden Tanh/Sigmoid output at the asymptote (|tanh| > 0.99, sigmoid < 0.01 or > 0.99).
    "M307": {"max_saturated_frac": 0.5, "window": 5, "min_samples": 3},
    # |mean| / std of a hidden activation; ReLU gives ~0.7, softplus ~1.4, sigmoid on unit-scale inputs ~2.4
    # (above what these produce on their own, per the catalog).
    "M310": {"max_mean_over_std": 3.0, "window": 5, "min_samples": 3},
    # Output width of the first layer below this share of both its neighbours' widths: a deliberate
    # low-rank factorization (LoRA, bottleneck), reported as info.
    "M311": {"bottleneck": 0.5},
    # CS231n: update/weight ratio ~1e-3; TheDeepChecker: log10 of it in [-4, -1]. A window median of the
    # loss above rise_factor x its start with a layer at >= high_ratio is divergence; climbing back (over
    # the last third, >= min_tail_windows windows) by rebound_fraction of the progress made and to
    # rebound_factor x the best level, with a layer at >= unstable_ratio (10x CS231n's 1e-3), is instability.
    # Blown up, then dead: in the first early_samples sampled steps a layer's update reaches blowup_ratio x its
    # weights (1000x CS231n's ratio: Adam at lr=1 on default-initialised layers gives ~10), then every gradient
    # is exactly zero in >= dead_share of >= min_dead_samples later sampled steps (the last three included)
    # while the loss stays within min_progress of its start or at chance_fraction of the mean-prediction level
    # (G406's). Oversized, never descending: an early layer at >= oversized_ratio (300x CS231n's ratio), the
    # loss within min_progress of its start or at walk_chance_fraction of the chance level at the end, and
    # Smith's LR range test (fastai's steepest-descent suggestion) >= lr_range_factor below the rate in use.
    "G401": {"min_steps": 20, "rise_factor": 1.5, "high_ratio": 0.1, "min_progress": 0.1, "min_tail_windows": 3,
             "rebound_fraction": 0.25, "rebound_factor": 1.5, "unstable_ratio": 0.01,
             "early_samples": 3, "blowup_ratio": 1.0, "dead_share": 0.5, "min_dead_samples": 5,
             "chance_fraction": 0.95, "oversized_ratio": 0.3, "lr_range_factor": 3.0,
             "walk_chance_fraction": 0.8},
    # TheDeepChecker's lower bound 1e-4 for the update/weight ratio, while gradients are >= min_grad_ratio of
    # the weights (not vanishing) and the loss moved less than max_progress of its start.
    # A collapsed schedule: the recorded lr collapse_factor (4 orders of magnitude) below its peak within the first
    # collapse_share of the steps and never back; cosine and OneCycle annealing reach 1e-4 of their peak only in
    # the last ~1% of their run. Judged when the loss had not yet fallen below collapse_min_remaining of its start
    # and has moved at most collapse_max_progress since (window medians of a frozen model's per-batch loss
    # wander by a few percent).
    # Gradients clip_factor x larger after backward than at step() (median of the sampled steps): a clip
    # that shrinks every update by an order of magnitude.
    # Gradients below min_grad_ratio are spared as vanishing unless the loss handed to backward is at most
    # max_loss_scale of what the loss function returned and the gradients at its own scale would not be
    # small (a mean over 8-32 accumulated batches is 1/8-1/32: above it).
    "G402": {"min_steps": 50, "min_samples": 10, "max_ratio": 1e-4, "min_grad_ratio": 1e-3, "max_progress": 0.05,
             "max_loss_scale": 0.02, "warmup_rise": 1.5,
             "clip_factor": 10.0,
             "collapse_factor": 1e4, "collapse_share": 0.5, "collapse_min_remaining": 0.2,
             "collapse_max_progress": 0.1},
    # Pascanu et al. 2013 (exploding gradients): a sampled gradient norm >= spike_factor x the median of its
    # neighbours (two orders of magnitude) and above the run's first gradients, whose update follows it (the step's
    # total update >= spike_update_factor x the sampled steps' before it: SGD moves the weights 100x; Adam divides the gradient by
    # its running size and moves them about 3x, which does no harm), or sustained growth by growth_factor.
    # A burst (Pascanu et al. 2013: the loss jumps with the gradient norm): the norm >= burst_factor x its first
    # samples, and the loss within burst_loss_window steps after (median of 5) >= burst_loss_rise x its start.
    # A clip that does not hold (Pascanu et al.'s remedy misapplied): on >= clip_min_share of >= clip_min_calls
    # sampled clip_grad_norm_ calls, step() gets gradients above clip_over x max_norm (clip_over_after_backward x
    # when the clip came after a backward: clipping each accumulated micro-batch lets the sum grow a little).
    "G403": {"min_samples": 6, "neighbours": 4, "spike_factor": 100.0, "spike_update_factor": 10.0,
             "growth_factor": 100.0,
             "burst_factor": 30.0, "burst_loss_rise": 2.0, "burst_loss_window": 40,
             "clip_min_calls": 3, "clip_min_share": 0.75, "clip_over": 2.0, "clip_over_after_backward": 10.0},
    # Pascanu et al. 2013 (vanishing gradients): the first layer's gradient/weight ratio <= max_gap of the
    # largest later layer's, in the median of >= min_samples sampled steps and in min_share of them.
    "G404": {"min_samples": 10, "max_gap": 1e-3, "min_share": 0.7, "max_update_gap": 1e-2},
    # Weight norm x growth_factor since the first sample and the second half of the run adding
    # >= min_late_growth of what the first half added (1 = linear growth, ~0.4 = sqrt-like, 0 = levelled off).
    # ... and the loss, falling with them, fell in the second half at least min_late_loss_drop x what it fell
    # in the first, and by min_loss_drop of its size (a logistic loss at its floor, a GAN's game: not).
    "G405": {"min_samples": 6, "min_steps": 50, "growth_factor": 4.0, "min_late_growth": 0.6,
             "min_late_loss_drop": 0.5, "min_loss_drop": 0.05},
    # Best window median less than min_decrease below the start, or the last quarter at >= chance_fraction of
    # the chance / mean-prediction level (CS231n: ln C for C classes; target variance for MSE).
    "G406": {"min_steps": 30, "min_decrease": 0.05, "chance_fraction": 0.95},
    # Validation loss (median of 3) rising min_rise above its minimum, sustained, while the training loss
    # falls; a warning once the gap is large: the final validation loss exceeds the training loss by
    # >= warn_gap_share of the loss at the start (zoo G408, 100 samples memorized: 0.39; a well-generalizing
    # digits ResMLP whose validation loss creeps up late: 0.10). A first validation loss >= sum_scale x the
    # training loss then is a sum over samples (per-sample means agree within a few x before overfitting).
    "G408": {"min_points": 5, "min_rise": 0.2, "warn_gap_share": 0.25, "sum_scale": 10.0},
    # The last `last_windows` window medians (of 20) still falling, making >= min_recent_share of the
    # whole decrease and >= min_recent_drop of the current level.
    # Silent when the median update/weight ratio over those windows is below min_update_ratio (1e-4 of
    # CS231n's ~1e-3: the weights stand still, and a falling window median is batch noise).
    "G409": {"min_steps": 30, "last_windows": 4, "min_recent_share": 0.15, "min_recent_drop": 0.05,
             "min_update_ratio": 1e-7},
    # Adam-like eps >= eps_over_grad x the typical gradient entry; coupled weight decay x weight norm >=
    # max_decay_over_grad x the gradient norm; decoupled (AdamW) lr x weight_decay >= max_decoupled_decay.
    # ReduceLROnPlateau against its metric: never better (by its mode) than its first report over at
    # least plateau_min_reports, with plateau_min_against new extremes the other way, a move of
    # plateau_min_move of the metric's scale, the loss down by plateau_loss_drop meanwhile, and lr
    # cuts; an error once the lr is cut plateau_error_cut-fold.
    # SGD momentum from max_momentum (a horizon of 200+ steps; U-Net's 0.99 is below) while the loss rebounds.
    "G410": {"max_momentum": 0.995, "eps_over_grad": 10.0, "default_eps": 1e-7, "max_decay_over_grad": 10.0, "max_decoupled_decay": 0.01,
             "plateau_min_reports": 4, "plateau_min_against": 3, "plateau_min_move": 0.1,
             "plateau_loss_drop": 0.05, "plateau_error_cut": 100.0},
    # Gradient of a parameter that never changes when others do.
    "T501": {"min_steps": 3},
    # ... or most backward() passes cleared by zero_grad() before a step used them (step() outside the
    # batch loop): at least min_discarded of them and max_discarded_share of all.
    "T502": {"min_backwards": 5, "min_discarded": 20, "max_discarded_share": 0.5},
    "T503": {"min_steps": 3},
    # No-grad forwards in train mode; evaluation comes in bursts (at most max_share_of_steps per
    # optimizer step) or computes a loss, unlike a GAN's no-grad generator pass at every step.
    "T504": {"min_forwards": 1, "max_share_of_steps": 0.5},
    # Wu & He 2018 (Group Normalization, arXiv:1803.08494): BatchNorm error rises sharply below ~8
    # samples per batch; max_samples at >= half the sampled steps is a warning, a single batch of
    # max_samples_occasional or fewer (a short last batch) is info.
    "T505": {"max_samples": 4, "max_samples_occasional": 2, "min_steps": 3},
    # Multi-process runs (nndoctor/distributed.py gathers the evidence on rank 0). T506: input
    # batches (or losses) identical on every rank at min_steps early steps. T507: DDP replicas are
    # bit-identical after a step; a per-parameter checksum (sum, absolute sum) differing by more
    # than rtol of the absolute sum is divergence (float32 rounding alone would be ~1e-7 or less).
    "T506": {"min_steps": 3},
    "T507": {"rtol": 1e-6},
    # Pre-flight experiments (nndoctor/preflight), judged in nndoctor/rules/experiments.py.
    # Karpathy / TheDeepChecker: a copy overfits 16 samples: final loss <= 10% of the start, or
    # every sample right with the loss at most half the start (label smoothing keeps CE above 0).
    # The ratio is (end - floor) / (start - floor): the floor is the lowest loss the targets allow
    # (their entropy for soft binary cross-entropy targets such as grey levels, else 0), the end the
    # lower of the final loss and the median of the last 5 training losses (Adam on one batch is noisy).
    # An L1 loss is linear in the residual where squared error and cross-entropy near a fit are
    # quadratic: the same fit leaves sqrt(0.1) ~ 0.32 of an L1 loss (max_ratio_linear).
    # A copy stopped by the time budget while its loss still fell by more than still_falling over the
    # last 10 steps (a slow model, e.g. an LSTM) gives no verdict.
    # No verdict when fitting the real-valued targets exactly needs a function max_steepness times steeper
    # than the data's typical slope (preflight/experiments.steepness: 3-8 on smooth data of any dimension,
    # 30-300 for noisy targets on a 1-D input).
    "M308": {"max_ratio": 0.1, "max_ratio_when_accurate": 0.5, "min_steps": 40, "max_ratio_linear": 0.32,
             "still_falling": 0.2, "max_steepness": 20.0, "still_learning": 0.4},
    # Outputs with zero/random inputs differ from the real ones by less than this (relative, mean).
    "M309": {"max_sensitivity": 1e-4},
    # Share of output entries that depend on more than one sample's input (eval mode; every forward
    # draws the same random numbers, and changes count only beyond twice the difference between two
    # forwards of the unchanged input).
    "M304": {"max_mixing_fraction": 0.0},
    "M301": {},
    # Labels carry signal if learned this much faster (mean training loss over the steps) than
    # shuffled ones (random labellings of 32 samples differ by up to ~10% by chance), or if, trained on half the captured samples, a copy's loss on the other half
    # falls this far below that of the best input-free predictor (class frequencies / mean target),
    # or is this much lower than after training on shuffled labels (random labellings differ by
    # up to ~30% there on 32 held-out samples). Judged only with enough label diversity (share of labels a permutation changes) and when the
    # copies learn at all (mean loss below this share of the start).
    "D104": {"min_advantage": 0.2, "min_heldout_gain": 0.05, "min_heldout_advantage": 0.4,
             "min_label_diversity": 0.3, "max_auc_learned": 0.9,
             # ... and the run itself does not refute it: judged after wait_epochs epochs (wait_steps steps
             # when the epoch length is unknown) or at the end, silent if a validation loss, or the
             # training-batch accuracy within those epochs (fresh_steps when the epoch length is unknown),
             # closes run_learned_share of the gap between the label statistics and a perfect fit (the
             # mean of two batches of shuffled labels stays within ~2 standard errors of the majority share).
             # Scored on known validation labels, the training class frequencies are the best an
             # input-free predictor does there; a model trained on labels unrelated to its inputs does
             # worse still, so a validation loss val_learned_share below that settles it.
             "wait_epochs": 10, "wait_steps": 1000, "fresh_steps": 100, "run_learned_share": 0.25,
             "val_learned_share": 0.1,
             # Constant targets (passive): every target of the run's one value-target loss is the same number,
             # judged once min_constant_calls sampled calls and min_constant_targets targets are seen (a batch
             # of one sample is constant by itself; 256 draws of a 1%-minority label all miss it 8% of the time).
             "min_constant_calls": 8, "min_constant_targets": 256},
    # Label noise by confident learning (nndoctor/labels.py). Curated benchmarks hold ~3% wrong labels
    # on average and up to ~6% (ImageNet val) or ~10% (QuickDraw) (Northcutt, Athalye & Mueller 2021,
    # "Pervasive Label Errors in Test Sets"); the estimate is within ~3-5 points of the truth on
    # flipped digits/wine/breast cancer (benchmarks/results/label-noise.md), so warn from
    # max_noise_rate = 10%, which a clean set read 5 points high still stays under. The quick model must
    # beat the class frequencies by at least "fair" agreement (Cohen's kappa > 0.2, Landis & Koch
    # 1977), and the flagged labels must outnumber the model's other misses min_issue_to_error_ratio
    # to 1: below that it cannot tell wrong labels from overlapping classes and the finding is info.
    # Measured: clean overlapping make_classification sets (class_sep 0.5-1.5, 3-10 classes) 0.8-2.3;
    # 20% random flips: digits 3.0-5.5 (six seeds), breast cancer >= 6.7, moons >= 12, wine (178
    # samples) 1.8-5.5; 30%: >= 3.9 on all four.
    # At least min_samples labelled samples; at most max_samples used (bounded time).
    # The run's own network bounds the estimate r: wrong labels cap a model that has not memorized them
    # at ~1 - r, and a quick model far below the network misses signal, which inflates r. The network's
    # pooled accuracy over the latest sampled class-index training batches holding network_min_samples
    # targets, of the first epoch (not yet trained on), else of the run, less z_accuracy
    # binomial standard errors, beyond 1 - r + cap_slack (the estimate's own error, ~3-5 points above), or
    # min_network_gain above the quick model's held-out agreement, refutes it: info. Measured: the zoo's
    # 1-D CNN (r 0.33, quick 0.56, training batches 0.82-0.96) and multi-task MLP (r 0.30, quick 0.62,
    # last batches 0.77-0.88) are refuted; the D105 zoo scripts' networks stay within ~0.06 of their
    # quick models and at or below 1 - r (crowdsourced r 0.25, quick 0.69: 0.75; shifted labels r 0.32,
    # quick 0.64: 0.66-0.72).
    "D105": {"max_noise_rate": 0.10, "min_kappa": 0.2, "min_issue_to_error_ratio": 2.7, "min_samples": 100,
             "max_samples": 4000, "network_min_samples": 100, "z_accuracy": 2.0,
             "cap_slack": 0.05, "min_network_gain": 0.1},
    # No threshold: bit-identical weights are the evidence. A configured decay whose per-step shrink
    # lr * weight_decay float32 cannot resolve (below ~6e-8 it rounds away) is raised to
    # preflight.common.RESOLVABLE_DECAY (1e-6) for the comparison.
    "L207": {},
    # Over-regularized: without regularization the loss falls >= min_free_drop (fraction of the
    # start), with it by at most max_drop_share of that fall.
    "G407": {"min_free_drop": 0.3, "max_drop_share": 0.25},
    # Excessive augmentation: fixed draws fall >= min_fixed_drop, fresh augmented draws at most
    # max_drop_share of that.
    "D114": {"min_fixed_drop": 0.3, "max_drop_share": 0.2},
    "N601": {},
    "N602": {},
    "N603": {},
    # --try-fixes: a remedy helped when its loss ends at least this share below the unchanged run's
    # (or the unchanged run diverged and the remedied one did not). Runs of the same set-up with
    # other dropout masks differ by a few percent; 10% is well outside that.
    "trial": {"min_improvement": 0.1},
}


def merged(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """The defaults with the user's overrides applied; unknown keys are errors, not silence."""
    table = copy.deepcopy(DEFAULTS)
    for code, values in (overrides or {}).items():
        if code not in table:
            raise ValueError(f"[tool.nndoctor.thresholds]: no thresholds for rule {code!r}")
        for key, value in values.items():
            if key not in table[code]:
                known = ", ".join(table[code]) or "none"
                raise ValueError(f"[tool.nndoctor.thresholds.{code}]: unknown threshold {key!r} (known: {known})")
            table[code][key] = type(table[code][key])(value)
    return table

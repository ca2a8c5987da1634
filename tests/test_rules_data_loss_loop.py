"""Unit tests of D106-D115, L205-L210, T504-T505 on hand-built Signals (healthy and broken numbers)."""
from __future__ import annotations

import random

import pytest

from nndoctor.rules.base import Context, Hit, load_rules
from nndoctor.signals import BatchSignal, LoaderInfo, LossCall, OptimizerInfo, Signals, TensorStats
from nndoctor.thresholds import DEFAULTS

RULES = load_rules()


def judge(code: str, sig: Signals, final: bool = True) -> list[Hit]:
    result = RULES[code].check(Context(sig, dict(DEFAULTS[code]), final))
    return [] if result is None else [result] if isinstance(result, Hit) else list(result)


def stats(shape, *, mn=-1.0, mx=1.0, mean=0.0, std=1.0, integral=False, floating=True, dtype=None):
    numel = 1
    for s in shape:
        numel *= s
    return TensorStats(shape=tuple(shape), dtype=dtype or ("float32" if floating else "int64"), numel=numel,
                       min=mn, max=mx, mean=mean, std=std, integral=integral or not floating, is_floating=floating)


def batch(step, shape=(32, 10), *, fstd=(0.8, 1.2), fmean=0.5, fp=None, view=None, **kw):
    return BatchSignal(step=step, model="Net", inputs=stats(shape, **kw), n_features=shape[1] if len(shape) > 1 else 0,
                       feature_std_min=fstd[0], feature_std_max=fstd[1], feature_mean_absmax_in_std=fmean,
                       fingerprint=fp if fp is not None else (step, 1.0), view_of_rows=view)


def ce_call(step, maj_class, maj_frac=0.3, *, n=32, classes=10, acc=None, value=2.3, weight=False, tmax=None):
    return LossCall(step=step, fn="cross_entropy", reduction="mean", value=value,
                    input=stats((n, classes)), target=stats((n,), mn=0, mx=tmax if tmax is not None else classes - 1,
                                                            floating=False),
                    classes=classes, input_is_model_output=True, accuracy=acc, has_weight=weight,
                    target_majority_frac=maj_frac, target_majority_class=maj_class)


def sampled_steps(n_steps=300, full=20, every=10):
    return [s for s in range(n_steps) if s < full or s % every == 0]


# ----------------------------------------------------------------------------------------- D106
def _labels_signals(majority_of_step, fracs=None):
    sig = Signals(steps=max(majority_of_step) + 1)
    for s, m in majority_of_step.items():
        sig.loss_calls.append(ce_call(s, m, (fracs or {}).get(s, 1.0)))
        sig.batches.append(batch(s))
    return sig


def test_d106_sorted_batches_raise():
    steps = sampled_steps()
    sig = _labels_signals({s: (s // 7) % 6 for s in steps})  # 7 batches per class, in order
    sig.loaders.append(LoaderInfo(1440, 32, False, "SequentialSampler", False))
    hits = judge("D106", sig)
    assert hits and hits[0].evidence["agreement"] > 0.8
    assert "shuffle=False" in hits[0].message
    # A batch_sampler of the script's own (shuffling chunks of a class-sorted store): named, no shuffle=False.
    sig.loaders[:] = [LoaderInfo(1440, None, None, "ChunkShuffleSampler", False, custom_batches=True),
                      LoaderInfo(360, 120, False, "SequentialSampler", False)]  # (and the validation loader)
    hits = judge("D106", sig)
    assert hits and "ChunkShuffleSampler" in hits[0].message and "shuffle=False" not in hits[0].message


def test_d106_long_runs_and_fixed_epoch_order():
    # Two classes of 1000 batches each: the first 20 steps are all class 0, later samples show the runs.
    steps = sampled_steps(4000, every=50)
    early = _labels_signals({s: 0 for s in steps if s < 20})
    assert not judge("D106", early, final=False)  # one class so far: nothing to compare yet
    sig = _labels_signals({s: (s // 1000) % 2 for s in steps})
    hits = judge("D106", sig)
    assert hits and hits[0].evidence["agreement"] > 0.9
    # an unshuffled but unsorted data set sampled at the same place of every epoch: labels repeat per epoch
    rng = random.Random(1)
    order = [rng.randrange(10) for _ in range(10)]
    fixed = _labels_signals({s: order[s % 10] for s in sampled_steps(400, full=1, every=10)})
    assert not judge("D106", fixed)


@pytest.mark.parametrize("n_classes, batch_size", [(10, 64), (2, 16), (3, 1), (10, 10)])
def test_d106_shuffled_batches_stay_silent(n_classes, batch_size):
    rng = random.Random(n_classes * 100 + batch_size)
    for trial in range(20):
        majority = {}
        for s in sampled_steps():
            labels = [rng.randrange(n_classes) for _ in range(batch_size)]
            majority[s] = max(range(n_classes), key=labels.count)
        assert not judge("D106", _labels_signals(majority)), (trial, majority)


def test_d106_imbalanced_but_shuffled_is_not_order():
    sig = _labels_signals({s: 0 for s in sampled_steps()}, {s: 0.97 for s in sampled_steps()})
    assert not judge("D106", sig)


def test_d106_pure_batches_when_the_sampled_steps_are_one_sorted_stretch():
    """Data sorted once by a key that tracks the label (sequence length), sliced in order: the first 20
    steps are all class 0, so class 0 is the majority "expected" of adjacent pairs; but nearly every
    sampled batch is one class, which shuffled batches of classes 80/20 almost never are."""
    steps = [s for s in range(750) if s < 20 or s in (32, 64, 128, 256, 512)]
    sig = _labels_signals({s: 0 if s < 100 else 1 for s in steps})
    sig.class_counts = {0: 800, 1: 200}
    hits = judge("D106", sig)
    assert hits and "one class" in hits[0].message and hits[0].evidence["pure_batches"] == len(steps)
    # An imbalanced data set, shuffled: batches of 32 are >= 90% class 0 most of the time anyway.
    sig = _labels_signals({s: 0 for s in steps}, {s: 0.97 for s in steps})
    sig.class_counts = {0: 970, 1: 30}
    assert not judge("D106", sig)


def test_d106_same_batch_reused_is_not_order():
    steps = sampled_steps()
    sig = _labels_signals({s: (s // 7) % 6 for s in steps})
    for b in sig.batches:
        b.fingerprint = (b.step // 7, 1.0)  # the same content 7 steps in a row: D103's business
    assert not judge("D106", sig)


# ----------------------------------------------------------------------------------------- D107
def test_d107_imbalance_raises_and_weights_silence_it():
    sig = Signals(steps=300)
    sig.loss_calls = [ce_call(s, 0, 0.97, classes=2) for s in range(50)]
    sig.class_counts = {0: 3157, 1: 99}
    hits = judge("D107", sig)
    assert hits and hits[0].evidence["ratio"] > 30
    for c in sig.loss_calls:
        c.has_weight = True
    assert not judge("D107", sig)
    sig.class_weights = [3256 / 3157, 3256 / 99]  # inverse frequencies: the imbalance is handled
    assert not judge("D107", sig)
    sig.class_weights = [3157 / 3256, 99 / 3256]  # the frequencies themselves: it gets worse
    hits = judge("D107", sig)
    assert hits and hits[0].evidence["weighted_ratio"] > 900


def _sampled_from_imbalanced_split(sampled_counts, sampler="WeightedRandomSampler"):
    """A training split of 3889 vs 111 (35:1) read in full, and what the sampled batches held."""
    import numpy as np

    sig = Signals(steps=1500)
    sig.loss_calls = [ce_call(s, 0, 1.0, classes=2) for s in range(50)]
    sig.class_counts = dict(sampled_counts)
    sig.class_counts_by_n = {2: dict(sampled_counts)}
    sig.train_samples.y = np.asarray([0] * 3889 + [1] * 111, dtype=np.int64)
    sig.train_samples.complete = True
    sig.loaders.append(LoaderInfo(4000, 64, None, sampler, False))
    return sig


def test_d107_a_sampler_that_draws_the_rare_class_even_less():
    """WeightedRandomSampler weights proportional to the class frequency: the sampled batches hold none
    of the 2.8% class, so they show one class only; the whole split shows the imbalance."""
    hits = judge("D107", _sampled_from_imbalanced_split({0: 1792}))
    assert hits and hits[0].evidence["ratio"] > 30 and "WeightedRandomSampler" in hits[0].message
    # A plain shuffle that happened to hold a few: the split still says 35:1, the batches are not rebalanced.
    assert judge("D107", _sampled_from_imbalanced_split({0: 1770, 1: 22}, sampler="RandomSampler"))
    # Inverse weights: the batches hold the rare class about half the time: rebalanced, silent.
    assert not judge("D107", _sampled_from_imbalanced_split({0: 900, 1: 892}))


def test_d107_balanced_and_segmentation_are_silent():
    sig = Signals(steps=300)
    sig.loss_calls = [ce_call(s, 0, classes=3) for s in range(50)]
    sig.class_counts = {0: 500, 1: 420, 2: 380}
    assert not judge("D107", sig)
    seg = Signals(steps=100)
    for s in range(20):
        c = ce_call(s, 0, 0.95, classes=4)
        c.target = stats((8, 32, 32), mn=0, mx=3, floating=False)
        seg.loss_calls.append(c)
    seg.class_counts = {0: 100000, 1: 500, 2: 300, 3: 200}
    assert not judge("D107", seg)


def test_d107_binary_bce_positive_share():
    sig = Signals(steps=100)
    for s in range(40):
        sig.loss_calls.append(LossCall(step=s, fn="binary_cross_entropy_with_logits", reduction="mean", value=0.3,
                                       input=stats((64,)), target=stats((64,), mn=0, mx=1, mean=0.02, integral=True)))
    assert judge("D107", sig)
    for c in sig.loss_calls:
        c.target.mean = 0.4
    assert not judge("D107", sig)


# ----------------------------------------------------------------------------------------- D108 / D115
def test_d108_tiny_tabular_and_image_sets():
    sig = Signals(steps=300)
    sig.loaders.append(LoaderInfo(50, 10, True, "RandomSampler", False))
    sig.batches = [batch(s, (10, 64)) for s in range(30)]
    sig.loss_calls = [ce_call(s, 0, classes=10, n=10) for s in range(30)]
    hits = judge("D108", sig)
    assert hits and hits[0].evidence["per_class"] == 5
    # iris: 120 samples, 3 classes = 40 per class is fine for a tabular model
    iris = Signals(steps=300)
    iris.loaders.append(LoaderInfo(120, 16, True, "RandomSampler", False))
    iris.batches = [batch(s, (16, 4)) for s in range(30)]
    iris.loss_calls = [ce_call(s, 0, classes=3, n=16) for s in range(30)]
    assert not judge("D108", iris)
    # images: 3000 images for 10 classes is below the ~1000 per class of the checklist (info)
    images = Signals(steps=300)
    images.loaders.append(LoaderInfo(3000, 64, True, "RandomSampler", False))
    images.batches = [batch(s, (64, 3, 32, 32), mn=-2, mx=2) for s in range(30)]
    images.loss_calls = [ce_call(s, 0, classes=10, n=64) for s in range(30)]
    assert judge("D108", images)


def test_d115_large_share_is_info_and_small_full_batch_silent():
    sig = Signals(steps=160)
    sig.loaders.append(LoaderInfo(1437, 1024, True, "RandomSampler", False))
    sig.batches = [batch(s, (1024 if s % 2 == 0 else 413, 64)) for s in range(40)]
    hits = judge("D115", sig)
    assert hits and hits[0].evidence["share"] > 0.7 and hits[0].severity in (None, "info")
    # wine, full batch every step (no loader, same content): small data set, trained full-batch on purpose
    wine = Signals(steps=300)
    wine.batches = [batch(s, (133, 13), fp=(1.0, 2.0)) for s in range(40)]
    assert not judge("D115", wine)
    # a mini-batch loader is fine
    ok = Signals(steps=300)
    ok.loaders.append(LoaderInfo(1437, 64, True, "RandomSampler", False))
    ok.batches = [batch(s, (64, 64)) for s in range(40)]
    assert not judge("D115", ok)


def test_d115_lbfgs_full_batch_is_silent():
    sig = Signals(steps=50)
    sig.batches = [batch(s, (1000, 8), fp=(1.0,)) for s in range(30)]
    sig.optimizers.append(OptimizerInfo(0, "LBFGS", [{}], 4))
    assert not judge("D115", sig)
    sig.optimizers[0].kind = "Adam"
    hits = judge("D115", sig)
    assert hits and "full-batch" in hits[0].message


# ----------------------------------------------------------------------------------------- D109 / D110
def test_d109_raw_tabular_features():
    sig = Signals(steps=50)
    sig.batches = [batch(s, (16, 13), fstd=(0.13, 320.0), mn=0.13, mx=1285, mean=68, std=213) for s in range(20)]
    hits = judge("D109", sig)
    assert hits and hits[0].evidence["feature_std_max"] == 320.0


@pytest.mark.parametrize("kw", [
    dict(shape=(32, 10), fstd=(0.0, 1.3), mn=-3, mx=4, mean=0.0, std=1.0, fmean=2e11),  # standardized, sparse
    dict(shape=(64, 64), fstd=(0.0, 0.45), mn=0, mx=1, mean=0.3, std=0.37),  # digits / 16
    dict(shape=(64, 1, 28, 28), fstd=(0.3, 0.3), mn=0, mx=1, mean=0.13, std=0.3),  # MNIST ToTensor
    dict(shape=(32, 8, 1), fstd=(0.7, 0.7), mn=-1, mx=1, mean=0.0, std=0.7),  # sine sequence
    dict(shape=(64, 8, 8), fstd=(0.5, 1.6), mn=-1.5, mx=3.2, mean=0.0, std=1.0),  # GRU rows, standardized
])
def test_d109_d110_healthy_inputs_silent(kw):
    shape = kw.pop("shape")
    sig = Signals(steps=50)
    sig.batches = [batch(s, shape, **kw) for s in range(20)]
    assert not judge("D109", sig)
    assert not judge("D110", sig)


def test_d109_offset_feature():
    sig = Signals(steps=50)
    sig.batches = [batch(s, (32, 1), fstd=(3.0, 3.0), mn=1990, mx=2020, mean=2005, std=8) for s in range(20)]
    assert judge("D109", sig)


def _drifting(std_of_step, steps):
    sig = Signals(steps=steps[-1] + 1)
    sig.batches = [batch(s, (50, 64), fstd=(0.0, 0.45), mn=0, mx=1, mean=0.3, std=std_of_step(s)) for s in steps]
    return sig


def test_d109_inputs_rescaled_in_place_every_epoch():
    # xb /= 16 on a view of the data set: 28 steps an epoch, each epoch 16x smaller than the one before.
    sampled = list(range(20)) + [32, 64, 128]
    hits = judge("D109", _drifting(lambda s: 0.375 / 16 ** (s // 28), sampled))
    assert hits and "changed scale" in hits[0].message and hits[0].step == 64


def test_d109_silent_on_stationary_or_one_odd_late_batch():
    sampled = list(range(20)) + [32, 64, 128]
    noisy = [0.3, 0.5, 0.4, 0.35, 0.45]
    assert not judge("D109", _drifting(lambda s: noisy[s % 5], sampled))
    # one late batch far off (a last partial batch of padding), the one before it in line: not a drift
    assert not judge("D109", _drifting(lambda s: 1e-4 if s == 128 else 0.4, sampled))
    # a generator's outputs fed to a discriminator grow ~10x as it learns: not two orders of magnitude
    assert not judge("D109", _drifting(lambda s: 0.05 * (1 + 9 * min(s, 128) / 128), sampled))


def test_d110_pixels_0_255_and_not_d109():
    sig = Signals(steps=50)
    sig.batches = [batch(s, (64, 1, 8, 8), fstd=(100.0, 100.0), mn=0, mx=255, mean=80, std=100) for s in range(20)]
    hits = judge("D110", sig)
    assert hits and hits[0].evidence["max"] == 255
    assert not judge("D109", sig)
    flat = Signals(steps=50)
    flat.batches = [batch(s, (64, 784), fstd=(0.0, 110.0), mn=0, mx=255, mean=33, std=78) for s in range(20)]
    assert judge("D110", flat)


def test_d110_live_needs_several_batches():
    sig = Signals(steps=2)
    sig.batches = [batch(0, (64, 3, 32, 32), mn=0, mx=255, mean=120, std=60)]
    assert not judge("D110", sig, final=False)


# ----------------------------------------------------------------------------------------- D112
def test_d112_channels_last_into_conv():
    sig = Signals(steps=20)
    sig.module_order = [("0", "Conv2d"), ("1", "ReLU")]
    sig.batches = [batch(s, (32, 32, 32, 3), mn=0, mx=1) for s in range(10)]
    hits = judge("D112", sig)
    assert hits and "channels-last" in hits[0].message
    sig.batches = [batch(s, (32, 3, 32, 32), mn=0, mx=1) for s in range(10)]
    assert not judge("D112", sig)


def test_d112_view_instead_of_permute_from_width_autocorrelation():
    sig = Signals(steps=20)
    sig.module_order = [("0", "Conv2d")]
    sig.batches = [batch(s, (32, 3, 12, 12)) for s in range(10)]
    assert not judge("D112", sig)  # without the probe's correlations the rule stays silent
    for b in sig.batches:
        b.width_corr_lag1, b.width_corr_lag_c = 0.16, 0.55  # measured on a viewed (N, H, W, 3) buffer
    assert judge("D112", sig)
    for b in sig.batches:
        b.width_corr_lag1, b.width_corr_lag_c = 0.58, 0.14  # the same images permuted
    assert not judge("D112", sig)


def test_d112_shuffled_batch_as_one_sequence():
    sig = Signals(steps=20)
    sig.loaders.append(LoaderInfo(1000, 32, True, "RandomSampler", False))
    sig.batches = [batch(s, (1, 32, 5)) for s in range(10)]
    assert judge("D112", sig)
    sig.loaders[0].shuffle = False  # one long ordered series cut in windows: legitimate
    assert not judge("D112", sig)


# ----------------------------------------------------------------------------------------- D113
def _regression(target, pred=None, n=20, fn="mse_loss", value=1.0):
    sig = Signals(steps=n)
    for s in range(n):
        sig.loss_calls.append(LossCall(step=s, fn=fn, reduction="mean", value=value,
                                       input=pred or stats((32, 1), mn=-0.3, mx=0.3, mean=0.05, std=0.1),
                                       target=target, input_is_model_output=True))
    return sig


def test_d113_huge_regression_targets():
    sig = _regression(stats((32, 1), mn=1e5, mx=6e5, mean=3.1e5, std=9e4), value=1e11)
    hits = judge("D113", sig)
    assert hits and hits[0].evidence["target_mean"] == 3.1e5
    assert not judge("D113", _regression(stats((32, 1), mn=-2.5, mx=3, mean=0.0, std=1.0)))
    # raw but moderate targets (diabetes progression 25..346) are not "huge"
    assert not judge("D113", _regression(stats((32, 1), mn=25, mx=346, mean=150, std=77)))


def test_d113_binary_targets_outside_0_1():
    sig = Signals(steps=10)
    for s in range(10):
        sig.loss_calls.append(LossCall(step=s, fn="binary_cross_entropy_with_logits", reduction="mean", value=0.7,
                                       input=stats((32,)), target=stats((32,), mn=-1, mx=1, mean=0.1, integral=True)))
    assert judge("D113", sig)
    for c in sig.loss_calls:
        c.target.mn = c.target.min = 0
    assert not judge("D113", sig)


def test_d113_soft_targets_must_be_probabilities():
    sig = Signals(steps=10)
    for s in range(10):
        sig.loss_calls.append(LossCall(step=s, fn="cross_entropy", reduction="mean", value=2.0, classes=5,
                                       input=stats((32, 5)), target=stats((32, 5), mn=0, mx=1, mean=0.2,
                                                                          integral=True)))
    assert not judge("D113", sig)  # one-hot float rows: valid probabilities
    for c in sig.loss_calls:
        c.target.mean = 0.5  # rows sum to 2.5
    assert judge("D113", sig)


# ----------------------------------------------------------------------------------------- L205
def _terms(values, weights, n=15):
    sig = Signals(steps=n)
    rng = random.Random(0)
    for s in range(n):
        vals = [(fn, v * (1 + 0.3 * rng.random())) for fn, v in values]
        sig.loss_terms.append((s, vals, sum(w * v for w, (_, v) in zip(weights, vals))))
    return sig


def test_l205_weighted_term_dominates():
    hits = judge("L205", _terms([("cross_entropy", 2.3), ("mse_loss", 1.0)], [1.0, 1000.0]))
    assert hits and hits[0].evidence["dominant"] == "mse_loss"
    assert abs(hits[0].evidence["weights"][1] - 1000) < 1


def test_l205_raw_scales_far_apart():
    hits = judge("L205", _terms([("mse_loss", 5e4), ("kl_div", 0.5)], [1.0, 1.0]))
    assert hits and hits[0].evidence["dominated"] == "kl_div"


def _term_grads(contributions, rest, n=5, weights=None):
    """Signals with loss terms weighed by gradient: contributions per term fn, the rest of the loss."""
    sig = Signals(steps=100)
    for s in (0, 1, 2, 16, 64)[:n]:
        terms = [(fn, w, c) for (fn, c), w in zip(contributions, weights or [1.0] * len(contributions))]
        sig.loss_term_grads.append((s, terms, rest, max(rest, sum(c for _, c in contributions))))
    return sig


def test_l205_a_hand_written_part_drowns_a_loss_function_by_gradient():
    hits = judge("L205", _term_grads([("binary_cross_entropy_with_logits", 0.1)], rest=25.0))
    assert hits and hits[0].evidence["dominant"] == "hand-written"
    assert hits[0].evidence["dominated"] == "binary_cross_entropy_with_logits"
    assert abs(hits[0].evidence["ratio"] - 250) < 1
    hits = judge("L205", _term_grads([("cross_entropy", 0.2), ("kl_div", 0.0005)], rest=0.0))
    assert hits and hits[0].evidence["dominated"] == "kl_div"


def test_l205_by_gradient_silent_on_small_regularizers_balanced_parts_and_one_sample():
    # a hand-written penalty far below the data term is what a regularizer is
    assert not judge("L205", _term_grads([("cross_entropy", 0.5)], rest=1e-5))
    assert not judge("L205", _term_grads([("binary_cross_entropy_with_logits", 4.4)], rest=4.9))
    assert not judge("L205", _term_grads([("cross_entropy", 0.36), ("mse_loss", 0.06)], rest=4e-8))
    # a term with no gradient at all is monitored, not drowned
    assert not judge("L205", _term_grads([("cross_entropy", 0.4), ("l1_loss", 0.0)], rest=0.0))
    assert not judge("L205", _term_grads([("mse_loss", 0.1)], rest=25.0, n=1))
    # an auxiliary term weighted down on purpose: small by choice, not by a sum beside a mean
    assert not judge("L205", _term_grads([("cross_entropy", 1.0), ("mse_loss", 0.005)], rest=0.0,
                                         weights=[1.0, 0.001]))
    assert judge("L205", _term_grads([("cross_entropy", 1.0), ("mse_loss", 0.005)], rest=0.0, weights=[1.0, 1.0]))


def test_l205_balanced_and_monitoring_terms_silent():
    assert not judge("L205", _terms([("cross_entropy", 2.3), ("mse_loss", 1.0)], [1.0, 1.0]))
    assert not judge("L205", _terms([("cross_entropy", 2.3), ("mse_loss", 1.0)], [1.0, 0.5]))
    # a loss computed with gradients on but not backpropagated (weight 0) is not a term
    assert not judge("L205", _terms([("cross_entropy", 2.3), ("l1_loss", 1e-5)], [1.0, 0.0]))


# ----------------------------------------------------------------------------------------- L206
def test_l206_loss_falls_accuracy_flat():
    sig = Signals(steps=200)
    sig.losses = [(s, 2.3 * (0.5 + 0.5 * (1 - s / 200))) for s in range(200)]
    sig.loss_calls = [ce_call(s, 0, acc=0.1 + 0.005 * (s % 3), value=2.3 * (0.5 + 0.5 * (1 - s / 200)))
                      for s in sampled_steps(200)]
    hits = judge("L206", sig)
    assert hits and hits[0].evidence["metric"] == "training batch accuracy"


def test_l206_accuracy_rises_silent_and_user_metric():
    sig = Signals(steps=200)
    sig.losses = [(s, 2.3 * (1 - 0.9 * s / 200)) for s in range(200)]
    sig.loss_calls = [ce_call(s, 0, acc=min(1.0, 0.1 + s / 150)) for s in sampled_steps(200)]
    assert not judge("L206", sig)
    sig.metrics["val_acc"] = [(s, 0.11) for s in range(0, 200, 20)]
    hits = judge("L206", sig)
    assert hits and hits[0].evidence["metric"] == "val_acc"
    sig.metrics["val_acc"] = [(s, 0.1 + s / 250) for s in range(0, 200, 20)]
    assert not judge("L206", sig)


def test_l206_accuracy_near_the_top_that_closes_its_errors_improved():
    """The overhead benchmark's transformer: loss 0.073 -> 0.022 while batch accuracy went 0.979 -> 0.993,
    two thirds of the remaining errors gone (gain 0.014, under the absolute 0.02). Stuck at 0.90 it fires."""
    sig = Signals(steps=640)
    sig.losses = [(s, 0.073 * (1 - 0.7 * s / 640)) for s in range(640)]
    sig.loss_calls = [ce_call(s, 0, acc=0.975 + 0.02 * s / 640, value=0.073 * (1 - 0.7 * s / 640))
                      for s in sampled_steps(640)]
    assert not judge("L206", sig)
    for c in sig.loss_calls:
        c.accuracy = 0.90 + 0.005 * (c.step % 3)
    hits = judge("L206", sig)
    assert hits and hits[0].evidence["metric"] == "training batch accuracy"


def test_l206_a_total_falling_by_a_term_outside_the_outputs_is_not_disagreement():
    """Bayes by backprop: the total falls 13.5 -> 1.1 by its KL over the weights, while the cross-entropy
    whose calls scored the accuracy sits near 0.3 from the start, as does the accuracy."""
    sig = Signals(steps=200)
    sig.losses = [(s, 0.3 + 13.2 * (1 - s / 200)) for s in range(200)]
    sig.loss_calls = [ce_call(s, 0, value=0.3 + 0.01 * (s % 3), acc=0.93 + 0.005 * (s % 3))
                      for s in sampled_steps(200)]
    assert not judge("L206", sig)
    for c in sig.loss_calls:  # the cross-entropy itself falling while the accuracy stays flat: disagreement
        c.value = 2.3 * (1 - 0.8 * c.step / 200)
    assert judge("L206", sig)


def test_l206_flat_loss_is_not_disagreement():
    sig = Signals(steps=200)
    sig.losses = [(s, 2.3) for s in range(200)]
    sig.loss_calls = [ce_call(s, 0, acc=0.1) for s in sampled_steps(200)]
    assert not judge("L206", sig)


# ----------------------------------------------------------------------------------------- L209
def test_l209_relu_output_with_negative_targets():
    sig = _regression(stats((32, 1), mn=-2.1, mx=2.6, mean=0.0, std=1.0),
                      pred=stats((32, 1), mn=0.0, mx=0.8, mean=0.2, std=0.2))
    sig.output_activation = ("net.3", "ReLU")
    hits = judge("L209", sig)
    assert hits and hits[0].evidence["activation"] == "ReLU"


def test_l209_functional_relu_detected_from_exact_zero_minimum():
    sig = _regression(stats((32, 1), mn=-2.1, mx=2.6, mean=0.0, std=1.0),
                      pred=stats((32, 1), mn=0.0, mx=0.8, mean=0.2, std=0.2))
    assert judge("L209", sig)
    sig = _regression(stats((32, 1), mn=-2.1, mx=2.6, mean=0.0, std=1.0),
                      pred=stats((32, 1), mn=-0.4, mx=0.8, mean=0.2, std=0.2))
    assert not judge("L209", sig)


def test_l209_sigmoid_output_regression_beyond_one():
    sig = _regression(stats((32, 1), mn=25, mx=346, mean=150, std=77),
                      pred=stats((32, 1), mn=0.4, mx=0.6, mean=0.5, std=0.05))
    sig.output_activation = ("head.1", "Sigmoid")
    assert judge("L209", sig)
    ok = _regression(stats((32, 1), mn=0.0, mx=1.0, mean=0.4, std=0.3),
                     pred=stats((32, 1), mn=0.4, mx=0.6, mean=0.5, std=0.05))
    ok.output_activation = ("head.1", "Sigmoid")
    assert not judge("L209", ok)


def test_l209_relu_on_logits():
    sig = Signals(steps=10)
    sig.loss_calls = [ce_call(s, 0) for s in range(10)]
    for c in sig.loss_calls:
        c.input = stats((32, 10), mn=0.0, mx=3.0, mean=0.5, std=0.6)
    sig.output_activation = ("fc.relu", "ReLU")
    assert judge("L209", sig)
    # No activation module (F.relu in forward, on a masked slice of the output as in a GCN): the smallest
    # logit is exactly 0 in every call, which a linear layer's logits never are.
    sig.output_activation = None
    for c in sig.loss_calls:
        c.input_is_model_output = False
    hits = judge("L209", sig)
    assert hits and hits[0].evidence["activation"] == "relu (functional)"
    for c in sig.loss_calls[3:]:
        c.input = stats((32, 10), mn=-0.2, mx=3.0, mean=0.5, std=0.6)  # raw logits, some calls >= 0 by chance
    assert not judge("L209", sig)


def test_l209_sigmoid_before_bce_with_logits_is_l208s():
    sig = Signals(steps=10)
    for s in range(10):
        sig.loss_calls.append(LossCall(step=s, fn="binary_cross_entropy_with_logits", reduction="mean", value=0.7,
                                       input=stats((32, 1), mn=0.1, mx=0.9, mean=0.5, std=0.2),
                                       target=stats((32, 1), mn=0, mx=1, mean=0.5, integral=True),
                                       input_is_model_output=True))
    sig.output_activation = ("out", "Sigmoid")
    assert not judge("L209", sig)


# ----------------------------------------------------------------------------------------- L210
def test_l210_cross_entropy_over_a_single_output():
    sig = Signals(steps=30)
    sig.loss_calls = [ce_call(s, 0, classes=1, value=0.0) for s in range(5)]
    hits = judge("L210", sig, final=False)
    assert hits and hits[0].severity == "error" and "one output per sample" in hits[0].message
    sig.loss_calls = [ce_call(s, 0, classes=2, value=0.69) for s in range(5)]
    assert not judge("L210", sig)


def test_l210_mse_on_class_indices():
    sig = _regression(stats((32,), mn=0, mx=9, mean=4.5, std=2.9, integral=True),
                      pred=stats((32,), mn=-0.3, mx=0.3, mean=0.0, std=0.1))
    hits = judge("L210", sig)
    assert hits and hits[0].evidence["target_max"] == 9


def test_l210_mse_on_one_hot():
    sig = _regression(stats((32, 10), mn=0, mx=1, mean=0.1, std=0.3, integral=True),
                      pred=stats((32, 10), mn=0, mx=1, mean=0.1, std=0.1))
    assert judge("L210", sig)


def test_l210_continuous_regression_and_reconstruction_silent():
    assert not judge("L210", _regression(stats((32, 1), mn=-2, mx=2.5, mean=0.0, std=1.0)))
    # an autoencoder reconstructing whole-number pixels: many outputs per sample, not class indices
    assert not judge("L210", _regression(stats((32, 64), mn=0, mx=16, mean=5, std=6, integral=True),
                                         pred=stats((32, 64))))


def test_l210_bce_on_continuous_targets():
    sig = Signals(steps=10)
    for s in range(10):
        sig.loss_calls.append(LossCall(step=s, fn="binary_cross_entropy_with_logits", reduction="mean", value=5.0,
                                       input=stats((32,)), target=stats((32,), mn=-1.7, mx=3.2, mean=0.0, std=1.0)))
    assert judge("L210", sig)
    for c in sig.loss_calls:
        c.target = stats((32,), mn=0.05, mx=0.95, mean=0.5, std=0.2)  # soft labels are fine
    assert not judge("L210", sig)


# ----------------------------------------------------------------------------------------- T504 / T505
def test_t504_validation_in_train_mode():
    sig = Signals(steps=300, eval_forwards_train_mode=6, first_train_mode_eval_step=45,
                  mode_dependent_layers=["net.3"])
    sig.eval_losses = [(45, 0.5)]
    hits = judge("T504", sig)
    assert hits and hits[0].step == 45 and "net.3" in hits[0].message


def test_t504_eval_mode_validation_and_gan_generator_silent():
    sig = Signals(steps=300, eval_forwards_eval_mode=12, mode_dependent_layers=["net.3"])
    assert not judge("T504", sig)
    # a GAN generator called under no_grad in train mode at every step to make fakes for the discriminator
    gan = Signals(steps=300, eval_forwards_train_mode=300, first_train_mode_eval_step=0,
                  mode_dependent_layers=["G.bn1"], train_mode_eval_steps=300)
    assert not judge("T504", gan)


def test_t504_one_image_at_a_time_after_each_epoch_is_evaluation():
    """More no-grad forwards than steps, but in bursts after 12 of the 264 steps: a per-image predict()
    at each epoch's end, computing no loss, with the model left in train mode."""
    sig = Signals(steps=264, eval_forwards_train_mode=4320, first_train_mode_eval_step=22,
                  train_mode_eval_steps=12, mode_dependent_layers=["trunk.1"])
    assert judge("T504", sig)


def test_t505_tiny_batches_and_short_last_batch():
    sig = Signals(steps=100)
    sig.batchnorm_batches = [("net.1", s, 2) for s in range(20)]
    sig.batches = [batch(s, (2, 16)) for s in range(20)]
    hits = judge("T505", sig)
    assert hits and hits[0].severity is None and hits[0].evidence["samples"] == 2
    # conv BatchNorm: many values per channel, but from 2 images
    conv = Signals(steps=100)
    conv.batchnorm_batches = [("conv.bn", s, 2 * 16 * 16) for s in range(20)]
    conv.batches = [batch(s, (2, 3, 16, 16)) for s in range(20)]
    assert judge("T505", conv)
    ok = Signals(steps=100)
    ok.batchnorm_batches = [("net.1", s, 64) for s in range(20)] + [("net.1", 20, 2)]
    ok.batches = [batch(s, (64, 16)) for s in range(20)] + [batch(20, (2, 16))]
    hits = judge("T505", ok)
    assert hits and hits[0].severity == "info"
    assert not judge("T505", ok, final=False)
    ok.batchnorm_batches.pop()
    assert not judge("T505", ok)


def test_l205_term_growing_from_zero_is_judged_by_its_size_later():
    sig = Signals(steps=12)
    for s in range(12):
        kl = 0.001 if s == 0 else min(5.0, 0.5 * s)  # KL ~0 at initialization, then grows
        sig.loss_terms.append((s, [("binary_cross_entropy", 200.0 - s), ("kl_div", kl)], 200.0 - s + kl))
    assert not judge("L205", sig)


def test_l206_accuracy_already_at_ceiling_is_silent():
    sig = Signals(steps=400)
    sig.losses = [(s, 0.02 * (1 - 0.6 * s / 400)) for s in range(400)]
    sig.loss_calls = [ce_call(s, 0, acc=1.0) for s in sampled_steps(400)]
    assert not judge("L206", sig)


def _bce_run(late_loss, p=0.05, n=300):
    sig = Signals(steps=n)
    sig.losses = [(s, 0.69 + (late_loss - 0.69) * min(1.0, s / (0.6 * n))) for s in range(n)]
    for s in sampled_steps(n):
        sig.loss_calls.append(LossCall(step=s, fn="binary_cross_entropy_with_logits", reduction="mean", value=0.5,
                                       input=stats((64, 20)),
                                       target=stats((64, 20), mn=0, mx=1, mean=p, integral=True),
                                       input_is_model_output=True))
    return sig


def test_l206_loss_falls_only_to_the_prior_level():
    hits = judge("L206", _bce_run(0.21))  # binary entropy of 5% = 0.199
    assert hits and abs(hits[0].evidence["prior_level"] - 0.1985) < 1e-3
    assert not judge("L206", _bce_run(0.05))  # learned beyond the prior


def test_l206_imbalanced_ce_below_prior_is_silent():
    sig = Signals(steps=300)
    sig.losses = [(s, 0.75 if s < 10 else 0.09) for s in range(300)]
    sig.loss_calls = [ce_call(s, 0, 0.97, classes=2) for s in sampled_steps(300)]
    sig.class_counts = {0: 3157, 1: 99}
    assert not judge("L206", sig)
    sig.losses = [(s, 0.75 if s < 10 else 0.14) for s in range(300)]  # stuck at the prior (0.135)
    assert judge("L206", sig)


# ----------------------------------------------------------------------------------------- T502
def _steps_with_grads(grad_of_step, n=30):
    from nndoctor.signals import StepStats

    sig = Signals(steps=n, backward_calls=n, optimizer_created=1)
    sig.optimizers = [OptimizerInfo(index=0, kind="Adam", groups=[{"lr": 1e-3}], n_params=2, steps=n)]
    for s in range(n):
        st = StepStats(step=s, optimizer=0)
        g = grad_of_step(s)
        for name in ("fc.weight", "fc.bias"):
            if g is None:
                st.grad_none.append(name)
            else:
                st.grad_norm[name] = g
        sig.step_stats.append(st)
    return sig


def test_t502_step_before_backward_finds_no_gradient():
    hits = judge("T502", _steps_with_grads(lambda s: None), final=False)  # zero_grad(); step(); backward()
    assert hits and hits[0].evidence["gradients_none"] == 30
    # zero_grad(set_to_none=False) first: the gradients are there, zeros, from the first step on.
    hits = judge("T502", _steps_with_grads(lambda s: None if s == 0 else 0.0), final=False)
    assert hits and hits[0].evidence["gradients_zeroed"] == 29


def test_t502_silent_when_the_gradients_die_after_training_started():
    # Adam at lr=1 killed the network at step 2: the gradients were computed, they are exactly zero now.
    assert not judge("T502", _steps_with_grads(lambda s: 0.5 if s < 2 else 0.0))
    assert not judge("T502", _steps_with_grads(lambda s: 0.5))


# ----------------------------------------------------------------------------------------- D104 (run evidence)
def _d104_signals(val_losses, val_labels):
    """A pre-flight that saw no label signal on 32 samples (true labels learned as fast as shuffled
    ones), then a short run (2 epochs of 16 batches) with 4 balanced classes and a validation split."""
    import numpy as np

    sig = Signals(steps=32)
    sig.experiments["labels"] = {"samples": 32, "steps": 44, "true_auc": 0.56, "permuted_auc": 0.6,
                                 "label_diversity": 0.72, "advantage": 0.07, "heldout_true": 1.37,
                                 "heldout_baseline": 1.33, "heldout_gain": -0.03, "heldout_advantage": 0.13}
    sig.experiments["overfit"] = {"ratio": 0.02}
    sig.loaders.append(LoaderInfo(512, 32, True, "RandomSampler", False))
    sig.class_counts = {0: 128, 1: 128, 2: 128, 3: 128}
    for s in range(0, 32, 2):
        sig.loss_calls.append(ce_call(s, 0, 0.3, classes=4, acc=0.35, value=1.35))
    sig.eval_losses.extend((16 * (i + 1), v) for i, v in enumerate(val_losses))
    sig.val_samples.y = np.asarray(val_labels, dtype=np.int64)
    return sig


def test_d104_raised_when_the_run_does_not_learn_the_labels_either():
    balanced = [0, 1, 2, 3] * 64
    assert judge("D104", _d104_signals([1.39, 1.40], balanced))


def test_d104_silenced_by_a_validation_loss_below_the_label_statistics():
    # ln 4 = 1.386 is the best an input-free predictor gets on these validation labels; 1.15 is not
    # reachable by a model whose labels do not go with its inputs.
    assert not judge("D104", _d104_signals([1.29, 1.15], [0, 1, 2, 3] * 64))


def _d104_value_signals(fn, val_losses, *, target_mean=0.0, target_std=1.0, delta=None, columns=1):
    """As _d104_signals, for a value-target loss (regression, binary) with targets of the given spread."""
    sig = _d104_signals(val_losses, [])
    sig.val_samples.y, sig.class_counts = None, {}
    shape = (32,) if columns == 1 else (32, columns)
    sig.loss_calls[:] = [LossCall(step=s, fn=fn, reduction="mean", value=0.5, input=stats(shape),
                                  target=stats(shape, mn=0.0 if "binary" in fn else -3.0, mx=1.0 if "binary" in fn else 3.0,
                                               mean=target_mean, std=target_std),
                                  input_is_model_output=True, delta=delta) for s in range(0, 32, 2)]
    return sig


@pytest.mark.parametrize("fn, delta, predicting_the_mean", [
    ("mse_loss", None, 1.0), ("huber_loss", 1.0, 0.425), ("smooth_l1_loss", 1.0, 0.425), ("l1_loss", None, 0.798)])
def test_d104_regression_losses_let_the_validation_loss_speak(fn, delta, predicting_the_mean):
    """Standardized targets (std 1): predicting their mean scores `predicting_the_mean` with each loss (a
    noisy diabetes regressor under Huber loss at 0.19 learned its labels); a validation loss at that level
    refutes nothing."""
    assert not judge("D104", _d104_value_signals(fn, [0.6 * predicting_the_mean, 0.45 * predicting_the_mean], delta=delta))
    assert judge("D104", _d104_value_signals(fn, [1.05 * predicting_the_mean, predicting_the_mean], delta=delta))


def test_d104_binary_losses_score_against_the_positive_rate():
    # 30% positives: predicting the rate scores its entropy, 0.611. A validation BCE of 0.04 (two spirals,
    # learned late) settles it; one at that entropy does not; several outputs (multi-label) give no one level.
    assert not judge("D104", _d104_value_signals("binary_cross_entropy_with_logits", [0.3, 0.04], target_mean=0.3))
    assert judge("D104", _d104_value_signals("binary_cross_entropy_with_logits", [0.62, 0.61], target_mean=0.3))
    assert judge("D104", _d104_value_signals("binary_cross_entropy_with_logits", [0.3, 0.04], target_mean=0.3,
                                             columns=5))


def test_d104_binary_training_batches_ranked_by_the_outputs_refute_it():
    # Churn labels drawn from a sigmoid of a true score, BCE with pos_weight 2.4 and no validation loss
    # (the script reports a scikit-learn AUC): the weight moves the threshold, so accuracy stays near the
    # majority share, but the first epoch's fresh batches are ranked with an AUC of 0.79. Shuffled labels
    # rank at 0.5 give or take a batch's noise.
    def churn(aucs):
        sig = _d104_value_signals("binary_cross_entropy_with_logits", [], target_mean=0.29)
        for call, auc in zip(sig.loss_calls[-2:], aucs):
            call.binary_accuracy, call.binary_majority, call.binary_auc = 0.72, 0.71, auc
        return sig

    assert not judge("D104", churn([0.78, 0.80]))
    assert judge("D104", churn([0.52, 0.61]))


def test_d104_validation_baseline_is_scored_on_the_validation_labels():
    # Validation labels nearly all class 0 while training is balanced: the training frequencies score
    # ln 4 on them, so a loss of 1.2 there is evidence, although the validation labels alone have
    # low entropy.
    assert not judge("D104", _d104_signals([1.2], [0] * 240 + [1, 2, 3, 1] * 4))
    # Without validation labels the looser share against the training entropy applies.
    sig = _d104_signals([1.2], [])
    sig.val_samples.y = None
    assert judge("D104", sig)

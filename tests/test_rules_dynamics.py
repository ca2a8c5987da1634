"""Unit tests of the training-dynamics rules (G4xx, M305-M311) on hand-built ``Signals``.

Each rule gets a broken case (the numbers of the mechanism) and a healthy twin that must stay silent.
"""
from __future__ import annotations

import math
import random

import pytest

from nndoctor.rules.base import Context, Hit, load_rules
from nndoctor.signals import (BatchSignal, ClipCall, LayerStats, LossCall, OptimizerInfo, ParamInfo, PlateauReport, Signals,
                              StepStats, TensorStats)
from nndoctor.thresholds import DEFAULTS

RULES = load_rules()


def judge(code: str, sig: Signals, final: bool = True) -> list[Hit]:
    out = RULES[code].check(Context(sig, dict(DEFAULTS[code]), final))
    return [] if out is None else [out] if isinstance(out, Hit) else list(out)


# ----------------------------------------------------------------------------- builders

LAYERS = ["fc1", "fc2", "fc3"]


def make_sig(losses, *, layers=LAYERS, ratio=1e-3, grad=0.05, weight=5.0, sample=lambda s: s < 20 or s % 10 == 0,
             grads=None, weights=None, ratios=None, kind="SGD", group=None, models=("Net",)) -> Signals:
    """A run of len(losses) steps on a model of Linear layers; norms per layer may be functions of the step."""
    sig = Signals()
    sig.models = list(models)
    n = len(losses)
    sig.steps = n
    sig.losses = [(s, v) for s, v in enumerate(losses)]
    sig.module_order = [(m, "Linear") for m in layers]
    for i, m in enumerate(layers):
        for p, numel in (("weight", 64 * 64), ("bias", 64)):
            sig.params[f"{m}.{p}"] = ParamInfo(name=f"{m}.{p}", module=m, numel=numel, requires_grad=True,
                                               in_optimizer=True, in_output_layer=i == len(layers) - 1)
    sig.optimizers = [OptimizerInfo(index=0, kind=kind, groups=[group or {"lr": 0.01, "momentum": 0.0,
                                                                         "weight_decay": 0}],
                                    n_params=2 * len(layers), steps=n)]
    for s in range(n):
        if not sample(s):
            continue
        st = StepStats(step=s, optimizer=0, lrs=[0.01])
        for i, m in enumerate(layers):
            w = weights(s, i) if weights else weight
            g = grads(s, i) if grads else grad
            r = ratios(s, i) if ratios else ratio
            st.param_norm[f"{m}.weight"] = w
            st.param_norm[f"{m}.bias"] = 0.0 if s == 0 else w / 10  # zero-initialised bias
            st.grad_norm[f"{m}.weight"] = g
            st.grad_norm[f"{m}.bias"] = g / 10
            st.update_norm[f"{m}.weight"] = r * w
            st.update_norm[f"{m}.bias"] = r * w / 10
        sig.step_stats.append(st)
    return sig


def decaying(n=300, start=2.3, end=0.05, noise=0.05, seed=0):
    rng = random.Random(seed)
    return [end + (start - end) * math.exp(-s / (n / 8)) * (1 + noise * rng.uniform(-1, 1)) for s in range(n)]


def flat(n=300, level=2.3, noise=0.01, seed=0):
    rng = random.Random(seed)
    return [level * (1 + noise * rng.uniform(-1, 1)) for _ in range(n)]


# ----------------------------------------------------------------------------- G401


def test_g401_divergence_with_large_updates():
    losses = decaying(200)
    losses[10:40] = [2.3 * (2 + k / 10) for k in range(30)]  # rises to >5x its start
    sig = make_sig(losses, ratio=0.3)
    hits = judge("G401", sig, final=False)
    assert hits and "rose from" in hits[0].message and "0.3" in hits[0].message
    assert hits[0].step is not None and hits[0].evidence["update_ratio"] >= 0.1


def test_g401_rebound_after_progress():
    losses = decaying(300, end=0.2)[:100] + [1.2 + 0.1 * math.sin(s) for s in range(200)]
    hits = judge("G401", make_sig(losses, ratio=0.03))
    assert hits and "climbed back" in hits[0].message


def test_g401_silent_on_healthy_curves_and_small_ratios():
    assert not judge("G401", make_sig(decaying(300), ratio=0.05))
    # A loss bump with healthy-sized updates is not the learning rate.
    losses = decaying(200)
    losses[10:40] = [2.3 * 2] * 30
    assert not judge("G401", make_sig(losses, ratio=2e-3))
    # A single huge outlier (an extra backward for a saliency map) sharing a step is absorbed per step.
    sig = make_sig(decaying(300), ratio=0.05)
    sig.losses += [(s, 80.0) for s in range(50, 300, 50)]
    sig.losses.sort(key=lambda x: x[0])
    assert not judge("G401", sig)


def test_g401_silent_on_a_noisy_loss_with_one_lucky_window():
    """Mixup: each batch's loss is lam x CE(y_a) + (1 - lam) x CE(y_b) with lam ~ Beta(0.4, 0.4), so it swings
    between ~0.3 (lam near 0 or 1) and ~1.2 from step to step; one window of lucky draws is not a level
    the loss held and lost."""
    rng = random.Random(0)
    losses = [2.3 * math.exp(-s / 40) + 0.5 + (0.6 if rng.random() < 0.5 else -0.2) for s in range(260)]
    losses[160:170] = [0.3 + 0.02 * rng.random() for _ in range(10)]
    assert not judge("G401", make_sig(losses, ratio=0.01))
    # Held low for a while, then back up and staying there: unstable.
    losses[100:170] = [0.3 + 0.02 * rng.random() for _ in range(70)]
    assert judge("G401", make_sig(losses, ratio=0.01))


def test_g401_blown_up_at_once_then_every_gradient_zero():
    # Adam at lr=1: the first updates are ~10x the weights, then every gradient is exactly zero (dead ReLUs,
    # saturated sigmoid) and the loss stays near its start: it cannot rise any more, yet the lr is the cause.
    losses = [0.173 - 0.008 * min(s, 3) / 3 for s in range(200)]
    sig = make_sig(losses, ratios=lambda s, i: 10.0 if s < 3 else 0.05, grads=lambda s, i: 0.3 if s < 3 else 0.0)
    hits = judge("G401", sig, final=False)
    assert hits and "killed the network" in hits[0].message and hits[0].evidence["update_ratio"] >= 10
    assert hits[0].evidence["first_dead_step"] == 3


def test_g401_silent_when_large_first_steps_leave_the_network_alive():
    # A zero-initialised head under Adam has a ratio ~1 at its second step: fine while gradients flow.
    losses = decaying(200)
    assert not judge("G401", make_sig(losses, ratios=lambda s, i: 10.0 if s < 3 else 1e-3))
    # Dead, but the first steps were ordinary-sized: not the learning rate (M306's business).
    flat_losses = [0.17] * 200
    assert not judge("G401", make_sig(flat_losses, ratio=1e-3, grads=lambda s, i: 0.3 if s < 3 else 0.0))
    # Blown up and dead after having learned most of the way: the loss is not stuck.
    late = decaying(200, start=2.3, end=0.1)
    assert not judge("G401", make_sig(late, ratios=lambda s, i: 10.0 if s < 3 else 0.05,
                                      grads=lambda s, i: 0.3 if s < 100 else 0.0))


def test_g401_silent_for_adversarial_losses():
    losses = decaying(200)
    losses[10:40] = [2.3 * 3] * 30
    sig = make_sig(losses, ratio=0.3, models=("G", "D"))
    sig.optimizers.append(OptimizerInfo(index=1, kind="Adam", groups=[{"lr": 1e-3}], n_params=2, steps=200))
    for opt in sig.optimizers:  # both step at every step of the run: a game
        opt.steps, opt.first_step, opt.last_step = 200, 0, 199
    assert not judge("G401", sig)
    # The same two models trained one after the other (built again halfway, as k-fold does): not a game,
    # but the loss starts over at the second model, which is no rebound either.
    sig.optimizers[0].last_step, sig.optimizers[1].first_step = 99, 100
    assert not judge("G401", sig)
    from nndoctor.rules.optim import adversarial
    assert not adversarial(sig)
    sig.optimizers[0].last_step, sig.optimizers[1].first_step = 199, 0
    assert adversarial(sig)


def test_g401_judges_the_phase_a_new_optimizer_began():
    """Pre-training to 0.1, then a new head fine-tuned by its own optimizer on other classes: its loss starts
    over at 1.8 and falls. The whole curve "climbed back" after its best level; the phase did not."""
    losses = decaying(200, start=2.3, end=0.1) + decaying(300, start=1.8, end=0.9)
    sig = make_sig(losses, ratio=0.03)
    assert judge("G401", sig)  # as one training: a rebound
    sig.optimizers[0].steps, sig.optimizers[0].first_step, sig.optimizers[0].last_step = 200, 0, 199
    sig.optimizers.append(OptimizerInfo(index=1, kind="SGD", groups=[{"lr": 0.01}], n_params=2, steps=300,
                                        first_step=200, last_step=499))
    for st in sig.step_stats:
        st.optimizer = 0 if st.step < 200 else 1
    assert not judge("G401", sig)
    # The phase itself climbing back is still a rebound.
    unstable = make_sig(losses[:200] + decaying(300, end=0.2)[:100] + [1.2 + 0.1 * math.sin(s) for s in range(200)],
                        ratio=0.03)
    unstable.optimizers, unstable.step_stats = sig.optimizers, sig.step_stats
    assert judge("G401", unstable)


def test_g406_a_closure_optimizer_descends_inside_its_first_step():
    """L-BFGS evaluates its closure ~10 times a step: the first step's median is already inside the descent,
    its first evaluations are the level the run started from."""
    losses = [0.48 + 0.01 * math.exp(-s / 5) for s in range(40)]
    sig = make_sig(losses, kind="LBFGS")
    assert judge("G406", sig)
    first = [1.3, 1.2, 0.87, 0.72, 0.67, 0.62, 0.60, 0.58, 0.56, 0.53, 0.50]
    sig.losses = [(0, v) for v in first] + [(s, v) for s, v in sig.losses if s > 0]
    assert not judge("G406", sig)


# ----------------------------------------------------------------------------- G402


def test_g402_tiny_updates_and_flat_loss():
    hits = judge("G402", make_sig(flat(), ratio=1e-6, grad=0.3), final=False)
    assert hits and "1.00e-06" in hits[0].message


def test_g402_silent_when_loss_moves_or_gradients_vanish():
    assert not judge("G402", make_sig(decaying(), ratio=1e-6, grad=0.3))  # fine-tuning: small but effective
    assert not judge("G402", make_sig(flat(), ratio=1e-6, grad=1e-6))  # vanishing gradients: G404's
    assert not judge("G402", make_sig(flat(), ratio=1e-3, grad=0.3))  # healthy ratio


def _with_lrs(sig, lr_of_step):
    for st in sig.step_stats:
        st.lrs = [lr_of_step(st.step)]
    return sig


def test_g402_waits_for_a_warm_up_to_end():
    # OneCycle's first phase (lr 4e-4 rising to 0.01): the small updates of its first 60 steps are the
    # schedule's, judged once the lr stops rising; an lr that warms up to a peak still far too low is G402.
    warm = lambda s: 4e-4 + (0.01 - 4e-4) * min(1.0, s / 150)  # noqa: E731
    rising = _with_lrs(make_sig(flat(60), ratio=7e-5, grad=0.3), warm)
    assert not judge("G402", rising, final=False)
    low_peak = _with_lrs(make_sig(flat(300), ratio=1e-6, grad=0.3), lambda s: 1e-7 * min(1.0, (s + 1) / 50))
    assert judge("G402", low_peak, final=False)


def test_g402_lr_collapsed_by_a_scheduler_stepped_every_batch():
    # StepLR(step_size=10, gamma=0.5) stepped per batch: 1e-4 of the start by step ~133, and the loss freezes.
    losses = [0.9 + 0.2 * math.exp(-s / 40) + 0.05 * math.sin(s) for s in range(1000)]
    step_lr = lambda s: 0.01 * 0.5 ** (s // 10)  # noqa: E731
    sig = _with_lrs(make_sig(losses, ratio=1e-3, sample=lambda s: s < 20 or s % 20 == 0), step_lr)
    hits = judge("G402", sig, final=False)
    assert hits and "fell from 0.01" in hits[0].message and hits[0].evidence["collapse_step"] <= 160


def test_g402_silent_on_annealing_schedules_and_after_convergence():
    n = 1000
    losses = [0.9 + 0.2 * math.exp(-s / 40) + 0.05 * math.sin(s) for s in range(n)]
    sample = lambda s: s < 20 or s % 20 == 0 or s == n - 1  # noqa: E731
    # Cosine annealing to 0 (and OneCycle) reach 1e-4 of the peak only in the last percent of the run.
    cosine = lambda s: 0.01 * (1 + math.cos(math.pi * s / n)) / 2  # noqa: E731
    assert not judge("G402", _with_lrs(make_sig(losses, ratio=1e-3, sample=sample), cosine))
    # Warm restarts: the lr comes back up.
    restarts = lambda s: 0.01 * (1 + math.cos(math.pi * (s % 200) / 200)) / 2 + (1e-9 if s % 200 else 0)  # noqa: E731
    assert not judge("G402", _with_lrs(make_sig(losses, ratio=1e-3, sample=sample), restarts))
    # Collapsed, but only after the loss had converged to 1% of its start.
    converged = [0.01 + 2.3 * math.exp(-s / 20) for s in range(n)]
    step_lr = lambda s: 0.01 * 0.5 ** (s // 10)  # noqa: E731
    assert not judge("G402", _with_lrs(make_sig(converged, ratio=1e-3, sample=sample), step_lr))
    # The loss keeps falling after the lr went down: the steps still matter.
    falling = [2.3 * math.exp(-s / 300) for s in range(n)]
    assert not judge("G402", _with_lrs(make_sig(falling, ratio=1e-3, sample=sample), step_lr))


# ----------------------------------------------------------------------------- G403


def test_g403_spike_of_orders_of_magnitude():
    # SGD: the update follows the gradient, 1000x its neighbours'.
    sig = make_sig(decaying(100), grads=lambda s, i: 500.0 if s == 5 else 0.5,
                   ratios=lambda s, i: 1.0 if s == 5 else 1e-3)
    hits = judge("G403", sig, final=False)
    assert hits and hits[0].step == 5 and hits[0].evidence["spike_factor"] >= 100


def test_g403_silent_on_a_spike_an_adaptive_optimizer_absorbs():
    # Adam on a model that predicts the majority class (the overhead benchmark's transformer, watched from
    # its 300th step): one batch of rare classes sends the gradient 110x its neighbours, and Adam's step,
    # divided by the gradient's running size, is 3x its usual one. The weights barely move.
    sig = make_sig(decaying(100), grads=lambda s, i: 500.0 if s == 5 else 0.5, kind="Adam",
                   ratios=lambda s, i: 3e-3 if s == 5 else 1e-3)
    assert not judge("G403", sig, final=False)


def test_g403_silent_on_a_hard_batch_after_adam_converged():
    # The overhead benchmark's MLP, memorised by Adam: gradients 5e-4 and tiny, noisy updates (2e-5 of the
    # weights), then one batch at 5.7 (1e4x its neighbours, above the run's first gradients). Adam's step is
    # 150x the converged ones but 3x its first steps' (lr per weight): the hard batch passes.
    grads = lambda s, i: 5.72 if s == 250 else (2.0 if s < 3 else 5e-4)  # noqa: E731
    ratios = lambda s, i: 3e-3 if s == 250 else (1e-3 if s < 3 else 2e-5)  # noqa: E731
    assert not judge("G403", make_sig(decaying(300), grads=grads, kind="Adam", ratios=ratios), final=False)
    # SGD there: its update follows the gradient, 100x the first steps' too.
    sgd = lambda s, i: 0.3 if s == 250 else (1e-3 if s < 3 else 2e-5)  # noqa: E731
    assert judge("G403", make_sig(decaying(300), grads=grads, ratios=sgd), final=False)


def test_g403_silent_on_converging_gradients():
    # Gradients decaying by orders of magnitude as the loss converges are not a spike.
    sig = make_sig(decaying(300), grads=lambda s, i: 1.0 * math.exp(-s / 30) + 1e-4)
    assert not judge("G403", sig)
    sig = make_sig(decaying(100), grads=lambda s, i: 10.0 if s == 5 else 0.5)  # one order: occasional spike
    assert not judge("G403", sig)
    # A model fitted to its training set (gradients 1e-6 of their start), then one hard batch 200x its
    # neighbours: still far below the gradients it learned with (the overhead benchmark's MLP after 6,000 steps).
    fitted = lambda s, i: 2e-4 if s == 250 else 1.0 * math.exp(-s / 10) + 1e-6  # noqa: E731
    assert not judge("G403", make_sig(decaying(300), grads=fitted))


def test_g403_sustained_growth():
    sig = make_sig(decaying(300), grads=lambda s, i: 0.1 * 1.05 ** s)
    hits = judge("G403", sig)
    assert hits and "grew" in hits[0].message


def _burst_run(rise: float, peak: float = 6.0):
    """Gradients that climb from 0.1 to `peak` over steps 4-10 and come back; the loss climbs to
    `rise` x its start over steps 8-30, then recovers (an LSTM at lr 20 without clipping)."""
    grads = lambda s, i: 0.1 if s < 4 else peak if s < 11 else 0.8 * math.exp(-(s - 11) / 40) + 0.2
    losses = [3.3 * (1 + (rise - 1) * math.sin(math.pi * (s - 8) / 22)) if 8 <= s < 30 else 3.3 - 0.002 * s
              for s in range(120)]
    return make_sig(losses, grads=grads)


def test_g403_burst_with_the_loss_climbing():
    hits = judge("G403", _burst_run(rise=3.5))
    assert hits and "burst" in hits[0].message and hits[0].evidence["grad_norm_peak"] >= 30 * 0.1 * 1.0


def test_g403_silent_on_a_burst_the_loss_rides_out_and_on_early_growth():
    # The same gradient burst while the loss barely moves (a transformer warming up), and a smaller one.
    assert not judge("G403", _burst_run(rise=1.3))
    assert not judge("G403", _burst_run(rise=3.5, peak=2.0))


def _clip_calls_run(total_at_step: float, *, after_backward: bool, max_norm: float = 0.25):
    """Sampled steps each with a clip_grad_norm_(max_norm) call and the given total gradient norm at step()."""
    per_param = total_at_step / math.sqrt(2 * len(LAYERS) * 1.01)  # (weights g, biases g/10)
    sig = make_sig(decaying(120), grads=lambda s, i: per_param)
    names = list(sig.params)
    for st in sig.step_stats:
        sig.clip_calls.append(ClipCall(step=st.step, max_norm=max_norm, norm_type=2.0, params=names,
                                       after_backward=after_backward, grads_present=0 if not after_backward else 6))
    return sig


def test_g403_clip_that_does_not_hold():
    """clip_grad_norm_ before backward(): step() gets gradients 20x its max_norm. A root cause (the rate is
    not too high for a clipped run), so it explains G401 and the stuck loss."""
    hits = judge("G403", _clip_calls_run(5.0, after_backward=False), final=False)
    assert hits and hits[0].root_cause and "before backward()" in hits[0].message
    assert "G401" in hits[0].explains and hits[0].evidence["called_before_backward"] == hits[0].evidence["unheld_steps"]


def test_g403_silent_on_clips_that_hold_or_never_had_to():
    # A clip after backward: step() gets at most max_norm.
    assert not judge("G403", _clip_calls_run(0.25, after_backward=True))
    # Misplaced, but the gradients stay below max_norm anyway: nothing to clip, no harm shown.
    assert not judge("G403", _clip_calls_run(0.2, after_backward=False))
    # Clipped per accumulated micro-batch (after each backward): the sum of 4 reaches 4x max_norm.
    assert not judge("G403", _clip_calls_run(1.0, after_backward=True))


def test_clip_calls_are_recorded_with_their_place_in_the_step():
    import torch

    import nndoctor

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    before = torch.nn.utils.clip_grad_norm_
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for step in range(6):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            if step < 3:
                torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)  # (a generator: still clips after the probe)
            loss.backward()
            if step >= 3:
                total = torch.nn.utils.clip_grad_norm_((p for p in model.parameters()), max_norm=0.5)
                assert float(total) > 0  # the generator was read by the clip itself, not used up by the probe
            opt.step()
    assert torch.nn.utils.clip_grad_norm_ is before  # unpatched on exit
    calls = doctor.session.engine.signals.clip_calls
    assert [c.after_backward for c in calls] == [False] * 3 + [True] * 3
    assert calls[0].grads_present == 0 and calls[3].grads_present == 4 and calls[0].max_norm == 0.5
    assert calls[0].params == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_manual_updates_get_gradient_statistics():
    """Hand-written SGD (no optimizer object): sampled steps still record gradient and weight norms."""
    import torch

    import nndoctor

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    with nndoctor.watch(model, live=False, preflight=False) as doctor:
        for _ in range(25):
            loss = torch.nn.functional.mse_loss(model(x), y)
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= 0.01 * p.grad
    stats = doctor.session.engine.signals.step_stats
    assert len(stats) >= 20 and {s.optimizer for s in stats} == {-1}
    assert set(stats[0].grad_norm) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert all(v > 0 for s in stats for v in s.grad_norm.values())


# ----------------------------------------------------------------------------- G404


def test_g404_first_layer_gradients_vanish():
    # SGD: the updates shrink with the gradients.
    sig = make_sig(flat(), grads=lambda s, i: 1e-8 if i == 0 else 0.5, ratios=lambda s, i: 1e-11 if i == 0 else 1e-3)
    hits = judge("G404", sig, final=False)
    assert hits and "fc1" in hits[0].message and hits[0].evidence["median_gap"] < 1e-3


def test_g404_silent_when_an_adaptive_optimizer_keeps_the_first_layers_moving():
    # Adam rescales per parameter: tiny gradients, normal updates (e.g. BERT's post-LayerNorm stack).
    sig = make_sig(flat(), grads=lambda s, i: 1e-8 if i == 0 else 0.5, ratio=1e-3, kind="Adam")
    assert not judge("G404", sig, final=False)


def test_g404_silent_on_ordinary_depth_profile():
    # Early layers a few times smaller than later ones is normal (default init, CNNs).
    sig = make_sig(decaying(), grads=lambda s, i: 0.05 * 3 ** i)
    assert not judge("G404", sig)


# ----------------------------------------------------------------------------- G405


def test_g405_weights_grow_linearly():
    sig = make_sig([0.8 - s * 0.01 for s in range(300)], weights=lambda s, i: 0.5 + 0.02 * s)
    hits = judge("G405", sig)
    assert hits and "still growing" in hits[0].message


def test_g405_silent_when_the_loss_does_not_run_off_with_the_weights():
    """Linear weight growth (Adam on a logistic loss over separable pairs, a GAN's discriminator) while the
    loss levels off near its floor, or does not fall at all: not an objective unbounded below."""
    linear = lambda s, i: 0.5 + 0.02 * s  # noqa: E731
    assert not judge("G405", make_sig(decaying(), weights=linear))
    assert not judge("G405", make_sig(flat(level=1.3, noise=0.1), weights=linear))
    hits = judge("G405", make_sig([1.0 - s * 0.02 for s in range(300)], weights=linear))  # through zero, on down
    assert hits and hits[0].evidence["loss_levels"][2] < 0


def test_g405_silent_on_sqrt_growth_and_levelling_off():
    assert not judge("G405", make_sig(decaying(), weights=lambda s, i: 1 + 0.6 * math.sqrt(s)))
    assert not judge("G405", make_sig(decaying(), weights=lambda s, i: 1 + 9 * (1 - math.exp(-s / 20))))


# ----------------------------------------------------------------------------- G406


def test_g406_no_decrease_from_start():
    hits = judge("G406", make_sig(flat()))
    assert hits and "never decreased" in hits[0].message


def test_g406_stuck_at_chance_level():
    losses = [0.9 - 0.2 * min(s, 20) / 20 + 0.003 * math.sin(s) for s in range(300)]  # 0.9 -> ~0.69, then flat
    sig = make_sig(losses)
    sig.loss_calls = [LossCall(step=s, fn="cross_entropy", reduction="mean", value=losses[s],
                               input=TensorStats((32, 2), "float32", 64), target=None, classes=2)
                      for s in range(0, 300, 10)]
    sig.class_counts = {0: 500, 1: 500}
    hits = judge("G406", sig)
    assert hits and "ignores its input" in hits[0].message and "0.693" in hits[0].message


def test_g406_silent_on_natural_plateau_near_convergence():
    # Falls from 1.1 to ~0.02 in the first tenth, then flat for a long time: converged, not stuck.
    losses = [0.02 + 1.1 * math.exp(-s / 30) for s in range(2000)]
    sig = make_sig(losses)
    sig.loss_calls = [LossCall(step=s, fn="cross_entropy", reduction="mean", value=losses[s],
                               input=TensorStats((16, 3), "float32", 48), target=None, classes=3)
                      for s in range(0, 2000, 100)]
    assert not judge("G406", sig)
    assert not judge("G406", make_sig(decaying()))


# ----------------------------------------------------------------------------- G408


def _with_eval(sig, values, every=10, per_step=2):
    for k, v in enumerate(values):
        sig.eval_losses += [((k + 1) * every, v * f) for f in ((0.9, 1.1) if per_step == 2 else (1.0,))]
    return sig


def test_g408_validation_rises_while_training_falls():
    val = [1.5, 1.0, 0.7, 0.6, 0.62, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]
    sig = _with_eval(make_sig(decaying(130, end=1e-3)), val)
    hits = judge("G408", sig)
    assert hits and hits[0].severity == "warning" and hits[0].evidence["best_step"] == 40


def test_g408_info_when_gap_small_and_silent_when_val_keeps_falling():
    val = [1.5, 1.0, 0.7, 0.6, 0.62, 0.7, 0.8, 0.8, 0.8, 0.82]
    sig = _with_eval(make_sig(decaying(110, end=0.5)), val)
    hits = judge("G408", sig)
    assert hits and hits[0].severity == "info"
    sig = _with_eval(make_sig(decaying(130)), [1.5 * 0.8 ** k for k in range(12)])
    assert not judge("G408", sig)


def test_g408_gap_is_a_share_of_the_start_not_a_ratio_to_a_vanishing_training_loss():
    # The validation loss creeps up by a third while the training loss goes to ~0; a ratio to the training
    # loss would be ~50x, but the gap is ~10% of the loss at the start: mild overfitting, info.
    val = [0.3, 0.2, 0.19, 0.19, 0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.25, 0.25]
    sig = _with_eval(make_sig(decaying(130, end=4e-3)), val, per_step=1)
    hits = judge("G408", sig)
    assert hits and hits[0].severity == "info" and hits[0].evidence["gap_share_of_start"] < 0.25


def test_g408_validation_losses_summed_over_samples_are_compared_per_sample():
    # evaluate() sums the loss over 216 samples (reduction="sum"): the curve is 216x a per-sample loss, which
    # at the first evaluation (step 10) is close to the training loss then (1.24).
    val = [216 * v for v in (1.0, 0.5, 0.3, 0.28, 0.28, 0.3, 0.32, 0.34, 0.36, 0.37, 0.37, 0.37)]
    sig = _with_eval(make_sig(decaying(130, end=4e-3)), val, per_step=1)
    hits = judge("G408", sig)
    assert hits and hits[0].severity == "info" and hits[0].evidence["eval_scale"] > 50
    assert "summed over samples" in hits[0].message
    # Summed and really far apart (the model memorized its training set): still a warning.
    val = [216 * v for v in (1.5, 1.0, 0.7, 0.6, 0.62, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)]
    hits = judge("G408", _with_eval(make_sig(decaying(130, end=1e-3)), val, per_step=1))
    assert hits and hits[0].severity == "warning"


def test_g408_final_test_set_evaluation_is_not_a_rise():
    # One val loss per evaluation; at the very end a test-set loss (much higher) shares the last step.
    val = [1.0 * 0.8 ** k for k in range(12)]
    sig = _with_eval(make_sig(decaying(130)), val, per_step=1)
    sig.eval_losses.append((120, 5.0))
    assert not judge("G408", sig)


# ----------------------------------------------------------------------------- G409


def test_g409_still_falling_at_the_end():
    losses = [2.3 - 0.012 * s for s in range(60)]
    hits = judge("G409", make_sig(losses))
    assert hits and hits[0].severity is None  # the catalog's info


def test_g409_silent_when_converged_or_flat():
    assert not judge("G409", make_sig([0.005 + 1.0 * math.exp(-s / 20) for s in range(300)]))
    assert not judge("G409", make_sig(flat()))
    # Weights that stand still (the lr decayed to ~0): a falling window median is batch noise.
    assert not judge("G409", make_sig([2.3 - 0.012 * s for s in range(60)], ratio=0.0))


# ----------------------------------------------------------------------------- G410


def test_g410_out_of_range_values():
    sig = make_sig(decaying(50), group={"lr": 0.01, "momentum": 1.0, "weight_decay": 0})
    hits = judge("G410", sig, final=False)
    assert hits and hits[0].severity == "error" and "momentum=1" in hits[0].message
    sig = make_sig(decaying(50), kind="Adam", group={"lr": 1e-3, "betas": [0.9, 1.0], "eps": 1e-8, "weight_decay": 0})
    assert "betas[1]" in judge("G410", sig)[0].message


def test_g410_extreme_momentum_when_the_loss_swings_back_up():
    # momentum=0.999: down to ~0.2, then back up near its start as the velocity overshoots.
    swing = [2.3 * math.exp(-s / 30) + 0.2 if s < 150 else 0.2 + 1.5 * min(1.0, (s - 150) / 100) for s in range(400)]
    hits = judge("G410", make_sig(swing, group={"lr": 0.05, "momentum": 0.999, "weight_decay": 0}))
    assert hits and hits[0].severity == "warning" and "momentum=0.999" in hits[0].message
    # The same momentum on a loss that settles, and U-Net's 0.99 on the swinging one: nothing to say.
    assert not judge("G410", make_sig(decaying(400), group={"lr": 0.05, "momentum": 0.999, "weight_decay": 0}))
    assert not judge("G410", make_sig(swing, group={"lr": 0.05, "momentum": 0.99, "weight_decay": 0}))


def test_g410_eps_dominating_the_denominator():
    sig = make_sig(flat(50), kind="Adam", grad=0.3,
                   group={"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1.0, "weight_decay": 0})
    hits = judge("G410", sig, final=False)
    assert hits and "eps=1" in hits[0].message
    sig.optimizers[0].groups[0]["eps"] = 1e-8
    assert not judge("G410", sig)


def test_g410_weight_decay_judged_with_the_optimizer():
    # SGD: the decay gradient wd * |w| is 100x the loss gradient.
    sig = make_sig(flat(50), grad=0.05, weight=5.0, group={"lr": 0.01, "momentum": 0.9, "weight_decay": 1.0})
    assert "weight_decay=1" in judge("G410", sig)[0].message
    # AdamW's usual 0.01-0.1 with lr 1e-3 is fine; GAN betas (0.5, 0.999) and beta1 = 0 are fine.
    for group in ({"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1},
                  {"lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-8, "weight_decay": 0},
                  {"lr": 2e-4, "betas": [0.0, 0.99], "eps": 1e-8, "weight_decay": 0}):
        assert not judge("G410", make_sig(decaying(50), kind="AdamW", group=group))


def plateau_run(mode, metrics, val_losses, lrs):
    """One ReduceLROnPlateau report per epoch of 10 steps, with that epoch's validation loss."""
    sig = make_sig(decaying(10 * len(metrics)), group={"lr": lrs[-1], "momentum": 0.9, "weight_decay": 0})
    for epoch, (metric, val, lr) in enumerate(zip(metrics, val_losses, lrs)):
        step = 10 * (epoch + 1)
        sig.eval_losses.append((step, val))
        sig.plateau_reports.append(PlateauReport(scheduler=1, step=step, mode=mode, metric=metric,
                                                 lr_before=lrs[max(0, epoch - 1)] if epoch else lr, lr_after=lr))
    return sig


def test_g410_plateau_scheduler_mode_against_its_metric():
    falling = [2.0, 1.5, 1.2, 1.0, 0.9, 0.9, 0.9, 0.9]
    lrs = [0.1, 0.1, 0.01, 0.01, 1e-3, 1e-4, 1e-5, 1e-6]
    # mode="max" given the validation loss: every fall is "no improvement".
    hits = judge("G410", plateau_run("max", falling, falling, lrs))
    assert hits and "mode='max'" in hits[0].message and "use mode='min'" in hits[0].message
    assert hits[0].severity == "error" and hits[0].evidence["lr_cuts"] == 5
    # The default mode="min" given an accuracy that rises while the validation loss falls.
    accuracy = [0.6, 0.65, 0.7, 0.75, 0.8, 0.8, 0.8, 0.8]
    assert "use mode='max'" in judge("G410", plateau_run("min", accuracy, falling, lrs))[0].message
    # Healthy twins: the right modes; and a validation loss that rises from the first epoch (overfitting
    # a tiny set) under mode="min": the scheduler is right to cut, the loss is not falling.
    assert not judge("G410", plateau_run("min", falling, falling, lrs))
    assert not judge("G410", plateau_run("max", accuracy, falling, lrs))
    rising = [0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9]
    assert not judge("G410", plateau_run("min", rising, rising, lrs))
    # No cut yet, or too few reports: nothing to say.
    assert not judge("G410", plateau_run("max", falling, falling, [0.1] * 8))
    assert not judge("G410", plateau_run("max", falling[:3], falling[:3], lrs[:3]))


# ----------------------------------------------------------------------------- M305-M311 (layer statistics)


def layer_run(blocks, steps=range(6), dead=None, sat=None, batch=64):
    """Layer records per step for Linear -> activation blocks: (name, act kind, in_std, out_std, act mean, act std)."""
    sig = Signals()
    sig.steps = max(steps) + 1
    for s in steps:
        sig.batches.append(BatchSignal(step=s, model="Net", inputs=TensorStats((batch, 16), "float32", batch * 16)))
        for i, (name, act, in_std, out_std, a_mean, a_std) in enumerate(blocks):
            sig.layer_stats.append(LayerStats(step=s, module=name, kind="Linear:input", in_std=in_std,
                                              in_dead_frac=(dead or {}).get(name, 0.0),
                                              in_saturated_frac=(sat or {}).get(name, 0.0)))
            sig.layer_stats.append(LayerStats(step=s, module=name, kind="Linear", out_mean=0.0, out_std=out_std))
            if act:
                sig.layer_stats.append(LayerStats(step=s, module=f"act{i}", kind=act, out_mean=a_mean, out_std=a_std))
    for name, *_ in blocks:
        sig.params[f"{name}.weight"] = ParamInfo(name=f"{name}.weight", module=name, numel=100, requires_grad=True)
    sig.params[f"{blocks[-1][0]}.weight"].in_output_layer = True
    return sig


def test_m305_geometric_shrink_with_depth():
    blocks = [("l0", "ReLU", 1.0, 0.08, 0.03, 0.046), ("l1", "ReLU", 0.046, 0.006, 0.0024, 0.0038),
              ("l2", "ReLU", 0.0038, 0.0005, 0.0002, 0.0003), ("out", None, 0.0003, 0.00004, 0, 0)]
    hits = judge("M305", layer_run(blocks), final=False)
    assert hits and hits[0].evidence["direction"] == "shrink" and hits[0].evidence["layers"] == ["l0", "l1", "l2"]


def test_m305_silent_on_pytorch_default_init():
    # Default init: ~x0.58 per Linear on a [0, 1] input (first layer std 0.1-0.6), ReLU halves the power.
    blocks = [("l0", "ReLU", 0.3, 0.35, 0.14, 0.2), ("l1", "ReLU", 0.2, 0.14, 0.056, 0.08),
              ("l2", "ReLU", 0.08, 0.056, 0.022, 0.033), ("out", None, 0.033, 0.02, 0, 0)]
    assert not judge("M305", layer_run(blocks))
    # Sigmoid inputs have a large mean: judged against the input's rms, the default gain is still ~0.6.
    blocks = [("l0", "Sigmoid", 1.0, 0.55, 0.5, 0.13), ("l1", "Sigmoid", 0.13, 0.27, 0.5, 0.066),
              ("l2", "Sigmoid", 0.066, 0.34, 0.5, 0.08), ("out", None, 0.08, 0.3, 0, 0)]
    assert not judge("M305", layer_run(blocks))


def test_m305_silent_when_the_scale_is_restored_between_layers():
    # SIREN: each Linear's output is small on purpose (std ~0.08), sin(30 x) between them restores it.
    blocks = [("l0", "Sin", 0.58, 0.08, 0.0, 0.7), ("l1", "Sin", 0.7, 0.08, 0.0, 0.7),
              ("l2", "Sin", 0.7, 0.085, 0.0, 0.7), ("out", None, 0.7, 0.05, 0, 0)]
    assert not judge("M305", layer_run(blocks))


def test_m305_blow_up():
    blocks = [("l0", "Tanh", 1.0, 4.5, 0.0, 0.9), ("l1", "Tanh", 0.9, 8.3, 0.0, 0.95),
              ("l2", "Tanh", 0.95, 8.9, 0.0, 0.95), ("out", None, 0.95, 0.6, 0, 0)]
    hits = judge("M305", layer_run(blocks))
    assert hits and hits[0].evidence["direction"] == "grow"


def _zero_init_run(stuck=True, all_zero=True):
    blocks = [("l0", "ReLU", 1.0, 0.0, 0.0, 0.0), ("l1", "ReLU", 0.0, 0.0, 0.0, 0.0), ("out", None, 0.0, 0.0, 0, 0)]
    sig = layer_run(blocks)
    sig.module_order = [("l0", "Linear"), ("act0", "ReLU"), ("l1", "Linear"), ("act1", "ReLU"), ("out", "Linear")]
    st = StepStats(step=0, optimizer=0)
    for i, name in enumerate(("l0", "l1", "out")):
        zero = all_zero or i == 0
        st.param_norm[f"{name}.weight"] = 0.0 if zero else 3.0
        p = sig.params[f"{name}.weight"]
        p.grad_checked, p.grad_zero = 5, 5 if stuck and zero else 0
    sig.step_stats.append(st)
    return sig


def test_m305_all_zero_weights_never_train():
    hits = judge("M305", _zero_init_run(), final=False)
    assert hits and hits[0].severity == "error" and hits[0].evidence["direction"] == "zero"
    assert hits[0].evidence["never_trained"] == ["l0.weight", "l1.weight", "out.weight"]
    assert "M303" in hits[0].explains and "M306" in hits[0].explains
    # Every weight matrix zero, even if they got gradients: the textbook symmetric init (a warning).
    hits = judge("M305", _zero_init_run(stuck=False))
    assert hits and hits[0].severity is None and not hits[0].evidence["never_trained"]


def test_m305_silent_on_one_zero_initialised_layer_that_trains():
    # LoRA's B, Fixup, adaLN-Zero: one layer starts at zero on purpose and gets a gradient at once.
    assert not judge("M305", _zero_init_run(stuck=False, all_zero=False))


def test_m306_units_that_recover_are_info_at_the_end():
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.2, 0.3), ("l1", "ReLU", 0.3, 0.2, 0.08, 0.12), ("out", None, 0.12, 0.1, 0, 0)]
    sig = layer_run(blocks, steps=range(30), dead={"l1": 0.1, "out": 0.1})
    for rec in sig.layer_stats:
        if rec.module == "out" and rec.kind.endswith(":input") and 3 <= rec.step < 15:
            rec.in_dead_frac = 0.55
    early = Signals()
    early.steps, early.batches = 12, sig.batches[:12]
    early.layer_stats = [r for r in sig.layer_stats if r.step < 12]
    early.params = sig.params
    live = judge("M306", early, final=False)
    assert live and live[0].revisable and live[0].severity is None
    hits = judge("M306", sig, final=True)
    assert hits and hits[0].severity == "info" and hits[0].evidence["recovered"] and "came back" in hits[0].message
    # Still dead at the end: the warning stands.
    sig = layer_run(blocks, steps=range(30), dead={"l1": 0.1, "out": 0.6})
    hits = judge("M306", sig, final=True)
    assert hits and hits[0].severity is None and not hits[0].revisable


def test_m306_dead_relu_units():
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.001, 0.01), ("l1", "ReLU", 0.01, 0.01, 0.0, 0.0), ("out", None, 0, 0, 0, 0)]
    hits = judge("M306", layer_run(blocks, dead={"l0": 0.02, "l1": 0.86, "out": 1.0}), final=False)
    assert hits and "out" in hits[0].message and "100%" in hits[0].message
    assert "l0" not in hits[0].evidence["layers"]  # the model's input (dead pixels) is not a ReLU's


def test_m306_dead_units_in_a_run_that_learned_all_the_same_are_info():
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.001, 0.01), ("l1", "ReLU", 0.01, 0.01, 0.0, 0.0), ("out", None, 0, 0, 0, 0)]
    sig = layer_run(blocks, dead={"l1": 0.6, "out": 0.6})
    sig.losses = [(s, 0.25 * math.exp(-s / 20)) for s in range(300)]  # a triplet loss down to ~0
    hits = judge("M306", sig)
    assert hits and hits[0].severity == "info" and "all the same" in hits[0].message
    sig = layer_run(blocks, dead={"l1": 0.6, "out": 0.6})
    sig.losses = [(s, 2.3 - 0.5 * s / 300) for s in range(300)]  # down by a fifth: the dead units matter
    assert judge("M306", sig)[0].severity is None


def test_m306_silent_on_normal_sparsity_and_tiny_batches():
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.2, 0.3), ("l1", "ReLU", 0.3, 0.2, 0.08, 0.12), ("out", None, 0.12, 0.1, 0, 0)]
    assert not judge("M306", layer_run(blocks, dead={"l1": 0.05, "out": 0.1}))
    assert not judge("M306", layer_run(blocks, dead={"l1": 0.9, "out": 0.9}, batch=4))
    # Batches of 8: a unit active on 1% of the samples is silent on 92% of them; not judged.
    assert not judge("M306", layer_run(blocks, dead={"l1": 0.9, "out": 0.9}, batch=8))
    assert judge("M306", layer_run(blocks, dead={"l1": 0.9, "out": 0.9}, batch=16))
    assert not judge("M306", layer_run(blocks, dead={"l1": 0.9, "out": 0.9}, steps=range(2)))  # too few batches


def test_m307_saturated_hidden_tanh():
    blocks = [("l0", "Tanh", 1.0, 4.5, 0.0, 0.9), ("l1", "Tanh", 0.9, 8.3, 0.0, 0.95), ("out", None, 0.95, 1, 0, 0)]
    hits = judge("M307", layer_run(blocks, sat={"l1": 0.52, "out": 0.77}), final=False)
    assert hits and "77%" in hits[0].message and "act1" in hits[0].where


def test_m307_only_behind_squashing_modules():
    # ReLU outputs below 1 count as "near 0" in in_saturated_frac: not saturation.
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.2, 0.3), ("l1", "ReLU", 0.3, 0.2, 0.08, 0.12), ("out", None, 0.12, 0.1, 0, 0)]
    assert not judge("M307", layer_run(blocks, sat={"l1": 0.6, "out": 0.6}))
    # The model's input in [-1, 1] with a saturated background is not a Tanh.
    blocks = [("l0", "Tanh", 1.0, 1.0, 0.0, 0.6), ("out", None, 0.6, 1, 0, 0)]
    assert not judge("M307", layer_run(blocks, sat={"l0": 0.8, "out": 0.05}))


def test_m310_off_centre_activations():
    blocks = [("l0", "Sigmoid", 1.0, 0.52, 0.5, 0.12), ("l1", "Sigmoid", 0.12, 0.27, 0.51, 0.066),
              ("out", None, 0.066, 0.27, 0, 0)]
    hits = judge("M310", layer_run(blocks), final=False)
    assert hits and hits[0].evidence["layers"]["act1"] > 7


def test_m310_silent_on_relu():
    blocks = [("l0", "ReLU", 1.0, 0.5, 0.2, 0.3), ("l1", "ReLU", 0.3, 0.2, 0.08, 0.12), ("out", None, 0.12, 0.1, 0, 0)]
    assert not judge("M310", layer_run(blocks))


def test_m311_missing_activation_and_low_rank():
    sig = Signals()
    sig.linear_chains = [("fc1", "fc2"), ("fc2", "fc3")]
    for name, out, inp in (("fc1", 64, 2), ("fc2", 64, 64), ("fc3", 2, 64)):
        sig.params[f"{name}.weight"] = ParamInfo(f"{name}.weight", name, out * inp, True)
        sig.params[f"{name}.bias"] = ParamInfo(f"{name}.bias", name, out, True)
    hits = judge("M311", sig, final=False)
    assert hits and hits[0].where == "fc1 -> fc2 -> fc3" and hits[0].severity is None
    # LoRA-like: 512 -> 8 -> 512 is a deliberate factorization: info.
    sig = Signals()
    sig.linear_chains = [("lora_A", "lora_B")]
    sig.params["lora_A.weight"] = ParamInfo("lora_A.weight", "lora_A", 8 * 512, True)
    sig.params["lora_A.bias"] = ParamInfo("lora_A.bias", "lora_A", 8, True)
    sig.params["lora_B.weight"] = ParamInfo("lora_B.weight", "lora_B", 512 * 8, True)
    assert judge("M311", sig)[0].severity == "info"
    assert not judge("M311", Signals())
    # An encoder's output that feeds a decoder and a head (a skip, siblings): every pair spared.
    sig = Signals()
    sig.linear_chains = sig.forked_linear_chains = [("enc", "dec"), ("enc", "head")]
    assert not judge("M311", sig)


# ----------------------------------------------------------------------------- cost


@pytest.mark.parametrize("code", ["G401", "G402", "G403", "G404", "M306", "M307", "M310"])
def test_live_rules_are_incremental(code):
    """Repeated LIVE evaluation on a growing run reads only what is new (a long run stays cheap)."""
    import time

    sig = make_sig(decaying(20000), sample=lambda s: s < 20 or s % 50 == 0)
    judge(code, sig, final=False)
    t0 = time.perf_counter()
    for _ in range(20):
        judge(code, sig, final=False)
    assert (time.perf_counter() - t0) / 20 < 0.05


# ----------------------------------------------------------------------------- G402 through clipping


def _clipped_run(max_norm: float | None, steps: int = 150):
    import torch
    import torch.nn.functional as F

    import nndoctor

    torch.manual_seed(0)
    X = torch.randn(512, 10)
    y = (X[:, :3].sum(1) > 0).long()
    model = torch.nn.Sequential(torch.nn.Linear(10, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with nndoctor.watch(model, opt, live=False, preflight=False) as doctor:
        for _ in range(steps):
            idx = torch.randint(0, 512, (32,))
            loss = F.cross_entropy(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            if max_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
            opt.step()
    return doctor


def test_g402_a_clip_far_below_the_gradients_norm_shrinks_every_update():
    doctor = _clipped_run(1e-3)
    g402 = [f for f in doctor.report().findings if f.code == "G402"]
    assert g402 and g402[0].where == "gradient clipping", doctor.report().codes()
    assert g402[0].evidence["clip_factor"] >= 100  # gradients of norm ~0.5 clipped to 1e-3
    # The same run with a clip that only trims spikes, or none: it learns, nothing to say.
    for max_norm in (1.0, None):
        codes = _clipped_run(max_norm).report().codes()
        assert "G402" not in codes and "G406" not in codes, (max_norm, codes)


def test_an_amp_scaled_backward_is_not_taken_for_a_clip():
    import torch

    from nndoctor.probes.torch_probe import TorchProbe

    doctor_steps = []
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 10)
    import nndoctor

    with nndoctor.watch(model, opt, live=False, preflight=False, sample_every=1) as doctor:
        for _ in range(5):
            loss = torch.nn.functional.mse_loss(model(torch.randn(8, 4)), torch.randn(8, 1))
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            doctor_steps = doctor.session.engine.signals.step_stats
    assert isinstance(doctor.session.probe, TorchProbe)
    assert doctor_steps and all(not s.backward_grad_norm for s in doctor_steps)

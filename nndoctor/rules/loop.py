"""T5xx: the training loop (zero_grad, step order, train/eval modes)."""
from __future__ import annotations

from nndoctor.i18n import tr
from nndoctor.rules.base import LIVE, Context, Hit, names_list, rule


@rule("T501", stage=LIVE)
def missing_zero_grad(ctx: Context):
    """Gradients summed over steps: each update uses the sum of all past gradients."""
    sig = ctx.signals
    # Judged per optimizer: with two, one missing its zero_grad is half of all the checks.
    if not any(o.checked_steps >= ctx.th["min_steps"] and o.stale_steps * 2 >= o.checked_steps
               for o in sig.optimizers):
        return None
    return Hit(tr("at {stale_grad_backwards} of {checked_backwards} optimizer steps the gradients still "
                  "held the previous step's values (the same gradient tensors, accumulated, never "
                  "cleared): zero_grad() is not called on this model's parameters between steps",
                  stale_grad_backwards=sig.stale_grad_backwards, checked_backwards=sig.checked_backwards),
               where="optimizer.step()", step=sig.first_stale_step,
               evidence={"stale_steps": sig.stale_grad_backwards, "checked_steps": sig.checked_backwards})


@rule("T502", stage=LIVE)
def step_order(ctx: Context):
    """optimizer.step() never called, or called when no gradient is there (before backward)."""
    sig = ctx.signals
    if ctx.final and sig.optimizer_created and sig.steps == 0 and sig.backward_calls >= ctx.th["min_backwards"]:
        unchanged = [p.name for p in sig.params.values() if p.changed is False and p.requires_grad]
        if not any(p.changed for p in sig.params.values()):
            return Hit(tr("backward() ran {backward_calls} times but optimizer.step() was never called: "
                          "the weights never changed",
                          backward_calls=sig.backward_calls) + (tr(" ({n_unchanged} parameter tensors checked)",
                                                          n_unchanged=len(unchanged))
                                                        if unchanged else ""),
                       where="training loop", evidence={"backward_calls": sig.backward_calls, "steps": 0})
    if ctx.final and sig.scheduler_steps_before_optimizer and sig.steps:
        return Hit(tr("lr_scheduler.step() was called {scheduler_steps_before_optimizer} time(s) before "
                      "the optimizer's first step(): the first value of the learning-rate schedule is "
                      "skipped (call scheduler.step() after optimizer.step())",
                      scheduler_steps_before_optimizer=sig.scheduler_steps_before_optimizer),
                   where="lr_scheduler.step()", step=0,
                   severity="warning",
                   evidence={"scheduler_steps_before_optimizer": sig.scheduler_steps_before_optimizer})
    discarded = sig.discarded_backwards
    if sig.optimizer_created and sig.steps and discarded >= ctx.th["min_discarded"] \
            and discarded >= ctx.th["max_discarded_share"] * sig.backward_calls:
        # As many steps as backward passes, all cleared first: zero_grad() sits between the two.
        between = sig.steps >= ctx.th["max_discarded_share"] * sig.backward_calls
        return Hit((tr("{discarded} of {backward_calls} backward() passes were cleared by zero_grad() before "
                       "optimizer.step() used them ({steps} steps in all): zero_grad() runs between backward() "
                       "and step(), so every step finds the gradients just cleared and the weights never learn "
                       "(call zero_grad() before backward(), or after step())",
                       discarded=discarded, backward_calls=sig.backward_calls, steps=sig.steps) if between else
                    tr("{discarded} of {backward_calls} backward() passes were cleared by zero_grad() before any "
                       "optimizer.step() used them ({steps} steps in all): step() runs far less often than "
                       "backward() (outside the batch loop, or zero_grad() inside a gradient-accumulation loop), "
                       "so most computed gradients are thrown away",
                       discarded=discarded, backward_calls=sig.backward_calls, steps=sig.steps)),
                   where="optimizer.step()", evidence={"discarded_backwards": discarded,
                                                       "backward_calls": sig.backward_calls, "steps": sig.steps})
    for opt in sig.optimizers:
        checked = [s for s in sig.step_stats if s.optimizer == opt.index and s.step < sig.steps]
        if optimizer_of_another_model(checked, 0):
            continue  # its parameters are not those of the model that runs: M302
        if 2 * max(sig.leaf_losses, sig.detached_losses) >= sig.sampled_backwards > 0:
            continue  # the loss has no graph back to them: M303
        if 2 * sum(s.backward_noted and not s.backward_grad_norm for s in checked) >= len(checked) > 0:
            continue  # the step's backward gave none of them a gradient (its graph misses them): M303
        # Zeros that backward() itself left (a loss masked to exactly 0) are M303's: no step came too early.
        absent, zero = _empty_steps([s for s in checked if not _backward_left_zeros(s)])
        empty = absent + zero
        if len(checked) >= 3 and empty * 2 >= len(checked) and sig.backward_calls:
            return Hit(tr("{kind}.step() ran with no gradient on any parameter in {empty_grad_steps} of "
                          "{n_checked} checked steps although backward() ran: step() comes before "
                          "backward(), or zero_grad() runs between backward() and step()",
                          kind=opt.kind, empty_grad_steps=empty, n_checked=len(checked)),
                       where=f"{opt.kind}.step()", step=checked[0].step,
                       evidence={"empty_gradient_steps": empty, "gradients_none": absent, "gradients_zeroed": zero,
                                 "checked_steps": len(checked)})
    return None


def optimizer_of_another_model(checked, min_steps: int) -> list:
    """The checked steps of an optimizer that found no gradient on its parameters while a model in no
    optimizer got them (the model was created again after its optimizer), when they are at least
    ``min_steps`` and half of all; else []."""
    foreign = [s for s in checked if s.foreign_models and _empty_steps([s]) != (0, 0)]
    return foreign if len(foreign) >= max(min_steps, 1) and 2 * len(foreign) >= len(checked) else []


def _backward_left_zeros(s) -> bool:
    """The gradients as backward() left them on this sampled step were there and all exactly zero."""
    values = list(s.backward_grad_norm.values())
    return bool(values) and all(v == 0 for v in values)


def _empty_steps(checked) -> tuple[int, int]:
    """Sampled steps whose step() found no gradient: (every gradient None, every gradient held zeros
    before any step had a non-zero one). Gradients that were non-zero at earlier steps and are exactly
    zero now were computed, and vanished: a dead network (dead ReLUs, saturated outputs; M306, M307),
    not a step before backward()."""
    absent = zero = 0
    learned = False
    for s in checked:
        values = list(s.grad_norm.values())
        if not values:
            absent += bool(s.grad_none)
        elif all(v == 0 for v in values):
            zero += not learned
        else:
            learned = True
    return absent, zero


@rule("T503", stage=LIVE)
def eval_mode_training(ctx: Context):
    """Training forwards in eval mode: Dropout is off and BatchNorm uses frozen running statistics."""
    sig = ctx.signals
    total = sig.train_forwards_eval_mode + sig.train_forwards_train_mode
    if sig.train_forwards_eval_mode < ctx.th["min_steps"] or sig.train_forwards_eval_mode * 2 < total:
        return None
    return Hit(tr("the model was in eval mode for {train_forwards_eval_mode} of {total} training "
                  "forwards (whose loss was backpropagated), from step {first_eval_train_step}: "
                  "{mode_dependent_layers} behave as at test time",
                  train_forwards_eval_mode=sig.train_forwards_eval_mode, total=total,
                  first_eval_train_step=sig.first_eval_train_step,
                  mode_dependent_layers=names_list(sig.mode_dependent_layers)),
               where=names_list(sig.mode_dependent_layers), step=sig.first_eval_train_step,
               evidence={"eval_mode_training_forwards": sig.train_forwards_eval_mode, "training_forwards": total,
                         "mode_dependent_layers": sig.mode_dependent_layers})


@rule("T504", stage=LIVE)
def train_mode_evaluation(ctx: Context):
    """Validation or test forwards (gradients off) run with the model in train mode: Dropout still drops,
    BatchNorm normalizes with the batch's statistics and overwrites its running averages with them."""
    sig, th = ctx.signals, ctx.th
    n = sig.eval_forwards_train_mode
    dropped = sig.eval_dropout_forwards
    if dropped >= th["min_forwards"] and dropped * 2 >= sig.eval_mode_forwards:
        return Hit(tr("{dropped} of {total} forwards with gradients off (validation/inference) of the model in "
                      "eval mode still ran dropout, from step {first}: a functional dropout (F.dropout(x, p) "
                      "defaults to training=True) ignores model.eval(), so evaluation drops units at random "
                      "and its metrics are noisy and low; pass training=self.training, or use nn.Dropout",
                      dropped=dropped, total=sig.eval_mode_forwards, first=sig.first_eval_dropout_step),
                   where="F.dropout", step=sig.first_eval_dropout_step,
                   evidence={"eval_forwards_with_dropout": dropped, "eval_mode_forwards": sig.eval_mode_forwards})
    if n < th["min_forwards"]:
        return None
    # No-grad forwards in train mode at every step are part of training (a GAN's generator making fakes
    # for the discriminator, a mean teacher), not evaluation. Evaluation comes in bursts (many forwards
    # after few of the steps: one image at a time at each epoch's end), or computes a loss.
    bursts = sig.train_mode_eval_steps or n
    evaluating = bool(sig.eval_losses) or bursts <= th["max_share_of_steps"] * max(sig.steps, 1)
    if not evaluating:
        return None
    total = n + sig.eval_forwards_eval_mode
    if n * 2 < total and not sig.eval_losses:
        return None
    return Hit(tr("{n} of {total} forwards with gradients off (validation/inference) ran with the model "
                  "in train mode, from step {first_train_mode_eval_step}: the Dropout/BatchNorm layers "
                  "{mode_dependent_layers} behave as in training (dropout active, BatchNorm on batch "
                  "statistics); call model.eval() first",
                  n=n, total=total, first_train_mode_eval_step=sig.first_train_mode_eval_step,
                  mode_dependent_layers=names_list(sig.mode_dependent_layers)),
               where=names_list(sig.mode_dependent_layers), step=sig.first_train_mode_eval_step,
               evidence={"train_mode_eval_forwards": n, "eval_mode_eval_forwards": sig.eval_forwards_eval_mode,
                         "eval_losses": len(sig.eval_losses), "steps": sig.steps,
                         "mode_dependent_layers": sig.mode_dependent_layers})


@rule("T505", stage=LIVE)
def batchnorm_tiny_batch(ctx: Context):
    """BatchNorm in training mode normalizes over very few samples: its statistics are noise."""
    sig, th = ctx.signals, ctx.th
    entries = sig.batchnorm_batches
    if not entries:
        return None
    rows_at: dict[int, int] = {}
    for b in sig.batches:
        if b.inputs.shape:
            rows_at.setdefault(b.step, b.inputs.shape[0])
    # Per-channel values, and the number of samples they come from (the batch rows of that step).
    values = {(m, s): n for m, s, n in entries}
    effective = [(m, s, min(n, rows_at.get(s, n))) for m, s, n in entries]
    tiny = [e for e in effective if e[2] <= th["max_samples"]]
    steps = {s for _, s, _ in effective}
    tiny_steps = {s for _, s, _ in tiny}
    if not tiny:
        return None
    if len(tiny_steps) * 2 >= len(steps) and len(tiny_steps) >= min(th["min_steps"], len(steps)):
        m, s, n = tiny[0]
        return Hit(tr("BatchNorm layer {m} (training mode) normalizes over {n} sample(s) ({values} "
                      "values per channel) at {n_tiny_steps} of {n_steps} sampled steps: batch mean and "
                      "variance from so few samples are noise (Wu & He 2018: BatchNorm degrades below "
                      "~8 samples per batch); use larger batches or GroupNorm/LayerNorm",
                      m=m, n=n, values=values[(m, s)], n_tiny_steps=len(tiny_steps), n_steps=len(steps)),
                   where=m, step=s,
                   evidence={"module": m, "samples": n, "tiny_steps": len(tiny_steps), "sampled_steps": len(steps),
                             "modules": sorted({e[0] for e in tiny})})
    if not ctx.final:
        return None
    m, s, n = min(tiny, key=lambda e: e[2])
    if n > th["max_samples_occasional"]:
        return None
    return Hit(tr("BatchNorm layer {m} (training mode) saw a batch of only {n} sample(s) at step {s} "
                  "({n_tiny_steps} of {n_steps} sampled steps), likely the short last batch of an "
                  "epoch; drop_last=True avoids it",
                  m=m, n=n, s=s, n_tiny_steps=len(tiny_steps), n_steps=len(steps)),
               where=m, step=s, severity="info",
               evidence={"module": m, "samples": n, "tiny_steps": len(tiny_steps), "sampled_steps": len(steps)})

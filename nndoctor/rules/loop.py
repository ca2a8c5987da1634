"""T5xx: the training loop (zero_grad, step order, train/eval modes)."""
from __future__ import annotations

from nndoctor.rules.base import LIVE, Context, Hit, names_list, rule


@rule("T501", stage=LIVE)
def missing_zero_grad(ctx: Context):
    """Gradients summed over steps: each update uses the sum of all past gradients."""
    sig = ctx.signals
    if sig.checked_backwards < ctx.th["min_steps"] or sig.stale_grad_backwards * 2 < sig.checked_backwards:
        return None
    return Hit(f"at {sig.stale_grad_backwards} of {sig.checked_backwards} optimizer steps the gradients still held "
               "the previous step's values (the same gradient tensors, accumulated, never cleared): "
               "zero_grad() is not called on this model's parameters between steps",
               where="optimizer.step()", step=sig.first_stale_step,
               evidence={"stale_steps": sig.stale_grad_backwards, "checked_steps": sig.checked_backwards})


@rule("T502", stage=LIVE)
def step_order(ctx: Context):
    """optimizer.step() never called, or called when no gradient is there (before backward)."""
    sig = ctx.signals
    if ctx.final and sig.optimizer_created and sig.steps == 0 and sig.backward_calls >= ctx.th["min_backwards"]:
        unchanged = [p.name for p in sig.params.values() if p.changed is False and p.requires_grad]
        if not any(p.changed for p in sig.params.values()):
            return Hit(f"backward() ran {sig.backward_calls} times but optimizer.step() was never called: "
                       f"the weights never changed" + (f" ({len(unchanged)} parameter tensors checked)"
                                                        if unchanged else ""),
                       where="training loop", evidence={"backward_calls": sig.backward_calls, "steps": 0})
    for opt in sig.optimizers:
        checked = [s for s in sig.step_stats if s.optimizer == opt.index]
        if len(checked) >= 3 and opt.empty_grad_steps * 2 >= len(checked) and sig.backward_calls:
            return Hit(f"{opt.kind}.step() ran with no gradient on any parameter in {opt.empty_grad_steps} of "
                       f"{len(checked)} checked steps although backward() ran: step() comes before backward(), "
                       "or zero_grad() runs between backward() and step()",
                       where=f"{opt.kind}.step()", step=checked[0].step,
                       evidence={"empty_gradient_steps": opt.empty_grad_steps, "checked_steps": len(checked)})
    return None


@rule("T503", stage=LIVE)
def eval_mode_training(ctx: Context):
    """Training forwards in eval mode: Dropout is off and BatchNorm uses frozen running statistics."""
    sig = ctx.signals
    total = sig.train_forwards_eval_mode + sig.train_forwards_train_mode
    if sig.train_forwards_eval_mode < ctx.th["min_steps"] or sig.train_forwards_eval_mode * 2 < total:
        return None
    return Hit(f"the model was in eval mode for {sig.train_forwards_eval_mode} of {total} training forwards "
               f"(whose loss was backpropagated), from step {sig.first_eval_train_step}: "
               f"{names_list(sig.mode_dependent_layers)} behave as at test time",
               where=names_list(sig.mode_dependent_layers), step=sig.first_eval_train_step,
               evidence={"eval_mode_training_forwards": sig.train_forwards_eval_mode, "training_forwards": total,
                         "mode_dependent_layers": sig.mode_dependent_layers})

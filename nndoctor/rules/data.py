"""D1xx: the data fed to the model (inputs and targets)."""
from __future__ import annotations

from nndoctor.rules.base import LIVE, Context, Hit, fmt, rule


def _train_batches(sig):
    return [b for b in sig.batches if b.inputs.numel > 1]


@rule("D101", stage=LIVE)
def constant_inputs(ctx: Context):
    """Inputs with zero spread carry no information: every sample looks the same to the model."""
    batches = [b for b in _train_batches(ctx.signals) if b.inputs.is_floating and b.inputs.shape[0] > 1]
    constant = [b for b in batches
                if b.inputs.nonfinite == 0 and b.inputs.std <= ctx.th["rel_std"] * max(abs(b.inputs.mean), 1e-30)]
    if len(constant) < min(ctx.th["min_steps"], len(batches)) or len(constant) * 2 < len(batches) or not constant:
        return None
    if not ctx.final and len(constant) < ctx.th["min_steps"]:
        return None
    first = constant[0]
    return Hit(f"the inputs of {first.model} are constant in {len(constant)} of {len(batches)} sampled batches "
               f"(std {fmt(first.inputs.std)}, every value {fmt(first.inputs.mean)})",
               where=f"{first.model} inputs", step=first.step,
               evidence={"constant_batches": len(constant), "sampled_batches": len(batches),
                         "value": first.inputs.mean, "shape": list(first.inputs.shape)})


@rule("D102", stage=LIVE)
def nonfinite_data(ctx: Context):
    """NaN or Inf in the data poisons the loss and every weight it touches."""
    sig = ctx.signals
    for batch in sig.batches:
        if batch.inputs.nonfinite:
            return Hit(f"{batch.inputs.nonfinite} non-finite values (NaN/Inf) in the inputs of {batch.model} "
                       f"(shape {tuple(batch.inputs.shape)}), first at index {batch.inputs.first_nonfinite}",
                       where=f"{batch.model} inputs", step=batch.step,
                       evidence={"tensor": "inputs", "count": batch.inputs.nonfinite,
                                 "first_index": batch.inputs.first_nonfinite, "shape": list(batch.inputs.shape)})
    for call in sig.loss_calls:
        if call.target is not None and call.target.nonfinite:
            return Hit(f"{call.target.nonfinite} non-finite values (NaN/Inf) in the targets given to {call.fn} "
                       f"(shape {tuple(call.target.shape)}), first at index {call.target.first_nonfinite}",
                       where=f"{call.fn} target", step=call.step,
                       evidence={"tensor": "targets", "count": call.target.nonfinite,
                                 "first_index": call.target.first_nonfinite, "shape": list(call.target.shape)})
    return None


@rule("D103", stage=LIVE)
def repeated_batch(ctx: Context):
    """The same batch every step while more data exists: the model memorises one batch."""
    sig = ctx.signals
    batches = [b for b in _train_batches(sig) if b.fingerprint]
    run, best, start = 1, 1, None
    for prev, cur in zip(batches, batches[1:]):
        if cur.step == prev.step:
            continue  # several forwards in one step (accumulation) are not repetition
        run = run + 1 if cur.fingerprint == prev.fingerprint and cur.model == prev.model else 1
        if run > best:
            best, start = run, cur
    if best < ctx.th["min_repeats"] or start is None:
        return None
    rows = start.inputs.shape[0]
    larger = [info.dataset_len for info in sig.loaders if info.dataset_len and info.dataset_len > rows]
    if start.view_of_rows and start.view_of_rows > rows:
        larger.append(start.view_of_rows)
    if not larger:
        return None  # full-batch training: the whole data set every step is legitimate
    return Hit(f"the same batch of {rows} samples (identical content) was fed {best} steps in a row, "
               f"while the data has {max(larger)} samples",
               where=f"{start.model} inputs", step=start.step,
               evidence={"consecutive_repeats": best, "batch_size": rows, "dataset_size": max(larger)})

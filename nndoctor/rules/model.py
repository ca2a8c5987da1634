"""M3xx: the model, its architecture and its parameters."""
from __future__ import annotations

from collections import defaultdict

from nndoctor.rules.base import Context, Hit, names_list, rule


def _modules(params) -> list[str]:
    return list(dict.fromkeys(p.module for p in params))


@rule("M302")
def frozen_parameters(ctx: Context):
    """Parameters that look trainable but never change: requires_grad=False or missing from the optimizer."""
    sig = ctx.signals
    if not sig.steps or not sig.optimizers:
        return None
    by_model = defaultdict(list)
    for p in sig.params.values():
        by_model[p.name.split(".")[0] if "." in p.name and p.name.split(".")[0] in sig.models else ""].append(p)
    hits = []
    for params in by_model.values():
        if not any(p.in_optimizer for p in params):
            continue  # a model nobody trains (a teacher, a metric network): not ours to judge
        missing = [p for p in params if p.requires_grad and not p.in_optimizer]
        frozen_in_opt = [p for p in params if not p.requires_grad and p.in_optimizer]
        frozen = [p for p in params if not p.requires_grad and not p.in_optimizer]
        total = sum(p.numel for p in params)
        if missing:
            hits.append(Hit(f"{len(missing)} parameter tensors ({sum(p.numel for p in missing)} values) require "
                            f"gradients but are in no optimizer, so they never change: {names_list(_modules(missing))}"
                            " (an optimizer created before these layers were added or replaced?)",
                            where=names_list(_modules(missing)),
                            evidence={"not_in_optimizer": [p.name for p in missing]}))
        if frozen_in_opt:
            hits.append(Hit(f"{len(frozen_in_opt)} parameter tensors are given to the optimizer but have "
                            f"requires_grad=False, so they never change: {names_list(_modules(frozen_in_opt))}",
                            where=names_list(_modules(frozen_in_opt)),
                            evidence={"frozen_in_optimizer": [p.name for p in frozen_in_opt]}))
        if frozen:
            head = [p for p in frozen if p.in_output_layer]
            share = sum(p.numel for p in frozen) / max(total, 1)
            hits.append(Hit(f"{len(frozen)} parameter tensors ({share:.0%} of the model's values) are frozen "
                            f"(requires_grad=False, not in the optimizer): {names_list(_modules(frozen))}"
                            + (" — including the output layer, which fine-tuning normally trains" if head else
                               "; fine when a pretrained backbone is frozen on purpose"),
                            where=names_list(_modules(frozen)), severity=None if head else "info",
                            evidence={"frozen": [p.name for p in frozen], "share_of_values": share,
                                      "output_layer_frozen": bool(head)}))
    return hits


@rule("M303")
def gradient_blocked(ctx: Context):
    """Trainable parameters that never receive a gradient: the graph is cut before them."""
    sig = ctx.signals
    need = ctx.th["min_steps"]
    blocked = [p for p in sig.params.values() if p.requires_grad and p.in_optimizer and p.grad_checked >= need
               and p.grad_none + p.grad_zero == p.grad_checked]
    if not blocked:
        return None
    used = [p for p in blocked if p.module_called]
    unused = [p for p in blocked if not p.module_called]
    hits = []
    if used:
        none = all(p.grad_none == p.grad_checked for p in used)
        hits.append(Hit(f"{len(used)} parameter tensors of layers that run in the forward pass got "
                        f"{'no gradient (grad is None)' if none else 'an exactly zero gradient'} at every one of "
                        f"{used[0].grad_checked} checked steps: {names_list(_modules(used))}. Something between "
                        "them and the loss cuts the graph (.detach(), .data, torch.no_grad(), .item() or a numpy "
                        "round trip)",
                        where=names_list(_modules(used)),
                        evidence={"params": [p.name for p in used], "checked_steps": used[0].grad_checked,
                                  "grad_none": none}))
    if unused:
        hits.append(Hit(f"{len(unused)} parameter tensors never got a gradient and their layers never ran in the "
                        f"forward pass: {names_list(_modules(unused))} (defined but unused?)",
                        where=names_list(_modules(unused)), severity="info",
                        evidence={"params": [p.name for p in unused]}))
    return hits

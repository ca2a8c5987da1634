"""T506, T507: multi-process (DDP) training, judged on rank 0 from every rank's evidence.

The evidence is gathered by nndoctor/distributed.py into ``signals.ddp``:
``{"world": N, "ranks": [payload per rank]}``, each payload with ``batches``
(``[step, model, index, fingerprint]``), ``losses`` (``[step, value]``), ``checksums``
(``"optimizer:step" -> [per-parameter sums, per-parameter absolute sums]``) and
``param_names``. In a single-process run there is no ``signals.ddp`` and both rules stay silent.
"""
from __future__ import annotations

from nndoctor.i18n import tr
from nndoctor.rules.base import Context, Hit, fmt, rule


def _ranks(ctx: Context) -> list[dict] | None:
    ddp = getattr(ctx.signals, "ddp", None)
    if not ddp or len(ddp.get("ranks", ())) < 2:
        return None
    return ddp["ranks"]


@rule("T506")
def ranks_share_data(ctx: Context):
    """Every rank trains on the same samples: the DistributedSampler (or per-rank sharding) is missing.

    Evidence: the fingerprints of the model's input batches at the same early steps are identical
    on every rank (and change from step to step, so they are data, not a constant input); where no
    input fingerprint exists (integer or keyword inputs), the training losses are identical on every
    rank at every compared step while they change over steps.
    """
    ranks = _ranks(ctx)
    if ranks is None:
        return None
    th = ctx.th
    per_rank = [{(s, m, i): tuple(fp) for s, m, i, fp in r["batches"]} for r in ranks]
    common = sorted(set.intersection(*(set(d) for d in per_rank)))
    steps = sorted({k[0] for k in common})
    if len(steps) >= th["min_steps"] and len({per_rank[0][k] for k in common}) > 1:
        differing = [k for k in common if any(d[k] != per_rank[0][k] for d in per_rank[1:])]
        if differing:
            return None
        return Hit(tr("all {n_ranks} ranks fed the model the very same input batches at each of steps "
                      "{steps}-{steps2} ({n_common} batches compared by content): every rank trains on "
                      "the same samples, so the extra processes add no data (no DistributedSampler?)",
                      n_ranks=len(ranks), steps=steps[0], steps2=steps[-1], n_common=len(common)),
                   where="DataLoader sampler", step=steps[0],
                   evidence={"evidence": "batch fingerprints", "ranks": [r["rank"] for r in ranks],
                             "steps_compared": steps, "batches_compared": len(common)})
    losses = [dict((int(s), v) for s, v in r["losses"]) for r in ranks]
    common_steps = sorted(set.intersection(*(set(d) for d in losses)))
    if len(common_steps) < th["min_steps"] or len({losses[0][s] for s in common_steps}) < 2:
        return None
    if any(d[s] != losses[0][s] for d in losses[1:] for s in common_steps):
        return None
    return Hit(tr("the training loss was bit-identical on all {n_ranks} ranks at each of steps "
                  "{common_steps}-{common_steps2} (e.g. {losses} at step {common_steps}): every rank "
                  "computes the same batches (no DistributedSampler?)",
                  n_ranks=len(ranks), common_steps=common_steps[0], common_steps2=common_steps[-1],
                  losses=fmt(losses[0][common_steps[0]])),
               where="DataLoader sampler", step=common_steps[0],
               evidence={"evidence": "identical losses", "ranks": [r["rank"] for r in ranks],
                         "steps_compared": common_steps})


@rule("T507")
def ranks_diverge(ctx: Context):
    """Replicas that should hold identical parameters differ across ranks right after an optimizer step.

    Evidence: per-parameter sums and absolute sums taken on every rank after the same early
    optimizer steps; a parameter whose checksums differ by more than ``rtol`` of its absolute sum
    has diverged. Sharded parameters (FSDP, DTensor) and ranks whose parameter lists differ
    (pipeline or model parallelism) are not judged.
    """
    ranks = _ranks(ctx)
    if ranks is None or any(r.get("sharded") for r in ranks):
        return None
    rtol = ctx.th["rtol"]
    keys = sorted(set.intersection(*(set(r["checksums"]) for r in ranks)),
                  key=lambda k: (int(k.split(":")[1]), int(k.split(":")[0])))
    for key in keys:
        opt = key.split(":")[0]
        names = ranks[0]["param_names"].get(opt, [])
        if any(r["param_names"].get(opt) != names for r in ranks[1:]):
            continue
        sums0, l10 = ranks[0]["checksums"][key]
        worst = None
        for r in ranks[1:]:
            sums, l1 = r["checksums"][key]
            if len(sums) != len(sums0):
                break
            for i, (a, b, c, d) in enumerate(zip(sums0, sums, l10, l1)):
                scale = max(abs(c), abs(d), 1e-30)
                rel = max(abs(a - b), abs(c - d)) / scale
                if rel > rtol and (worst is None or rel > worst[0]):
                    worst = (rel, i, r["rank"])
        if worst is None:
            continue
        rel, i, other = worst
        step = int(key.split(":")[1])
        name = names[i] if i < len(names) else f"param{i}"
        return Hit(tr("after optimizer step {step} the replicas differ: {name} has a checksum on rank "
                      "{other} that is {rel} (relative) away from rank 0's; DDP keeps replicas "
                      "bit-identical, so gradients were not all-reduced (forward through "
                      "`model.module`, a bypassed DDP wrapper, or no_sync left on)",
                      step=step, name=name, other=other, rel=fmt(rel)), where=name, step=step,
                   evidence={"optimizer_step": step, "parameter": name, "relative_difference": rel,
                             "ranks": [0, other]})
    return None

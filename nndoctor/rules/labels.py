"""D105 label-noise: confident learning on the captured training samples (``signals.train_samples``).

The estimate itself lives in ``nndoctor.labels`` (cleanlab, an optional extra); this rule judges it.
Without cleanlab it stays silent and the report says what to install.

The quick model sees raw inputs; a convolution or a deep net may read the labels from them far better.
The user's own network then bounds the estimate: labels wrong at rate r cap the accuracy of any model
that has not memorized them at about 1 - r (a model that predicts the true class never matches a wrong
label), so a network whose batches score clearly above that refutes the estimate, which is then info.
"""
from __future__ import annotations

import math

from nndoctor.i18n import tjoin, tr
from nndoctor.rules.base import Context, Hit, rule
from nndoctor.signals import CLASS_INDEX_LOSSES

SHOWN = 10  # suspicious samples listed in the evidence


@rule("D105")
def label_noise(ctx: Context):
    """Many labels disagree confidently with what the inputs say: confident learning on out-of-sample
    predictions of a quick model cross-validated on the captured samples."""
    from nndoctor import labels

    sig, th = ctx.signals, ctx.th
    bank = sig.train_samples
    if bank is None or bank.y is None or len(bank) < th["min_samples"]:
        return None
    if not labels.available():
        _note(sig, tr("D105 label-noise not checked: it needs cleanlab ({hint})", hint=labels.INSTALL_HINT))
        return None
    est = _estimate(sig, bank, th)
    if est is None or est.noise_rate < th["max_noise_rate"]:
        return None
    if est.heldout_kappa < th["min_kappa"]:
        _note(sig, tr("D105 label-noise not judged: a quick model cannot predict the labels from the "
                      "inputs (held-out agreement {heldout_accuracy:.0%}, kappa {heldout_kappa:.2f})",
                      heldout_accuracy=est.heldout_accuracy, heldout_kappa=est.heldout_kappa))
        return None
    rate = est.noise_rate
    ratio = rate / max(est.unexplained_error, 1e-12)
    clear = ratio >= th["min_issue_to_error_ratio"]
    index = bank.index if bank.index is not None else range(len(bank))
    top = [(int(index[pos]), given, likely)
           for pos, given, likely in zip(est.issues[:SHOWN], est.given, est.likely)]
    listed = tjoin(tr(", "), (tr("#{index} (label {given}, looks like {likely})", index=i, given=g, likely=lk)
                              for i, g, lk in top))
    # The bank holds distinct samples; ``seen`` counts every sample fed, epochs included.
    if getattr(bank, "complete", False) and est.n_used == len(bank):
        sampled = tr("{n_used} samples, the whole training set", n_used=est.n_used)
    elif est.n_used < len(bank):
        sampled = tr("{n_used} samples drawn at random from the {n_bank} captured (a bounded sample)",
                     n_used=est.n_used, n_bank=len(bank))
    elif len(bank) >= bank.capacity:
        sampled = tr("the first {n_used} distinct samples fed in training (a bounded sample)", n_used=est.n_used)
    else:
        sampled = tr("{n_used} samples captured from training", n_used=est.n_used)
    message = (tr("about {rate:.0%} of the labels look wrong ({n_issues} of {sampled}): confident "
                  "learning on out-of-sample predictions of a quick {model} ({n_folds}-fold "
                  "cross-validated on these samples, held-out agreement with the labels "
                  "{heldout_accuracy:.0%}); most suspicious: {listed}",
                  rate=rate, n_issues=len(est.issues), sampled=sampled, model=est.model, n_folds=labels.N_FOLDS,
                  heldout_accuracy=est.heldout_accuracy, listed=listed))
    if not clear:
        message += (tr(". The quick model also disagrees with another {unexplained_error:.0%} of the "
                       "labels without flagging them, so these may be hard samples or overlapping "
                       "classes, not wrong labels",
                       unexplained_error=est.unexplained_error))
    network = _network_refutes(sig, th, est)
    if network is not None:
        clear = False
        fresh = network["fresh"]
        message += tr(". But the network itself gets {accuracy:.0%} of the labels right on {what} (steps "
                      "{first}-{last}, {samples} samples), against the quick model's {quick:.0%} and the "
                      "~{cap:.0%} that {rate:.0%} wrong labels leave to a model that has not memorized them: "
                      "the quick model misses what the network learns, so many of these are hard samples, "
                      "not wrong labels (its accuracy leaves room for at most ~{bound:.0%} wrong labels{memorized})",
                      accuracy=network["accuracy"],
                      what=tr("batches it had not trained on yet (first epoch)") if fresh
                      else tr("its training batches"),
                      first=network["first_step"], last=network["last_step"], samples=network["samples"],
                      quick=est.heldout_accuracy, cap=1 - rate, rate=rate, bound=1 - network["accuracy"],
                      memorized="" if fresh else tr(", unless it memorizes wrong labels: compare on "
                                                    "held-out data"))
    return Hit(message, where="training labels", severity=None if clear else "info",
               evidence={"noise_rate": round(rate, 4), "n_flagged": len(est.issues), "n_used": est.n_used,
                         "n_seen": bank.seen, "n_in_bank": len(bank), "classes": est.classes,
                         "quick_model": est.model, "heldout_accuracy": round(est.heldout_accuracy, 4),
                         "heldout_kappa": round(est.heldout_kappa, 4),
                         "unexplained_error": round(est.unexplained_error, 4),
                         "issue_to_error_ratio": round(ratio, 2) if est.unexplained_error > 0 else None,
                         "suspicious": [{"index": i, "given": g, "likely": lk} for i, g, lk in top],
                         "network_accuracy": network,
                         "seconds": round(est.seconds, 2)})


def _network_refutes(sig, th, est) -> dict | None:
    """The run's own accuracy on its class-index training batches, when it refutes the estimate: less
    z_accuracy binomial standard errors, it beats the 1 - r cap by more than the estimate's own error
    (cap_slack), or the quick model's held-out agreement by min_network_gain (the quick model then misses
    what the network reads from the inputs, and its misses inflate r). The latest sampled batches that
    hold network_min_samples targets: first those of the first epoch (not yet trained on: the forward
    precedes the step), else those of the run. None when the run does not refute the estimate."""
    from nndoctor.rules.data import _training_data_size

    rows = {}
    for b in sig.batches:
        if b.inputs.shape and b.inputs.numel > 1:
            rows.setdefault(b.step, b.inputs.shape[0])
    calls = {}
    for c in sig.loss_calls:  # the first per-sample class-index loss of each sampled step
        if c.fn in CLASS_INDEX_LOSSES and c.accuracy is not None and math.isfinite(c.accuracy) \
                and c.target is not None and len(c.target.shape) == 1 and c.target.numel \
                and c.target.numel == rows.get(c.step, c.target.numel):
            calls.setdefault(c.step, c)
    if not calls:
        return None
    size, batch, _ = _training_data_size(sig)
    per_epoch = -(-size // batch) if size and batch else None
    steps = sorted(calls)
    fresh = [s for s in steps if per_epoch and 1 <= s < per_epoch]
    for candidates, is_fresh in ((fresh, True), (steps, False)):
        chosen = []  # the latest batches, back until they hold network_min_samples targets
        for s in reversed(candidates):
            chosen.insert(0, s)
            if sum(calls[c].target.numel for c in chosen) >= th["network_min_samples"]:
                break
        n = sum(calls[s].target.numel for s in chosen)
        if n < th["network_min_samples"]:
            continue
        accuracy = sum(calls[s].accuracy * calls[s].target.numel for s in chosen) / n
        low = accuracy - th["z_accuracy"] * math.sqrt(max(accuracy * (1 - accuracy), 1e-4) / n)
        if low - th["cap_slack"] > 1 - est.noise_rate or low - est.heldout_accuracy >= th["min_network_gain"]:
            return {"accuracy": round(accuracy, 4), "samples": int(n), "first_step": chosen[0],
                    "last_step": chosen[-1], "fresh": is_fresh, "noise_cap": round(1 - est.noise_rate, 4),
                    "steps_per_epoch": per_epoch}
    return None


def _estimate(sig, bank, th):
    """The estimate for this bank's content, computed once (the rule may be asked again at the end)."""
    from nndoctor.labels import estimate_label_noise

    key = (len(bank), bank.seen, th["max_samples"])
    cached = getattr(bank, "_label_noise", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    # Ids looked up in an embedding (token sequences, category codes) are names, not magnitudes.
    ids = next((kind for _, kind in sig.module_order), "") in ("Embedding", "EmbeddingBag")
    est = estimate_label_noise(bank.x, bank.y, max_samples=int(th["max_samples"]), ids=ids)
    bank._label_noise = (key, est)
    return est


def _note(sig, text: str) -> None:
    if text not in sig.notes:
        sig.notes.append(text)

"""D105 label-noise: confident learning on the captured training samples (``signals.train_samples``).

The estimate itself lives in ``nndoctor.labels`` (cleanlab, an optional extra); this rule judges it.
Without cleanlab it stays silent and the report says what to install.
"""
from __future__ import annotations

from nndoctor.i18n import tjoin, tr
from nndoctor.rules.base import Context, Hit, rule

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
    est = _estimate(bank, th)
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
    return Hit(message, where="training labels", severity=None if clear else "info",
               evidence={"noise_rate": round(rate, 4), "n_flagged": len(est.issues), "n_used": est.n_used,
                         "n_seen": bank.seen, "n_in_bank": len(bank), "classes": est.classes,
                         "quick_model": est.model, "heldout_accuracy": round(est.heldout_accuracy, 4),
                         "heldout_kappa": round(est.heldout_kappa, 4),
                         "unexplained_error": round(est.unexplained_error, 4),
                         "issue_to_error_ratio": round(ratio, 2) if est.unexplained_error > 0 else None,
                         "suspicious": [{"index": i, "given": g, "likely": lk} for i, g, lk in top],
                         "seconds": round(est.seconds, 2)})


def _estimate(bank, th):
    """The estimate for this bank's content, computed once (the rule may be asked again at the end)."""
    from nndoctor.labels import estimate_label_noise

    key = (len(bank), bank.seen, th["max_samples"])
    cached = getattr(bank, "_label_noise", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    est = estimate_label_noise(bank.x, bank.y, max_samples=int(th["max_samples"]))
    bank._label_noise = (key, est)
    return est


def _note(sig, text: str) -> None:
    if text not in sig.notes:
        sig.notes.append(text)

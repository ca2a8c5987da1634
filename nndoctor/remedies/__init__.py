"""Verified fixes (``--try-fixes``): each finding with a mechanical remedy is tried on copies.

``capture.py`` keeps copies of the set-up while the script trains (only with ``--try-fixes``),
``units.py`` holds one small unit per remedy, ``trial.py`` runs the unchanged and the remedied
set-up side by side from the same start on the same batches and records both loss curves.
"""
from nndoctor.remedies.capture import TrialCapture
from nndoctor.remedies.trial import DEFAULT_SECONDS, DEFAULT_STEPS, run_trials

__all__ = ["TrialCapture", "run_trials", "DEFAULT_STEPS", "DEFAULT_SECONDS"]

"""Probes: the only part of nndoctor that touches the user's tensors and hooks into torch."""

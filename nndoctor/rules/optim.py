"""G4xx: gradients and optimization dynamics."""
from __future__ import annotations

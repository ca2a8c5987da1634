"""Rules by family: data (D), loss (L), model (M), optim (G), loop (T), numerics (N)."""

"""tensor_stats: the statistics a sampled step reads back, on finite tensors and on ones with NaN or inf."""
import math

import torch

from nndoctor.probes.measure import Readback, tensor_stats


def test_finite_tensor_statistics_match_torch():
    rb = Readback()
    x = torch.randn(32, 7, dtype=torch.float64) * 3 + 1
    labels = torch.tensor([3, 0, 2, 2])
    whole = torch.tensor([1.0, 4.0, -2.0])
    one = torch.tensor([5.0])
    stats = [tensor_stats(t, rb, integral=True) for t in (x, labels, whole, one)]
    rb.flush()
    sx, sl, sw, so = stats
    xf = x.float()
    assert (sx.min, sx.max) == (xf.min().item(), xf.max().item())
    assert math.isclose(sx.mean, xf.mean().item(), rel_tol=1e-5) and math.isclose(sx.std, xf.std().item(), rel_tol=1e-5)
    assert sx.nonfinite == 0 and sx.first_nonfinite is None and sx.integral is False
    assert (sl.min, sl.max, sl.integral, sl.is_floating, sl.nonfinite) == (0.0, 3.0, True, False, 0)
    assert sw.integral is True and sw.nonfinite == 0
    assert (so.std, so.mean) == (0.0, 5.0)


def test_nonfinite_entries_counted_located_and_left_out_of_the_statistics():
    rb = Readback()
    x = torch.tensor([[1.0, 2.0, 3.0], [float("inf"), 5.0, float("nan")]])
    stats = tensor_stats(x, rb, integral=True)
    rb.flush()
    assert stats.nonfinite == 2 and stats.first_nonfinite == (1, 0)
    assert (stats.min, stats.max, stats.mean) == (1.0, 5.0, 2.75)
    assert math.isclose(stats.std, torch.tensor([1.0, 2.0, 3.0, 5.0]).std().item(), rel_tol=1e-6)
    assert stats.integral is True


def test_a_tensor_gone_before_the_readback_still_counts_as_nonfinite():
    rb = Readback()
    stats = tensor_stats(torch.tensor([float("nan"), 1.0]), rb)  # (no reference kept: freed before the flush)
    rb.flush()
    assert stats.nonfinite >= 1 and math.isnan(stats.mean)

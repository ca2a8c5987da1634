"""nndoctor: tells a PyTorch user why their neural network is not training."""
__version__ = "0.1.0"

from nndoctor.findings import Finding, Report  # noqa: E402


def watch(*args, **kwargs):
    """Watch a training loop you own: ``with nndoctor.watch(model, optimizer) as doctor: ...``."""
    from nndoctor.api import watch as _watch

    return _watch(*args, **kwargs)


def check(*args, **kwargs):
    """Test a set-up in seconds before training: ``report = nndoctor.check(model, (X, y))``."""
    from nndoctor.preflight.check import check as _check

    return _check(*args, **kwargs)


__all__ = ["Finding", "Report", "check", "watch", "__version__"]

"""nndoctor: tells a PyTorch user why their neural network is not training."""
__version__ = "0.1.0"

from nndoctor.findings import Finding, Report  # noqa: E402


def watch(*args, **kwargs):
    """Watch a training loop you own: ``with nndoctor.watch(model, optimizer) as doctor: ...``."""
    from nndoctor.api import watch as _watch

    return _watch(*args, **kwargs)


__all__ = ["Finding", "Report", "watch", "__version__"]

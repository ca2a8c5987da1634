"""Save and restore every random stream, so nndoctor's own work never shifts the user's."""
from __future__ import annotations

import random
from contextlib import contextmanager

import torch


@contextmanager
def preserved_random_state():
    py_state = random.getstate()
    try:
        import numpy as np

        np_state = np.random.get_state()
    except ImportError:  # numpy is optional for users
        np, np_state = None, None
    cpu_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    try:
        yield
    finally:
        random.setstate(py_state)
        if np is not None:
            np.random.set_state(np_state)
        torch.set_rng_state(cpu_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)


def seed_torch(seed: int) -> None:
    """torch.manual_seed for nndoctor's own work (inside ``preserved_random_state``): CUDA generators
    are seeded only when CUDA is already initialized, since torch.manual_seed would otherwise queue a
    seed that lands on the user's CUDA generators when their script initializes CUDA later."""
    torch.default_generator.manual_seed(seed)
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(seed)

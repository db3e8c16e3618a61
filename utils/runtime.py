"""Reproducibility and device selection, shared by every notebook's setup cell."""

from __future__ import annotations

import random

import numpy as np
import torch

from .threads import adapt_threads

# The torch release every notebook's committed outputs come from (pyproject.toml pins it; a test keeps
# the two equal).
TESTED_TORCH = "2.14.1"


def set_seed(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and every CUDA device) with ``seed``."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def get_device(prefer: str | None = None) -> torch.device:
    """The device notebooks compute on: ``cuda`` when available, else ``cpu``.

    ``prefer="cpu"`` forces the CPU; ``prefer="cuda"`` raises ValueError when no GPU is present.
    It also chooses the CPU thread count (:func:`utils.configure_threads`: every core that other
    programs leave free, unless the learner fixed a count), so every lesson's setup does.
    """
    adapt_threads(wait=True)
    if prefer not in (None, "cpu", "cuda"):
        raise ValueError(f"prefer must be None, 'cpu' or 'cuda', got {prefer!r}")
    if prefer == "cuda" and not torch.cuda.is_available():
        raise ValueError("prefer='cuda' was requested but torch.cuda.is_available() is False")
    if prefer == "cpu":
        return torch.device("cpu")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def torch_version_note(version: str | None = None) -> str | None:
    """A note for learners whose torch is not the release the lessons were checked with, else None.

    ``version`` defaults to ``torch.__version__``; a local build suffix (``+cpu``, ``+cu130``) does not
    count as a difference. Every lesson's setup cell prints the note, so that a learner on Colab, say,
    knows why a printed number or message may differ from the text.
    """
    version = torch.__version__ if version is None else version
    if not isinstance(version, str) or not version:
        raise ValueError(f"version must be a non-empty str, got {version!r}")
    if version.split("+")[0] == TESTED_TORCH:
        return None
    return (f"Note: these lessons were checked with torch {TESTED_TORCH}; this is torch {version}. Everything "
            "should run, but printed numbers may differ in their last digits and some messages in wording.")

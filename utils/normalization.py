"""Local response normalisation (AlexNet's "brightness normalisation") written from tensor operations.

It divides each activation by a power of the summed squares of its neighbours *across channels* at
the same position: a normalisation, not a pooling, since the output has the input's shape.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._checks import check_int, check_number


def local_response_norm(x: torch.Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> torch.Tensor:
    """The counterpart of ``torch.nn.functional.local_response_norm``.

    ``b_c = a_c / (k + (alpha / size) * sum_{c'=c-size//2}^{c+(size-1)//2} a_{c'}^2) ** beta``,
    with channels beyond the first and last counted as zero. Note the ``alpha / size``: torch
    averages the squares where AlexNet's paper sums them, see :func:`lrn_paper_to_torch`.

    Inputs: x of shape (N, C, *) with at least 3 dimensions; as in torch, dimension 1 holds the
    channels, so a 3-D input is (N, C, L), not (C, H, W). ``size``: the number of neighbouring
    channels, a positive int. Returns a tensor of the shape of x.
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise ValueError(f"x must be a floating-point torch.Tensor, got {getattr(x, 'dtype', type(x).__name__)}")
    if x.dim() < 3:
        raise ValueError(f"x must have at least 3 dimensions (N, C, *) with channels in dimension 1, "
                         f"got shape {tuple(x.shape)}")
    check_int(size, "size")
    for name, value in (("alpha", alpha), ("beta", beta), ("k", k)):
        check_number(value, name, low=-math.inf, tensor=False)
    if x.shape[1] == 0:  # no channels to normalise over: an empty result, as torch gives
        return x.clone()

    squares = x.square().movedim(1, -1)
    squares = F.pad(squares, (size // 2, (size - 1) // 2))
    mean_square = squares.unfold(-1, size, 1).mean(dim=-1).movedim(-1, 1)
    return x / (k + alpha * mean_square).pow(beta)


def lrn_paper_to_torch(n: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0) -> dict[str, float]:
    """Keyword arguments of ``nn.LocalResponseNorm`` / :func:`local_response_norm` for the paper's formula.

    Krizhevsky et al. (2012) write ``b_c = a_c / (k + alpha * sum a_{c'}^2) ** beta`` with a plain sum
    over ``n`` channels; torch multiplies the *mean* by alpha, so it needs ``alpha * n``. The defaults
    are AlexNet's constants: ``nn.LocalResponseNorm(**lrn_paper_to_torch())`` is
    ``nn.LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)``.
    """
    check_int(n, "n")
    return {"size": n, "alpha": alpha * n, "beta": beta, "k": k}

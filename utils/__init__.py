"""Shared code for the pooling course: operators that mirror ``torch.nn.functional``, shape
arithmetic, data loaders, device and seed selection, and plotting helpers."""

from .data import (
    DATA_DIR,
    MNIST_MEAN,
    MNIST_STD,
    DataError,
    image_names,
    load_image,
    load_mnist,
    load_mnist_dataset,
    verify,
)
from .plotting import plot_grid, plot_pooling, show_images
from .pooling import avg_pool2d, max_pool2d
from .runtime import get_device, set_seed
from .shapes import conv_output_size, pool_output_shape, pool_output_size, window_positions

__all__ = [
    "DATA_DIR",
    "MNIST_MEAN",
    "MNIST_STD",
    "DataError",
    "avg_pool2d",
    "conv_output_size",
    "get_device",
    "image_names",
    "load_image",
    "load_mnist",
    "load_mnist_dataset",
    "max_pool2d",
    "plot_grid",
    "plot_pooling",
    "pool_output_shape",
    "pool_output_size",
    "set_seed",
    "show_images",
    "verify",
    "window_positions",
]

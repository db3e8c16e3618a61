"""Shared code for the pooling course: operators that mirror ``torch.nn.functional``, shape
arithmetic, data loaders, device and seed selection, and plotting helpers."""

from .adaptive import adaptive_avg_pool2d, adaptive_bins, adaptive_max_pool2d
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
from .models import count_parameters, lenet
from .plotting import format_table, plot_grid, plot_history, plot_pooling, show_images
from .pooling import avg_pool2d, lp_pool2d, max_pool2d
from .receptive import ReceptiveField, footprint_box, gradient_footprint, receptive_field, receptive_fields
from .runtime import get_device, set_seed
from .shapes import conv_output_size, pool_output_shape, pool_output_size, window_positions
from .training import History, evaluate, fit, predict
from .transforms import shift_images
from .variants import (
    GeM,
    MixedPool2d,
    SoftPool2d,
    StochasticPool2d,
    WeightedAvgPool2d,
    gem_pool2d,
    mixed_pool2d,
    soft_pool2d,
    stochastic_pool2d,
    weighted_avg_pool2d,
)

__all__ = [
    "DATA_DIR",
    "DataError",
    "GeM",
    "History",
    "MNIST_MEAN",
    "MNIST_STD",
    "MixedPool2d",
    "ReceptiveField",
    "SoftPool2d",
    "StochasticPool2d",
    "WeightedAvgPool2d",
    "adaptive_avg_pool2d",
    "adaptive_bins",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "conv_output_size",
    "count_parameters",
    "evaluate",
    "fit",
    "footprint_box",
    "format_table",
    "gem_pool2d",
    "get_device",
    "gradient_footprint",
    "image_names",
    "lenet",
    "load_image",
    "load_mnist",
    "load_mnist_dataset",
    "lp_pool2d",
    "max_pool2d",
    "mixed_pool2d",
    "plot_grid",
    "plot_history",
    "plot_pooling",
    "pool_output_shape",
    "pool_output_size",
    "predict",
    "receptive_field",
    "receptive_fields",
    "set_seed",
    "shift_images",
    "show_images",
    "soft_pool2d",
    "stochastic_pool2d",
    "verify",
    "weighted_avg_pool2d",
    "window_positions",
]

"""Shared code for the pooling course: operators that mirror ``torch.nn.functional``, shape
arithmetic, data loaders, device and seed selection, and plotting helpers."""

from .adaptive import adaptive_avg_pool2d, adaptive_bins, adaptive_max_pool2d
from .antialias import BlurPool2d, MaxBlurPool2d, binomial_filter, blur_pool2d, max_blur_pool2d
from .bilinear import BilinearPool, CompactBilinearPool, TensorSketch, bilinear_pool, count_sketch, signed_sqrt
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
from .exercises import exercise, expect_equal, expect_tensor
from .experiments import (
    SEEDS,
    Comparison,
    SeedRuns,
    Summary,
    accuracy_se,
    compare,
    fit_seeds,
    seed_table,
    summarize,
)
from .fast import FastMixedPool2d, FastSoftPool2d, FastStochasticPool2d, fast_max_pool2d
from .models import count_parameters, lenet
from .normalization import local_response_norm, lrn_paper_to_torch
from .plotting import format_table, plot_grid, plot_history, plot_pooling, plot_seeds, show_images
from .pooling import avg_pool2d, lp_pool2d, max_pool2d
from .profiling import copy_bandwidth, peak_memory, time_call
from .receptive import ReceptiveField, footprint_box, gradient_footprint, receptive_field, receptive_fields
from .runtime import TESTED_TORCH, get_device, set_seed, torch_version_note
from .shapes import conv_output_size, pool_output_shape, pool_output_size, window_positions
from .threads import configure_threads
from .training import History, evaluate, fit, predict
from .transforms import shift_images, standardize
from .unpooling import max_unpool2d, unpool_output_shape
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
from .widgets import describe_pooling, pooling_explorer

__all__ = [
    "BilinearPool",
    "BlurPool2d",
    "CompactBilinearPool",
    "Comparison",
    "DATA_DIR",
    "DataError",
    "FastMixedPool2d",
    "FastSoftPool2d",
    "FastStochasticPool2d",
    "GeM",
    "History",
    "MNIST_MEAN",
    "MNIST_STD",
    "MaxBlurPool2d",
    "MixedPool2d",
    "ReceptiveField",
    "SEEDS",
    "SeedRuns",
    "SoftPool2d",
    "StochasticPool2d",
    "Summary",
    "TESTED_TORCH",
    "TensorSketch",
    "WeightedAvgPool2d",
    "accuracy_se",
    "adaptive_avg_pool2d",
    "adaptive_bins",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "bilinear_pool",
    "binomial_filter",
    "blur_pool2d",
    "compare",
    "configure_threads",
    "conv_output_size",
    "copy_bandwidth",
    "count_parameters",
    "count_sketch",
    "describe_pooling",
    "evaluate",
    "exercise",
    "expect_equal",
    "expect_tensor",
    "fast_max_pool2d",
    "fit",
    "fit_seeds",
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
    "local_response_norm",
    "lp_pool2d",
    "lrn_paper_to_torch",
    "max_blur_pool2d",
    "max_pool2d",
    "max_unpool2d",
    "mixed_pool2d",
    "peak_memory",
    "plot_grid",
    "plot_history",
    "plot_pooling",
    "plot_seeds",
    "pool_output_shape",
    "pool_output_size",
    "pooling_explorer",
    "predict",
    "receptive_field",
    "receptive_fields",
    "seed_table",
    "set_seed",
    "shift_images",
    "show_images",
    "signed_sqrt",
    "soft_pool2d",
    "standardize",
    "stochastic_pool2d",
    "summarize",
    "time_call",
    "torch_version_note",
    "unpool_output_shape",
    "verify",
    "weighted_avg_pool2d",
    "window_positions",
]

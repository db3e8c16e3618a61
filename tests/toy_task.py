"""A tiny separable task and a tiny net for the tests of the training loop and the multi-seed runner."""

import torch

import utils


def blobs(n: int, seed: int):
    """Class 1 images are bright in the top half, class 0 in the bottom half: (n, 1, 12, 12) and (n,)."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=generator)
    images = torch.rand(n, 1, 12, 12, generator=generator) * 0.3
    images[labels == 1, :, :6] += 0.7
    images[labels == 0, :, 6:] += 0.7
    return images, labels


def tiny_net(downsample="max"):
    """A one-block LeNet for blobs: conv 3x3 1->4, ReLU, downsampling, dense 8 -> 2."""
    return utils.lenet(downsample, channels=(4,), kernel_size=3, hidden=8, num_classes=2, input_size=12)

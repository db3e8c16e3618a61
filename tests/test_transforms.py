"""Image transforms: shifts without wrap-around (one for the batch or one per image) and standardisation."""

import pytest
import torch

import utils


def test_shift_images_moves_content_without_wrapping():
    x = torch.arange(1.0, 10.0).reshape(1, 3, 3)
    assert utils.shift_images(x, 1, 0).tolist() == [[[0, 0, 0], [1, 2, 3], [4, 5, 6]]]
    assert utils.shift_images(x, -2, 2).tolist() == [[[0, 0, 7], [0, 0, 0], [0, 0, 0]]]
    assert torch.equal(utils.shift_images(x, 0, 0), x)
    assert utils.shift_images(x, 0, 1, fill=-1.0)[0, :, 0].tolist() == [-1, -1, -1]
    with pytest.raises(ValueError, match=r"dx must be an int with \|dx\| < 3"):
        utils.shift_images(x, 0, 3)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        utils.shift_images(torch.zeros(3), 0, 0)


def test_shift_images_takes_one_shift_per_image():
    x = torch.arange(1.0, 10.0).reshape(1, 3, 3).repeat(3, 1, 1)
    shifted = utils.shift_images(x, [1, 0, 1], torch.tensor([0, -1, 0]))
    for image, dy, dx in zip(shifted, [1, 0, 1], [0, -1, 0], strict=True):
        assert torch.equal(image, utils.shift_images(x[0], dy, dx))
    with pytest.raises(ValueError, match="one int per image"):
        utils.shift_images(x, [1, 0], 0)
    with pytest.raises(ValueError, match=r"\|dy\| < 3"):
        utils.shift_images(x, [3, 0, 0], 0)


def test_standardize_is_load_mnists_normalisation():
    raw, normalized = utils.load_mnist(train=False)[0][:50], utils.load_mnist(train=False, normalize=True)[0][:50]
    assert torch.allclose(utils.standardize(raw), normalized)
    assert utils.standardize(torch.tensor([0.5]), mean=0.5, std=2.0).item() == 0.0
    with pytest.raises(ValueError, match="floating-point"):
        utils.standardize(torch.zeros(2, dtype=torch.uint8))

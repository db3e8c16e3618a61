"""The shipped data: counts, balance, dtypes, and loud failures when a file is missing or altered."""

import re
import shutil

import pytest
import torch

import utils
from utils.data import SHA256


def test_mnist_subset_has_the_documented_counts_and_balance():
    for train, per_class in ((True, 400), (False, 100)):
        images, labels = utils.load_mnist(train)
        assert images.shape == (10 * per_class, 1, 28, 28) and images.dtype == torch.float32
        assert labels.dtype == torch.int64
        assert torch.bincount(labels, minlength=10).tolist() == [per_class] * 10
        assert images.min() == 0.0 and images.max() == 1.0


def test_mnist_dataset_reads_the_raw_idx_files_as_uint8():
    ds = utils.load_mnist_dataset(train=False)
    assert len(ds) == 1000 and ds.data.dtype == torch.uint8
    image, label = ds[0]
    assert image.size == (28, 28) and 0 <= label <= 9


def test_train_and_test_images_are_disjoint():
    train = {bytes(img.numpy()) for img in utils.load_mnist_dataset(True).data}
    test = {bytes(img.numpy()) for img in utils.load_mnist_dataset(False).data}
    assert len(train) == 4000 and len(test) == 1000 and not train & test


def test_normalize_uses_the_mnist_constants():
    raw, _ = utils.load_mnist(False)
    normalised, _ = utils.load_mnist(False, normalize=True)
    torch.testing.assert_close(normalised, (raw - utils.MNIST_MEAN) / utils.MNIST_STD)


@pytest.mark.parametrize("name", utils.image_names())
def test_images_load_as_rgb_or_gray_in_unit_range(name):
    rgb, gray = utils.load_image(name), utils.load_image(name, gray=True)
    assert rgb.shape[0] == 3 and gray.shape == (1, *rgb.shape[1:])
    assert rgb.dtype == gray.dtype == torch.float32
    assert 0.0 <= rgb.min() and rgb.max() <= 1.0 and rgb.std() > 0.05


def test_readme_lists_the_checksums_the_loader_verifies():
    text = (utils.DATA_DIR / "README.md").read_text()
    listed = dict((path, digest) for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", text, re.MULTILINE))
    assert listed == SHA256


@pytest.fixture
def data_copy(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(utils.DATA_DIR, root, ignore=shutil.ignore_patterns("full"))
    return root


def test_a_corrupted_file_names_itself_and_the_rebuild_command(data_copy):
    path = data_copy / "MNIST/raw/t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    with pytest.raises(utils.DataError, match=r"(?s)Corrupted data file .*t10k-labels.*make data"):
        utils.load_mnist(False, root=data_copy)


def test_a_missing_file_names_itself_and_the_rebuild_command(data_copy):
    (data_copy / "images/chelsea.png").unlink()
    with pytest.raises(utils.DataError, match=r"(?s)Missing data file .*chelsea.png.*git checkout -- data/"):
        utils.load_image("chelsea", root=data_copy)


@pytest.mark.parametrize("train", [True, False])
def test_a_missing_file_of_the_other_split_is_named_too(data_copy, train):
    # torchvision opens nothing until both splits exist, then blames the data set and suggests a download
    other = "t10k-images-idx3-ubyte" if train else "train-labels-idx1-ubyte"
    (data_copy / "MNIST/raw" / other).unlink()
    with pytest.raises(utils.DataError, match=rf"(?s)Missing data file .*{other}.*make data"):
        utils.load_mnist(train, root=data_copy)


def test_loaders_refuse_flags_that_are_not_bools():
    with pytest.raises(TypeError, match="train must be a bool"):
        utils.load_mnist(train="test")
    with pytest.raises(TypeError, match="normalize must be a bool"):
        utils.load_mnist(normalize=1)


def test_verify_accepts_intact_files_and_rejects_unknown_names():
    assert utils.verify("images/text.png").is_file()
    with pytest.raises(ValueError, match="relative_path"):
        utils.verify("images/cifar.png")
    with pytest.raises(ValueError, match="name must be one of"):
        utils.load_image("lena")

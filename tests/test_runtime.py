"""Seeding and device selection."""

import random
from pathlib import Path

import numpy as np
import pytest
import torch

import utils


def test_set_seed_makes_python_numpy_and_torch_repeat():
    utils.set_seed(7)
    first = (random.random(), np.random.rand(), torch.rand(3))
    utils.set_seed(7)
    second = (random.random(), np.random.rand(), torch.rand(3))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])
    utils.set_seed(8)
    assert not torch.equal(torch.rand(3), first[2])


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        utils.set_seed(seed)


def test_get_device_prefers_cuda_when_present():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert utils.get_device().type == expected
    assert utils.get_device("cpu").type == "cpu"


def test_get_device_rejects_unknown_or_missing_devices():
    with pytest.raises(ValueError, match="prefer"):
        utils.get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="cuda"):
            utils.get_device("cuda")


def test_the_tested_torch_is_the_pinned_one_and_differences_are_noted():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    assert f"torch=={utils.TESTED_TORCH}" in project["dependencies"]
    assert utils.torch_version_note(utils.TESTED_TORCH) is None
    assert utils.torch_version_note(f"{utils.TESTED_TORCH}+cu130") is None
    note = utils.torch_version_note("2.5.1+cu121")
    assert note.startswith("Note:") and "2.5.1+cu121" in note and utils.TESTED_TORCH in note
    with pytest.raises(ValueError, match="version"):
        utils.torch_version_note("")

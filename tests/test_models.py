"""The LeNet-style builder, receptive fields (computed vs measured), the training loop, shifts, tables."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from toy_task import blobs, tiny_net

import utils

CHOLLET = dict(channels=(32, 64, 64), kernel_size=3, hidden=512, downsample_after=2)


def test_lenet_defaults_are_the_seed_mnist_net():
    net = utils.lenet()
    assert utils.count_parameters(net) == 260 + 5020 + 16050 + 510
    assert net.classifier[1].in_features == 4 * 4 * 20
    assert net(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


def test_lenet_without_pooling_has_the_seed_001_dense_layer():
    net = utils.lenet("none", **CHOLLET)
    dense = net.classifier[1]
    assert dense.in_features == 22 * 22 * 64
    assert utils.count_parameters(dense) == 15_860_224
    assert utils.count_parameters(utils.lenet("max", **CHOLLET).classifier[1]) == 576 * 512 + 512


@pytest.mark.parametrize(("downsample", "layer"), [("max", nn.MaxPool2d), ("avg", nn.AvgPool2d), ("conv", nn.Conv2d)])
def test_lenet_downsampling_choices(downsample, layer):
    net = utils.lenet(downsample)
    assert isinstance(net.features[2], layer) and net.classifier[1].in_features == 320
    custom = utils.lenet(lambda channels: nn.LPPool2d(2, 2))
    assert isinstance(custom.features[2], nn.LPPool2d)
    assert not any(isinstance(m, nn.MaxPool2d) for m in utils.lenet("none").modules())


def test_count_parameters_can_include_frozen_ones():
    net = utils.lenet()
    net.features[0].weight.requires_grad_(False)
    assert utils.count_parameters(net) == 21_840 - 250
    assert utils.count_parameters(net, trainable_only=False) == 21_840


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(downsample="min"), "downsample must be one of"),
        (dict(channels=()), "channels"),
        (dict(channels=(10, 0)), "channels"),
        (dict(kernel_size=0), "kernel_size"),
        (dict(hidden=-1), "hidden"),
        (dict(downsample_after=3), "downsample_after"),
        (dict(input_size=8), "input_size=8 is too small"),
    ],
)
def test_lenet_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        utils.lenet(**kwargs)


def test_receptive_fields_of_the_seed_001_models():
    assert utils.receptive_field(utils.lenet("none", **CHOLLET).features) == (7, 7)
    table = utils.receptive_fields(utils.lenet("max", **CHOLLET).features)
    assert [row.size[0] for row in table] == [3, 4, 8, 10, 18]
    assert [row.jump[0] for row in table] == [1, 2, 2, 4, 4]


@st.composite
def layer_stacks(draw):
    layers, channels = [], 1
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "max", "avg"]))
        kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        if kind == "conv":
            dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
            out = draw(st.integers(1, 3))
            layers += [nn.Conv2d(channels, out, kernel, stride, dilation=dilation), nn.ReLU()]
            channels = out
        else:
            layers.append((nn.MaxPool2d if kind == "max" else nn.AvgPool2d)(kernel, stride))
    return nn.Sequential(*layers)


@settings(max_examples=150)
@given(layer_stacks())
def test_receptive_field_matches_the_gradient_footprint(torch_checks, stack):
    size = utils.receptive_field(stack)
    # An input big enough that the centre unit's window never touches the border.
    side = 3 * max(size) + 16
    try:
        mask = utils.gradient_footprint(stack, side)
    except ValueError:  # the stack shrinks even this input to nothing
        return
    torch_checks["receptive field vs gradient footprint"] += 1
    assert utils.footprint_box(mask) == size


def test_gradient_footprint_is_clipped_at_the_border_and_checks_its_unit():
    features = utils.lenet("max").features
    corner = utils.gradient_footprint(features, 28, unit=(0, 0))
    assert utils.footprint_box(corner) == (16, 16) and corner[0, 0]
    with pytest.raises(ValueError, match="unit must lie inside"):
        utils.gradient_footprint(features, 28, unit=(4, 0))
    with pytest.raises(ValueError, match="too small"):
        utils.gradient_footprint(features, 10)


def test_receptive_field_rejects_layers_without_a_fixed_window():
    with pytest.raises(ValueError, match="Flatten"):
        utils.receptive_field(utils.lenet())
    with pytest.raises(ValueError, match="at least one"):
        utils.receptive_field(nn.Sequential(nn.ReLU()))
    with pytest.raises(ValueError, match="dilated pooling"):
        utils.gradient_footprint(nn.Sequential(nn.MaxPool2d(2, dilation=2)), 12)
    with pytest.raises(ValueError, match="at least one True"):
        utils.footprint_box(torch.zeros(3, 3, dtype=torch.bool))


def test_fit_learns_a_tiny_task_and_records_every_epoch():
    utils.set_seed(0)
    net = tiny_net()
    history = utils.fit(net, blobs(256, 0), blobs(128, 1), epochs=3, batch_size=32, lr=1e-2, progress=False)
    assert len(history.train_loss) == len(history.test_acc) == len(history.seconds) == 3
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_acc[-1] > 0.95 and utils.evaluate(net, blobs(128, 1)) == history.test_acc[-1]
    assert history.total_seconds == pytest.approx(sum(history.seconds))


def test_fit_is_reproducible_and_leaves_the_model_in_training_mode():
    runs = []
    for _ in range(2):
        utils.set_seed(3)
        net = tiny_net()
        runs.append(utils.fit(net, blobs(64, 0), epochs=2, batch_size=16, progress=False).train_loss)
        assert net.training
    assert runs[0] == runs[1]


def test_predict_restores_the_mode_and_returns_cpu_labels():
    net = tiny_net().eval()
    preds = utils.predict(net, blobs(10, 0)[0], batch_size=3)
    assert preds.shape == (10,) and preds.device.type == "cpu" and not net.training


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(train_data=(torch.zeros(4, 1, 12, 12),)), "train_data must be a pair"),
        (dict(train_data=(torch.zeros(4, 1, 12, 12), torch.zeros(3))), "same, non-zero number"),
        (dict(test_data=[torch.zeros(2)]), "test_data must be a pair"),
        (dict(epochs=0), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(lr=0.0), "lr"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, match):
    args = dict(train_data=blobs(8, 0)) | kwargs
    with pytest.raises(ValueError, match=match):
        utils.fit(tiny_net(), progress=False, **args)

"""Plausible wrong answers to lesson 03's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_receptive_fields": {
        "the jump updated before the receptive field (the new jump used)": """
def solution_receptive_fields(layers):
    r, j, out = 1, 1, []
    for kernel, stride, dilation in layers:
        j = j * stride
        r = r + (kernel - 1) * dilation * j
        out.append((r, j))
    return out
""",
        "dilation ignored": """
def solution_receptive_fields(layers):
    r, j, out = 1, 1, []
    for kernel, stride, dilation in layers:
        r = r + (kernel - 1) * j
        j = j * stride
        out.append((r, j))
    return out
""",
        "k instead of k - 1": """
def solution_receptive_fields(layers):
    r, j, out = 1, 1, []
    for kernel, stride, dilation in layers:
        r = r + kernel * dilation * j
        j = j * stride
        out.append((r, j))
    return out
""",
        "only the last pair": """
def solution_receptive_fields(layers):
    r, j = 1, 1
    for kernel, stride, dilation in layers:
        r = r + (kernel - 1) * dilation * j
        j = j * stride
    return [(r, j)]
""",
    },
    "solution_pools_needed": {
        "<= in place of < (one block too many when r == size)": """
def solution_pools_needed(size=28):
    r, j, blocks = 3, 1, 0
    while r <= size:
        r += j
        j *= 2
        r += 2 * j
        blocks += 1
    return blocks
""",
        "the pool's own window forgotten": """
def solution_pools_needed(size=28):
    r, j, blocks = 3, 1, 0
    while r < size:
        j *= 2
        r += 2 * j
        blocks += 1
    return blocks
""",
        "the conv added with the old jump": """
def solution_pools_needed(size=28):
    r, j, blocks = 3, 1, 0
    while r < size:
        r += j + 2 * j
        j *= 2
        blocks += 1
    return blocks
""",
    },
    "solution_dense_params": {
        "pooling after every block (downsample_after ignored)": """
def solution_dense_params(input_size, kernel_size, channels, downsample_after, hidden):
    side = input_size
    for _ in channels:
        side = utils.pool_output_size(utils.conv_output_size(side, kernel_size), 2)
    return side * side * channels[-1] * hidden + hidden
""",
        "the pool rounds up": """
def solution_dense_params(input_size, kernel_size, channels, downsample_after, hidden):
    side = input_size
    for block in range(len(channels)):
        side = side - kernel_size + 1
        if block < downsample_after:
            side = (side + 1) // 2
    return side * side * channels[-1] * hidden + hidden
""",
        "the biases forgotten": """
def solution_dense_params(input_size, kernel_size, channels, downsample_after, hidden):
    side = input_size
    for block in range(len(channels)):
        side = utils.conv_output_size(side, kernel_size)
        if block < downsample_after:
            side = utils.pool_output_size(side, 2)
    return side * side * channels[-1] * hidden
""",
        "the first channel count in place of the last": """
def solution_dense_params(input_size, kernel_size, channels, downsample_after, hidden):
    side = input_size
    for block in range(len(channels)):
        side = utils.conv_output_size(side, kernel_size)
        if block < downsample_after:
            side = utils.pool_output_size(side, 2)
    return side * side * channels[0] * hidden + hidden
""",
    },
    "solution_overlapping_pool": {
        "plain utils.lenet('max'), no overlap": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet("max").to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "3x3/2 without padding, ceil_mode=True (same shapes)": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, ceil_mode=True)).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "3x3/2 without padding (a smaller head)": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2)).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "the overlapping pool after the first block only": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1), downsample_after=1).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "average pooling with the same windows": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.AvgPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "seed 1": """
def solution_overlapping_pool():
    utils.set_seed(1)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, seed=1, progress=False, **TRAINING)
""",
        "fit's seed left at 1 (the initial weights from seed 0)": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, seed=1, progress=False, **TRAINING)
""",
        "seeded after building the model": """
def solution_overlapping_pool():
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    utils.set_seed(0)
    return model, utils.fit(model, train, test, seed=0, progress=False, **TRAINING)
""",
        "two epochs": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **{**TRAINING, "epochs": 2})
""",
        "fit's default learning rate (1e-3) in place of TRAINING's": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, epochs=1, batch_size=64, seed=0, progress=False)
""",
        "batch size 32": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return model, utils.fit(model, train, test, seed=0, progress=False, **{**TRAINING, "batch_size": 32})
""",
        "an untrained model returned with the trained one's history": """
def solution_overlapping_pool():
    utils.set_seed(0)
    trained = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    history = utils.fit(trained, train, test, seed=0, progress=False, **TRAINING)
    return utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device), history
""",
        "the history and the model swapped": """
def solution_overlapping_pool():
    utils.set_seed(0)
    model = utils.lenet(lambda c: nn.MaxPool2d(3, stride=2, padding=1)).to(device)
    return utils.fit(model, train, test, seed=0, progress=False, **TRAINING), model
""",
    },
}

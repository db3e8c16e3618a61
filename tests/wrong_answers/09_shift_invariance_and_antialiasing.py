"""Plausible wrong answers to lesson 09's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_unchanged_probability": {
        "1/3 for every k (the 2x2 count kept)": """
def solution_unchanged_probability(k):
    return 1 / 3
""",
        "the shared share of the old window, (k - 1) / k": """
def solution_unchanged_probability(k):
    return (k - 1) / k
""",
        "1 / (k + 1): the chance that one given value of the union is the maximum": """
def solution_unchanged_probability(k):
    return 1 / (k + 1)
""",
    },
    "solution_alias_frequency": {
        "f * s, not folded": """
def solution_alias_frequency(f, s):
    return f * s
""",
        "f * s modulo 1, not folded into [0, 0.5]": """
def solution_alias_frequency(f, s):
    return (f * s) % 1
""",
        "1 - f * s, the fold of the 0.4 -> 0.2 example only": """
def solution_alias_frequency(f, s):
    return 1 - f * s
""",
        "clipped at the Nyquist frequency": """
def solution_alias_frequency(f, s):
    return min(f * s, 0.5)
""",
    },
    "solution_avg_pool_as_blur_pool": {
        "the binomial-3 filter, not the box": """
def solution_avg_pool_as_blur_pool(x):
    return utils.blur_pool2d(x, filter_size=3, stride=2)
""",
        "no subsampling (stride 1)": """
def solution_avg_pool_as_blur_pool(x):
    return utils.blur_pool2d(x, filter_size=2, stride=1)
""",
        "subsampling without a blur (filter_size=1)": """
def solution_avg_pool_as_blur_pool(x):
    return utils.blur_pool2d(x, filter_size=1, stride=2)
""",
    },
    "solution_consistency": {
        "one shifted view compared with the unshifted image": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a = torch.randint(0, max_shift + 1, (len(images), 2), generator=gen)
    pred_a = utils.predict(model, utils.standardize(utils.shift_images(images, a[:, 0], a[:, 1])))
    pred_0 = utils.predict(model, utils.standardize(images))
    return (pred_a == pred_0).float().mean().item()
""",
        "the same shift for both views": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a = torch.randint(0, max_shift + 1, (len(images), 2), generator=gen)
    pred_a = utils.predict(model, utils.standardize(utils.shift_images(images, a[:, 0], a[:, 1])))
    pred_b = utils.predict(model, utils.standardize(utils.shift_images(images, a[:, 0], a[:, 1])))
    return (pred_a == pred_b).float().mean().item()
""",
        "not standardised": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a, b = (torch.randint(0, max_shift + 1, (len(images), 2), generator=gen) for _ in range(2))
    pred_a = utils.predict(model, utils.shift_images(images, a[:, 0], a[:, 1]))
    pred_b = utils.predict(model, utils.shift_images(images, b[:, 0], b[:, 1]))
    return (pred_a == pred_b).float().mean().item()
""",
        "standardised, then shifted with zero fill": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a, b = (torch.randint(0, max_shift + 1, (len(images), 2), generator=gen) for _ in range(2))
    standard = utils.standardize(images)
    pred_a = utils.predict(model, utils.shift_images(standard, a[:, 0], a[:, 1]))
    pred_b = utils.predict(model, utils.shift_images(standard, b[:, 0], b[:, 1]))
    return (pred_a == pred_b).float().mean().item()
""",
        "shifts only up to max_shift - 1": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a, b = (torch.randint(0, max_shift, (len(images), 2), generator=gen) for _ in range(2))
    pred_a = utils.predict(model, utils.standardize(utils.shift_images(images, a[:, 0], a[:, 1])))
    pred_b = utils.predict(model, utils.standardize(utils.shift_images(images, b[:, 0], b[:, 1])))
    return (pred_a == pred_b).float().mean().item()
""",
        "one random number for both components (diagonal shifts only)": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a, b = (torch.randint(0, max_shift + 1, (len(images),), generator=gen) for _ in range(2))
    pred_a = utils.predict(model, utils.standardize(utils.shift_images(images, a, a)))
    pred_b = utils.predict(model, utils.standardize(utils.shift_images(images, b, b)))
    return (pred_a == pred_b).float().mean().item()
""",
        "the seed ignored (the global generator)": """
def solution_consistency(model, images, max_shift, seed=0):
    a, b = (torch.randint(0, max_shift + 1, (len(images), 2)) for _ in range(2))
    pred_a = utils.predict(model, utils.standardize(utils.shift_images(images, a[:, 0], a[:, 1])))
    pred_b = utils.predict(model, utils.standardize(utils.shift_images(images, b[:, 0], b[:, 1])))
    return (pred_a == pred_b).float().mean().item()
""",
        "torch.roll: shifted pixels wrap around": """
def solution_consistency(model, images, max_shift, seed=0):
    gen = torch.Generator().manual_seed(seed)
    a, b = (torch.randint(0, max_shift + 1, (len(images), 2), generator=gen) for _ in range(2))
    views = [torch.stack([torch.roll(image, (int(dy), int(dx)), dims=(-2, -1)) for image, (dy, dx) in zip(images, s)])
             for s in (a, b)]
    pred_a, pred_b = (utils.predict(model, utils.standardize(view)) for view in views)
    return (pred_a == pred_b).float().mean().item()
""",
    },
}

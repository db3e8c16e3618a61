"""Plausible wrong answers to lesson 02's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_sizes_by_hand": {
        "the last-window rule forgotten in e (ceil gives 3)": """
def solution_sizes_by_hand():
    return [16, 4, 4, 3, 3]
""",
        "floor mode in b": """
def solution_sizes_by_hand():
    return [16, 3, 4, 3, 2]
""",
        "dilation ignored in d": """
def solution_sizes_by_hand():
    return [16, 4, 4, 7, 2]
""",
        "padding ignored in a": """
def solution_sizes_by_hand():
    return [15, 4, 4, 3, 2]
""",
    },
    "solution_smallest_input": {
        "the floor-mode formula in both modes": """
def solution_smallest_input(n, k, s, p=0, d=1, ceil_mode=False):
    return max(1, (n - 1) * s + d * (k - 1) + 1 - 2 * p)
""",
        "padding forgotten": """
def solution_smallest_input(n, k, s, p=0, d=1, ceil_mode=False):
    for L in range(1, 100):
        try:
            if utils.pool_output_size(L, k, s, 0, d, ceil_mode) == n:
                return L
        except ValueError:
            continue
""",
        "the largest length with n outputs": """
def solution_smallest_input(n, k, s, p=0, d=1, ceil_mode=False):
    best = None
    for L in range(1, 100):
        try:
            if utils.pool_output_size(L, k, s, p, d, ceil_mode) == n:
                best = L
        except ValueError:
            continue
    return best
""",
        "ceil mode without the last-window rule": """
def solution_smallest_input(n, k, s, p=0, d=1, ceil_mode=False):
    for L in range(1, 100):
        size = L + 2 * p - d * (k - 1) - 1
        if size >= 0 and (-(-size // s) if ceil_mode else size // s) + 1 == n:
            return L
""",
    },
    "solution_same_padding": {
        "(k - 1) // 2 for every kernel": """
def solution_same_padding(k, d=1):
    return (k - 1) // 2
""",
        "the padding limit of MaxPool2d forgotten": """
def solution_same_padding(k, d=1):
    total = d * (k - 1)
    return None if total % 2 else total // 2
""",
        "dilation ignored": """
def solution_same_padding(k, d=1):
    return None if k % 2 == 0 else (k - 1) // 2
""",
    },
    "solution_min_square_input": {
        "pool2 forgotten (conv2 only needs 5 inputs)": """
def solution_min_square_input():
    return 14
""",
        "the MNIST size": """
def solution_min_square_input():
    return 28
""",
        "pool1 forgotten (no halving)": """
def solution_min_square_input():
    return 10
""",
    },
    "solution_ceil_adds_window": {
        "only the remainder (the last-window rule forgotten)": """
def solution_ceil_adds_window(L, k, s, p=0, d=1):
    return (L + 2 * p - d * (k - 1) - 1) % s != 0
""",
        "the start of the extra window without the padding": """
def solution_ceil_adds_window(L, k, s, p=0, d=1):
    n = L + 2 * p - d * (k - 1) - 1
    extra_index = n // s + 1
    return n % s != 0 and extra_index >= 0 and extra_index * s < L
""",
        "the extra window kept when it starts at L": """
def solution_ceil_adds_window(L, k, s, p=0, d=1):
    n = L + 2 * p - d * (k - 1) - 1
    extra_index = n // s + 1
    return n % s != 0 and extra_index >= 0 and extra_index * s - p <= L
""",
    },
}

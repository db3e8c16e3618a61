"""Plausible wrong answers to lesson 04's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_divisors": {
        "the pads counted (k * k everywhere)": """
def solution_divisors(height, width, k, s, p):
    ones = torch.ones(1, 1, height, width)
    return torch.full_like(F.avg_pool2d(ones, k, s, p)[0, 0], k * k)
""",
        "the mean of the ones in place of their sum": """
def solution_divisors(height, width, k, s, p):
    return F.avg_pool2d(torch.ones(1, 1, height, width), k, s, p)[0, 0]
""",
        "the padding forgotten": """
def solution_divisors(height, width, k, s, p):
    return F.avg_pool2d(torch.ones(1, 1, height, width), k, s, divisor_override=1)[0, 0]
""",
        "padded with ones before summing": """
def solution_divisors(height, width, k, s, p):
    ones = F.pad(torch.ones(1, 1, height, width), (p, p, p, p), value=1.0)
    return F.avg_pool2d(ones, k, s, divisor_override=1)[0, 0]
""",
        "height and width swapped": """
def solution_divisors(height, width, k, s, p):
    return F.avg_pool2d(torch.ones(1, 1, width, height), k, s, p, divisor_override=1)[0, 0]
""",
    },
    "solution_adaptive_avg_pool1d": {
        "the end rounded down (empty bins when O > I)": """
def solution_adaptive_avg_pool1d(x, out):
    size = x.shape[-1]
    return torch.stack([x[i * size // out: (i + 1) * size // out].mean() for i in range(out)])
""",
        "the start rounded up": """
def solution_adaptive_avg_pool1d(x, out):
    size = x.shape[-1]
    return torch.stack([x[-(-i * size // out): -(-(i + 1) * size // out)].mean() for i in range(out)])
""",
        "every bin ceil(I/O) long": """
def solution_adaptive_avg_pool1d(x, out):
    size = x.shape[-1]
    length = -(-size // out)
    return torch.stack([x[i * size // out: i * size // out + length].mean() for i in range(out)])
""",
    },
    "solution_head_parameters": {
        "the biases forgotten": """
def solution_head_parameters(C, H, W, K):
    return C * H * W * K, C * K
""",
        "the two heads swapped": """
def solution_head_parameters(C, H, W, K):
    return C * K + K, C * H * W * K + K
""",
        "the GAP head's 1x1 conv counted at every position": """
def solution_head_parameters(C, H, W, K):
    return C * H * W * K + K, C * H * W * K + K
""",
        "H * H in place of H * W": """
def solution_head_parameters(C, H, W, K):
    return C * H * H * K + K, C * K + K
""",
    },
    "solution_avg_weights": {
        "ones (sum pooling)": """
def solution_avg_weights(k):
    return torch.ones(k, k)
""",
        "1/k in place of 1/k^2": """
def solution_avg_weights(k):
    return torch.full((k, k), 1.0 / k)
""",
        "integer ones divided by k * k with //": """
def solution_avg_weights(k):
    return torch.ones(k, k, dtype=torch.long) // (k * k)
""",
        "a (1, k, k) weight": """
def solution_avg_weights(k):
    return torch.full((1, k, k), 1.0 / (k * k))
""",
    },
}

"""Plausible wrong answers to lesson 05's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_l2_norm_pool": {
        "the RMS itself (the factor k forgotten)": """
def solution_l2_norm_pool(x, k):
    return L2Pool(k, k)(x)
""",
        "multiplied by the window size k * k, not its square root": """
def solution_l2_norm_pool(x, k):
    return k * k * L2Pool(k, k)(x)
""",
        "L2Pool(k) keeps its default stride 2": """
def solution_l2_norm_pool(x, k):
    return k * L2Pool(k)(x)
""",
        "nn.LPPool2d in place of the seed's layer (no NaN gradient to explain)": """
def solution_l2_norm_pool(x, k):
    return nn.LPPool2d(2, k)(x)
""",
    },
    "solution_soft_pool2d": {
        "naive exp (overflows for 100 * x)": """
def solution_soft_pool2d(x, k):
    weights = torch.exp(x)
    return F.avg_pool2d(x * weights, k) / F.avg_pool2d(weights, k)
""",
        "one maximum for the whole tensor (far windows underflow to 0 / 0)": """
def solution_soft_pool2d(x, k):
    weights = torch.exp(x - x.max())
    return F.avg_pool2d(x * weights, k) / F.avg_pool2d(weights, k)
""",
        "an average divided by a window sum (off by k * k)": """
def solution_soft_pool2d(x, k):
    m = F.max_pool2d(x.detach(), k).repeat_interleave(k, dim=-2).repeat_interleave(k, dim=-1)
    h, w = m.shape[-2:]
    weights = torch.exp(x[..., :h, :w] - m)
    return F.avg_pool2d(x[..., :h, :w] * weights, k) / (k * k * F.avg_pool2d(weights, k))
""",
    },
    "solution_stochastic_eval": {
        "no clamp (0 / 0 = NaN on the all-zero window)": """
def solution_stochastic_eval(x, k):
    return F.avg_pool2d(x * x, k) / F.avg_pool2d(x, k)
""",
        "the plain average (every activation equally likely)": """
def solution_stochastic_eval(x, k):
    return F.avg_pool2d(x, k)
""",
        "the maximum (the most likely draw)": """
def solution_stochastic_eval(x, k):
    return F.max_pool2d(x, k)
""",
    },
    "solution_smallest_p": {
        "float32 (4**64 overflows to inf and stops the loop early)": """
def solution_smallest_p(target):
    p = 1
    while utils.gem_pool2d(window4, float(p)).item() < (1 - target) * 4.0:
        p += 1
    return p
""",
        "the p-norm of LPPool2d in place of the power mean": """
def solution_smallest_p(target):
    p = 1
    while F.lp_pool2d(window4.double(), float(p), 2).item() < (1 - target) * 4.0:
        p += 1
    return p
""",
        "one too small (the last p that misses)": """
def solution_smallest_p(target):
    p = 1
    while utils.gem_pool2d(window4.double(), float(p)).item() < (1 - target) * 4.0:
        p += 1
    return p - 1
""",
    },
}

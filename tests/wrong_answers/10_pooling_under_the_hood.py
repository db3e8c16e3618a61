"""Plausible wrong answers to lesson 10's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_avg_pool_grad": {
        "always divides by k * k (count_include_pad ignored)": """
def solution_avg_pool_grad(H, W, k, s, p, count_include_pad):
    Ho, Wo = (H + 2 * p - k) // s + 1, (W + 2 * p - k) // s + 1
    grad = torch.zeros(H, W)
    for i in range(Ho):
        for j in range(Wo):
            r0, r1 = max(i * s - p, 0), min(i * s - p + k, H)
            c0, c1 = max(j * s - p, 0), min(j * s - p + k, W)
            grad[r0:r1, c0:c1] += 1 / (k * k)
    return grad
""",
        "windows start at i * s (the padding offset forgotten)": """
def solution_avg_pool_grad(H, W, k, s, p, count_include_pad):
    Ho, Wo = (H + 2 * p - k) // s + 1, (W + 2 * p - k) // s + 1
    grad = torch.zeros(H, W)
    for i in range(Ho):
        for j in range(Wo):
            r0, r1 = max(i * s, 0), min(i * s + k, H)
            c0, c1 = max(j * s, 0), min(j * s + k, W)
            divisor = k * k if count_include_pad else max((r1 - r0) * (c1 - c0), 1)
            grad[r0:r1, c0:c1] += 1 / divisor
    return grad
""",
        "one output row and column too few (no + 1)": """
def solution_avg_pool_grad(H, W, k, s, p, count_include_pad):
    Ho, Wo = (H + 2 * p - k) // s, (W + 2 * p - k) // s
    grad = torch.zeros(H, W)
    for i in range(Ho):
        for j in range(Wo):
            r0, r1 = max(i * s - p, 0), min(i * s - p + k, H)
            c0, c1 = max(j * s - p, 0), min(j * s - p + k, W)
            divisor = k * k if count_include_pad else (r1 - r0) * (c1 - c0)
            grad[r0:r1, c0:c1] += 1 / divisor
    return grad
""",
    },
    "solution_max_pool_grad": {
        ">= in place of >: ties go to the last maximum": """
def solution_max_pool_grad(x, g, k, s, p):
    H, W = x.shape
    grad = torch.zeros_like(x)
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            best = None
            for r in range(max(i * s - p, 0), min(i * s - p + k, H)):
                for c in range(max(j * s - p, 0), min(j * s - p + k, W)):
                    if best is None or x[r, c] >= x[best]:
                        best = (r, c)
            grad[best] += g[i, j]
    return grad
""",
        "ties split evenly, as amax does": """
def solution_max_pool_grad(x, g, k, s, p):
    H, W = x.shape
    grad = torch.zeros_like(x)
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            r0, r1 = max(i * s - p, 0), min(i * s - p + k, H)
            c0, c1 = max(j * s - p, 0), min(j * s - p + k, W)
            window = x[r0:r1, c0:c1]
            is_max = (window == window.max()).to(x.dtype)
            grad[r0:r1, c0:c1] += g[i, j] * is_max / is_max.sum()
    return grad
""",
        "a 1 added in place of the upstream gradient": """
def solution_max_pool_grad(x, g, k, s, p):
    H, W = x.shape
    grad = torch.zeros_like(x)
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            best = None
            for r in range(max(i * s - p, 0), min(i * s - p + k, H)):
                for c in range(max(j * s - p, 0), min(j * s - p + k, W)):
                    if best is None or x[r, c] > x[best]:
                        best = (r, c)
            grad[best] += 1.0
    return grad
""",
        "zero padding, so a padding cell can win": """
def solution_max_pool_grad(x, g, k, s, p):
    padded = F.pad(x, (p, p, p, p))
    grad = torch.zeros_like(padded)
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            best = None
            for r in range(i * s, i * s + k):
                for c in range(j * s, j * s + k):
                    if best is None or padded[r, c] > padded[best]:
                        best = (r, c)
            grad[best] += g[i, j]
    return grad[p:p + x.shape[0], p:p + x.shape[1]]
""",
    },
    "solution_padded_windows": {
        "padded with 0 instead of -inf": """
def solution_padded_windows(x, k, s, p):
    return window_view(F.pad(x, (p, p, p, p)), k, s)
""",
        "the windows copied (reshape of an unfold)": """
def solution_padded_windows(x, k, s, p):
    padded = F.pad(x, (p, p, p, p), value=-math.inf)
    windows = padded.unfold(2, k, s).unfold(3, k, s)
    return windows.reshape(*windows.shape[:4], k * k).reshape(windows.shape)
""",
        "padding on one side only": """
def solution_padded_windows(x, k, s, p):
    return window_view(F.pad(x, (p, 0, p, 0), value=-math.inf), k, s)
""",
    },
    "solution_native_bytes": {
        "the intensity leaves out the index bytes (values only)": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    outputs = N * C * Ho * Wo
    return 12 * outputs, (k * k - 1) * outputs / (4 * N * C * H * W + 4 * outputs)
""",
        "no index bytes at all (values only, 4 bytes per output)": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    outputs = N * C * Ho * Wo
    return 4 * outputs, (k * k - 1) * outputs / (4 * N * C * H * W + 4 * outputs)
""",
        "int32 indices (8 bytes per output)": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    outputs = N * C * Ho * Wo
    return 8 * outputs, (k * k - 1) * outputs / (4 * N * C * H * W + 8 * outputs)
""",
        "the input read left out of the bytes moved": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    outputs = N * C * Ho * Wo
    return 12 * outputs, (k * k - 1) * outputs / (12 * outputs)
""",
        "k * k comparisons per output": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    outputs = N * C * Ho * Wo
    return 12 * outputs, k * k * outputs / (4 * N * C * H * W + 12 * outputs)
""",
        "a rough intensity of 0.1 comparisons per byte": """
def solution_native_bytes(shape, k, s, p):
    N, C, H, W = shape
    Ho, Wo = utils.pool_output_shape((H, W), k, s, p)
    return 12 * N * C * Ho * Wo, 0.1
""",
    },
}

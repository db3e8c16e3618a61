"""Plausible wrong answers to lesson 01's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_shapes": {
        "ceil_mode ignored in f (floor gives 10)": """
def solution_shapes():
    return [(1, 3, 16, 16), (1, 3, 15, 15), (1, 3, 16, 8), (1, 3, 16, 16), (1, 3, 15, 15), (1, 3, 10, 10)]
""",
        "dilation ignored in e": """
def solution_shapes():
    return [(1, 3, 16, 16), (1, 3, 15, 15), (1, 3, 16, 8), (1, 3, 16, 16), (1, 3, 16, 16), (1, 3, 11, 11)]
""",
        "only five answers": """
def solution_shapes():
    return [(1, 3, 16, 16), (1, 3, 15, 15), (1, 3, 16, 8), (1, 3, 16, 16), (1, 3, 15, 15)]
""",
    },
    "solution_max_pool2d_strided": {
        "the stride ignored (step = kernel)": """
def solution_max_pool2d_strided(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return x.unfold(-2, kh, kh).unfold(-2, kw, kw).amax(dim=(-2, -1))
""",
        "height and width of a pair swapped": """
def solution_max_pool2d_strided(x, kernel_size, stride):
    kw, kh = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sw, sh = (stride, stride) if isinstance(stride, int) else stride
    return x.unfold(-2, kh, sh).unfold(-2, kw, sw).amax(dim=(-2, -1))
""",
        "the mean in place of the max": """
def solution_max_pool2d_strided(x, kernel_size, stride):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    return x.unfold(-2, kh, sh).unfold(-2, kw, sw).mean(dim=(-2, -1))
""",
    },
    "solution_gradient_counts": {
        "scatter_ in place of scatter_add_ (overlaps count once)": """
def solution_gradient_counts(x, kernel_size, stride=None):
    _, indices = F.max_pool2d(x, kernel_size, stride, return_indices=True)
    flat = indices.flatten(-2)
    counts = torch.zeros(*x.shape[:-2], x.shape[-2] * x.shape[-1], dtype=x.dtype, device=x.device)
    counts.scatter_(-1, flat, torch.ones_like(flat, dtype=x.dtype))
    return counts.reshape(x.shape)
""",
        "every tied maximum counted": """
def solution_gradient_counts(x, kernel_size, stride=None):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    stride = kernel_size if stride is None else stride
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ones = torch.ones_like(x, requires_grad=True)
    windows = x.unfold(-2, kh, sh).unfold(-2, kw, sw)
    is_max = (windows == windows.amax(dim=(-2, -1), keepdim=True)).to(x.dtype)
    (ones.unfold(-2, kh, sh).unfold(-2, kw, sw) * is_max).sum().backward()
    return ones.grad
""",
    },
    "solution_pool_text": {
        "the two windows swapped": """
def solution_pool_text(image):
    return F.max_pool2d(image, kernel_size=(4, 1)), F.max_pool2d(image, kernel_size=(1, 4))
""",
        "average pooling": """
def solution_pool_text(image):
    return F.avg_pool2d(image, kernel_size=(1, 4)), F.avg_pool2d(image, kernel_size=(4, 1))
""",
    },
    "solution_decode": {
        "rows and columns swapped": """
def solution_decode(indices, width):
    return indices % width, indices // width
""",
        "true division (float rows)": """
def solution_decode(indices, width):
    return indices / width, indices % width
""",
    },
}

"""Plausible wrong answers to lesson 06's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_tensor_offsets": {
        "the plane offsets returned as they are": """
def solution_tensor_offsets(indices, input_shape):
    return indices
""",
        "planes counted in steps of the pooled plane (H_out * W_out), not of the input plane": """
def solution_tensor_offsets(indices, input_shape):
    *lead, height, width = input_shape
    planes = torch.arange(indices.shape[:-2].numel(), device=indices.device).view(*lead, 1, 1)
    return planes * indices[0, 0].numel() + indices
""",
        "only the sample's start added (every channel taken as channel 0)": """
def solution_tensor_offsets(indices, input_shape):
    n, c, height, width = input_shape
    samples = torch.arange(n, device=indices.device).view(n, 1, 1, 1)
    return samples * (c * height * width) + indices
""",
        "the planes numbered channel-major (c * N + n)": """
def solution_tensor_offsets(indices, input_shape):
    n, c, height, width = input_shape
    planes = torch.arange(n * c, device=indices.device).view(c, n, 1, 1).transpose(0, 1)
    return planes * (height * width) + indices
""",
    },
    "solution_default_unpool_size": {
        "the padding forgotten": """
def solution_default_unpool_size(pooled, k, s, p):
    return (pooled - 1) * s + k
""",
        "pooled * stride, as if every window were s wide": """
def solution_default_unpool_size(pooled, k, s, p):
    return pooled * s
""",
        "the padding added instead of removed": """
def solution_default_unpool_size(pooled, k, s, p):
    return (pooled - 1) * s + 2 * p + k
""",
    },
    "solution_needs_output_size": {
        "only odd sizes (the 5x5 example generalised)": """
def solution_default_unpool_size(pooled, k, s, p):  # right: only the second function is wrong
    return (pooled - 1) * s - 2 * p + k


def solution_needs_output_size(size, k, s, p):
    return size % 2 == 1
""",
        "the condition inverted": """
def solution_default_unpool_size(pooled, k, s, p):  # right: only the second function is wrong
    return (pooled - 1) * s - 2 * p + k


def solution_needs_output_size(size, k, s, p):
    return (size + 2 * p - k) % s == 0
""",
        "the padding forgotten in the pooled size": """
def solution_default_unpool_size(pooled, k, s, p):  # right: only the second function is wrong
    return (pooled - 1) * s - 2 * p + k


def solution_needs_output_size(size, k, s, p):
    return solution_default_unpool_size((size - k) // s + 1, k, s, p) != size
""",
    },
    "solution_unpool": {
        "height and width of output_size swapped": """
def solution_unpool(values, indices, output_size):
    width, height = output_size
    out = values.new_zeros(*values.shape[:-2], height * width)
    return out.scatter(-1, indices.flatten(-2), values.flatten(-2)).view(*values.shape[:-2], height, width)
""",
        "offsets into the whole tensor, not into each plane": """
def solution_unpool(values, indices, output_size):
    height, width = output_size
    out = values.new_zeros(values.shape[:-2].numel() * height * width)
    out[indices.flatten()] = values.flatten()
    return out.view(*values.shape[:-2], height, width)
""",
        "the values copied over each whole window (nearest upsampling)": """
def solution_unpool(values, indices, output_size):
    height, width = output_size
    k = height // values.shape[-2]
    up = values.repeat_interleave(k, dim=-2).repeat_interleave(k, dim=-1)
    return F.pad(up, (0, width - up.shape[-1], 0, height - up.shape[-2]))
""",
    },
    "solution_maxpool_backward": {
        "scatter in place of scatter_add (repeated winners keep one gradient)": """
def solution_maxpool_backward(g, indices, input_shape):
    *lead, height, width = input_shape
    grad = g.new_zeros(*lead, height * width)
    return grad.scatter(-1, indices.flatten(-2), g.flatten(-2)).view(input_shape)
""",
        "F.max_unpool2d (a plain unpooling)": """
def solution_maxpool_backward(g, indices, input_shape):
    return F.max_unpool2d(g, indices, 3, stride=2, output_size=input_shape[-2:])
""",
        "the gradient spread evenly over each window (average pooling's backward)": """
def solution_maxpool_backward(g, indices, input_shape):
    x = torch.zeros(input_shape, dtype=g.dtype, device=g.device, requires_grad=True)
    F.avg_pool2d(x, 3, stride=2).backward(g)
    return x.grad
""",
    },
}

"""Hypothesis strategies for pooling configurations, shared by the shape and operator tests."""

from hypothesis import strategies as st


def int_or_pair(low: int, high: int):
    """An int, or a (height, width) tuple, as the torch pooling functions accept."""
    return st.one_of(st.integers(low, high), st.tuples(st.integers(low, high), st.integers(low, high)))


def as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


@st.composite
def pool_configs(draw, dilation: bool = True, max_size: int = 13):
    """A pooling configuration; about one in six has padding over torch's limit (pad <= k // 2)."""
    kernel = draw(int_or_pair(1, 5))
    kh, kw = as_pair(kernel)
    stride = draw(st.one_of(st.none(), int_or_pair(1, 4)))
    over = draw(st.integers(0, 5)) == 0
    pad_h = draw(st.integers(0, kh // 2 + (1 if over else 0)))
    pad_w = draw(st.integers(0, kw // 2 + (1 if over else 0)))
    padding = pad_h if pad_h == pad_w and draw(st.booleans()) else (pad_h, pad_w)
    return {
        "size": (draw(st.integers(1, max_size)), draw(st.integers(1, max_size))),
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": draw(int_or_pair(1, 3)) if dilation else 1,
        "ceil_mode": draw(st.booleans()),
    }

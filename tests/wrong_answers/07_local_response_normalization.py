"""Plausible wrong answers to lesson 07's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_window": {
        "even sizes centred too (size // 2 on both sides)": """
def solution_window(c, size, channels):
    return list(range(max(0, c - size // 2), min(channels - 1, c + size // 2) + 1))
""",
        "the longer side forward instead of back": """
def solution_window(c, size, channels):
    return list(range(max(0, c - (size - 1) // 2), min(channels - 1, c + size // 2) + 1))
""",
        "not clipped at the ends (the zero padding counted as channels)": """
def solution_window(c, size, channels):
    return list(range(c - size // 2, c + (size - 1) // 2 + 1))
""",
        "the last channel of the window left out": """
def solution_window(c, size, channels):
    return list(range(max(0, c - size // 2), min(channels - 1, c + (size - 1) // 2)))
""",
    },
    "solution_tf_to_torch": {
        "alpha not scaled (torch averages the squares, TensorFlow sums them)": """
def solution_tf_to_torch(depth_radius, bias, alpha, beta):
    return {"size": 2 * depth_radius + 1, "alpha": alpha, "beta": beta, "k": bias}
""",
        "size = 2 * depth_radius (the centre channel forgotten)": """
def solution_tf_to_torch(depth_radius, bias, alpha, beta):
    size = 2 * depth_radius
    return {"size": size, "alpha": alpha * size, "beta": beta, "k": bias}
""",
        "TensorFlow's name bias kept for torch's k": """
def solution_tf_to_torch(depth_radius, bias, alpha, beta):
    size = 2 * depth_radius + 1
    return {"size": size, "alpha": alpha * size, "beta": beta, "bias": bias}
""",
        "the radius taken for the size": """
def solution_tf_to_torch(depth_radius, bias, alpha, beta):
    return {"size": depth_radius, "alpha": alpha * depth_radius, "beta": beta, "k": bias}
""",
    },
    "solution_peak": {
        "the square root forgotten": """
def solution_peak(k, alpha, beta):
    return k / (alpha * (2 * beta - 1))
""",
        "the first term of the product rule dropped: k = 2 beta alpha a^2": """
def solution_peak(k, alpha, beta):
    return math.sqrt(k / (2 * alpha * beta))
""",
        "alpha read as torch's (the mean of five squares)": """
def solution_peak(k, alpha, beta):
    return math.sqrt(5 * k / (alpha * (2 * beta - 1)))
""",
    },
    "solution_scale_free": {
        "beta = 1 (dividing by the sum of squares)": """
def solution_scale_free():
    return 0.0, 1.0
""",
        "k = 1 kept (torch's default)": """
def solution_scale_free():
    return 1.0, 0.5
""",
        "the pair in the order (beta, k)": """
def solution_scale_free():
    return 0.5, 0.0
""",
    },
}

"""Plausible wrong answers to lesson 08's exercises: tests/test_editions.py runs each one through its check,
which must fail with an AssertionError. Keys: the stub's name, then what the answer gets wrong."""

WRONG_ANSWERS = {
    "solution_bilinear": {
        "sum over locations, not the mean": """
def solution_bilinear(x, y):
    n = x.shape[0]
    xm, ym = x.reshape(n, x.shape[1], -1), y.reshape(n, y.shape[1], -1)
    return torch.bmm(xm, ym.transpose(1, 2)).reshape(n, -1)
""",
        "reshaped straight to (N, HW, C): channels and locations mixed": """
def solution_bilinear(x, y):
    n, _, height, width = x.shape
    xm, ym = x.reshape(n, height * width, -1), y.reshape(n, height * width, -1)
    return torch.bmm(xm.transpose(1, 2), ym).reshape(n, -1) / (height * width)
""",
        "B(y, x) flattened: the (C2, C1) order": """
def solution_bilinear(x, y):
    n, _, height, width = x.shape
    xm, ym = x.reshape(n, x.shape[1], -1), y.reshape(n, y.shape[1], -1)
    return torch.bmm(ym, xm.transpose(1, 2)).reshape(n, -1) / (height * width)
""",
    },
    "solution_swap": {
        "c1 and c2 swapped in the view": """
def solution_swap(z, c1, c2):
    return z.reshape(-1, c2, c1).transpose(1, 2).reshape(z.shape[0], -1)
""",
        "a reshape to (c2, c1) without a transpose": """
def solution_swap(z, c1, c2):
    return z.reshape(-1, c2, c1).reshape(z.shape[0], -1)
""",
        "the vector reversed": """
def solution_swap(z, c1, c2):
    return z.flip(1)
""",
    },
    "solution_sketch_matrix": {
        "the signs forgotten": """
def solution_sketch_matrix(h, s, d):
    P = torch.zeros(d, h.shape[0])
    P[h, torch.arange(h.shape[0])] = 1.0
    return P
""",
        "rows and columns swapped: a (C, d) matrix": """
def solution_sketch_matrix(h, s, d):
    P = torch.zeros(h.shape[0], d)
    P[torch.arange(h.shape[0]), h] = s
    return P
""",
        "every bucket row filled with the signs": """
def solution_sketch_matrix(h, s, d):
    P = torch.zeros(d, h.shape[0])
    P[h] = s
    return P
""",
    },
    "solution_head_sizes": {
        "the biases forgotten": """
def solution_head_sizes(C, d, K):
    return C * C * K, d * K
""",
        "C inputs, not C * C, for the full head": """
def solution_head_sizes(C, d, K):
    return C * K + K, d * K + K
""",
        "one bias for the whole layer": """
def solution_head_sizes(C, d, K):
    return C * C * K + 1, d * K + 1
""",
    },
}

"""Every public operator and layer at its edges (tests/probe.py): torch's answer or a clear error, at once."""

import matplotlib
import probe
import pytest

matplotlib.use("Agg")
CASES = probe.cases()


@pytest.fixture(scope="module", autouse=True)
def meta_kernels_loaded():
    probe.warm_up()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_edge_case(case):
    outcome, detail = probe.run(case)
    assert outcome in probe.GOOD, f"{outcome}: {detail}"


def test_the_probe_tells_wrong_answers_hangs_and_raw_errors_apart():
    import time

    import torch

    x = torch.ones(1, 1, 4, 4)
    verdicts = {
        "silently wrong": probe.Case("off by one", lambda: x + 1, reference=lambda: x),
        "hang": probe.Case("slow", lambda: time.sleep(1.2)),
        "raw error on valid input": probe.Case("crash", lambda: x.view(3)),
        "accepted silently": probe.Case("no check", lambda: x, bad="kernel_size"),
        "error names no or the wrong parameter": probe.Case("misnamed", lambda: probe.utils.max_pool2d(x, 0),
                                                            bad="stride"),
        "clean error": probe.Case("named", lambda: probe.utils.max_pool2d(x, 0), bad="kernel_size"),
        "equal to torch": probe.Case("same", lambda: x * 1, reference=lambda: x),
    }
    for expected, case in verdicts.items():
        assert probe.run(case)[0] == expected, case.name

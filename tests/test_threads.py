"""The adaptive CPU thread count (utils/threads.py): measured load in, torch's thread count out."""

import subprocess
import sys
import time

import pytest
import torch

import utils
from utils import threads


@pytest.fixture
def adaptive(monkeypatch):
    """Adaptive mode as a learner gets it (no OMP_NUM_THREADS); torch's count and the policy restored after."""
    before = torch.get_num_threads()
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(threads, "_POLICY", threads._Policy())
    yield
    torch.set_num_threads(before)


def fake_machine(monkeypatch, cpus: int, load: float) -> None:
    """A machine of ``cpus`` cores on which other programs use ``load`` cores and time runs 0.5 s per reading."""
    clock = iter(range(10**6))

    def reading():
        t = next(clock) * 0.5
        return threads.CpuSample(wall=t, busy=t * load + 3 * t, own=3 * t)  # this process: 3 cores' worth

    monkeypatch.setattr(threads, "sample", reading)
    monkeypatch.setattr(threads, "usable_cpus", lambda: cpus)
    monkeypatch.setattr(threads.psutil, "cpu_count", lambda logical=True: cpus)
    monkeypatch.setattr(threads.time, "sleep", lambda seconds: None)


@pytest.mark.parametrize("load, cpus, cores, expected", [
    (0.0, 2, 2, 2), (0.25, 2, 2, 2),  # idle, or background noise: every core
    (0.3, 2, 2, 1), (0.67, 2, 2, 1), (1.0, 2, 2, 1),  # one busy program: one core left
    (3.0, 2, 2, 1),  # never fewer than one thread
    (1.0, 8, 4, 4), (5.0, 8, 4, 3),  # hyperthreads: at most one thread per physical core
    (1.2, 8, 8, 7), (1.3, 8, 8, 6),
])
def test_threads_for_leaves_the_cores_other_programs_use(load, cpus, cores, expected):
    assert threads.threads_for(load, cpus, cores) == expected


def test_others_load_subtracts_this_process():
    before = threads.CpuSample(wall=10.0, busy=100.0, own=50.0)
    after = threads.CpuSample(wall=12.0, busy=104.0, own=52.0)  # 4 busy CPU seconds in 2 s, 2 of them ours
    assert threads.others_load(before, after) == 1.0
    with pytest.raises(ValueError, match="after"):
        threads.others_load(after, before)


def test_setup_gives_every_core_when_idle_and_one_fewer_beside_a_busy_program(adaptive, monkeypatch):
    fake_machine(monkeypatch, cpus=4, load=0.0)
    assert utils.configure_threads() == 4 == torch.get_num_threads()
    fake_machine(monkeypatch, cpus=4, load=1.0)
    monkeypatch.setattr(threads, "_POLICY", threads._Policy())
    utils.get_device()  # every lesson's setup cell
    assert torch.get_num_threads() == 3


def test_fit_decides_again_when_the_load_changes_mid_run(adaptive, monkeypatch):
    fake_machine(monkeypatch, cpus=2, load=0.0)
    assert utils.configure_threads() == 2
    fake_machine(monkeypatch, cpus=2, load=1.0)  # a program starts; every reading is RECHECK_S/2 apart
    monkeypatch.setattr(threads.time, "monotonic", lambda: 10**6)
    seen = []
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    model.register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    data = (torch.randn(8, 1, 2, 2), torch.tensor([0, 1] * 4))
    utils.fit(model, data, epochs=1, batch_size=2, progress=False)
    assert seen[0] == 2 and seen[-1] == 1, seen


def test_a_fixed_count_or_omp_num_threads_stops_adapting(adaptive, monkeypatch):
    fake_machine(monkeypatch, cpus=2, load=1.0)
    assert utils.configure_threads(2) == 2
    threads.adapt_threads()
    utils.get_device()
    assert torch.get_num_threads() == 2  # a busy machine, but the learner asked for 2
    assert utils.configure_threads() == 1  # back to adaptive
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    torch.set_num_threads(2)
    assert utils.configure_threads() == 2 and utils.configure_threads(1) == 2  # the environment wins


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_configure_threads_refuses_bad_counts(adaptive, bad):
    with pytest.raises(ValueError, match="threads"):
        utils.configure_threads(bad)


@pytest.mark.skipif(threads.usable_cpus() < 2, reason="needs two CPUs")
def test_a_real_busy_process_takes_a_core_away(adaptive):
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # let it start
        assert utils.configure_threads() <= threads.usable_cpus() - 1
    finally:
        busy.kill()
        busy.wait()

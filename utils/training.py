"""A compact training and evaluation loop for whole-tensor datasets, on CPU or CUDA.

The datasets in this course fit in memory as two tensors (images, labels), so batches are cut
from them directly: no ``DataLoader`` workers, no per-item transforms, which keeps a 2-core CPU busy
with arithmetic rather than Python.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm import tqdm  # the console bar: stored notebook outputs stay plain text

from ._checks import check_flag, check_int, check_number
from .threads import adapt_threads

Data = tuple[torch.Tensor, torch.Tensor]


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch (``test_acc`` stays empty without test data)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds)


def _check_data(data: Data, name: str) -> None:
    if not (isinstance(data, tuple | list) and len(data) == 2 and all(isinstance(t, torch.Tensor) for t in data)):
        raise ValueError(f"{name} must be a pair of tensors (inputs, labels)")
    inputs, labels = data
    if len(inputs) != len(labels) or len(inputs) == 0:
        raise ValueError(f"{name} must hold the same, non-zero number of inputs and labels, "
                         f"got {len(inputs)} and {len(labels)}")
    if labels.dim() != 1 or labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        # (N, 1) labels would broadcast against (N,) predictions and score nonsense
        raise ValueError(f"{name}: labels must be a 1-D integer tensor of class indices (N,), "
                         f"got {labels.dtype} of shape {tuple(labels.shape)}")


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, *, batch_size: int = 1000) -> torch.Tensor:
    """Predicted class of every input, computed in eval mode on the model's device; returned on the CPU."""
    check_int(batch_size, "batch_size")
    was_training = model.training
    model.eval()
    device = _device_of(model)
    batches = (inputs[i : i + batch_size].to(device) for i in range(0, len(inputs), batch_size))
    preds = [model(batch).argmax(dim=1).cpu() for batch in batches]
    model.train(was_training)
    return torch.cat(preds)


def evaluate(model: nn.Module, data: Data, *, batch_size: int = 1000) -> float:
    """Accuracy of ``model`` on ``data`` = (inputs, labels), a number in [0, 1]."""
    _check_data(data, "data")
    return (predict(model, data[0], batch_size=batch_size) == data[1].cpu()).float().mean().item()


def fit(model: nn.Module, train_data: Data, test_data: Data | None = None, *, epochs: int = 3,
        batch_size: int = 64, lr: float = 1e-3, seed: int = 0, progress: bool = True) -> History:
    """Train ``model`` with Adam and cross-entropy on ``train_data``; evaluate after every epoch.

    The model stays on its own device (move it first, e.g. ``model.to(utils.get_device())``); batches
    are moved there as they are used. The shuffling order depends only on ``seed``.
    ``progress`` shows one tqdm bar for the whole run, with the running loss and accuracy.
    """
    _check_data(train_data, "train_data")
    if test_data is not None:
        _check_data(test_data, "test_data")
    check_int(epochs, "epochs")
    check_int(batch_size, "batch_size")
    check_int(seed, "seed", 0)
    check_flag(progress, "progress")
    check_number(lr, "lr", low=0.0, low_open=True, tensor=False)

    device = _device_of(model)
    inputs, labels = train_data
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    history = History()
    steps = -(-len(inputs) // batch_size)
    bar = tqdm(total=epochs * steps, disable=not progress, unit="batch", mininterval=0.5)
    for _ in range(epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(inputs), generator=generator)
        total_loss, correct = 0.0, 0
        for i in range(0, len(inputs), batch_size):
            adapt_threads()  # a program that starts or stops mid-run changes the cores torch may use
            batch = order[i : i + batch_size]
            x, y = inputs[batch].to(device), labels[batch].to(device)
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
            correct += (logits.argmax(dim=1) == y).sum().item()
            bar.update()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        history.seconds.append(time.perf_counter() - start)
        history.train_loss.append(total_loss / len(inputs))
        history.train_acc.append(correct / len(inputs))
        if test_data is not None:
            history.test_acc.append(evaluate(model, test_data))
        bar.set_postfix(loss=f"{history.train_loss[-1]:.3f}",
                        acc=f"{history.test_acc[-1] if test_data is not None else history.train_acc[-1]:.3f}")
    bar.close()
    return history

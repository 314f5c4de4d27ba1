"""Private copies of a shared model, for the "why" views that take gradients through it or hook into it.

A page's cached model is shared by every session's thread: a view must neither switch its mode nor hang a
hook on it (another session's forward pass would run through the hook). Interventions and ablations hook a
private copy in evaluation mode (``hookable_copy``); gradients go through a private copy in gradient mode.

cuDNN's RNN backward refuses evaluation mode, so a gradient pass runs in ``train()`` mode; with every dropout
switched off, that forward computes exactly what evaluation mode computes. A page's cached model is shared by
every session's thread, so the views take their gradients through a private copy (``gradient_copy``) and
never switch the shared one; ``gradient_mode`` switches a model in place and restores it, for a caller that
owns its model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from torch import nn


def hookable_copy(module: nn.Module) -> nn.Module:
    """A private copy of ``module`` in evaluation mode, to hang interventions on (attention rewritten, units
    clamped) while every other session keeps decoding with the original."""
    return copy.deepcopy(module).eval()


def _switch_to_gradient_mode(model: nn.Module) -> Callable[[], None]:
    """Training mode, every dropout off; returns what puts the model's settings back."""
    was_training = model.training
    recurrent = [(module, module.dropout) for module in model.modules() if isinstance(module, nn.RNNBase)]
    model.train()
    for module in model.modules():
        if isinstance(module, nn.modules.dropout._DropoutNd):
            module.eval()
    for module, _ in recurrent:
        module.dropout = 0.0

    def restore() -> None:
        for module, rate in recurrent:
            module.dropout = rate
        model.train(was_training)

    return restore


@contextmanager
def gradient_mode(model: nn.Module) -> Iterator[nn.Module]:
    """``model`` in ``train()`` mode with every dropout off, gradients on; its settings restored after."""
    restore = _switch_to_gradient_mode(model)
    try:
        with torch.enable_grad():
            yield model
    finally:
        restore()


def gradient_copy(module: nn.Module, dtype: torch.dtype | None = None) -> nn.Module:
    """A private copy of ``module`` (in ``dtype`` when given) in gradient mode, its parameters frozen:
    gradients flow to the inputs alone, and the original is never touched."""
    twin = copy.deepcopy(module)
    if dtype is not None:
        twin = twin.to(dtype)
    twin.requires_grad_(False)
    _switch_to_gradient_mode(twin)
    for part in twin.modules():
        if isinstance(part, nn.RNNBase):
            part.flatten_parameters()  # the copy's weights in one block again, as cuDNN wants them
    return twin

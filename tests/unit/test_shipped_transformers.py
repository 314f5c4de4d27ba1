"""The shipped Transformer checkpoints (issue 21): each reaches 0.95 exact match on its task's validation
set, evaluated here again (not read from its file), and all shipped checkpoints together stay small."""

from __future__ import annotations

import pytest

from seqviz.checkpoints.store import checkpoint_root, load_checkpoint
from seqviz.training.workflows import evaluate_checkpoint

SHIPPED_LIMIT_BYTES = 25 * 10**6


@pytest.mark.parametrize("name", ["reverse-transformer", "en-zh-transformer"])
def test_shipped_transformer_reaches_095_on_its_validation_set(name):
    checkpoint = load_checkpoint(checkpoint_root() / name)
    assert checkpoint.kind == "transformer"
    result = evaluate_checkpoint(checkpoint, size=500)
    assert result.exact_match >= 0.95
    # the number in checkpoints/README.md is this one (a near-tie may flip under other thread counts)
    assert result.exact_match == pytest.approx(checkpoint.metrics["exact_match"], abs=0.01)


def test_all_shipped_checkpoints_stay_under_25_mb():
    total = sum(path.stat().st_size for path in checkpoint_root().rglob("*") if path.is_file())
    assert total <= SHIPPED_LIMIT_BYTES, f"{total / 1e6:.1f} MB"

"""Do attention and an attribution rank the source tokens alike? Kendall's tau-b and top-1 agreement.

Jain & Wallace (2019, "Attention is not Explanation") compare, for every output token, the attention row
with a gradient or erasure importance row by Kendall's tau, and report the distribution over a validation set.
Importance is a magnitude here (``|a_tj|``): attention says how much a position counts, never in which
direction, so a strongly negative attribution ranks as strongly as a positive one.

tau-b, exactly as ``scipy.stats.kendalltau`` computes it (scipy is not a requirement of seqviz):

    tau_b = (P - Q) / sqrt((P + Q + X0) (P + Q + Y0))

over all pairs i < j: P concordant, Q discordant, X0 tied in x only, Y0 tied in y only (pairs tied in both
count nowhere). Undefined (NaN) with fewer than two values, a NaN in either row, or either row constant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b of two equally long rows; NaN where it is undefined (as scipy returns it)."""
    if len(x) != len(y):
        raise ValueError(f"tau needs rows of one length, not {len(x)} and {len(y)}")
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if a.size < 2 or np.isnan(a).any() or np.isnan(b).any():
        return math.nan
    upper = np.triu_indices(a.size, k=1)  # every pair i < j once
    sign_x = np.sign(a[:, None] - a[None, :])[upper]
    sign_y = np.sign(b[:, None] - b[None, :])[upper]
    both = sign_x * sign_y
    concordant, discordant = int((both > 0).sum()), int((both < 0).sum())
    tied_x_only = int(((sign_x == 0) & (sign_y != 0)).sum())
    tied_y_only = int(((sign_y == 0) & (sign_x != 0)).sum())
    denominator = (concordant + discordant + tied_x_only) * (concordant + discordant + tied_y_only)
    if denominator == 0:
        return math.nan
    return (concordant - discordant) / math.sqrt(denominator)


def importance(row: Sequence[float]) -> list[float]:
    """A row of attributions as importances: their magnitudes."""
    return [abs(value) for value in row]


def row_taus(attention: Sequence[Sequence[float]], attribution: Sequence[Sequence[float]]) -> list[float]:
    """tau-b between each attention row and the same row's importances (NaN where undefined)."""
    return [kendall_tau_b(a, importance(r)) for a, r in zip(attention, attribution, strict=True)]


def top1_agrees(attention_row: Sequence[float], attribution_row: Sequence[float]) -> bool:
    """Whether the most attended source position is also the most important one (first on a tie)."""
    weights, magnitudes = list(attention_row), importance(attribution_row)
    return weights.index(max(weights)) == magnitudes.index(max(magnitudes))


def row_top1(attention: Sequence[Sequence[float]], attribution: Sequence[Sequence[float]]) -> list[bool]:
    return [top1_agrees(a, r) for a, r in zip(attention, attribution, strict=True)]

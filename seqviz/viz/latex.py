"""Numbers inside LaTeX: Python's ``7.0964e+07`` renders in KaTeX as the expression "7.0964e + 07"."""

from __future__ import annotations

import math


def latex_number(value: float, digits: int = 5) -> str:
    """``value`` with ``digits`` significant digits as LaTeX: ``7.0964 \\times 10^{7}`` where Python would
    write an exponent, plain decimals otherwise."""
    if not math.isfinite(value):
        return r"\infty" if value > 0 else (r"-\infty" if value < 0 else r"\text{NaN}")
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"

"""The header of a ``model.safetensors`` file, read and compared with the config before any tensor exists.

A safetensors file is an 8-byte little-endian header length, a JSON header (``name -> {dtype, shape,
data_offsets}``), then the raw tensor bytes. Reading only the header (bounded) tells every tensor's name,
shape, dtype and byte range, so a checkpoint whose weights do not fit its config is refused before the
weights are read into memory or the model is built: nothing a hostile file claims is ever allocated.

No torch import: this runs before torch is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from pathlib import Path

from seqviz.checkpoints.meta import parse_config_text
from seqviz.errors import CheckpointError

HEADER_LENGTH_BYTES = 8
# The largest header we read. A seqviz model has at most 3 layers x 2 directions x 4 recurrent tensors per
# module plus about 15 others: under 70 tensors, about 100 bytes each. 1 MiB leaves room for metadata.
MAX_HEADER_BYTES = 1024 * 1024
FLOAT_DTYPE_BYTES = {"F16": 2, "BF16": 2, "F32": 4, "F64": 8}
METADATA_KEY = "__metadata__"


@dataclass(frozen=True)
class TensorEntry:
    dtype: str
    shape: tuple[int, ...]
    begin: int  # byte offsets in the data section, after the header
    end: int


def read_header(path: Path) -> dict[str, TensorEntry]:
    """The tensors listed in the header of the safetensors file ``path``, checked for consistency: each
    entry's byte range is inside the file and as long as its shape and dtype need, and the ranges cover
    the data section exactly (what safetensors itself requires)."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        prefix = handle.read(HEADER_LENGTH_BYTES)
        if len(prefix) < HEADER_LENGTH_BYTES:
            raise _invalid("it is shorter than a safetensors header")
        length = int.from_bytes(prefix, "little")
        if length > MAX_HEADER_BYTES or HEADER_LENGTH_BYTES + length > size:
            raise _invalid(f"its header claims {length:,} bytes")
        raw = handle.read(length)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("its header is not UTF-8") from None
    try:
        header = parse_config_text(text, "the safetensors header")
    except CheckpointError as error:
        raise _invalid(str(error)) from None
    if not isinstance(header, dict):
        raise _invalid("its header is not a JSON object")
    data_bytes = size - HEADER_LENGTH_BYTES - length
    entries = {
        name: _entry(name, value, data_bytes) for name, value in header.items() if name != METADATA_KEY
    }
    covered = sum(entry.end - entry.begin for entry in entries.values())
    if covered != data_bytes:
        raise _invalid(f"its tensors cover {covered:,} of its {data_bytes:,} data bytes")
    return entries


def _entry(name: str, value: object, data_bytes: int) -> TensorEntry:
    if not isinstance(value, dict):
        raise _invalid(f"the header entry {name[:60]!r} is not an object")
    dtype, shape, offsets = value.get("dtype"), value.get("shape"), value.get("data_offsets")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise _invalid(f"{name[:60]!r} has no valid shape")
    if any(d < 0 for d in shape):
        raise _invalid(f"{name[:60]!r} has a negative dimension")
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        or not 0 <= offsets[0] <= offsets[1] <= data_bytes
    ):
        raise _invalid(f"{name[:60]!r} has byte offsets outside the file")
    if dtype in FLOAT_DTYPE_BYTES and offsets[1] - offsets[0] != prod(shape) * FLOAT_DTYPE_BYTES[dtype]:
        raise _invalid(f"{name[:60]!r} has {offsets[1] - offsets[0]:,} bytes for shape {tuple(shape)}")
    return TensorEntry(str(dtype), tuple(shape), offsets[0], offsets[1])


def check_against_config(entries: dict[str, TensorEntry], expected: dict[str, tuple[int, ...]]) -> None:
    """Every tensor the config needs is present with its shape and a float dtype, and no other one is."""
    missing = sorted(set(expected) - set(entries))
    unexpected = sorted(set(entries) - set(expected))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:4])}{' …' if len(missing) > 4 else ''}")
        if unexpected:
            shown = [name[:60] for name in unexpected[:4]]
            parts.append(f"unexpected {', '.join(shown)}{' …' if len(unexpected) > 4 else ''}")
        raise CheckpointError(f"the weights do not fit the model config: {'; '.join(parts)}")
    for name, entry in entries.items():
        if entry.shape != expected[name]:
            raise CheckpointError(
                f"the weights do not fit the model config: {name} has shape {entry.shape}, "
                f"the config needs {expected[name]}"
            )
        if entry.dtype not in FLOAT_DTYPE_BYTES:
            raise CheckpointError(
                f"the weights do not fit the model config: {name} is {entry.dtype[:20]}, not a float type"
            )


def _invalid(reason: str) -> CheckpointError:
    return CheckpointError(f"model.safetensors is not a valid safetensors file ({reason})")

"""Text bound for a terminal, with control characters made visible instead of obeyed.

Why: vocabulary tokens, inputs and file names come from files anyone can write. Printed raw, ``\\x1b[31m``
recolours the terminal, ``\\x1b]0;title\\x07`` retitles the window, ``\\r`` overwrites what was printed, and
a bidirectional override (U+202E) makes a line read differently from what it holds. So every character of
those kinds leaves seqviz escaped: ``\\x1b`` as the four characters ``\\x1b`` in plain text, as ``\\u001b`` in
JSON (valid JSON for the same string, which ``json.loads`` reads back unchanged).

The CLI routes stdout and stderr through ``EscapingStream``, so no command can forget it.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, TextIO

# Unicode's bidirectional embeddings, overrides and isolates: format characters that reorder what follows.
BIDI_CONTROLS = tuple(range(0x202A, 0x202F)) + tuple(range(0x2066, 0x206A))
CONTROL_CODES = tuple(c for c in range(0x100) if unicodedata.category(chr(c)) == "Cc") + BIDI_CONTROLS
PLAIN_KEEP = "\n\t"  # line breaks and tabs lay out our own output; every other control is escaped


def _plain_escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_PLAIN_TABLE = {code: _plain_escape(code) for code in CONTROL_CODES}
# json.dumps already escapes C0 controls; DEL, C1 and bidi controls pass through with ensure_ascii=False
_JSON_TABLE = {code: f"\\u{code:04x}" for code in CONTROL_CODES if code >= 0x7F}


def escape_control(text: str, keep: str = "") -> str:
    """``text`` with every control character (C0, DEL, C1, bidi controls) except those in ``keep`` written
    as a visible escape."""
    table = _PLAIN_TABLE if not keep else {k: v for k, v in _PLAIN_TABLE.items() if chr(k) not in keep}
    return text.translate(table)


def json_line(payload: Any, **options: Any) -> str:
    """``json.dumps`` (UTF-8 kept readable) with no raw control character left in the text."""
    return json.dumps(payload, ensure_ascii=False, **options).translate(_JSON_TABLE)


class EscapingStream:
    """A text stream that escapes control characters (all but ``keep``) on their way to ``inner``."""

    def __init__(self, inner: TextIO, keep: str = PLAIN_KEEP) -> None:
        self.inner = inner
        self._table = {k: v for k, v in _PLAIN_TABLE.items() if chr(k) not in keep}

    def write(self, text: str) -> int:
        self.inner.write(text.translate(self._table))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno, buffer ...
        return getattr(self.inner, name)


def unescaped(stream: Any) -> TextIO:
    """The stream under an ``EscapingStream``: for seqviz's own control output (a progress bar's ``\\r``)."""
    return stream.inner if isinstance(stream, EscapingStream) else stream

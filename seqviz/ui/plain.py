"""User-controlled text shown as the characters it holds, never obeyed as markdown or HTML.

Why: Streamlit renders ``st.markdown``, ``st.caption``, ``st.error`` / ``warning`` / ``info`` / ``success``
and widget labels as GitHub-flavoured markdown. A checkpoint's task name, a vocabulary token, an uploaded file
name or a ``?ckpt=`` value is written by whoever made the file or the link, so ``![x](http://host/a.png)``
would make every reader's browser fetch that image, and ``[click](http://evil)`` would show a link that
seqviz never wrote. Every place that puts such a string into one of those calls wraps it first:

- ``plain(text)`` for running text: every ASCII punctuation character that markdown, GitHub's extensions or
  Streamlit's directives give a meaning gets a backslash (CommonMark lets any ASCII punctuation be escaped,
  and an escaped one is only itself), so no link, image, HTML tag or entity, emphasis, heading, list, table,
  ``$`` formula, ``:colour[...]`` directive or autolinked ``http://`` / ``www.`` / e-mail survives. Plain
  punctuation of sentences (``, ; ' " ? / %``) stays as it is, so messages read and match as written; control
  characters and bidirectional overrides are written as visible escapes (``\\x1b``, ``\\u202e``, line
  breaks as ``\\n``), as ``seqviz.terminal`` does for the CLI;
- ``code(text)`` for an inline code span (a model's output, a folder): markdown is not parsed inside a code
  span, and the fence is longer than any run of backticks in the text, so the text cannot close it early.

Widgets that show plain text already (``st.text``, ``st.code``, selectbox options, dataframe cells) need
neither. Only seqviz.ui imports this module; it imports no streamlit itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from seqviz.terminal import escape_control

MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|$~:&=@"
_MARKDOWN_ESCAPES = {ord(ch): "\\" + ch for ch in MARKDOWN_SPECIALS}
_LONGEST_BACKTICKS = re.compile(r"`+")


def plain(value: object, *, keep_newlines: bool = False) -> str:
    """``value`` as text for a markdown context that shows exactly its characters. ``keep_newlines`` (for an
    error message of several lines) makes each line break a markdown hard break instead of ``\\n``."""
    text = escape_control(str(value), keep="\n" if keep_newlines else "").translate(_MARKDOWN_ESCAPES)
    return text.replace("\n", "  \n") if keep_newlines else text


def plain_list(values: Iterable[object], separator: str = ", ") -> str:
    """``plain`` of each value, joined: the unknown tokens of an input, the orders skipped."""
    return separator.join(plain(value) for value in values)


def code(value: object) -> str:
    """``value`` as an inline code span that nothing inside can break out of (CommonMark's rule: the fence
    is one backtick longer than the longest run inside; a space pads text that starts or ends with one)."""
    text = escape_control(str(value))
    runs = _LONGEST_BACKTICKS.findall(text)
    fence = "`" * (max((len(run) for run in runs), default=0) + 1)
    if not text:
        return "` `"
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "
    return f"{fence}{text}{fence}"

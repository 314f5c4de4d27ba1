"""The text box every model page starts with: the user's input for the chosen checkpoint.

It opens on a held-out example of the checkpoint's task (``seqviz.data.examples``) and offers a few more as
one-click pills. Its value is URL-bound (``?text=``), and it is reset to the new checkpoint's example when
the user picks another checkpoint, because a date typed for the dates model means nothing to the reverse
model. Empty, long or strange text is not refused here: the page's computation raises ``InputError`` with a
clear message, shown by ``user_errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from seqviz.ui.checkpoint_cache import load_cached_checkpoint
from seqviz.ui.common import checkpoint_picker, presentation_mode
from seqviz.ui.i18n import t
from seqviz.ui.plain import plain, plain_list
from seqviz.ui.url_state import set_bound, url_bound

if TYPE_CHECKING:
    from seqviz.checkpoints.store import Checkpoint, CheckpointInfo

TEXT_QUERY = "text"


@dataclass(frozen=True)
class ModelInput:
    """What a model page starts from: the chosen checkpoint (its listing and the loaded model), the user's
    text, and the column under the picker, where a page puts its own model-side controls."""

    info: CheckpointInfo
    checkpoint: Checkpoint
    text: str
    model_column: Any


def model_and_input(
    prefix: str,
    *,
    kinds: tuple[str, ...] | None = None,
    default: str | None = None,
    label_key: str = "input.label",
    accept: Callable[[CheckpointInfo], bool] | None = None,
) -> ModelInput:
    """The preamble of every model page: the checkpoint picker beside the input box (with its examples
    and the unknown-token note). Stops the page when there is no checkpoint to show, or when ``accept``
    refuses the chosen one (it has said why)."""
    model_column, input_column = st.columns([1, 2], gap="large")
    with model_column:
        info = checkpoint_picker(details=False, kinds=kinds, default=default)
    if info is None or (accept is not None and not accept(info)):
        st.stop()
    checkpoint = load_cached_checkpoint(info.path)
    with input_column:
        text = model_text_input(prefix, checkpoint, label_key=label_key)
    return ModelInput(info, checkpoint, text, model_column)


def model_text_input(prefix: str, checkpoint: Any, *, label_key: str = "input.label") -> str:
    """A text input under ``{prefix}.input`` for ``checkpoint`` (a ``Checkpoint``); returns the text."""
    from seqviz.data.examples import default_input, example_pairs

    key, owner_key = f"{prefix}.input", f"{prefix}.input_for"
    owner = st.session_state.get(owner_key)
    if owner is not None and owner != checkpoint.name:
        set_bound(key, default_input(checkpoint), TEXT_QUERY)
    st.session_state[owner_key] = checkpoint.name
    text = st.text_input(
        t(label_key),
        max_chars=2000,
        help=t("input.help"),
        **url_bound(key, TEXT_QUERY, default_input(checkpoint)),
    )
    examples = [pair.source for pair in example_pairs(checkpoint, 4)]
    if examples:
        pills_key = f"_{prefix}.examples"

        def use_example() -> None:
            chosen = st.session_state.get(pills_key)
            if chosen:
                set_bound(key, chosen, TEXT_QUERY)
            st.session_state[pills_key] = None

        # pills render their options as markdown; held-out examples come from the checkpoint's files
        st.pills(t("input.examples"), examples, format_func=plain, key=pills_key, on_change=use_example)
    vocabulary_panel(checkpoint, text)
    return text


def vocabulary_panel(checkpoint: Any, text: str) -> None:
    """Unknown tokens marked on the input itself, what that means for the output, and the vocabulary."""
    from seqviz.explain.input_vocabulary import input_vocabulary, known_tokens

    if not text.strip():
        return  # the page says the input is empty
    seen = input_vocabulary(checkpoint, text)
    if seen.unknown_count:
        marked = seen.separator.join(
            f":red-background[{_visible(token)}]" if unknown else _visible(token)
            for token, unknown in zip(seen.tokens, seen.unknown, strict=True)
        )
        effect = t("input.unknown_effect_copy" if seen.copyable else "input.unknown_effect",
                   count=seen.unknown_count, total=len(seen.tokens))  # fmt: skip
        st.warning(f"{effect}  \n{marked}", icon=":material/help:")
        unknown = dict.fromkeys(
            token for token, unknown in zip(seen.tokens, seen.unknown, strict=True) if unknown
        )
        st.caption(t("input.unknown", tokens=plain_list(repr(token) for token in unknown)))
    if presentation_mode() and not seen.unknown_count:
        return  # the projector's first screen is for the chart; the vocabulary matters once a word is unknown
    known = known_tokens(checkpoint)
    with st.expander(t("input.vocabulary", count=len(known)), expanded=False):
        if all(len(token) == 1 for token in known):  # characters: the whole alphabet on one line
            st.code(
                " ".join("␣" if token == " " else token for token in known), language=None, wrap_lines=True
            )
        else:  # words: a table the student can search (the magnifier above it)
            st.dataframe({t("input.vocabulary_word"): known}, hide_index=True, height=240)


def _visible(token: str) -> str:
    """A token as plain markdown text; a space made visible, so an unknown space can be marked."""
    return "␣" if token == " " else plain(token)

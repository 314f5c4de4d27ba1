"""The classroom model in the app: this browser session's owner key, its checkpoint list, the share button.

The rules live in ``seqviz.checkpoints.classroom``; this module only ties them to a session. The owner key is
kept in ``st.session_state`` and in the URL (``?me=…``), so a reload or a bookmark finds the same models, on
any server process that shares the checkpoint folder. A ``?me=`` value that is not a key seqviz could have
made is never used (not even to build a path): the session gets a new key and a warning says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from seqviz.checkpoints import classroom
from seqviz.errors import SeqvizError
from seqviz.ui.i18n import t
from seqviz.ui.plain import plain

if TYPE_CHECKING:
    from seqviz.checkpoints.store import CheckpointInfo

OWNER_STATE = "ui.owner"  # this session's owner key
OWNER_QUERY = "me"
_OWNER_REFUSED = "_ui.owner_refused"  # the link's me= was not a key: say so once
_SHARE_RESULT = "_ui.share_result"  # (name, None or the refusal) of the last share, shown once


def current_owner() -> str:
    """This session's owner key: the link's ``?me=`` on the first run when it is a key, else a new one."""
    owner = st.session_state.get(OWNER_STATE)
    if classroom.is_owner_key(owner):
        return str(owner)
    wanted = st.query_params.get(OWNER_QUERY)
    if classroom.is_owner_key(wanted):
        owner = str(wanted)
    else:
        owner = classroom.new_owner_key()
        if wanted:
            st.session_state[_OWNER_REFUSED] = True
    st.session_state[OWNER_STATE] = owner
    return owner


def restore_owner() -> None:
    """Put the session's key back into the URL (Streamlit drops query parameters on a page switch) and
    warn once when the link's key was refused. ``page_setup`` calls it on every run."""
    owner = current_owner()
    if st.query_params.get(OWNER_QUERY) != owner:
        st.query_params[OWNER_QUERY] = owner
    if st.session_state.pop(_OWNER_REFUSED, False):
        st.warning(t("classroom.key_refused"), icon=":material/key_off:")


def visible_checkpoints() -> list[CheckpointInfo]:
    """The checkpoints this session may choose: shipped, its own, then the class's shared ones."""
    return classroom.visible_checkpoints(current_owner())


def share_controls(name: str, mine: bool, key: str, container: Any = None) -> None:
    """What became of a share of ``name`` just asked for (shown once), and, while ``name`` is still the
    session's own checkpoint (``mine``), a "Share with the class" button.

    The share runs in the button's callback, before the page is drawn again, so every list on the page
    already shows the model as shared; a refusal (a look-alike name, one already shared) is a message.
    """
    from seqviz.ui.errors import show_error

    target = container if container is not None else st
    result = st.session_state.get(_SHARE_RESULT)
    if result is not None and result[0] == name:
        del st.session_state[_SHARE_RESULT]
        if result[1] is None:
            target.success(t("classroom.shared", name=plain(name)), icon=":material/group:")
        else:
            show_error(result[1], target)
    if mine:
        target.button(
            t("classroom.share"),
            key=key,
            icon=":material/group:",
            help=t("classroom.share_help"),
            on_click=_share,
            args=(name,),
        )


def _share(name: str) -> None:
    try:
        classroom.share_checkpoint(current_owner(), name)
    except SeqvizError as error:
        st.session_state[_SHARE_RESULT] = (name, error)
    else:
        st.session_state[_SHARE_RESULT] = (name, None)

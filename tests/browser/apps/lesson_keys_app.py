"""A tiny app for the lesson keyboard's browser test (not one of seqviz's pages): a step counter moved by
the keys, a presentation flag toggled by ``p``, and one text input and one slider whose own keys must not
move the step. ``?slow=1`` makes each run take a second, to test presses that arrive during a run."""

from __future__ import annotations

import time

import streamlit as st

from seqviz.ui.lesson_keys import NEXT, PRESENT, PREVIOUS, lesson_keys

command = lesson_keys()
st.session_state.setdefault("step", 0)
st.session_state.setdefault("present", False)
st.session_state.setdefault("presses", 0)
if command is not None:
    st.session_state.presses += 1
if command == NEXT:
    st.session_state.step += 1
elif command == PREVIOUS:
    st.session_state.step -= 1
elif command == PRESENT:
    st.session_state.present = not st.session_state.present

st.markdown(f"step {st.session_state.step}")
st.markdown(f"present {'on' if st.session_state.present else 'off'}")
st.markdown(f"presses {st.session_state.presses}")
st.text_input("notes", key="notes")
st.slider("level", 0, 10, 5, key="level")
if st.query_params.get("slow") == "1":
    time.sleep(1.0)
st.markdown("end of page")

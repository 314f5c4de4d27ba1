"""seqviz: the router and the home page.

Run it with ``streamlit run app.py``. ``route`` hands the run to the page the URL names
(``seqviz.ui.navigation``: Streamlit's ``st.navigation``); ``home`` is the page at ``/``: what the app is,
what each page teaches, which model to use, where it runs. Logic lives in ``seqviz``; this file is layout.
"""

import streamlit as st

from seqviz.ui import PAGES, checkpoint_picker, device_panel, page_link, page_setup, route, t

CARDS_PER_ROW = 4


def home() -> None:
    page_setup("home.title")
    st.markdown(t("home.intro"))

    st.subheader(t("home.pages_header"))
    for start in range(0, len(PAGES), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, page in zip(columns, PAGES[start : start + CARDS_PER_ROW], strict=False):
            with column.container(border=True, height="stretch"):
                st.markdown(f"#### {page.icon} {t(page.title_key)}")
                st.markdown(t(page.teaches_key))
                # the card's heading names the page; a short label is never cut off in a narrow card
                page_link(page, label=t("home.open_short"), help=t("home.open", page=t(page.title_key)))

    model_column, device_column = st.columns([2, 1], gap="large")
    with model_column:
        st.subheader(t("home.model_header"))
        checkpoint_picker()
    with device_column:
        st.subheader(t("home.device_header"))
        device_panel()


route(home)

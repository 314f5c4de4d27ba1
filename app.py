"""seqviz home page: what the app is, what each page teaches, which model to use, where it runs.

Run it with ``streamlit run app.py``. Logic lives in ``seqviz``; this file is layout only.
"""

import streamlit as st

from seqviz.ui import PAGES, checkpoint_picker, device_panel, page_link, page_setup, t

CARDS_PER_ROW = 4

page_setup("home.title")
st.markdown(t("home.intro"))

st.subheader(t("home.pages_header"))
for start in range(0, len(PAGES), CARDS_PER_ROW):
    columns = st.columns(CARDS_PER_ROW)
    for column, page in zip(columns, PAGES[start : start + CARDS_PER_ROW], strict=False):
        with column.container(border=True, height="stretch"):
            st.markdown(f"#### {page.icon} {t(page.title_key)}")
            st.markdown(t(page.teaches_key))
            if page.exists():
                # the card's heading names the page; a short label is never cut off in a narrow card
                page_link(page, label=t("home.open_short"), help=t("home.open", page=t(page.title_key)))
            else:
                st.badge(t("home.coming"), icon=":material/schedule:", color="gray")

model_column, device_column = st.columns([2, 1], gap="large")
with model_column:
    st.subheader(t("home.model_header"))
    checkpoint_picker()
with device_column:
    st.subheader(t("home.device_header"))
    device_panel()

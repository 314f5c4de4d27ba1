"""Embeddings page: the learned token vectors as a 2-D PCA map, with a token's nearest neighbours.

Layout only: the map and neighbours come from ``seqviz.explain.embeddings``, the figure from ``seqviz.viz``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import (
    checkpoint_picker,
    labeller,
    page_intro,
    page_setup,
    plain,
    t,
    url_bound,
    user_errors,
    vega_chart,
)
from seqviz.ui.widgets.embeddings import cached_map, cached_nearest, map_download

page_setup("page.embeddings.title")

model_column, side_column = st.columns([1, 1], gap="large")
with model_column:
    info = checkpoint_picker(details=False)
if info is None:
    st.stop()
sides = ["tokens"] if info.kind == "language_model" else ["source", "target"]
with side_column:
    side = st.radio(
        t("embeddings.side"),
        sides,
        format_func=labeller("embeddings.side"),
        horizontal=True,
        **url_bound("embeddings.side", "side", sides[0], valid=lambda value: value in sides),
    )
    specials = st.toggle(t("embeddings.specials"), key="embeddings.specials")

with user_errors():
    embedding = cached_map(info.path, side, specials)
    page_intro(t("embeddings.intro", size=embedding.dimensions))
    map_column, neighbour_column = st.columns([3, 1], gap="large")
    with neighbour_column:
        chosen = st.selectbox(
            t("embeddings.token"),
            embedding.tokens,
            **url_bound(
                "embeddings.token",
                "token",
                embedding.tokens[0],
                valid=lambda token: token in embedding.tokens,
            ),
        )
        neighbours = cached_nearest(info.path, side, chosen) if chosen in embedding.tokens else []
        st.markdown(t("embeddings.neighbours", token=plain(chosen)))
        st.dataframe(
            {
                t("embeddings.column.token"): [token for token, _ in neighbours],
                t("embeddings.column.cosine"): [f"{score:.3f}" for _, score in neighbours],
            },
            hide_index=True,
            width="stretch",
        )
        map_download(embedding, info.name, side)
    with map_column:
        from seqviz.viz.embeddings import embedding_scatter

        figure = embedding_scatter(
            embedding,
            chosen,
            [token for token, _ in neighbours],
            title=t("embeddings.title", count=len(embedding.tokens), size=embedding.dimensions),
            x_title=t("embeddings.axis", index=1, share=embedding.explained[0]),
            y_title=t("embeddings.axis", index=2, share=embedding.explained[1]),
        )
        vega_chart(st, figure, width="stretch", key="embeddings.map")
        first, second = embedding.explained
        st.caption(t("embeddings.kept", kept=first + second, first=first, second=second,
                     lost=max(0.0, 1 - first - second), size=embedding.dimensions))  # fmt: skip

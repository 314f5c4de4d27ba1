"""Cached embedding maps for the Embeddings page (derived data: ``st.cache_data`` per checkpoint version) and
the map's download."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from seqviz.explain.embeddings import EmbeddingMap
from seqviz.export.csv_export import embedding_map_csv
from seqviz.ui.checkpoint_cache import checkpoint_version, load_cached_checkpoint
from seqviz.ui.common import download
from seqviz.ui.i18n import t


@st.cache_data(show_spinner=False, max_entries=64)
def _map(path: str, version: float, side: str, specials: bool) -> EmbeddingMap:
    from seqviz.explain.embeddings import embedding_map

    return embedding_map(load_cached_checkpoint(path), side, include_specials=specials)


def cached_map(path: str | Path, side: str, specials: bool) -> EmbeddingMap:
    return _map(str(path), checkpoint_version(path), side, specials)


@st.cache_data(show_spinner=False, max_entries=512)
def _nearest(path: str, version: float, side: str, token: str) -> list[tuple[str, float]]:
    from seqviz.explain.embeddings import nearest

    return nearest(load_cached_checkpoint(path), side, token)


def cached_nearest(path: str | Path, side: str, token: str) -> list[tuple[str, float]]:
    return _nearest(str(path), checkpoint_version(path), side, token)


def map_download(embedding: EmbeddingMap, checkpoint: str, side: str) -> None:
    """The download button for the map: each token's place as CSV."""
    download(
        t("embeddings.download"), lambda: embedding_map_csv(embedding), f"embeddings-{checkpoint}-{side}.csv"
    )

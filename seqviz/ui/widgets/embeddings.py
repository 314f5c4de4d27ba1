"""Cached embedding maps for the Embeddings page (derived data: ``st.cache_data`` per checkpoint version)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import streamlit as st

from seqviz.explain.embeddings import EmbeddingMap
from seqviz.ui.checkpoint_cache import checkpoint_version, load_cached_checkpoint


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


def map_csv(embedding: EmbeddingMap) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["token", "pc1", "pc2"])
    for token, x, y in zip(embedding.tokens, embedding.x, embedding.y, strict=True):
        writer.writerow([token, f"{x:.6f}", f"{y:.6f}"])
    return buffer.getvalue()

"""Cached embedding maps for the Embeddings page (derived data: ``st.cache_data`` per checkpoint version) and
the map's download."""

from __future__ import annotations

from typing import Any

from seqviz.explain.embeddings import EmbeddingMap
from seqviz.export.csv_export import embedding_map_csv
from seqviz.ui.checkpoint_cache import per_checkpoint
from seqviz.ui.common import download
from seqviz.ui.i18n import t


@per_checkpoint(max_entries=64)
def cached_map(checkpoint: Any, side: str, specials: bool) -> EmbeddingMap:
    from seqviz.explain.embeddings import embedding_map

    return embedding_map(checkpoint, side, include_specials=specials)


@per_checkpoint(max_entries=512)
def cached_nearest(checkpoint: Any, side: str, token: str) -> list[tuple[str, float]]:
    from seqviz.explain.embeddings import nearest

    return nearest(checkpoint, side, token)


def map_download(embedding: EmbeddingMap, checkpoint: str, side: str) -> None:
    """The download button for the map: each token's place as CSV."""
    download(
        t("embeddings.download"), lambda: embedding_map_csv(embedding), f"embeddings-{checkpoint}-{side}.csv"
    )

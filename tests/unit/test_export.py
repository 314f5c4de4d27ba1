"""The export room writes exactly the files people download: headers, number formats, quoting, and no torch
needed to load it (the CLI imports it before it knows whether a command needs a model)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from seqviz import PROJECT_ROOT
from seqviz.explain.results import AttentionMap, EmbeddingMap
from seqviz.export.csv_export import attention_weights_csv, embedding_map_csv, table_csv
from seqviz.export.json_export import cli_json_line, download_json, finite_floats, finite_or_none


def test_attention_weights_csv_has_a_row_per_output_and_six_decimals():
    view = AttentionMap(
        checkpoint="m", attention_kind="bahdanau", bidirectional=False, context_size=4,
        source_tokens=["a", ",", "<eos>"], output_tokens=["x", "<eos>"], output_text="x",
        weights=[[0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3]], p_gen=None, coverage=None, unknown=[],
        log_prob=-1.0,
    )  # fmt: skip
    text = attention_weights_csv(view)
    assert text.splitlines() == [
        'output \\ source,a,",",<eos>',
        "x,0.500000,0.250000,0.250000",
        "<eos>,0.333333,0.333333,0.333333",
    ]
    assert next(csv.reader(io.StringIO(text)))[2] == ","  # a comma token survives as one cell


def test_embedding_map_csv_places_every_token():
    embedding = EmbeddingMap("source", ["a", "中"], [0.1, -2.0], [1.0, 0.0], (0.6, 0.3), 8)
    assert embedding_map_csv(embedding).splitlines() == [
        "token,pc1,pc2",
        "a,0.100000,1.000000",
        "中,-2.000000,0.000000",
    ]


def test_table_csv_writes_full_precision_and_nothing_for_no_rows():
    assert table_csv([{"step": 0, "value": 1 / 3}]).splitlines() == ["step,value", "0,0.3333333333333333"]
    assert table_csv([]) == ""


def test_json_text_keeps_scripts_readable_and_writes_no_nan():
    assert download_json({"token": "中"}) == '{"token": "中"}'
    assert json.loads(cli_json_line({"x": finite_or_none(float("nan"))})) == {"x": None}
    assert finite_floats({"a": float("inf"), "b": 2, "c": 0.5}) == {"a": None, "b": 2, "c": 0.5}


def test_importing_the_export_room_loads_no_torch():
    code = (
        "import sys; import seqviz.export.json_export, seqviz.export.csv_export; "
        "assert 'torch' not in sys.modules, 'torch was loaded'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)

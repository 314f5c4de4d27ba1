"""The ``classroom_sessions`` row's arithmetic, on made-up measurements: which level counts as sustained, the
row's value, memory per session and CPU per interaction; and the light client's widget states.

Nothing here starts a server: tests/browser/test_light_client.py runs the client and the measurement live.
"""

from __future__ import annotations

import random

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from seqviz.bench.classroom import (
    Calibration,
    ClassroomResult,
    Latency,
    Level,
    Paired,
    classroom_result_row,
    classroom_row,
    percentile,
)
from seqviz.bench.light_client import PRESS, LightSession
from seqviz.bench.run import BenchSettings
from seqviz.bench.students import Interaction, finished_status, typed_input
from seqviz.export.json_export import bench_row_to_json

MIB = 2**20


def level(sessions: int, p95: float, rss_mib: float, failures: int = 0, count: int = 20) -> Level:
    return Level(
        sessions, Latency(count, failures, p95 / 2, p95), 0.1 * count, 0.01, int(rss_mib * MIB), None
    )


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 95) == 19.0 and percentile(values, 50) == 10.0
    assert percentile([0.3], 95) == 0.3 and percentile([], 95) is None


def test_latency_counts_failures_apart_from_the_times():
    items = [Interaction("light", "Attention", "interact", 0.0, s) for s in (0.1, 0.2, 0.3)]
    items.append(Interaction("light", "Attention", "interact", 0.0, 5.0, "exception shown: ValueError: x"))
    latency = Latency.of(items)
    assert (latency.count, latency.failures, latency.p95) == (4, 1, 0.3)
    assert latency.reasons == ("exception shown: ValueError: x",) and not latency.sustained()
    assert Latency.of(items[:3]).sustained()


def test_the_row_is_the_largest_level_sustained_with_the_figures_in_the_note():
    result = ClassroomResult(
        [
            level(10, 0.2, 400),
            level(20, 0.4, 420),
            level(40, 0.9, 460),
            level(80, 3.0, 540),
            level(60, 1.2, 540),
            level(50, 0.8, 540, failures=1),
        ],
        Calibration(
            Paired(0.11, 0.10, Latency(4, 0, 0.2, 0.3), Latency(4, 0, 0.1, 0.2)),
            Latency(30, 0, 0.1, 0.3),
            Latency(9, 0, 0.3, 0.5),
            Latency(9, 0, 0.25, 0.45),
        ),
        idle_rss=380 * MIB,
    )
    assert result.sessions == 40  # 50 failed one interaction, 60 and 80 were too slow
    assert result.memory_per_session == pytest.approx(2 * MIB)  # the ramp up only: 10, 20, 40, 80
    assert result.cpu_per_interaction == pytest.approx(0.1)
    row = classroom_result_row(result)
    expected = {"row": "classroom_sessions", "value": 40, "unit": "sessions", "ratio": 40}
    assert bench_row_to_json(row) == {**expected, "target": ">= 30", "ok": True}
    assert "40 sessions p95 0.90 s" in row.note and "2.0 MiB per session" in row.note
    assert "server CPU 110 ms vs 100 ms per interaction" in row.note


def test_no_level_sustained_or_nothing_measured_is_a_null_row():
    slow = classroom_result_row(ClassroomResult([level(10, 2.0, 400)]))
    assert slow.value is None and not slow.ok and slow.note.startswith("fewer than 10 sessions")
    missing = classroom_result_row(ClassroomResult(missing="streamlit did not start:"))
    assert missing.value is None and "streamlit did not start" in missing.note


def test_without_chromium_the_row_is_null_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    row = classroom_row(BenchSettings.quick_run())  # returns at once: no server is started
    assert row.value is None and not row.ok and "no Chromium at" in row.note


def test_the_light_client_sends_what_it_set_and_a_press_once():
    session = LightSession("http://127.0.0.1:9", "Attention")
    session.page_script_hash = "abc"
    session.values = {"$$ID-1-_url.attention.input": "hello", "$$ID-2-decoding.step_button": PRESS}
    state = session._rerun_message().rerun_script
    assert state.page_script_hash == "abc" and state.page_name == ""
    kinds = {widget.id[-6:]: widget.WhichOneof("value") for widget in state.widget_states.widgets}
    assert kinds == {".input": "string_value", "button": "trigger_value"}
    with pytest.raises(KeyError):
        session.widget_id("decoding.step_button")  # no widget was drawn yet


def test_a_script_finished_frame_is_recognised_and_ends_as_the_page_listener_expects():
    message = ForwardMsg(hash="0" * 32)
    message.metadata.delta_path.append(1)
    message.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    frame = list(message.SerializeToString())
    assert frame[-2:] == [0x30, 0] and finished_status(frame) == ForwardMsg.FINISHED_SUCCESSFULLY
    assert finished_status([0x0A, 0x01]) is None


def test_a_typed_input_uses_the_examples_characters():
    text = typed_input("rimcs konhqhl", random.Random(0))
    assert 6 <= len(text) <= 14 and set(text) <= set("rimcskonhqhl")

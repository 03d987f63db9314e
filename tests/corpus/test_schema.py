"""The custom-field schema: exact round trips, and errors that name the cut and field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lhotse import SupervisionSegment

from tsukasa.corpus.schema import (
    AsrInfo,
    DnsmosScores,
    NonverbalEvent,
    ProvenanceEntry,
    QualityFlag,
    QualityInfo,
    RejectedItem,
    ReviewInfo,
    SchemaError,
    ScriptLineRef,
    SourceInfo,
    SupervisionCustom,
    WordTiming,
    read_supervision_custom,
    with_supervision_custom,
)

FULL = SupervisionCustom(
    kana="オハヨー",
    phonemes=["o", "h", "a", "y", "o", "o"],
    prosody="^ o [ h a y o o $",
    romaji="ohayō",
    nonverbal=[
        NonverbalEvent(start=0.1, end=0.3, kind="breath", source="audio", confidence=0.7),
        NonverbalEvent(start=1.0, end=1.4, kind="laugh", source="text", label="（笑）"),
    ],
    asr=AsrInfo(
        model="whisper-base-ct2",
        text="おはよう",
        avg_logprob=-0.21,
        no_speech_prob=0.01,
        compression_ratio=0.9,
        temperature=0.0,
        cer=0.0,
        words=[WordTiming(word="おはよう", start=0.0, end=0.6, probability=0.98)],
    ),
    quality=QualityInfo(
        duration=1.5,
        snr_db=31.2,
        clipping_ratio=0.0,
        loudness_lufs=-23.0,
        peak_dbfs=-1.0,
        dnsmos=DnsmosScores(sig=3.5, bak=4.0, ovrl=3.2),
        flags=[QualityFlag(code="script_mismatch", value=0.4, detail="CER 0.40 > 0.25")],
    ),
    source=SourceInfo(path="sakura/001.wav", title="夏", character="sakura", line_id="s001", script_scope="file"),
    review=ReviewInfo(status="edited", reviewer="ann", time=datetime(2026, 11, 25, 10, 0, tzinfo=UTC), version=3),
    provenance=[ProvenanceEntry(stage="segment", fingerprint="abc123", tool_versions={"silero-vad": "6.2.3"})],
)


# A voice file the script names on two rows, before the segment stage splits it.
MULTI_LINE = SupervisionCustom(
    source=SourceInfo(
        path="scene_02.flac",
        script_text="雨が降ってきたな。傘、持ってる？",
        script_scope="file",
        script_lines=[
            ScriptLineRef(text="雨が降ってきたな。", line_id="c1", character="takeru"),
            ScriptLineRef(text="傘、持ってる？"),
        ],
    )
)
# One of its utterances afterwards.
LINE_OF_FILE = SupervisionCustom(
    source=SourceInfo(path="scene_02.flac", script_text="傘、持ってる？", script_scope="file", line_index=1)
)


@pytest.mark.parametrize(
    "custom",
    [
        FULL,
        SupervisionCustom(),
        SupervisionCustom(kana="ア"),
        SupervisionCustom(review=ReviewInfo()),
        MULTI_LINE,
        LINE_OF_FILE,
    ],
    ids=["full", "empty", "kana-only", "default-review", "multi-line-file", "line-of-file"],
)
def test_custom_round_trip_is_exact(custom: SupervisionCustom) -> None:
    d = custom.to_custom()
    assert SupervisionCustom.from_custom(d) == custom
    assert SupervisionCustom.from_custom(d).to_custom() == d


def test_round_trip_through_a_lhotse_supervision_json() -> None:
    sup = SupervisionSegment(id="c1", recording_id="r1", start=0, duration=1.5, text="おはよう")
    sup = with_supervision_custom(sup, FULL)
    again = SupervisionSegment.from_dict(sup.to_dict())
    assert read_supervision_custom(again) == FULL


def test_errors_name_cut_and_field() -> None:
    bad = FULL.to_custom()
    bad["asr"]["avg_logprob"] = "very sure"
    with pytest.raises(SchemaError) as exc:
        SupervisionCustom.from_custom(bad, cut_id="cut-42")
    assert "cut 'cut-42'" in str(exc.value)
    assert "custom.asr.avg_logprob" in str(exc.value)
    assert exc.value.field == "custom.asr.avg_logprob"


def test_script_line_of_a_file_errors_name_the_line() -> None:
    bad = MULTI_LINE.to_custom()
    del bad["source"]["script_lines"][1]["text"]
    with pytest.raises(SchemaError, match=r"custom\.source\.script_lines\.1\.text"):
        SupervisionCustom.from_custom(bad, cut_id="scene")
    with pytest.raises(SchemaError, match=r"custom\.source\.line_index"):
        SupervisionCustom.from_custom({"source": {"line_index": -1}}, cut_id="scene-000")


def test_unknown_field_is_an_error_not_ignored() -> None:
    with pytest.raises(SchemaError, match=r"custom\.knaa"):
        SupervisionCustom.from_custom({"knaa": "ア"}, cut_id="c")


def test_event_end_before_start_is_rejected() -> None:
    with pytest.raises(SchemaError, match=r"custom\.nonverbal\.0"):
        SupervisionCustom.from_custom({"nonverbal": [{"start": 2, "end": 1, "kind": "pause", "source": "vad"}]})


def test_nonfinite_quality_values_are_rejected() -> None:
    with pytest.raises(SchemaError, match="loudness_lufs"):
        SupervisionCustom.from_custom({"quality": {"loudness_lufs": float("-inf")}}, cut_id="c")


def test_rejected_item_round_trip() -> None:
    item = RejectedItem(id="x", kind="file", reason="truncated", detail="header says 10", stage="ingest", path="/a.wav")
    assert RejectedItem.model_validate(item.to_dict()) == item

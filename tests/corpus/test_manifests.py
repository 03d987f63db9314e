"""Manifest I/O: atomic writes, deterministic bytes, lazy reads, validation."""

from __future__ import annotations

import gzip
import json
import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest
from lhotse import MonoCut, Recording, SupervisionSegment

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.manifests import read_cuts, read_jsonl, validate_cuts, write_jsonl, write_manifest
from tsukasa.errors import DatasetError


def _cut(path: Path, i: int, custom: dict | None = None) -> MonoCut:
    rec = Recording.from_file(path, recording_id=f"r{i}")
    sup = SupervisionSegment(id=f"c{i}", recording_id=rec.id, start=0, duration=rec.duration, text="あ", custom=custom)
    return MonoCut(id=f"c{i}", start=0, duration=rec.duration, channel=0, recording=rec, supervisions=[sup])


def _slow_writer(path: str, started) -> None:  # noqa: ANN001 - a multiprocessing Event
    def records():
        for i in range(10**9):
            if i == 100:
                started.set()
            yield {"i": i}
            time.sleep(0.001)

    write_jsonl(records(), path)


def test_interrupted_write_leaves_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "cuts.jsonl.gz"
    write_jsonl([{"v": "old"}], target)
    before = target.read_bytes()
    started = mp.get_context("fork").Event()
    proc = mp.get_context("fork").Process(target=_slow_writer, args=(str(target), started))
    proc.start()
    assert started.wait(30)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert target.read_bytes() == before
    assert list(read_jsonl(target)) == [{"v": "old"}]


def test_same_content_gives_same_bytes(tmp_path: Path) -> None:
    write_jsonl([{"a": 1, "t": "声"}], tmp_path / "a.jsonl.gz")
    time.sleep(1.1)  # a gzip header with a timestamp would differ now
    write_jsonl([{"a": 1, "t": "声"}], tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.jsonl.gz").read_bytes()).decode() == '{"a":1,"t":"声"}\n'


def test_cuts_round_trip_lazily(tmp_path: Path) -> None:
    wav = write_audio(tmp_path / "a.wav", tone(0.5, 16000), 16000)
    cuts = [_cut(wav, i, {"kana": "ア"}) for i in range(3)]
    write_manifest(cuts, tmp_path / "cuts.jsonl.gz")
    lazy = read_cuts(tmp_path / "cuts.jsonl.gz")
    assert lazy.is_lazy
    assert [c.to_dict() for c in lazy] == [c.to_dict() for c in cuts]
    assert validate_cuts(lazy) == []


def test_validation_reports_schema_problems_and_duplicates(tmp_path: Path) -> None:
    wav = write_audio(tmp_path / "a.wav", tone(0.5, 16000), 16000)
    cuts = [_cut(wav, 1, {"kana": 5, "phonemes": "not-a-list"}), _cut(wav, 1)]
    problems = validate_cuts(cuts)
    assert any("cut 'c1': custom.kana" in p for p in problems)
    assert any("duplicate id" in p for p in problems)


def test_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="manifest not found"):
        read_cuts(tmp_path / "nope.jsonl.gz")


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n{oops\n')
    with pytest.raises(DatasetError, match=r"x\.jsonl:2"):
        list(read_jsonl(p))


def test_fast_manifest_dicts_equal_lhotses_own(tmp_path: Path) -> None:
    """write_manifest converts cuts without dataclasses.asdict; the dicts must be lhotse's, key for key."""
    from lhotse import MultiCut
    from lhotse.array import Array
    from lhotse.supervision import AlignmentItem

    from tsukasa.corpus.manifests import manifest_dict

    path = write_audio(tmp_path / "a.wav", tone(1.0, 16000, channels=2), 16000)
    rec = Recording.from_file(path)
    sup = SupervisionSegment(
        id="s", recording_id=rec.id, start=0.1, duration=0.5, channel=0, text="こんにちは", language="ja",
        custom={"kana": "コンニチワ", "nested": {"none_kept": None, "list": [1, 2.5, "x"]}, "t": (1, 2)},
    )  # fmt: skip
    aligned = sup.with_alignment("word", [AlignmentItem("こんにちは", 0.1, 0.5)])
    f0 = Array(storage_type="numpy_files", storage_path=str(tmp_path), storage_key="f0.npy", shape=[10])
    cases = [
        rec,
        rec.resample(8000),  # transforms: lhotse's own path
        sup,
        aligned,
        MonoCut(id="c", start=0.0, duration=1.0, channel=0, recording=rec, supervisions=[sup]),
        MonoCut(
            id="d",
            start=0.2,
            duration=0.5,
            channel=[0, 1],
            recording=rec,
            supervisions=[sup],
            custom={"f0": f0, "source_path": "a.wav", "empty": None},
        ),  # fmt: skip
        MonoCut(id="e", start=0.0, duration=1.0, channel=0, recording=rec, supervisions=[aligned]),
        MonoCut(id="f", start=0.0, duration=1.0, channel=0, recording=rec.resample(8000), supervisions=[]),
        MonoCut(id="g", start=0.0, duration=1.0, channel=0, recording=rec, custom={"other": rec}),
        MultiCut(id="m", start=0.0, duration=1.0, channel=[0, 1], recording=rec, supervisions=[sup]),
    ]
    for item in cases:
        assert manifest_dict(item) == item.to_dict(), item.id
        assert json.dumps(manifest_dict(item)) == json.dumps(item.to_dict()), item.id  # same bytes on disk


def test_sorted_lines_come_back_in_key_order_and_leave_no_file(tmp_path: Path) -> None:
    """The on-disk sort behind streamed writers: Python's order for (str, float, int) keys, equal
    keys in the order they came, any number of lines, and its temporary file gone afterwards."""
    import random

    from tsukasa.corpus.manifests import SortedLines

    rnd = random.Random(3)
    names = ["voice/a.ogg", "voice/b.ogg", "ボイス/あ.ogg", "voice/ä.ogg", "", "voice/A.ogg"]
    items = [((rnd.choice(names), rnd.choice([0.0, 1.5, -2.0, 1e-9, 3.25]), rnd.randrange(3)), f"{i}".encode())
             for i in range(3 * SortedLines.BATCH + 17)]  # fmt: skip
    with SortedLines(tmp_path) as spool:
        for key, line in items:
            spool.add(key, line)
        assert len(list(tmp_path.iterdir())) == 1  # one temporary database beside the output
        got = list(spool.lines())
    assert got == [line for _, line in sorted(items, key=lambda item: item[0])]  # a stable sort
    assert list(tmp_path.iterdir()) == []
    with SortedLines(tmp_path) as spool:
        assert list(spool.lines()) == []
        spool.add(("a", 1.0), b"x")
        with pytest.raises(ValueError, match="has 3 items, not 2"):
            spool.add(("a", 1.0, 2), b"y")

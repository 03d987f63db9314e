"""Ingest over real files: good files kept, every bad kind rejected by name, re-runs incremental."""

from __future__ import annotations

import copy
import gc
import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import IngestConfig, ingest, load_script, recording_id
from tsukasa.corpus.manifests import read_jsonl
from tsukasa.corpus.schema import read_supervision_custom
from tsukasa.errors import ConfigError


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    write_audio(raw / "sakura" / "s001.wav", tone(1.0, 44100, channels=2), 44100)
    write_audio(raw / "sakura" / "s002.flac", tone(1.2, 48000, freq=330), 48000, subtype="PCM_24")
    write_audio(raw / "takeru" / "t001.ogg", tone(0.8, 22050, freq=150), 22050, format="OGG", subtype="VORBIS")
    write_audio(raw / "takeru" / "t002.mp3", tone(1.5, 44100, freq=180), 44100, format="MP3")
    bad = raw / "bad"
    bad.mkdir()
    (bad / "empty.wav").write_bytes(b"")
    (bad / "notes.wav").write_text("not audio at all")
    (bad / "corrupt.flac").write_bytes(b"fLaC" + bytes(range(256)) * 4)
    full = write_audio(bad / "full.wav", tone(2.0, 16000), 16000)
    (bad / "truncated.wav").write_bytes(full.read_bytes()[:20000])
    full.unlink()
    x = tone(1.0, 16000)
    x[100] = np.nan
    write_audio(bad / "nan.wav", x, 16000, subtype="FLOAT")
    write_audio(bad / "silent.wav", np.zeros(16000, np.float32), 16000)
    write_audio(bad / "short.wav", tone(0.05, 16000), 16000)
    shutil.copyfile(raw / "sakura" / "s001.wav", bad / "s001_copy.wav")
    (raw / "readme.txt").write_text("dump notes")
    return raw


EXPECTED_BAD = {
    "bad/empty.wav": "empty",
    "bad/notes.wav": "not_audio",
    "bad/corrupt.flac": "corrupt",
    "bad/truncated.wav": "truncated",
    "bad/nan.wav": "non_finite",
    "bad/silent.wav": "silent",
    "bad/short.wav": "too_short",
    "bad/s001_copy.wav": "duplicate",
}


def test_each_bad_kind_is_rejected_with_its_reason_and_good_files_kept(raw: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    report = ingest(raw, ds)
    got = {os.path.relpath(r.path, raw): r.reason for r in report.rejected}
    assert got == EXPECTED_BAD
    assert all(r.detail for r in report.rejected)
    recs = {Path(c.recording.sources[0].source).relative_to(raw).as_posix(): c for c in ds.cuts()}
    assert sorted(recs) == ["sakura/s001.wav", "sakura/s002.flac", "takeru/t001.ogg", "takeru/t002.mp3"]
    stereo = recs["sakura/s001.wav"].recording
    assert stereo.num_channels == 2 and stereo.sampling_rate == 44100
    assert stereo.load_audio().shape == (2, 44100)  # lhotse decodes it through its own backends
    assert report.ignored == {".txt": 1}
    # the rejected manifest on disk says the same
    assert {os.path.relpath(r.path, raw): r.reason for r in ds.rejected()} == EXPECTED_BAD
    # and what the ingest did is kept with the version it made
    kept = yaml.safe_load((ds.version_dir(report.version) / "ingest.yaml").read_text(encoding="utf-8"))
    assert kept["rejected"] == dict(Counter(EXPECTED_BAD.values()))
    assert (kept["files_read"], kept["recordings"], kept["ignored"]) == (report.scanned, 4, {".txt": 1})
    assert 0 < kept["wall_seconds"] <= report.wall_s  # timed up to the version, the report to the end


def test_read_ahead_changes_nothing_but_timing(raw: Path, dataset_root: Path) -> None:
    """The kernel read-ahead hint (posix_fadvise) must not change a single manifest byte, and the
    progress callback still counts every file."""
    seen: list[tuple[int, int]] = []
    reports = {}
    for ahead in (0, 3):
        ds = Dataset.create(f"ahead{ahead}", dataset_root)
        reports[ahead] = ingest(
            raw, ds, config=IngestConfig(read_ahead=ahead), progress=lambda d, t: seen.append((d, t))
        )
    a, b = (Dataset.open(f"ahead{n}", dataset_root) for n in (0, 3))
    assert [c.to_dict() for c in a.cuts()] == [c.to_dict() for c in b.cuts()]
    assert [r.reason for r in reports[0].rejected] == [r.reason for r in reports[3].rejected]
    assert seen[-1] == (reports[3].scanned, reports[3].scanned) and reports[3].scanned == 12


class _MarkingChunk:
    marks: Path | None = None
    real = None


def _marking_chunk(job: tuple) -> list[bytes]:
    """``ingest._scan_chunk`` that also records which process ran it (module level: workers unpickle it)."""
    (_MarkingChunk.marks / str(os.getpid())).touch()
    return _MarkingChunk.real(job)


class _SlowParent:
    pid = 0
    real = None


def _slow_parent_scan_all(root: str, todo: list, config: IngestConfig):  # noqa: ANN201 - a generator
    """``ingest._scan_all`` that waits 20 ms per chunk in the test's own process only, so a helper,
    which starts a few ms after the fork (more on a loaded machine), always gets chunks to take:
    without it this process may steal them all first, which is right but tests nothing."""
    if os.getpid() == _SlowParent.pid:
        time.sleep(0.02)
    yield from _SlowParent.real(root, todo, config)


@pytest.fixture
def slow_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    import tsukasa.corpus.ingest as ingest_module

    monkeypatch.setattr(_SlowParent, "pid", os.getpid())
    monkeypatch.setattr(_SlowParent, "real", staticmethod(ingest_module._scan_all))
    monkeypatch.setattr(ingest_module, "_scan_all", _slow_parent_scan_all)


def test_parallel_scan_gives_the_same_manifests_as_one_process(
    tmp_path: Path, dataset_root: Path, monkeypatch: pytest.MonkeyPatch, slow_parent: None
) -> None:
    """From ``parallel_min_files`` on, the scan runs in worker processes (sharing the chunks with
    this one); results must come back whole, manifests identical, with bad files still named."""
    import tsukasa.corpus.ingest as ingest_module

    raw = tmp_path / "many"
    rng = np.random.default_rng(0)
    n = 300
    for i in range(n):
        write_audio(raw / f"c{i % 3}" / f"l{i:04d}.wav", tone(0.25, 8000, freq=float(rng.uniform(100, 400))), 8000)
    (raw / "c0" / "broken.wav").write_bytes(b"RIFF....WAVEfmt garbage")
    # Each chunk leaves a file named after the process that scanned it (forked workers see the patch).
    marks = tmp_path / "scanned_by"
    marks.mkdir()
    monkeypatch.setattr(_MarkingChunk, "marks", marks)
    monkeypatch.setattr(_MarkingChunk, "real", staticmethod(ingest_module._scan_chunk))
    monkeypatch.setattr(ingest_module, "_scan_chunk", _marking_chunk)
    reports = {}
    for workers in (1, 2):
        ds = Dataset.create(f"w{workers}", dataset_root)
        reports[workers] = ingest(raw, ds, config=IngestConfig(workers=workers, parallel_min_files=64))
    assert {p.name for p in marks.iterdir()} - {str(os.getpid())}, "no worker process scanned anything"
    one, two = (Dataset.open(f"w{n}", dataset_root) for n in (1, 2))
    assert one.ingest_index_path.read_bytes() == two.ingest_index_path.read_bytes()
    # the recordings are made by the process that scanned each file: the same bytes either way
    assert one.recordings_path.read_bytes() == two.recordings_path.read_bytes()
    assert [c.to_dict() for c in one.cuts()] == [c.to_dict() for c in two.cuts()]
    assert reports[2].recordings == n
    assert reports[1].formats == reports[2].formats and reports[1].duration_s == reports[2].duration_s
    assert [(os.path.relpath(r.path, raw), r.reason) for r in reports[2].rejected] == [("c0/broken.wav", "corrupt")]


class _DyingChunk:
    flag: Path | None = None
    real = None


def _dying_chunk(job: tuple) -> list:
    """``ingest._scan_chunk`` in a helper that is killed (as by the OOM killer) on its second chunk."""
    if _DyingChunk.flag.exists():
        os._exit(9)
    _DyingChunk.flag.touch()
    return _DyingChunk.real(job)


def test_a_scan_helper_that_dies_loses_no_file(
    tmp_path: Path, dataset_root: Path, monkeypatch: pytest.MonkeyPatch, slow_parent: None
) -> None:
    """A helper process that dies mid-scan must not lose the chunks it took: this process scans
    them itself, and the manifests are those of a one-process run."""
    import tsukasa.corpus.ingest as ingest_module

    raw = tmp_path / "many"
    for i in range(300):
        write_audio(raw / f"l{i:04d}.wav", tone(0.25, 8000, freq=100.0 + i), 8000)
    monkeypatch.setattr(_DyingChunk, "flag", tmp_path / "helper_scanned_once")
    monkeypatch.setattr(_DyingChunk, "real", staticmethod(ingest_module._scan_chunk))
    monkeypatch.setattr(ingest_module, "_scan_chunk", _dying_chunk)
    reports = {}
    for w in (2, 1):
        config = IngestConfig(workers=w, parallel_min_files=64)
        reports[w] = ingest(raw, Dataset.create(f"w{w}", dataset_root), config=config)
    assert _DyingChunk.flag.exists(), "the helper never ran"
    assert reports[2].recordings == reports[1].recordings == 300 and not reports[2].rejected
    one, two = (Dataset.open(f"w{w}", dataset_root) for w in (1, 2))
    assert one.ingest_index_path.read_bytes() == two.ingest_index_path.read_bytes()
    assert one.recordings_path.read_bytes() == two.recordings_path.read_bytes()


def _helper_dying_mid_message(root, chunks, config, untaken, lock, conn) -> None:  # noqa: ANN001
    """A scan helper killed while sending: takes the first chunk, writes half a message, exits."""
    import struct

    with lock:
        untaken[0] = 1
    os.write(conn.fileno(), struct.pack("!i", 1000) + b"0123456789")
    os._exit(9)


def test_a_scan_helper_killed_while_sending_loses_no_file(tmp_path: Path, dataset_root: Path, monkeypatch) -> None:
    """Half a message in the pipe reads as a dead helper (not a crash of the ingest): the chunk
    it took is scanned here."""
    import tsukasa.corpus.ingest as ingest_module

    raw = tmp_path / "many"
    for i in range(200):
        write_audio(raw / f"l{i:04d}.wav", tone(0.25, 8000, freq=100.0 + i), 8000)
    monkeypatch.setattr(ingest_module, "_scan_helper", _helper_dying_mid_message)
    report = ingest(raw, Dataset.create("d", dataset_root), config=IngestConfig(workers=2, parallel_min_files=64))
    assert report.recordings == 200 and not report.rejected


def test_small_dumps_are_scanned_in_this_process(tmp_path: Path, dataset_root: Path, monkeypatch) -> None:
    """Below ``parallel_min_files`` no process is started (it would cost more than it saves)."""
    import tsukasa.corpus.ingest as ingest_module

    raw = tmp_path / "few"
    for i in range(40):
        write_audio(raw / f"l{i:03d}.wav", tone(0.25, 8000, freq=200.0 + i), 8000)
    monkeypatch.setattr(ingest_module, "_scan_chunk", lambda job: pytest.fail("a worker process was used"))
    report = ingest(raw, Dataset.create("few", dataset_root), config=IngestConfig(workers=2, parallel_min_files=64))
    assert report.recordings == 40


def test_index_lines_are_exactly_what_the_index_entry_model_writes(raw: Path, dataset_root: Path) -> None:
    """Scans encode each file's index line themselves (no pydantic model per file); every line —
    good files and each kind of bad one — must be the model's own JSON, field order included."""
    from tsukasa.corpus.ingest import IndexEntry

    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds, config=IngestConfig(min_duration=0.3))
    lines = gzip.decompress(ds.ingest_index_path.read_bytes()).splitlines()
    reasons = set()
    for line in lines:
        entry = IndexEntry.model_validate_json(line)
        assert entry.model_dump_json().encode() == line
        reasons.add(entry.reason)
    assert None in reasons and {"silent", "too_short", "corrupt", "empty"} <= reasons


def test_ingest_with_a_script_imports_neither_lhotse_nor_torch(raw: Path, dataset_root: Path, tmp_path: Path) -> None:
    """Importing lhotse pulls in torch: ~1.7 s on every `tsukasa ingest`, and a parent holding
    torch forks its scan processes slower. Ingest writes lhotse's manifest dicts itself."""
    script = tmp_path / "script.tsv"
    script.write_text("file\ttext\tspeaker\nsakura/s001.wav\tおはよう。\tsakura\n", encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom tsukasa.corpus.dataset import Dataset\n"
        "from tsukasa.corpus.ingest import ingest\n"
        "r = ingest(Path(sys.argv[1]), Dataset.create('t', Path(sys.argv[2])), script=sys.argv[3])\n"
        "print(r.recordings, r.script_lines, sorted(m for m in ('torch', 'lhotse') if m in sys.modules))\n"
    )
    args = [sys.executable, "-c", code, str(raw), str(dataset_root), str(script)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("[")[1].strip() == "]"  # no torch, no lhotse
    assert int(done.stdout.split()[0]) > 0 and done.stdout.split()[1] == "1"


def test_recording_ids_are_hash_prefix_plus_path_slug(raw: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds)
    import xxhash

    digest = xxhash.xxh3_128_hexdigest((raw / "sakura" / "s002.flac").read_bytes())
    ids = {c.id for c in ds.cuts()}
    assert recording_id(digest, "sakura/s002.flac") in ids
    assert f"{digest[:12]}-sakura__s002.flac" in ids


def test_ingest_twice_adds_nothing_and_reads_nothing(raw: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    first = ingest(raw, ds)
    second = ingest(raw, Dataset.open("t", dataset_root))
    assert second.scanned == 0 and second.unchanged == first.scanned
    assert second.version is None  # nothing changed → no new version
    ids = [c.id for c in Dataset.open("t", dataset_root).cuts()]
    assert len(ids) == len(set(ids)) == 4


# A re-ingest killed (kill -9) just before its version is written, as a crash would: the
# files it read and the script it was given must not count as ingested when it is run again.
_KILLED_BEFORE_VERSION = """
import os, signal, sys
from pathlib import Path
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
Dataset.write_version = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
ingest(Path(sys.argv[1]), Dataset.open("t", Path(sys.argv[2])), script=sys.argv[3] if len(sys.argv) > 3 else None)
"""


def test_a_reingest_killed_before_its_version_is_redone_when_run_again(
    raw: Path, dataset_root: Path, tmp_path: Path
) -> None:
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds)
    write_audio(raw / "yui" / "y001.wav", tone(1.0, 24000, freq=400), 24000)
    script = tmp_path / "script.tsv"
    script.write_text("file\ttext\nyui/y001.wav\tこんにちは\n", encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BEFORE_VERSION, str(raw), str(dataset_root), str(script)], timeout=300
    )
    assert killed.returncode == -signal.SIGKILL
    assert Dataset.open("t", dataset_root).current_version == 1
    assert not ds.script_path.exists()  # the script is saved with the version it belongs to, not before

    report = ingest(raw, Dataset.open("t", dataset_root))  # run again (here without the script)
    assert report.version == 2  # before: the index already held y001.wav, so nothing was "new"
    paths = sorted(Path(c.recording.sources[0].source).name for c in Dataset.open("t", dataset_root).cuts())
    assert "y001.wav" in paths and len(paths) == 5
    assert not ds.script_path.exists()


# An ingest killed (kill -9) in the middle of reading the dump, after six files, checkpointing every two.
_KILLED_MID_SCAN = """
import os, signal, sys
from pathlib import Path
from tsukasa.corpus import ingest as ing
from tsukasa.corpus.dataset import Dataset
real, calls = ing._scan, []
def scan(*args, **kwargs):
    calls.append(1)
    if len(calls) == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
ing._scan = scan
ing.ingest(Path(sys.argv[1]), Dataset.create("k", Path(sys.argv[2])), config=ing.IngestConfig(checkpoint_every=2))
"""


def test_an_ingest_killed_mid_scan_resumes_from_its_checkpoint(raw: Path, dataset_root: Path) -> None:
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_SCAN, str(raw), str(dataset_root)], timeout=300)
    assert killed.returncode == -signal.SIGKILL
    ds = Dataset.open("k", dataset_root)
    assert ds.current_version is None and (ds.path / "ingest_index.partial.jsonl").exists()

    report = ingest(raw, ds)  # the same command again
    assert (report.resumed, report.scanned, report.version) == (6, 6, 1)  # the six read before are not read again
    assert not (ds.path / "ingest_index.partial.jsonl").exists()
    clean = Dataset.create("clean", dataset_root)
    ingest(raw, clean)
    assert [c.to_dict() for c in ds.cuts()] == [c.to_dict() for c in clean.cuts()]
    assert [r.to_dict() for r in ds.rejected()] == [r.to_dict() for r in clean.rejected()]


def test_reingest_judges_indexed_files_under_the_new_settings_without_reading_them(
    raw: Path, dataset_root: Path
) -> None:
    """--min-duration or the silence level given again re-judges what the index holds; --verify full
    after a quick ingest reads again only the files the quick scan sampled."""
    ingest(raw, Dataset.create("t", dataset_root))
    lower = ingest(raw, Dataset.open("t", dataset_root), config=IngestConfig(min_duration=0.01))
    assert lower.scanned == 0 and lower.version == 2
    assert "bad/short.wav" not in {os.path.relpath(r.path, raw) for r in lower.rejected}  # now a recording
    higher = ingest(raw, Dataset.open("t", dataset_root), config=IngestConfig(min_duration=1.1))
    short = {os.path.relpath(r.path, raw) for r in higher.rejected if r.reason == "too_short"}
    assert higher.scanned == 0 and short == {"bad/short.wav", "sakura/s001.wav", "bad/s001_copy.wav", "takeru/t001.ogg"}
    full = ingest(raw, Dataset.open("t", dataset_root), config=IngestConfig(verify="full"))
    assert 0 < full.scanned < full.scanned + full.unchanged  # only the sampled files were read again
    assert {os.path.relpath(r.path, raw): r.reason for r in full.rejected} == EXPECTED_BAD


def test_a_higher_silence_level_reads_sampled_files_again_instead_of_trusting_their_partial_peak(
    tmp_path: Path, dataset_root: Path
) -> None:
    """A quick scan stops measuring a file at its first loud window, so the stored peak is a lower
    bound: a loud line whose middle is quiet must not turn "silent" under a stricter level."""
    sr = 24000
    quiet_middle = np.concatenate([tone(1.0, sr, amp=0.5), tone(1.0, sr, amp=0.01), tone(1.0, sr, amp=0.5)])
    raw = tmp_path / "raw"
    write_audio(raw / "line.wav", quiet_middle, sr)
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds)
    first = next(read_jsonl(ds.ingest_index_path))
    assert first["coverage"] == "sampled" and first["peak"] < 0.02  # the middle window only
    again = ingest(raw, Dataset.open("t", dataset_root), config=IngestConfig(silence_peak_dbfs=-20))
    assert again.scanned == 1 and again.recordings == 1 and not again.rejected


def test_reingest_reads_only_new_or_changed_files(raw: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds)
    write_audio(raw / "yui" / "y001.wav", tone(1.0, 24000, freq=400), 24000)
    write_audio(raw / "sakura" / "s002.flac", tone(1.0, 48000, freq=500), 48000)  # changed content
    report = ingest(raw, Dataset.open("t", dataset_root))
    assert report.scanned == 2
    assert report.version == 2
    paths = sorted(Path(c.recording.sources[0].source).name for c in Dataset.open("t", dataset_root).cuts())
    assert paths == ["s001.wav", "s002.flac", "t001.ogg", "t002.mp3", "y001.wav"]


def test_removed_file_is_reported_not_silently_forgotten(raw: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds)
    (raw / "takeru" / "t001.ogg").unlink()
    report = ingest(raw, Dataset.open("t", dataset_root))
    assert [r.path for r in report.rejected if r.reason == "source_missing"] == [str(raw / "takeru" / "t001.ogg")]


def test_script_attached_by_file_and_by_folder(raw: Path, dataset_root: Path, tmp_path: Path) -> None:
    script = tmp_path / "script.tsv"
    script.write_text(
        "file\ttext\tline_id\tspeaker\ttitle\n"
        "sakura/s001.wav\tおはよう。\ts001\tsakura\t夏\n"
        "s002\tまたね！\ts002\tsakura\t夏\n"  # by stem
        "\t雨が降ってきたな。\tf001\ttakeru\t夏\n"  # folder-level
        "missing.wav\tない。\tm1\t\t\n",
        encoding="utf-8",
    )
    ds = Dataset.create("t", dataset_root)
    report = ingest(raw, ds, script=script)
    by_path = {c.custom["source_path"]: c for c in ds.cuts()}
    sup = by_path["sakura/s001.wav"].supervisions[0]
    assert sup.text == "おはよう。" and sup.speaker == "sakura"
    src = read_supervision_custom(sup).source
    assert (src.line_id, src.script_scope, src.title) == ("s001", "file", "夏")
    assert by_path["sakura/s002.flac"].supervisions[0].text == "またね！"
    assert by_path["takeru/t001.ogg"].supervisions == []
    assert report.script_folder_lines == 1
    assert report.script_unmatched and "missing.wav" in report.script_unmatched[0]
    folder = [ln for ln in load_script(script) if ln.file is None]
    assert [ln.text for ln in folder] == ["雨が降ってきたな。"]
    assert ds.script_path.exists()


def test_file_named_on_several_rows_keeps_every_line_in_row_order(
    raw: Path, dataset_root: Path, tmp_path: Path
) -> None:
    """A voice file holding a short exchange: the script lists each line against the same file.
    Every line is kept (before, the last row replaced the others); a repeated row is counted once."""
    script = tmp_path / "script.tsv"
    script.write_text(
        "file\ttext\tline_id\tspeaker\n"
        "takeru/t002.mp3\t雨が降ってきたな。\tc1\ttakeru\n"
        "sakura/s001.wav\tおはよう。\ts001\tsakura\n"
        "takeru/t002.mp3\t傘、持ってる？\tc2\tsakura\n"
        "takeru/t002.mp3\t雨が降ってきたな。\tc1\ttakeru\n"  # the same row again
        "t002\tいや、忘れた。\tc3\ttakeru\n",  # by stem
        encoding="utf-8",
    )
    report = ingest(raw, Dataset.create("t", dataset_root), script=script)
    assert report.script_multi_line_files == 1
    assert [m for m in report.script_unmatched if "repeats row 2" in m] == [
        "row 5: repeats row 2 for file 'takeru/t002.mp3'; counted once"
    ]
    by_path = {c.custom["source_path"]: c for c in Dataset.open("t", dataset_root).cuts()}
    (sup,) = by_path["takeru/t002.mp3"].supervisions
    assert sup.text == "雨が降ってきたな。傘、持ってる？いや、忘れた。"
    assert sup.speaker is None  # two characters speak in it
    src = read_supervision_custom(sup).source
    assert src.script_scope == "file" and src.line_id is None
    assert [(ln.text, ln.line_id, ln.character) for ln in src.script_lines] == [
        ("雨が降ってきたな。", "c1", "takeru"),
        ("傘、持ってる？", "c2", "sakura"),
        ("いや、忘れた。", "c3", "takeru"),
    ]
    one = read_supervision_custom(by_path["sakura/s001.wav"].supervisions[0]).source
    assert one.script_lines is None and one.line_id == "s001"


def test_script_names_match_across_case_and_unicode_form(tmp_path: Path, dataset_root: Path) -> None:
    """Windows games name files in any case; macOS archives store kana decomposed (NFD)."""
    import unicodedata

    raw = tmp_path / "raw"
    write_audio(raw / "voice" / "a001.ogg", tone(1.0, 22050), 22050, format="OGG", subtype="VORBIS")
    nfd = unicodedata.normalize("NFD", "ボイス_が01")
    write_audio(raw / "scene" / f"{nfd}.wav", tone(1.0, 16000, freq=300), 16000)
    write_audio(raw / "voice" / "b.001.wav", tone(1.0, 16000, freq=500), 16000)
    script = tmp_path / "s.tsv"
    script.write_text(
        "file\ttext\nVOICE\\A001.OGG\tおはよう。\nscene/ボイス_が01.wav\tがんばって。\nb.001\tまたね。\n",
        encoding="utf-8",
    )
    report = ingest(raw, Dataset.create("t", dataset_root), script=script)
    assert report.script_unmatched == []
    texts = {c.custom["source_path"]: c.supervisions[0].text for c in Dataset.open("t", dataset_root).cuts()}
    assert texts == {"voice/a001.ogg": "おはよう。", f"scene/{nfd}.wav": "がんばって。", "voice/b.001.wav": "またね。"}


def test_line_id_that_names_a_file_attaches_the_line_to_it(raw: Path, dataset_root: Path, tmp_path: Path) -> None:
    """A voice list keyed by the id its files are named after has no file column at all."""
    script = tmp_path / "s.tsv"
    script.write_text("id\ttext\nS001\tおはよう。\nX99\t雨が降ってきたな。\n", encoding="utf-8")
    report = ingest(raw, Dataset.create("t", dataset_root), script=script)
    assert (report.script_file_lines, report.script_folder_lines) == (1, 1)
    assert "row 2: line id 'S001' names file 'sakura/s001.wav'" in report.script_notes
    texts = {c.custom["source_path"]: [s.text for s in c.supervisions] for c in Dataset.open("t", dataset_root).cuts()}
    assert texts["sakura/s001.wav"] == ["おはよう。"]
    # the other row stays the folder's script (matched later by reading)
    saved = [ln for ln in load_script(script) if ln.line_id == "X99"]
    assert saved and saved[0].file is None


def test_file_name_in_shift_jis_bytes_is_rejected_by_name_and_the_run_goes_on(
    tmp_path: Path, dataset_root: Path
) -> None:
    """A Japanese archive unpacked on Linux keeps Shift-JIS names: no JSON manifest can hold them
    (it was a serialisation traceback); the file is named, with the fix, and the others ingest."""
    raw = tmp_path / "raw"
    write_audio(raw / "ok.wav", tone(1.0, 16000), 16000)
    write_audio(raw / "tmp.wav", tone(1.0, 16000, freq=300), 16000)
    os.rename(os.fsencode(raw / "tmp.wav"), os.fsencode(raw) + b"/" + "ボイス_01.wav".encode("cp932"))
    ds = Dataset.create("t", dataset_root)
    report = ingest(raw, ds)
    assert report.recordings == 1
    (bad,) = report.rejected
    assert (bad.reason, bad.path) == ("bad_filename", "ボイス_01.wav") and "convmv" in bad.detail
    assert [r.reason for r in ds.rejected()] == ["bad_filename"]
    again = ingest(raw, Dataset.open("t", dataset_root))  # nothing new: no version, the name still reported
    assert again.version is None and [r.reason for r in again.rejected] == ["bad_filename"]


def test_broken_links_and_pipes_are_named_not_opened(tmp_path: Path, dataset_root: Path) -> None:
    """A dump copied with its links can hold broken ones (a traceback before), and reading a named
    pipe would block forever: both are rejected as unreadable, by name, and the run goes on."""
    import signal

    raw = tmp_path / "raw"
    write_audio(raw / "ok.wav", tone(1.0, 16000), 16000)
    (raw / "broken.wav").symlink_to(tmp_path / "gone" / "x.wav")
    os.mkfifo(raw / "pipe.wav")
    os.mkfifo(raw / "pipe.bin")  # no audio extension: sniffing it must not open it either
    old = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("ingest blocked on a named pipe"))
    signal.alarm(60)
    try:
        report = ingest(raw, Dataset.create("t", dataset_root))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert report.recordings == 1
    got = {Path(r.path).name: (r.reason, r.detail) for r in report.rejected}
    assert got == {
        "broken.wav": ("unreadable", "broken symbolic link"),
        "pipe.wav": ("unreadable", "not a regular file (a named pipe)"),
    }
    assert report.ignored[".bin"] == 1


def test_same_script_again_makes_no_new_version_but_an_edited_one_does(
    raw: Path, dataset_root: Path, tmp_path: Path
) -> None:
    script = tmp_path / "script.tsv"
    script.write_text("file\ttext\ns001\tおはよう。\n", encoding="utf-8")
    first = ingest(raw, Dataset.create("t", dataset_root), script=script)
    assert first.version == 1
    again = ingest(raw, Dataset.open("t", dataset_root), script=script)
    assert again.version is None and again.same_as_version == 1
    ds = Dataset.open("t", dataset_root)
    assert [v.number for v in ds.meta.versions] == [1] and ds.current_version == 1
    script.write_text("file\ttext\ns001\tおはようございます。\n", encoding="utf-8")
    edited = ingest(raw, Dataset.open("t", dataset_root), script=script)
    assert edited.version == 2
    texts = {c.custom["source_path"]: c.supervisions for c in Dataset.open("t", dataset_root).cuts()}
    assert texts["sakura/s001.wav"][0].text == "おはようございます。"


def test_objects_made_before_ingest_are_frozen_during_it_and_released_after(
    raw: Path, dataset_root: Path, tmp_path: Path
) -> None:
    """The cyclic GC skips the pre-existing heap while ingest runs (a full collection over
    torch's objects cost 130 ms), and gets it back afterwards — also when ingest fails."""
    before = gc.get_freeze_count()
    seen: list[int] = []
    report = ingest(
        raw, Dataset.create("t", dataset_root), progress=lambda done, total: seen.append(gc.get_freeze_count())
    )
    assert report.recordings == 4
    assert seen and min(seen) > before
    assert gc.get_freeze_count() == before
    with pytest.raises(ConfigError):
        ingest(raw, Dataset.open("t", dataset_root), script=tmp_path / "missing.tsv")
    assert gc.get_freeze_count() == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp"])
def test_script_in_any_encoding_japanese_scripts_come_in_reads_the_same(tmp_path: Path, encoding: str) -> None:
    """Game scripts are as often Shift-JIS (cp932) as UTF-8; EUC-JP in older dumps, UTF-16 from Windows tools."""
    text = "file\ttext\tspeaker\nsakura/s001.wav\tおはようございます、先輩！\tさくら\n\t雨が降ってきたな。\t武\n"
    script = tmp_path / f"script_{encoding}.tsv"
    script.write_bytes(text.encode(encoding))
    lines = load_script(script)
    assert [(ln.file, ln.text, ln.speaker) for ln in lines] == [
        ("sakura/s001.wav", "おはようございます、先輩！", "さくら"),
        (None, "雨が降ってきたな。", "武"),
    ]


@pytest.mark.parametrize(
    "data,message",
    [(b"", "script is empty"), (b"\x81 \x81 text", "cannot read the text as UTF-8")],
    ids=["empty", "undecodable"],
)
def test_unreadable_script_is_one_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    script = tmp_path / "s.tsv"
    script.write_bytes(data)
    with pytest.raises(ConfigError, match=message):
        load_script(script)


def test_script_columns_under_other_names_and_rows_without_text(raw: Path, dataset_root: Path, tmp_path: Path) -> None:
    """A fan-made voice list: Japanese headers, a row for a breath without text, an explicit mapping."""
    script = tmp_path / "voices.csv"
    script.write_text(
        "ボイス,キャラ,セリフ,備考\nsakura/s001.wav,さくら,おはよう。,\nsakura/s002.flac,さくら,,息\n", encoding="utf-8"
    )
    report = ingest(raw, Dataset.create("t", dataset_root), script=script)
    assert report.script_notes == [
        "column 'セリフ' read as text",
        "column 'ボイス' read as file",
        "column 'キャラ' read as speaker",
        "row 3: empty text, skipped (file 'sakura/s002.flac')",
    ]
    texts = {c.custom["source_path"]: c.supervisions for c in Dataset.open("t", dataset_root).cuts()}
    assert [(s.text, s.speaker) for s in texts["sakura/s001.wav"]] == [("おはよう。", "さくら")]
    assert texts["sakura/s002.flac"] == []
    # an explicit mapping wins over the names; a wrong one is one clear error
    lines = load_script(script, columns={"text": "備考", "file": "ボイス"}, notes=[])
    assert [(ln.file, ln.text) for ln in lines] == [("sakura/s002.flac", "息")]
    with pytest.raises(ConfigError, match="no column 'serifu' for text"):
        load_script(script, columns={"text": "serifu"})
    with pytest.raises(ConfigError, match="empty 'text'"):
        load_script(script)  # without notes to report to, a row without text is an error


def test_script_columns_option_is_parsed_and_checked() -> None:
    from tsukasa.corpus.ingest import parse_script_columns

    assert parse_script_columns("file=vo, text=msg") == {"file": "vo", "text": "msg"}
    assert parse_script_columns(None) == {}
    with pytest.raises(ConfigError, match="unknown column 'voice'"):
        parse_script_columns("voice=vo")
    with pytest.raises(ConfigError, match="COLUMN=HEADER"):
        parse_script_columns("file")


def test_script_without_text_column_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "s.csv"
    bad.write_text("file,line\na.wav,hello\n")
    with pytest.raises(ConfigError, match="'text' column"):
        load_script(bad)


def test_duplicate_prefers_the_file_the_script_names(tmp_path: Path, dataset_root: Path) -> None:
    raw = tmp_path / "raw"
    write_audio(raw / "a_copy.wav", tone(1.0, 16000), 16000)
    shutil.copyfile(raw / "a_copy.wav", raw / "z_original.wav")
    script = tmp_path / "s.tsv"
    script.write_text("file\ttext\nz_original.wav\tこんにちは\n", encoding="utf-8")
    ds = Dataset.create("t", dataset_root)
    report = ingest(raw, ds, script=script)
    assert [Path(r.path).name for r in report.rejected] == ["a_copy.wav"]
    assert [c.supervisions[0].text for c in ds.cuts()] == ["こんにちは"]


def test_duplicate_preference_and_script_lines_follow_names_as_the_script_writes_them(
    tmp_path: Path, dataset_root: Path
) -> None:
    """The script names the copy by stem and in capitals: that copy is still the one kept. A row
    naming a dropped duplicate (b2: b1 was a recording before the script came) gives its line to
    the copy kept, and the report says so."""
    raw = tmp_path / "raw"
    write_audio(raw / "b1.wav", tone(1.0, 16000, freq=500), 16000)
    shutil.copyfile(raw / "b1.wav", raw / "b2.wav")
    ingest(raw, Dataset.create("t", dataset_root))
    write_audio(raw / "a_copy.wav", tone(1.0, 16000), 16000)
    shutil.copyfile(raw / "a_copy.wav", raw / "z_original.wav")
    script = tmp_path / "s.tsv"
    script.write_text("file\ttext\nZ_ORIGINAL\tこんにちは\nb2\tまたね\n", encoding="utf-8")
    ds = Dataset.open("t", dataset_root)
    report = ingest(raw, ds, script=script)
    assert sorted(Path(r.path).name for r in report.rejected) == ["a_copy.wav", "b2.wav"]
    texts = {c.custom["source_path"]: [s.text for s in c.supervisions] for c in ds.cuts()}
    assert texts == {"z_original.wav": ["こんにちは"], "b1.wav": ["またね"]}
    assert report.script_unmatched == []
    assert report.script_notes == ["row 3: file 'b2' is a duplicate; its line goes to the copy kept"]


def test_ingest_writes_exactly_what_lhotse_would(raw: Path, dataset_root: Path) -> None:
    """Ingest builds recording and cut dicts itself; they must be Lhotse's own serialisation."""
    from lhotse import MonoCut, Recording

    from tsukasa.corpus.manifests import read_jsonl

    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds, script=None)
    recordings = list(read_jsonl(ds.recordings_path))
    assert len(recordings) == 4
    for d in recordings:
        assert Recording.from_dict(copy.deepcopy(d)).to_dict() == d  # from_dict consumes its argument
        source = d["sources"][0]["source"]
        if not source.endswith(".mp3"):  # lhotse counts MP3 frames its own way
            assert Recording.from_file(source, recording_id=d["id"]).to_dict() == d  # lhotse's own probe agrees
    for d in read_jsonl(ds.path / "cuts.jsonl.gz"):
        assert MonoCut.from_dict(copy.deepcopy(d)).to_dict() == d


def test_script_supervisions_are_the_bytes_lhotse_would_write(raw: Path, dataset_root: Path, tmp_path: Path) -> None:
    """With a script, each cut's supervision is built as a dict (making lhotse objects imported
    torch: ~1.7 s per ingest); its bytes must be those of lhotse's own SupervisionSegment."""
    import orjson
    from lhotse import SupervisionSegment

    from tsukasa.corpus.manifests import manifest_dict, read_jsonl

    script = tmp_path / "s.tsv"
    script.write_text(
        "file\ttext\tspeaker\tline_id\n"
        "s001\tおはよう。\tさくら\tL1\n"
        "t001\tまたね。\t\tL2\n"  # no speaker
        "s002\t行くよ。\tさくら\tL3\ns002\t待って！\tたける\tL4\n",  # two lines, two speakers
        encoding="utf-8",
    )
    ds = Dataset.create("t", dataset_root)
    ingest(raw, ds, script=script)
    cuts = {Path(d["custom"]["source_path"]).stem: d for d in read_jsonl(ds.path / "cuts.jsonl.gz")}
    assert set(cuts) >= {"s001", "s002", "t001"}
    for stem in ("s001", "s002", "t001"):
        (sup,) = cuts[stem]["supervisions"]
        fields = {k: v for k, v in sup.items()}
        lhotse_sup = SupervisionSegment(**copy.deepcopy(fields))
        assert orjson.dumps(sup) == orjson.dumps(manifest_dict(lhotse_sup))
    assert cuts["s001"]["supervisions"][0]["speaker"] == "さくら"
    assert "speaker" not in cuts["t001"]["supervisions"][0]
    assert "speaker" not in cuts["s002"]["supervisions"][0]  # two speakers: none for the whole file


def test_files_opened_ahead_are_closed_whether_the_scan_finishes_or_stops(tmp_path: Path) -> None:
    """The scan keeps the next ``read_ahead`` files open (read by the kernel meanwhile); none may
    stay open, also when the consumer stops early."""
    from tsukasa.corpus.ingest import _scan_all

    for i in range(30):
        write_audio(tmp_path / f"l{i:02d}.wav", tone(0.25, 8000, freq=200.0 + i), 8000)
    todo = [(p.name, p.stat()) for p in sorted(tmp_path.glob("*.wav"))]
    open_fds = lambda: len(os.listdir("/proc/self/fd"))  # noqa: E731
    before = open_fds()
    entries = list(_scan_all(str(tmp_path), todo, IngestConfig(read_ahead=8)))
    assert [e.path for e in entries] == [rel for rel, _ in todo] and all(e.reason is None for e in entries)
    assert open_fds() == before
    scan = _scan_all(str(tmp_path), todo, IngestConfig(read_ahead=8))
    next(scan)
    assert open_fds() > before  # the files ahead are open...
    scan.close()
    assert open_fds() == before  # ...and closed when the scan is abandoned


def test_hidden_entries_are_counted_and_wave64_rf64_au_are_audio(dataset_root: Path, tmp_path: Path) -> None:
    """Hidden files and folders (.DS_Store, .git) are not walked but the report counts them, so
    nothing in the dump is skipped unsaid; Wave64 / RF64 / Sun .au files, which libsndfile
    reads, were skipped as "not audio"."""
    import soundfile as sf

    raw = tmp_path / "raw"
    x = tone(1.0, 16000)
    write_audio(raw / "ok.wav", x, 16000)
    (raw / ".DS_Store").write_bytes(b"\0" * 64)
    write_audio(raw / ".cache" / "old.wav", x * 0.5, 16000)
    for name, fmt in (("a.w64", "W64"), ("b.rf64", "RF64"), ("c.au", "AU")):
        sf.write(raw / name, x * (0.3 + 0.1 * len(fmt)), 16000, format=fmt)
    sf.write(raw / "sniffed.dat", x * 0.9, 16000, format="W64")  # no audio extension: found by its bytes
    report = ingest(raw, Dataset.create("t", dataset_root))
    assert report.recordings == 5 and not report.rejected
    assert report.ignored == {"hidden file": 1, "hidden folder": 1}
    assert {key.split("/")[0] for key in report.formats} == {"WAV", "W64", "RF64", "AU"}


def test_include_and_exclude_patterns_leave_files_out_without_calling_them_missing(
    dataset_root: Path, tmp_path: Path
) -> None:
    """Game dumps hold music and sound effects beside the voices. --exclude/--include take globs:
    without / a name at any depth (bgm, se_*), with / a path from the dump folder; an excluded
    folder is not walked. A file an earlier ingest read and this run's patterns leave out is
    not "source_missing": the report counts it, and it comes back unread when the patterns go."""
    raw = tmp_path / "dump"
    layout = ["voice/sakura/s001.wav", "voice/sakura/se_sigh.wav", "voice/yui/y001.flac", "bgm/title.wav",
              "se/click.wav", "system/voice_test.wav"]  # fmt: skip
    for i, rel in enumerate(layout):
        write_audio(raw / rel, tone(0.5, 16000, freq=200 + 40 * i), 16000)
    ds = Dataset.create("g", dataset_root)

    def sources(report_version: int) -> list[str]:
        return sorted(c.custom["source_path"] for c in Dataset.open("g", dataset_root).cuts(report_version))

    first = ingest(raw, ds, config=IngestConfig(exclude=("bgm", "se", "se_*")))
    assert sources(first.version) == ["system/voice_test.wav", "voice/sakura/s001.wav", "voice/yui/y001.flac"]
    assert first.ignored == {"folder excluded by --exclude": 2, "excluded by --exclude": 1}
    assert not first.rejected and first.scanned == 3

    narrow = ingest(raw, Dataset.open("g", dataset_root), config=IngestConfig(include=("voice/*",), exclude=("se_*",)))
    assert sources(narrow.version) == ["voice/sakura/s001.wav", "voice/yui/y001.flac"]
    assert narrow.ignored["not matched by --include"] == 3 and not narrow.rejected  # none called missing

    everything = ingest(raw, Dataset.open("g", dataset_root))
    assert sources(everything.version) == sorted(layout)
    assert (everything.scanned, everything.unchanged) == (3, 3)  # the set-aside files were not read again
    kept = yaml.safe_load((Dataset.open("g", dataset_root).path / "versions" / "v1" / "ingest.yaml").read_text())
    assert kept["exclude"] == ["bgm", "se", "se_*"] and kept["include"] == []


def test_a_folder_that_cannot_be_listed_is_counted(
    dataset_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the walk cannot list (permissions; root here reads everything, so the refusal is
    injected) is counted in the report, not skipped unsaid, and the rest of the dump ingests."""
    import tsukasa.corpus.ingest as ingest_module

    raw = tmp_path / "dump"
    write_audio(raw / "ok" / "a.wav", tone(0.5, 16000), 16000)
    write_audio(raw / "locked" / "b.wav", tone(0.5, 16000, freq=300), 16000)
    real_scandir = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(ingest_module.os, "scandir", scandir)
    report = ingest(raw, Dataset.create("u", dataset_root))
    assert report.recordings == 1 and report.ignored == {"unreadable folder": 1}


def test_read_ahead_is_asked_only_for_files_not_in_the_page_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest asks the kernel to read a file ahead (posix_fadvise) only when its last byte is not
    cached: on a warm cache the advice cost ~5 % of an ingest, on disk it makes ingest fast."""
    from tsukasa.corpus import ingest as ing

    if ing._NOWAIT is None:
        pytest.skip("this platform has no RWF_NOWAIT reads (the scan advises every file, as before)")
    f = tmp_path / "line.wav"
    write_audio(f, tone(2.0, 24000), 24000)
    fd = os.open(f, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        os.pread(fd, size, 0)
        assert ing._in_page_cache(fd, size)  # just read: cached
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # drop this file's clean pages
        # (one probe only: a missed non-blocking read may itself start the kernel's readahead)
        if ing._in_page_cache(fd, size):
            pytest.skip("this file system keeps file pages in memory (tmpfs): nothing to read ahead")
    finally:
        os.close(fd)
    # what _open_ahead does with the answer: advice for a file on disk only, the stamp either way
    advised = []
    real = os.posix_fadvise
    monkeypatch.setattr(os, "posix_fadvise", lambda *a: advised.append(a[1:]) or real(*a))  # record, then advise
    for cached in (False, True):
        monkeypatch.setattr(ing, "_in_page_cache", lambda fd, size, cached=cached: cached)
        held = ing._open_ahead(str(f))
        assert held is not None and held[1] == (size, f.stat().st_mtime_ns)
        os.close(held[0])
    assert len(advised) == 1  # the uncached case only

"""The `tsukasa` command as a user runs it: real subprocesses, one-line errors, the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio_fixtures import tone, write_audio


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["ingest", "/definitely/not/here", "--dataset", "x"], "not a folder"),
        (["ingest", ".", "--dataset", "bad name"], "invalid dataset name"),
        (["ingest", ".", "--dataset", "x", "--bogus"], "No such option: --bogus"),
        (["ingest"], "Missing argument"),
        (["ingest", ".", "--dataset", "x", "--read-ahead", "-1"], "--read-ahead"),
        (["ingest", ".", "--dataset", "x", "--script", "nope.tsv"], "script file not found"),
        (["ingest", ".", "--dataset", "x", "--verify", "deep"], "--verify must be"),
    ],
    ids=["missing-dir", "bad-name", "unknown-option", "missing-arg", "bad-value", "missing-script", "bad-verify"],
)
def test_bad_arguments_give_one_line_and_nonzero_exit(tmp_path: Path, args: list[str], expect: str) -> None:
    r = run(*args, cwd=tmp_path, env={"TSUKASA_ROOT": str(tmp_path / "dm")})
    assert r.returncode != 0
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error:") and expect in lines[0]
    assert "Traceback" not in r.stderr + r.stdout


def test_an_archive_given_as_the_dump_says_how_to_unpack_it(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "voices.zip", "w") as z:
        z.writestr("a.txt", "x")
    r = run("ingest", "voices.zip", "--dataset", "x", cwd=tmp_path, env={"TSUKASA_ROOT": str(tmp_path / "dm")})
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 1 and len(lines) == 1, r.stderr
    assert "not a folder: voices.zip (.zip archive: unpack it first, e.g. `unzip -O cp932 voices.zip" in lines[0]


def test_an_unusable_dataset_root_is_one_line_naming_the_path(tmp_path: Path) -> None:
    """The machine, not the input: here TSUKASA_ROOT runs through a file (as root, permission
    bits do not stop writes, so a read-only folder cannot stand in for it)."""
    (tmp_path / "raw").mkdir()
    write_audio(tmp_path / "raw" / "a.wav", tone(0.6), 24000)
    (tmp_path / "not_a_folder").write_text("x")
    root = tmp_path / "not_a_folder" / "dm"
    r = run("ingest", "raw", "--dataset", "x", cwd=tmp_path, env={"TSUKASA_ROOT": str(root)})
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 1 and len(lines) == 1, r.stderr
    assert lines[0].startswith("error: Not a directory: ") and "not_a_folder" in lines[0]
    assert "Traceback" not in r.stderr + r.stdout


def test_every_command_has_help_with_an_example(tmp_path: Path) -> None:
    top = run("--help", cwd=tmp_path)
    assert top.returncode == 0
    commands = ["ingest", "run", "g2p", "demo", "recipe show", "recipe validate", "train stage1", "train aux",
                "dataset versions", "dataset diff", "dataset split", "dataset export-shar", "dataset export-hf",
                "dataset report", "review serve", "review export", "review import", "review user add"]  # fmt: skip
    for cmd in commands:
        assert cmd.split()[0] in top.stdout
        r = run(*cmd.split(), "--help", cwd=tmp_path)
        assert r.returncode == 0 and "Example" in r.stdout, cmd


def test_g2p_prints_exactly_one_line_per_input_line(tmp_path: Path) -> None:
    lines = ["今日はいい天気ですね。", "", "kyou wa ii tenki desu ne", "これはpenですか？"]
    for fmt in ("phonemes", "kana", "prosody"):
        r = subprocess.run(
            [sys.executable, "-m", "tsukasa.cli", "g2p", "--format", fmt],
            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        out = r.stdout.split("\n")[:-1]
        assert len(out) == len(lines) and out[1] == "" and all(out[i] for i in (0, 2, 3)), (fmt, out)
    r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "ipa"], input="あ\n",
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode != 0 and r.stderr.strip().startswith("error:")
    # ！/？ before the first mora: OpenJTalk's C code warned on stderr ("First mora should not be
    # question flag") for every such line; the marks mark nothing there and are dropped.
    r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana"],
                       input="！すごい\n？なに\n「！」\n", capture_output=True, text=True, timeout=120)  # fmt: skip
    assert (r.returncode, r.stdout, r.stderr) == (0, "スゴイ\nナニ\n\n", "")
    # a line with a word that has no reading: an empty line in its place, named on stderr, exit 1
    r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana"],
                       input="水\n한국어\n木\n", capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 1 and r.stdout == "ミズ\n\nキ\n"
    assert r.stderr.startswith("line 2: no reading for '한국어'") and r.stderr.strip().endswith("[2]")
    # a Shift-JIS line in a UTF-8 stream: named, not read as a shorter line (it gave an empty line, exit 0)
    r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana"],
                       input="水\n".encode() + "こんにちは\n".encode("cp932") + "木\n".encode(),
                       capture_output=True, timeout=120)  # fmt: skip
    assert r.returncode == 1 and r.stdout.decode() == "ミズ\n\nキ\n"
    assert r.stderr.decode().startswith("line 2: undecodable characters")


def test_g2p_json_says_why_a_line_reads_as_it_does() -> None:
    import json

    r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "json"],
                       input="（笑）行こっか♪\n\n{name}さん\n",
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    first, empty, third = r.stdout.split("\n")[:3]
    line = json.loads(first)
    assert line["text"] == "（笑）行こっか♪" and line["normalized"] == "行こっか"  # the direction cut, ♪ dropped
    assert line["kana"] == "イコッカ" and line["phonemes"] == ["i", "k", "o", "cl", "k", "a"]
    assert line["prosody"].startswith("^ i [ k o ] cl k a")
    assert line["cues"] == [{"kind": "laugh", "label": "（笑）", "position": 0.0}]
    assert empty == "" and json.loads(third)["placeholders"] == ["{name}"]


def test_g2p_phrase_breaks_are_on_unless_turned_off() -> None:
    line = "連邦政府の予算削減は社会保障の給付に影響が及ぶでしょう。\n"  # long, written without a comma
    outs = []
    for extra in ([], ["--no-phrase-breaks"]):
        r = subprocess.run([sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana", *extra],
                           input=line, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout.strip())
    broken = "レンポーセーフノヨサンサクゲンワ、シャカイホショーノキューフニエーキョーガオヨブデショー"
    assert outs == [broken, broken.replace("、", "")]


def test_g2p_reads_with_a_user_dictionary(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("星詠司,ホシヨミツカサ,3\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana", "--user-dict", str(names)],
        input="星詠司です\n", capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "TSUKASA_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ホシヨミツカサデス\n"
    r = run("g2p", "--english", "katakana", cwd=tmp_path)
    assert r.returncode != 0 and r.stderr.strip().startswith("error:") and "--english" in r.stderr
    names.write_text("星詠司,hoshiyomi\n", encoding="utf-8")  # a bad dictionary: its error, not line 1's
    r = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "g2p", "--user-dict", str(names)],
        input="星詠司です\n", capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("error: 1 bad row(s) in the user dictionary: ") and "line 1" not in r.stderr


def test_g2p_reads_placeholders_given_and_names_the_others(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "g2p", "--format", "kana", "--placeholder", "name=ゆうき"],
        input="{name}さん、おはよう。\n\\N[1]、行くよ。\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ユーキサン、オハヨー\nイクヨ\n"
    assert "line 2: placeholder \\N[1] not read" in r.stderr
    r = run("g2p", "--placeholder", "name", cwd=tmp_path)
    assert r.returncode != 0 and r.stderr.strip().startswith("error:") and "KEY=READING" in r.stderr


def test_ingest_reads_a_shift_jis_voice_list_with_its_own_column_names(tmp_path: Path) -> None:
    write_audio(tmp_path / "raw" / "vo_001.wav", tone(1.0, 16000), 16000)
    (tmp_path / "list.csv").write_bytes("vo,msg,キャラ\nvo_001,おはよう。,ゆい\n".encode("cp932"))
    r = run("ingest", "raw", "--dataset", "sj", "--root", "dm", "--script", "list.csv",
            "--script-columns", "file=vo,text=msg", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Script: 1 lines (1 name a file" in r.stdout and "column 'キャラ' read as speaker" in r.stdout
    r = run("ingest", "raw", "--dataset", "sj", "--root", "dm", "--script", "list.csv",
            "--script-columns", "voice=vo", cwd=tmp_path)  # fmt: skip
    assert r.returncode != 0 and r.stderr.strip().startswith("error:") and "unknown column 'voice'" in r.stderr


def test_ingest_command_prints_summary(tmp_path: Path) -> None:
    write_audio(tmp_path / "raw" / "a.wav", tone(1.0, 16000), 16000)
    (tmp_path / "raw" / "b.wav").write_bytes(b"")
    r = run("ingest", "raw", "--dataset", "mini", "--root", "dm", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 recordings" in r.stdout and "empty" in r.stdout and "version v1" in r.stdout
    assert (tmp_path / "dm" / "mini" / "cuts.jsonl.gz").exists()
    (tmp_path / "nothing").mkdir()
    r = run("ingest", "nothing", "--dataset", "none", "--root", "dm", cwd=tmp_path)
    assert r.returncode == 0 and "no audio files found" in r.stdout
    # exported before any recipe made utterances: one line, not the `datasets` builder's traceback
    r = run("dataset", "export-hf", "mini", "--root", "dm", cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.strip() == "error: nothing to export: v1 has no utterances"


@pytest.mark.slow
def test_demo_builds_sample_and_ingests_it(tmp_path: Path) -> None:
    r = run("demo", "--out", "sample", "--root", "dm", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.demo import SCENES, SINGLE_LINES

    ds = Dataset.open("demo", tmp_path / "dm")
    v1 = ds.version(1)
    assert v1.kind == "ingest" and v1.counts.cuts == len(SINGLE_LINES) + len(SCENES)
    reasons = sorted(r.reason for r in ds.rejected(1))
    assert reasons == sorted(
        ["empty", "corrupt", "not_audio", "truncated", "silent", "too_short", "non_finite", "duplicate"]
    )
    formats = {Path(c.recording.sources[0].source).suffix for c in ds.cuts(1)}
    assert formats == {".wav", ".flac", ".ogg", ".mp3"}
    # v2: the default recipe ran — utterances with script text and every pipeline field filled
    from tsukasa.corpus.schema import read_supervision_custom

    assert ds.current_version == 2 and ds.version(2).kind == "run"
    cuts = list(ds.cuts())
    assert len(cuts) >= len(SINGLE_LINES) + sum(len(lines) for _, lines, _ in SCENES) - 2
    scripted = 0
    for cut in cuts:
        assert cut.recording.sampling_rate == 24000 and cut.recording.num_channels == 1
        (sup,) = cut.supervisions
        custom = read_supervision_custom(sup)
        assert custom.kana and custom.phonemes and custom.prosody and custom.asr and custom.provenance
        scripted += bool(custom.source and custom.source.script_text == sup.text)
    assert scripted >= len(cuts) - 2  # nearly every utterance carries its script line
    # scene_02: the script names the file on three rows, so it became exactly those three lines
    from tsukasa.demo import PER_FILE_SCENES

    for stem, lines, _ in SCENES:
        if stem not in PER_FILE_SCENES:
            continue
        mine = sorted((c for c in cuts if c.custom.get("source_path") == f"scenes/{stem}.flac"), key=lambda c: c.start)
        got = [(c.supervisions[0].text, c.supervisions[0].speaker) for c in mine]
        assert got == [(text, character) for character, text in lines]
        indices = [read_supervision_custom(c.supervisions[0]).source.line_index for c in mine]
        assert indices == list(range(len(lines)))


# Ctrl-C after the seventh file of an ingest: SIGINT to itself, as a terminal sends it.
_CTRL_C_MID_INGEST = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # a suite started in the background ignores it
from tsukasa import cli
from tsukasa.corpus import ingest as ing
real, calls = ing._scan, []
def scan(*args, **kwargs):
    calls.append(1)
    if len(calls) == 7:
        os.kill(os.getpid(), signal.SIGINT)
    return real(*args, **kwargs)
ing._scan = scan
sys.argv = ["tsukasa", "ingest", sys.argv[1], "--dataset", "c", "--root", sys.argv[2]]
cli.main()
"""


def test_ctrl_c_during_ingest_is_one_line_and_the_same_command_resumes(tmp_path: Path) -> None:
    """Typer used to swallow Ctrl-C (exit 130, no word); the files read before it are kept
    (the batch in hand included) and not read again."""
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest

    raw = tmp_path / "raw"
    for i in range(10):
        write_audio(raw / f"l{i:02d}.wav", tone(0.5, 16000, freq=200 + 30 * i), 16000)
    root = tmp_path / "dm"
    proc = subprocess.run(
        [sys.executable, "-c", _CTRL_C_MID_INGEST, str(raw), str(root)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "interrupted: no version was written; the files read so far are kept in the ingest checkpoint and the "
        "same command resumes from there"
    ]
    ds = Dataset.open("c", root)
    assert ds.current_version is None
    report = ingest(raw, ds)  # also takes the writer lock: the interrupted run released it
    assert (report.resumed, report.scanned, report.recordings) == (7, 3, 10)


def test_ingest_exclude_and_include_flags(tmp_path: Path) -> None:
    raw = tmp_path / "dump"
    write_audio(raw / "voice" / "a.wav", tone(0.5, 16000), 16000)
    write_audio(raw / "bgm" / "title.wav", tone(0.5, 16000, freq=300), 16000)
    write_audio(raw / "voice" / "se_click.wav", tone(0.5, 16000, freq=500), 16000)
    r = run("ingest", str(raw), "--dataset", "g", "--root", "dm", "--exclude", "bgm", "--exclude", "se_*", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "g: 1 recordings" in r.stdout
    assert "1× folder excluded by --exclude, 1× excluded by --exclude" in " ".join(r.stdout.split())


def test_help_prose_is_reflowed_to_the_terminal_width() -> None:
    from tsukasa.cli import reflow_help

    doc = """Run a recipe.

    Shards are cached: after a crash, run the same
    command again. Files added recompute
    only their shards.

    Example:  tsukasa run --dataset sakura
    Example:  tsukasa run --dataset sakura --plan
    - a list item
      an indented line
    """
    assert reflow_help(doc) == (
        "Run a recipe.\n\n"
        "Shards are cached: after a crash, run the same command again. Files added recompute only their shards.\n\n"
        "Example:  tsukasa run --dataset sakura\nExample:  tsukasa run --dataset sakura --plan\n"
        "- a list item\n  an indented line"
    )


def test_command_help_wraps_sentences_at_80_columns(tmp_path: Path) -> None:
    # The docstring breaks "run the same" / "command again" at column 95; at 80 columns the
    # sentence must flow on instead of leaving a short line behind.
    r = run("run", "--help", cwd=tmp_path, env={"COLUMNS": "80"})
    assert r.returncode == 0
    lines = [line.strip() for line in r.stdout.splitlines()]
    assert not any(line.endswith("run the same") for line in lines)
    assert any("same command again" in line or line.endswith("same") for line in lines)


def test_demo_ogg_files_are_byte_reproducible(tmp_path: Path) -> None:
    """libsndfile gives each Ogg stream a random serial number, so the demo's .ogg files (and so
    their recording ids, shards and packed ASR windows) changed on every `make demo`."""
    import hashlib

    import numpy as np
    import soundfile as sf

    from tsukasa.demo import fix_ogg_serial

    x = (0.3 * np.sin(np.arange(44100) / 10)).astype(np.float32)
    digests = []
    for name in ("a.ogg", "b.ogg"):
        path = tmp_path / name
        sf.write(path, x, 44100, format="OGG", subtype="VORBIS")
        fix_ogg_serial(path)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
        y, sr = sf.read(path, dtype="float32")  # libogg checks every page's CRC
        assert sr == 44100 and len(y) == len(x) and np.abs(y - x).max() < 0.05
    assert digests[0] == digests[1]
    (tmp_path / "c.ogg").write_bytes(b"OggS" + b"\0" * 10)
    with pytest.raises(ValueError, match="not a sequence of Ogg pages"):
        fix_ogg_serial(tmp_path / "c.ogg")

"""The curation flow: real Prefect runs, kill -9 and resume, determinism, Dask parity."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tests.audio_fixtures import write_audio
from tests.flows._data import noise_dataset
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.errors import ConfigError
from tsukasa.flows.recipe import parse_recipe

RECIPE = """name: test
shard_size: 1
stages:
  - stage: standardize
  - stage: segment
"""
N_FILES = 5
N_STAGES = 2


def _speech(seed: int) -> tuple[np.ndarray, int]:
    """Two synthetic Japanese lines with a pause between them (pyopenjtalk's HTS voice)."""
    import pyopenjtalk

    lines = ["こんにちは、今日はいい天気ですね。", "また明日、学校で会いましょう。", "本当にありがとう。"]
    a, sr = pyopenjtalk.tts(lines[seed % 3])
    b, _ = pyopenjtalk.tts(lines[(seed + 1) % 3])
    gap = np.zeros(int(sr * (0.4 + 0.2 * seed)))
    return (np.concatenate([a, gap, b]) / 32768.0 * 0.8).astype(np.float32), int(sr)


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for i in range(N_FILES):
        x, sr = _speech(i)
        write_audio(raw / f"line_{i}.flac", x, sr)
    return raw


def _fresh_dataset(root: Path, raw: Path) -> Dataset:
    if (root / "d").exists():
        shutil.rmtree(root / "d")
    ds = Dataset.create("d", root)
    ingest(raw, ds)
    return ds


def _run_cli(root: Path, recipe: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tsukasa.cli", "run", "--dataset", "d", "--recipe", str(recipe), "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True,  # its own process group: kill -9 takes the temporary Prefect server too
        # Ctrl-C as a terminal delivers it, even when the suite itself was started in the background
        # (`make test &` from a script): such a shell ignores SIGINT for its jobs and their children.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def _cli_setup(tmp_path: Path) -> tuple[Path, Path, dict]:
    """Dataset root, the test recipe's file and the environment for runs of the CLI."""
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE)
    return tmp_path / "dm", recipe, {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}


def _wait_for_outputs(proc: subprocess.Popen, ds_path: Path, count: int) -> None:
    """Until ``count`` shard outputs exist or the run ends."""
    deadline = time.monotonic() + 300
    while len(_outputs(ds_path)) < count and proc.poll() is None:
        assert time.monotonic() < deadline, "flow made no progress"
        time.sleep(0.01)


def _assert_no_server_left_by(pid: int, wait_s: float = 30.0) -> None:
    """The run's temporary Prefect server lives in its own session (out of reach of Ctrl-C in the
    terminal), so a kill -9 of the run's process group does not reach it: it must end by itself
    when the run dies (PR_SET_PDEATHSIG), not stay behind holding a port."""
    deadline = time.monotonic() + wait_s
    while True:
        left = []
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                argv = (proc_dir / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"tsukasa.flows.prefect_server" in argv and str(pid).encode() in argv:
                left.append(proc_dir.name)
        if not left:
            return
        assert time.monotonic() < deadline, f"temporary Prefect server(s) {left} outlived the killed run {pid}"
        time.sleep(0.2)


def _outputs(ds_path: Path) -> set[Path]:
    # finished outputs only: a run killed mid-write leaves a hidden temp file, which does not count
    return {p for p in (ds_path / "stages").glob("[0-9]-*/*.cuts.jsonl.gz") if not p.name.startswith(".")}


def _manifest_bytes(ds_path: Path) -> dict[str, bytes]:
    return {f: (ds_path / f).read_bytes() for f in ("cuts.jsonl.gz", "rejected.jsonl.gz")}


@pytest.mark.slow
def test_kill_9_at_three_points_then_resume_gives_identical_manifests(raw_dir: Path, tmp_path: Path) -> None:
    root, recipe, env = _cli_setup(tmp_path)

    # 1. the uninterrupted reference run
    ds = _fresh_dataset(root, raw_dir)
    proc = _run_cli(root, recipe, env)
    out, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, out[-3000:]
    reference = _manifest_bytes(ds.path)
    total_tasks = len(_outputs(ds.path))
    assert total_tasks == N_FILES * N_STAGES

    # 2. same dataset from scratch, killed three times at growing points
    ds = _fresh_dataset(root, raw_dir)
    kills = 0
    for target in (1, 4, 7):
        before = len(_outputs(ds.path))
        proc = _run_cli(root, recipe, env)
        _wait_for_outputs(proc, ds.path, max(target, before + 1))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
        assert Dataset.open("d", root).current_version == 1, "a killed run must not publish a version"
        _assert_no_server_left_by(proc.pid)
    assert kills == 3

    # 3. resume: finished shards are reused, not recomputed
    finished_before = len(_outputs(ds.path))
    assert 0 < finished_before < total_tasks
    proc = _run_cli(root, recipe, env)
    out, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, out[-3000:]
    computed = sum(int(n) for n in _computed_counts(out))
    assert computed == total_tasks - finished_before
    assert _manifest_bytes(ds.path) == reference
    ids = [c.id for c in Dataset.open("d", root).cuts()]
    assert len(ids) == len(set(ids)) >= N_FILES * 2


def _computed_counts(cli_output: str) -> list[str]:
    """The 'shards computed' column of the run's summary table."""
    rows = []
    for line in cli_output.splitlines():
        cells = [c.strip() for c in line.replace("┃", "│").split("│") if c.strip()]
        if len(cells) == 6 and cells[0] in ("standardize", "segment"):
            rows.append(cells[1])
    assert len(rows) == N_STAGES, cli_output[-2000:]
    return rows


@pytest.mark.slow
def test_the_cache_travels_with_the_dataset_not_prefect_home(raw_dir: Path, tmp_path: Path) -> None:
    """Each cache record holds its value in the dataset (stages/_results). Before, the value lay
    under PREFECT_HOME/storage by absolute path: a rerun after that folder was deleted (or with
    another PREFECT_HOME, another root) crashed with Prefect's traceback. Now it reuses every
    shard; and an older run's record (metadata only, its value gone) is redone, not a crash."""
    from tsukasa.flows.curate import _whole_record

    root, recipe, env = _cli_setup(tmp_path)
    ds = _fresh_dataset(root, raw_dir)

    def run(prefect_home: str) -> str:
        proc = _run_cli(root, recipe, {**env, "PREFECT_HOME": str(tmp_path / prefect_home)})
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out[-2000:]
        return out

    assert _computed_counts(run("first_home")) == [str(N_FILES)] * N_STAGES
    reference = _manifest_bytes(ds.path)
    shutil.rmtree(tmp_path / "first_home")  # deleted to free disk, or another machine or user
    assert _computed_counts(run("second_home")) == ["0"] * N_STAGES
    assert _manifest_bytes(ds.path) == reference

    record = sorted((ds.path / "stages" / "_results").glob("segment-*"))[0]
    assert _whole_record(record)
    record.write_text(  # what runs before this change wrote: metadata pointing into PREFECT_HOME
        '{"storage_key": "/gone/prefect/storage/x", "expiration": null, "serializer": {"type": "pickle"}, '
        '"prefect_version": "3.9.1", "storage_block_id": null}'
    )
    run("second_home")  # its outputs are on disk: found before Prefect is asked, no crash
    assert _manifest_bytes(ds.path) == reference
    for output in (ds.path / "stages").glob("*-segment/*.jsonl.gz"):
        output.unlink()  # now the task reaches Prefect, whose cache finds the old record
    run("second_home")  # ... which is not trusted: the task runs and writes a whole one
    assert _whole_record(record) and _manifest_bytes(ds.path) == reference


@pytest.mark.slow
def test_a_moved_dataset_runs_where_it_is_now(raw_dir: Path, tmp_path: Path) -> None:
    """Stage outputs name the dataset's own files (standardised audio) by absolute path. A
    dataset moved to another folder found its old outputs by their cache key and handed on paths
    into the old folder: the next stage failed with FileNotFoundError, reported as a bug. The
    key holds the dataset's location now, so a moved dataset recomputes and names its own files."""
    root, recipe, env = _cli_setup(tmp_path)
    _fresh_dataset(root, raw_dir)
    first = _run_cli(root, recipe, env)
    out, _ = first.communicate(timeout=600)
    assert first.returncode == 0, out[-2000:]

    moved = tmp_path / "moved_root"
    shutil.move(root, moved)
    again = _run_cli(moved, recipe, env)
    out, _ = again.communicate(timeout=600)
    assert again.returncode == 0, out[-2000:]
    assert _computed_counts(out) == [str(N_FILES)] * N_STAGES  # recomputed here, not reused from there
    cuts = list(Dataset.open("d", moved).cuts())
    audio = [s.source for c in cuts for s in c.recording.sources]
    assert len(cuts) >= N_FILES and all(a.startswith(str(moved)) and Path(a).is_file() for a in audio)


def test_files_added_to_a_dump_recompute_only_the_shards_they_land_in(tmp_path: Path, monkeypatch) -> None:
    """Shards start at content-defined cuts (a hash of the cut id), not every shard_size cuts: a
    re-ingest that adds files inserts them all over the id order, and fixed-size shards all
    shifted, so every stage ran again on most of the dataset. Now only the shards the new files
    land in are new; the result is what a fresh run over the grown dump gives."""
    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    raw = tmp_path / "raw"
    rng = np.random.default_rng(3)
    for i in range(48):
        write_audio(raw / f"l{i:03d}.wav", (0.3 * rng.standard_normal(4000)).astype(np.float32), 8000)
    recipe = parse_recipe("name: t\nshard_size: 4\nstages:\n  - stage: standardize\n", "r.yaml")
    ds = Dataset.create("d", tmp_path / "dm")
    ingest(raw, ds)
    first = run_recipe(ds, recipe)
    shards_before = first.shards
    assert 6 <= shards_before <= 24  # ~48 / 4, content-defined

    for i in (48, 49):  # two new voice lines
        write_audio(raw / f"l{i:03d}.wav", (0.3 * rng.standard_normal(4000)).astype(np.float32), 8000)
    ingest(raw, Dataset.open("d", tmp_path / "dm"))
    grown = run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert grown.computed["standardize"] <= 4  # each new line changes its shard, or splits it in two
    assert grown.cached["standardize"] >= grown.shards - 4

    fresh = Dataset.create("f", tmp_path / "dm")
    ingest(raw, fresh)
    run_recipe(fresh, recipe)
    ids = lambda name: [c.id for c in Dataset.open(name, tmp_path / "dm").cuts()]  # noqa: E731
    assert ids("d") == ids("f") and len(ids("d")) == 50


def test_a_rerun_hands_prefect_only_the_tasks_that_must_compute(tmp_path: Path, monkeypatch) -> None:
    """Every (shard, stage) used to be submitted to Prefect, whose cache then answered for the
    finished ones at ~30 ms a task: a rerun that computed nothing took minutes on a mid-size dump
    and hours on a large one. Outputs already on disk under their cache key are now found before
    submitting; the result is the same as a fresh run's."""
    from tsukasa.flows import curate

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    submitted: list[tuple[str, str]] = []
    real_make_task = curate._make_task

    def counting_task(results_dir: Path) -> Any:
        task = real_make_task(results_dir)

        class Counting:
            def submit(self, **kwargs: Any) -> Any:
                submitted.append((kwargs["stage_name"], kwargs["shard"]))
                return task.submit(**kwargs)

        return Counting()

    monkeypatch.setattr(curate, "_make_task", counting_task)
    ds = noise_dataset(tmp_path, 12, seed=11)
    recipe = parse_recipe("name: t\nshard_size: 3\nstages:\n  - stage: standardize\n  - stage: filter\n", "r.yaml")
    first = curate.run_recipe(ds, recipe)
    assert len(submitted) == 2 * first.shards == sum(first.computed.values())
    reference = (ds.path / "cuts.jsonl.gz").read_bytes()

    submitted.clear()
    again = curate.run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert submitted == [] and sum(again.computed.values()) == 0
    assert again.cached == first.computed and again.stages[0].kept == first.stages[0].kept == 12
    assert (ds.path / "cuts.jsonl.gz").read_bytes() == reference

    # One shard's filter output deleted: only that task reaches Prefect (its input is on disk).
    victim = sorted((ds.stages_dir / "1-filter").glob("*.cuts.jsonl.gz"))[0]
    victim.unlink()
    submitted.clear()
    third = curate.run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert submitted == [("filter", victim.name.split(".")[0])] and third.computed["filter"] == 1
    assert (ds.path / "cuts.jsonl.gz").read_bytes() == reference


def test_temporaries_a_killed_run_left_are_removed_and_outputs_kept(tmp_path: Path, monkeypatch) -> None:
    """A kill -9 mid-write leaves a writer's temporary file (a merged manifest or a dataset-scope
    stage's on-disk sort can be GBs), again at each crash. The next run removes them, says so,
    and leaves every finished output and Prefect's records alone."""
    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    ds = noise_dataset(tmp_path, 6, seed=5)
    recipe = parse_recipe("name: t\nshard_size: 3\nstages:\n  - stage: standardize\n  - stage: filter\n", "r.yaml")
    first = run_recipe(ds, recipe)
    assert first.temporaries_removed == (0, 0)
    reference = (ds.path / "cuts.jsonl.gz").read_bytes()
    outputs = sorted(p for p in ds.stages_dir.rglob("*") if p.is_file())
    planted = [
        ds.stages_dir / "1-filter" / ".shard-ab12.x.cuts.jsonl.gz.tmp-4242.cuts.jsonl.gz",
        ds.stages_dir / "1-filter" / "input" / ".sort-k3j2.sqlite",
        ds.stages_dir / "input" / "v1-n3" / ".shard-cd34.cuts.jsonl.gz.tmp-77.cuts.jsonl.gz",
    ]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    kept_hidden = ds.stages_dir / "_results" / ".tmp-prefect-own"
    kept_hidden.write_bytes(b"prefect's")
    again = run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert again.temporaries_removed == (3, 3000)
    assert not any(p.exists() for p in planted) and kept_hidden.exists()
    assert all(p.exists() for p in outputs) and sum(again.computed.values()) == 0
    assert (ds.path / "cuts.jsonl.gz").read_bytes() == reference


def test_a_recipe_edit_recomputes_the_stage_it_changes(tmp_path: Path, monkeypatch) -> None:
    """A stage's outputs were named by its input's hash alone: after a config edit (or a new
    stage version) the task found the old output under the same name and reported it finished,
    so a recipe edit changed nothing. Now the name holds the whole cache key."""
    import soundfile as sf

    from tsukasa.flows.curate import run_recipe
    from tsukasa.pipelines.standardize import integrated_loudness

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    noise_dataset(tmp_path, 6, seed=5)

    def run(lufs: float):
        text = f"name: t\nshard_size: 2\nstages:\n  - stage: standardize\n    config:\n      loudness_lufs: {lufs}\n"
        report = run_recipe(Dataset.open("d", tmp_path / "dm"), parse_recipe(text, "r.yaml"))
        loudness = [
            integrated_loudness(*sf.read(c.recording.sources[0].source))
            for c in Dataset.open("d", tmp_path / "dm").cuts()
        ]
        return report, max(loudness, key=lambda v: abs(v - lufs))  # the cut furthest from the target

    first, loud_first = run(-23.0)
    edited, loud_edited = run(-16.0)
    assert edited.computed["standardize"] == edited.shards == first.shards  # not reused from -23
    assert loud_first == pytest.approx(-23.0, abs=0.5) and loud_edited == pytest.approx(-16.0, abs=0.5)
    back, loud_back = run(-23.0)
    assert back.computed["standardize"] == 0 and loud_back == pytest.approx(-23.0, abs=0.5)

    # A cache record the old naming left behind names the -23 outputs under the -18 key (the
    # task found them by the input's hash and Prefect recorded that): it is not trusted.
    from prefect.results import ResultRecord

    from tsukasa.flows.curate import stage_cache_key

    ds = Dataset.open("d", tmp_path / "dm")
    shard = sorted((ds.stages_dir / "input").rglob("*.cuts.jsonl.gz"))[0]
    results = ds.stages_dir / "_results"
    key = lambda lufs: stage_cache_key("standardize", {"loudness_lufs": lufs}, str(shard), ds.path)  # noqa: E731
    old = ResultRecord.deserialize((results / key(-23.0)).read_bytes())
    old.metadata.storage_key = str(results / key(-18.0))
    (results / key(-18.0)).write_bytes(old.serialize())
    stale, loud_stale = run(-18.0)
    assert stale.computed["standardize"] == stale.shards and loud_stale == pytest.approx(-18.0, abs=0.5)
    again, loud_again = run(-18.0)  # the record was trusted here once the -18 outputs existed
    assert again.computed["standardize"] == 0 and loud_again == pytest.approx(-18.0, abs=0.5)


@pytest.mark.slow
def test_a_fixed_folder_script_is_matched_again(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """match_script reads the dataset's folder-level script, which is not in its input manifest:
    a script fixed and re-ingested over the same audio left the stage's cache key unchanged, and
    the run kept the text of the old lines. The key holds the script's lines now."""
    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    lines = ["こんにちは、今日はいい天気ですね。", "また明日、学校で会いましょう。", "本当にありがとう。"]
    recipe = parse_recipe(
        "name: t\nshard_size: 5\nstages:\n  - stage: standardize\n  - stage: segment\n"
        "  - stage: transcribe\n  - stage: match_script\n", "r.yaml"
    )  # fmt: skip

    def ingest_and_run(script_lines: list[str]) -> tuple[dict[str, str], Any]:
        """The text each matched script row ended up on, and the run's report."""
        script = tmp_path / "script.tsv"
        script.write_text("text\n" + "\n".join(script_lines) + "\n", encoding="utf-8")
        ingest(raw_dir, Dataset.open("d", tmp_path / "dm"), script=script)
        report = run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
        sups = [s for c in Dataset.open("d", tmp_path / "dm").cuts() for s in c.supervisions]
        return {s.custom["source"]["line_id"]: s.text for s in sups if s.custom["source"].get("line_id")}, report

    Dataset.create("d", tmp_path / "dm")
    matched, _ = ingest_and_run(lines)
    assert matched.get("row-4") == lines[2]
    fixed = lines[:2] + ["本当に、ありがとうございます。"]
    matched, report = ingest_and_run(fixed)
    assert report.computed["match_script"] == 1 and report.computed["transcribe"] == 0
    assert matched.get("row-4") == fixed[2]


def test_a_run_counts_flags_and_names_swapped_files(tmp_path: Path, monkeypatch) -> None:
    """Two files whose script rows are swapped: each line is kept as the script says and flagged
    script_mismatch naming the other file's row, and the run's report counts them."""
    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = ["こんにちは、今日はいい天気ですね。", "また明日、学校で会いましょう。", "本当にありがとう。"]
    for i in range(2):
        write_audio(raw / f"line_{i}.flac", *_speech(i))  # line i says lines[i] + lines[i + 1]
    script = tmp_path / "script.tsv"
    script.write_text(f"file\ttext\nline_0\t{lines[1]}{lines[2]}\nline_1\t{lines[0]}{lines[1]}\n", encoding="utf-8")
    ds = Dataset.create("d", tmp_path / "dm")
    ingest(raw, ds, script=script)
    recipe = parse_recipe(
        "name: t\nstages:\n  - stage: standardize\n  - stage: segment\n  - stage: transcribe\n"
        "  - stage: match_script\n", "r.yaml"
    )  # fmt: skip
    report = run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert report.flags["script_mismatch"] == 2 and report.reads_like_other_row == 2
    for cut in Dataset.open("d", tmp_path / "dm").cuts():
        sup = cut.supervisions[0]
        (flag,) = [f for f in sup.custom["quality"]["flags"] if f["code"] == "script_mismatch"]
        other = "line_1" if "line_0" in cut.id else "line_0"
        assert f"(file {other}," in flag["detail"]


def test_only_a_stage_that_reads_the_script_loads_it(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """Parsing a 100,000-row script costs ~0.4 s, and every stage runs once per shard: the script is
    read for match_script only."""
    import tsukasa.flows.curate as curate

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    loads: list[str] = []
    real = curate.dataset_script
    monkeypatch.setattr(curate, "dataset_script", lambda d: loads.append(str(d)) or real(d))
    ds = _fresh_dataset(tmp_path / "dm", raw_dir)
    report = curate.run_recipe(ds, parse_recipe(RECIPE, "r.yaml"))
    assert report.computed["segment"] == N_FILES and loads == []


def test_deleted_standardised_audio_is_written_again_by_the_next_run(tmp_path: Path, monkeypatch) -> None:
    """`audio/` looks like a cache and gets deleted: the run reused its cached outputs and said
    "unchanged", leaving a version whose cuts named missing files, and exports failed with Lhotse's
    error printing the cut twice. Now the stage that wrote the audio runs again (same names, same
    bytes: the version stays), and an export of a version with missing audio says so in one line."""
    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    root = tmp_path / "dm"
    noise_dataset(tmp_path, 4, seed=9)
    recipe = parse_recipe("name: t\nshard_size: 2\nstages:\n  - stage: standardize\n  - stage: filter\n", "r.yaml")
    first = run_recipe(Dataset.open("d", root), recipe)
    audio = lambda: [s.source for c in Dataset.open("d", root).cuts() for s in c.recording.sources]  # noqa: E731
    assert all(Path(a).is_file() for a in audio())

    shutil.rmtree(root / "d" / "audio")
    export = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "dataset", "export-shar", "d", "--root", str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert export.returncode == 1 and export.stderr.strip().startswith("error: cut ")
    assert "is missing" in export.stderr and len(export.stderr.strip().splitlines()) == 1

    again = run_recipe(Dataset.open("d", root), recipe)
    assert again.computed["standardize"] == first.shards  # the audio is written again...
    assert again.computed["filter"] == 0 and not again.new_version  # ...byte for byte: the rest stays
    assert all(Path(a).is_file() for a in audio())


def test_content_shards_average_shard_size_and_never_grow_past_three_times_it(tmp_path: Path) -> None:
    from lhotse import MonoCut

    from tsukasa.corpus.manifests import read_cuts
    from tsukasa.flows.curate import MAX_SHARD_FACTOR, content_shards, opens_shard

    starts = sum(opens_shard(f"rec{i:05d}-line", 8) for i in range(8000))
    assert 800 <= starts <= 1200  # one id in 8
    assert all(opens_shard(f"x{i}", 1) for i in range(10))  # shard_size 1: a cut per shard, as before
    cuts = [MonoCut(f"rec{i:05d}", 0.0, 1.0, 0) for i in range(2000)]
    shards = content_shards(cuts, 8, tmp_path / "s")
    sizes = [len(list(read_cuts(p))) for _, p in shards]
    assert sum(sizes) == 2000 and max(sizes) <= MAX_SHARD_FACTOR * 8
    assert 150 <= len(shards) <= 350 and len({n for n, _ in shards}) == len(shards)
    # the same cuts give the same shards; one cut more changes one shard or splits it
    again = content_shards([*cuts[:1000], MonoCut("rec00999x", 0.0, 1.0, 0), *cuts[1000:]], 8, tmp_path / "t")
    before = {n: p.read_bytes() for n, p in shards}
    after = {n: p.read_bytes() for n, p in again}
    assert len([n for n in after if before.get(n) != after[n]]) <= 2


@pytest.mark.slow
def test_same_input_same_bytes_and_dask_runner_matches_local(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster

    from tsukasa.flows.curate import run_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    root = tmp_path / "dm"
    recipe = parse_recipe(RECIPE, "r.yaml")
    ds = _fresh_dataset(root, raw_dir)
    local = run_recipe(ds, recipe)
    assert sum(local.computed.values()) == N_FILES * N_STAGES
    reference = _manifest_bytes(ds.path)

    # What the run did is kept with the version it made, stage by stage.
    run_yaml = ds.path / "versions" / f"v{local.version}" / "run.yaml"
    kept = yaml.safe_load(run_yaml.read_text(encoding="utf-8"))
    assert [st["stage"] for st in kept["stages"]] == ["standardize", "segment"]
    standardize, segment = kept["stages"]
    assert standardize["shards_computed"] == segment["shards_computed"] == N_FILES
    assert standardize["kept"] == N_FILES and standardize["rejected"] == {}
    assert segment["kept"] == local.cuts == len(list(Dataset.open("d", root).cuts()))
    assert segment["compute_s"] > 0 and kept["runner"].startswith("ThreadPoolTaskRunner")
    shown = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "dataset", "versions", "d", "--show", str(local.version), "--root",
         str(root)], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert shown.returncode == 0 and "stage: segment" in shown.stdout and "kind: run" in shown.stdout

    again = run_recipe(Dataset.open("d", root), recipe)  # everything cached, no new version
    assert sum(again.computed.values()) == 0 and not again.new_version
    assert _manifest_bytes(ds.path) == reference
    assert [(st.shards_reused, st.kept) for st in again.stages] == [(N_FILES, N_FILES), (N_FILES, local.cuts)]

    # Shard files deleted behind the cache's back (disk clean-up): recomputed, not a missing-path crash.
    for f in (ds.path / "stages" / "1-segment").glob("*.jsonl.gz"):
        f.unlink()
    redone = run_recipe(Dataset.open("d", root), recipe)
    assert (redone.computed["segment"], redone.cached["standardize"]) == (N_FILES, N_FILES)
    assert _manifest_bytes(ds.path) == reference and not redone.new_version

    shutil.rmtree(ds.path / "stages")  # drop the cache: Dask must recompute everything
    shutil.rmtree(ds.path / "audio")
    # A cluster of worker processes, reached by its address as `tsukasa run --dask-address` does:
    # the tasks, the flow run context and the Prefect API they report to must all cross processes
    # (an in-process cluster hid that none of them did). Workers start in another directory.
    workers_cwd = tmp_path / "elsewhere"
    workers_cwd.mkdir()
    here = os.getcwd()
    os.chdir(workers_cwd)
    try:
        cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None)
    finally:
        os.chdir(here)
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()  # a progress callback holds locks (the CLI's rich bar does): never pickled

    def progress(done: int, total: int) -> None:
        with lock:
            seen.append((done, total))

    monkeypatch.chdir(tmp_path)  # a relative dataset root, as the default ./data_manifests is
    with cluster:
        dask = run_recipe(Dataset.open("d", Path("dm")), recipe, dask_address=cluster.scheduler_address,
                          progress=progress)  # fmt: skip
    assert sum(dask.computed.values()) == N_FILES * N_STAGES and seen[-1] == (N_FILES * N_STAGES,) * 2
    assert _manifest_bytes(ds.path) == reference
    assert not dask.new_version  # the same bytes as the local runner's version


def test_offline_prefect_settings_apply_when_prefect_was_imported_first(tmp_path: Path) -> None:
    """Prefect reads the environment once, at import: a program that imported it before running
    a recipe still gets telemetry off and the long server-start timeout inside the run."""
    script = (
        "import prefect\n"
        "from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED as A\n"
        "from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as S\n"
        "from prefect.settings import PREFECT_HOME as H\n"
        "from tsukasa.flows.curate import configure_prefect, prefect_settings\n"
        f"configure_prefect({str(tmp_path / 'ds_prefect')!r})\n"
        "print(S.value(), A.value(), H.value())\n"
        "with prefect_settings():\n"
        "    print(S.value(), A.value(), H.value())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    before, inside = out.stdout.split("\n")[:2]
    assert not before.startswith("180 False")  # outside: Prefect's own defaults (the environment came too late)
    assert inside == f"180 False {tmp_path / 'ds_prefect'}"  # inside: ours, the dataset's Prefect home included


def test_dask_address_is_checked_before_the_flow_starts() -> None:
    from distributed import LocalCluster

    from tsukasa.flows.curate import check_dask_scheduler

    with LocalCluster(n_workers=0, processes=False, scheduler_port=0, dashboard_address=None) as cluster:
        check_dask_scheduler(cluster.scheduler_address, timeout_s=30)  # a live scheduler passes
        address = cluster.scheduler_address
    with pytest.raises(ConfigError, match=f"no Dask scheduler answers at {address}"):
        check_dask_scheduler(address, timeout_s=1)  # the same address once it is gone
    with pytest.raises(ConfigError, match="unknown address scheme"):
        check_dask_scheduler("nonsense://host:1")


def test_dask_address_is_checked_from_a_thread_whose_event_loop_runs() -> None:
    # a notebook (or an async caller) runs an event loop in the calling thread, where asyncio.run
    # refuses to start: the check must still answer with its one-line error, not a RuntimeError
    import asyncio

    from tsukasa.flows.curate import check_dask_scheduler

    async def from_a_running_loop() -> None:
        with pytest.raises(ConfigError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
            check_dask_scheduler("tcp://127.0.0.1:9", timeout_s=1)

    # The loop runs in a thread of the test's own: the main thread of a test worker may already have
    # one marked running (left by an earlier test), where this test's asyncio.run itself would refuse.
    failures: list[BaseException] = []

    def caller() -> None:
        try:
            asyncio.run(from_a_running_loop())
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=caller)
    thread.start()
    thread.join()
    assert not failures, failures


def test_a_stage_gives_the_same_bytes_whatever_runs_beside_it(raw_dir: Path, tmp_path: Path) -> None:
    """Tasks share a process (thread pool, Dask worker). ``segment`` caps BLAS threads while it runs;
    that used to change the BLAS thread count under a ``transcribe`` running beside it, and with it
    faster-whisper's features and transcripts (7 of 25 differed) — so a resumed run, whose tasks
    overlap differently, did not give the bytes of an uninterrupted one."""

    from tsukasa.flows.curate import run_stage_on_shard

    ds = _fresh_dataset(tmp_path / "dm", raw_dir)
    manifest = str(ds.cuts_path)

    def transcribe(out: str) -> bytes:
        res = run_stage_on_shard("transcribe", {}, manifest, out, str(ds.path), "s0")
        return Path(res["cuts"]).read_bytes()

    alone = transcribe(str(tmp_path / "alone"))
    stop = threading.Event()

    def segment_beside() -> None:
        i = 0
        while not stop.is_set():
            run_stage_on_shard("segment", {}, manifest, str(tmp_path / f"seg{i}"), str(ds.path), "s1")
            i += 1

    beside = threading.Thread(target=segment_beside)
    beside.start()
    try:
        together = transcribe(str(tmp_path / "together"))
    finally:
        stop.set()
        beside.join(timeout=300)
    assert together == alone


def test_a_stage_runs_on_a_shard_whose_every_cut_was_rejected(tmp_path: Path) -> None:
    """A shard emptied by an earlier stage (every file a tone: segment finds no speech) is still
    a shard: the next stage used to crash on it (Lhotse loads an empty manifest as None) and the
    whole run stopped with a traceback."""
    from lhotse import CutSet

    from tsukasa.corpus.manifests import read_cuts, read_recordings, write_manifest
    from tsukasa.flows.curate import run_stage_on_shard

    empty = tmp_path / "empty.cuts.jsonl.gz"
    write_manifest(CutSet.from_cuts([]), empty)
    assert len(read_cuts(empty, lazy=False)) == 0
    assert len(read_recordings(empty)) == 0
    for stage in ("textnorm", "transcribe"):
        res = run_stage_on_shard(stage, {}, str(empty), str(tmp_path / stage), str(tmp_path), "s0")
        assert res["computed"] and res["kept"] == 0
        assert list(read_cuts(res["cuts"])) == []


@pytest.mark.slow
def test_ctrl_c_stops_a_run_with_one_line_and_the_same_command_resumes(raw_dir: Path, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group, as a terminal sends it) used to end the run with exit
    130 and not a word: typer swallows KeyboardInterrupt. Now one line says what was kept."""
    root, recipe, env = _cli_setup(tmp_path)
    ds = _fresh_dataset(root, raw_dir)
    proc = _run_cli(root, recipe, env)
    _wait_for_outputs(proc, ds.path, 1)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        pytest.fail("the run did not stop on Ctrl-C:\n" + out[-5000:])
    assert proc.returncode == 130, out[-3000:]
    assert "Traceback" not in out
    assert out.strip().splitlines()[-1].startswith("interrupted: no version was written; finished shards are kept")
    assert Dataset.open("d", root).current_version == 1
    done = len(_outputs(ds.path))

    proc = _run_cli(root, recipe, env)  # the same command again
    out, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, out[-3000:]
    assert sum(int(n) for n in _computed_counts(out)) == N_FILES * N_STAGES - done


def test_a_passing_io_failure_is_retried_and_a_full_disk_named(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """An OSError in a task is the machine, not the stage: a network filesystem's EIO passes on a
    second try (Prefect retries the task), a full disk does not (one line naming it). Both were
    reported as "a bug in the stage" with a traceback file, and nothing was retried."""
    import errno
    from typing import ClassVar

    from tsukasa.flows import curate
    from tsukasa.flows.curate import StageIOError, run_recipe
    from tsukasa.pipelines import base

    failures: dict[str, int] = {}

    class Flaky(base.Stage[base.StageConfig]):
        name: ClassVar[str] = "flaky_io_for_test"
        kind: ClassVar = "annotator"
        Config: ClassVar[type[base.StageConfig]] = base.StageConfig
        fail: ClassVar[dict[str, int]] = {}  # errno → how many times to fail before working

        def process(self, cuts, ctx):  # noqa: ANN001, ANN201
            cuts = list(cuts)
            for code, times in self.fail.items():
                seen = failures.get(cuts[0].id, 0)
                if seen < times:
                    failures[cuts[0].id] = seen + 1
                    raise OSError(int(code), os.strerror(int(code)), "/mnt/nfs/part.flac")
            return base.StageResult(kept=cuts, rejected=[])

    monkeypatch.setitem(base._REGISTRY, Flaky.name, Flaky)
    monkeypatch.setattr(curate, "IO_RETRY_DELAY_S", 0.0)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    ds = _fresh_dataset(tmp_path / "dm", raw_dir)
    recipe = parse_recipe("name: t\nshard_size: 5\nstages:\n  - stage: flaky_io_for_test\n", "r.yaml")

    Flaky.fail = {str(errno.EIO): 1}  # fails once per shard, then works
    report = run_recipe(ds, recipe)
    assert report.cuts == N_FILES and failures and all(n == 1 for n in failures.values())

    failures.clear()
    Flaky.fail = {str(errno.ENOSPC): 99}
    recipe = parse_recipe("name: t2\nshard_size: 4\nstages:\n  - stage: flaky_io_for_test\n", "r.yaml")
    with pytest.raises(StageIOError) as exc:
        run_recipe(Dataset.open("d", tmp_path / "dm"), recipe)
    assert "No space left on device (/mnt/nfs/part.flac)" in str(exc.value) and "\n" not in str(exc.value)
    assert all(n == 1 for n in failures.values())  # not retried: a full disk stays full
    assert not (ds.path / "logs").exists()  # no "bug" traceback file


def test_a_bug_in_a_stage_stops_the_run_with_one_line_and_a_kept_traceback(
    raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage raising something other than a named input problem is a bug: the run stops with
    StageFailed naming the stage and shard (one line on the command line), the traceback goes to
    the dataset's logs/, and no version is written."""
    from typing import ClassVar

    from tsukasa.flows.curate import StageFailed, run_recipe
    from tsukasa.pipelines import base

    class Buggy(base.Stage[base.StageConfig]):
        name: ClassVar[str] = "buggy_for_test"
        kind: ClassVar = "annotator"
        Config: ClassVar[type[base.StageConfig]] = base.StageConfig

        def process_cut(self, cut, ctx):  # noqa: ANN001, ANN201
            return {}["missing key"]  # a plain bug: KeyError

    monkeypatch.setitem(base._REGISTRY, Buggy.name, Buggy)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    ds = _fresh_dataset(tmp_path / "dm", raw_dir)
    recipe = parse_recipe("name: t\nshard_size: 5\nstages:\n  - stage: buggy_for_test\n", "r.yaml")
    with pytest.raises(StageFailed) as exc:
        run_recipe(ds, recipe)
    message = str(exc.value)
    assert re.search(r"stage 'buggy_for_test' failed on shard-[0-9a-f]{12} \(KeyError: 'missing key'\)", message)
    assert "\n" not in message
    log = Path(re.search(r"traceback in (\S+);", message).group(1))
    assert log.parent == ds.path / "logs" and "KeyError" in log.read_text() and "process_cut" in log.read_text()
    assert Dataset.open("d", tmp_path / "dm").current_version == 1
    # Prefect's run loggers (as configured once the flow ran) log a StageFailed without the
    # wrapper's traceback, and anything else with its traceback as before
    for name in ("prefect.task_runs", "prefect.flow_runs"):
        for error, kept in ((exc.value, False), (KeyError("x"), True)):
            record = logging.LogRecord(name, logging.ERROR, __file__, 1, "failed", None, (type(error), error, None))
            assert logging.getLogger(name).filter(record)
            assert (record.exc_info is not None) is kept

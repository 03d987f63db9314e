"""``tsukasa dataset prune``: old runs' caches go; versions, the last run's caches and a killed
run's finished shards stay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows._data import noise_dataset
from tsukasa.corpus.dataset import Dataset
from tsukasa.flows.recipe import parse_recipe


def _recipe(lufs: float):
    text = f"name: t\nshard_size: 2\nstages:\n  - stage: standardize\n    config:\n      loudness_lufs: {lufs}\n"
    return parse_recipe(text, "r.yaml")


def _audio_named_by_versions(ds: Dataset) -> list[str]:
    out = []
    for v in ds.meta.versions:
        out += [s.source for c in ds.cuts(v.number) for s in c.recording.sources]
    return out


@pytest.fixture()
def dataset(tmp_path: Path, monkeypatch) -> Dataset:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    return noise_dataset(tmp_path, 6, seed=11)


def test_prune_deletes_old_caches_and_keeps_versions_and_the_last_run(dataset: Dataset, tmp_path: Path) -> None:
    from tsukasa.flows.curate import run_recipe
    from tsukasa.flows.prune import prune

    root = tmp_path / "dm"
    run_recipe(Dataset.open("d", root), _recipe(-23.0))
    run_recipe(Dataset.open("d", root), _recipe(-16.0))  # the recipe edit: new outputs, new audio
    ds = Dataset.open("d", root)
    stage_files = lambda: {p for p in ds.stages_dir.rglob("*") if p.is_file()}  # noqa: E731
    before = stage_files()

    dry = prune(ds, dry_run=True)
    assert dry.removed["stage caches"][0] > 0 and stage_files() == before  # a dry run deletes nothing
    report = prune(ds)
    assert report.files == dry.files and report.bytes == dry.bytes > 0
    assert stage_files() < before
    # Both versions stay playable: the audio of the -23 run is named by v2, though its caches went.
    assert all(Path(a).is_file() for a in _audio_named_by_versions(ds))
    # The last run's caches stay: the same recipe again computes nothing and writes no version.
    again = run_recipe(Dataset.open("d", root), _recipe(-16.0))
    assert again.computed["standardize"] == 0 and not again.new_version
    # ... and the old recipe, whose caches went, computes again (and finds its audio as it was).
    old = run_recipe(Dataset.open("d", root), _recipe(-23.0))
    assert old.computed["standardize"] == old.shards


def test_prune_keeps_what_a_killed_run_finished(dataset: Dataset, tmp_path: Path) -> None:
    """A run killed halfway has written finished shards (and their audio) after the last finished
    run: a resume needs them, so prune leaves them."""
    from tsukasa.flows.curate import run_recipe, run_stage_on_shard, write_input_shards
    from tsukasa.flows.prune import prune

    root = tmp_path / "dm"
    run_recipe(Dataset.open("d", root), _recipe(-23.0))
    ds = Dataset.open("d", root)
    name, shard = write_input_shards(ds, 1, 2)[0]
    config = _recipe(-14.0).steps[0].config
    done = run_stage_on_shard("standardize", config, str(shard), str(ds.stages_dir / "0-standardize"), str(ds.path),
                              name)  # fmt: skip  # the one shard the killed run finished
    prune(ds)
    assert Path(done["cuts"]).is_file() and Path(done["rejected"]).is_file()
    finished_audio = list((ds.audio_dir).glob("*/*.flac"))
    resumed = run_recipe(Dataset.open("d", root), _recipe(-14.0))
    assert resumed.computed["standardize"] == resumed.shards - 1  # the killed run's shard was kept
    assert all(p.is_file() for p in finished_audio)


def test_prune_without_a_finished_run_keeps_every_stage_cache(dataset: Dataset, tmp_path: Path) -> None:
    from tsukasa.flows.curate import LIVE_FILE, run_recipe
    from tsukasa.flows.prune import prune

    root = tmp_path / "dm"
    run_recipe(Dataset.open("d", root), _recipe(-23.0))
    ds = Dataset.open("d", root)
    (ds.stages_dir / LIVE_FILE).unlink()  # as a dataset whose runs all finished before prune existed
    report = prune(ds)
    assert report.files == 0 and not report.stage_caches_checked


def test_prune_cli_dry_run_says_what_it_would_free(dataset: Dataset, tmp_path: Path) -> None:
    from tsukasa.flows.curate import run_recipe

    root = tmp_path / "dm"
    run_recipe(Dataset.open("d", root), _recipe(-23.0))
    run_recipe(Dataset.open("d", root), _recipe(-16.0))
    out = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "dataset", "prune", "d", "--dry-run", "--root", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "d: would free" in out.stdout and "stage caches:" in out.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "dataset", "prune", "nope", "--root", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode != 0 and len(missing.stderr.strip().splitlines()) == 1


def test_keep_audio_of_drops_older_versions_audio_and_marks_them(dataset: Dataset, tmp_path: Path) -> None:
    """Each config tried is a whole copy of the standardised audio, which versions kept forever.
    --keep-audio-of 1 keeps the current version's audio only: the older run version keeps its
    manifests, is marked, and its export stops with one line; its recipe run again writes it back."""
    from tsukasa.corpus.shar import export_shar
    from tsukasa.errors import ConfigError, DatasetError
    from tsukasa.flows.curate import run_recipe
    from tsukasa.flows.prune import prune

    root = tmp_path / "dm"
    run_recipe(Dataset.open("d", root), _recipe(-23.0))
    run_recipe(Dataset.open("d", root), _recipe(-16.0))
    ds = Dataset.open("d", root)
    old, current = [v.number for v in ds.meta.versions if v.kind == "run"]
    old_audio = [s.source for c in ds.cuts(old) for s in c.recording.sources]
    current_audio = [s.source for c in ds.cuts(current) for s in c.recording.sources]

    with pytest.raises(ConfigError, match="at least 1"):
        prune(ds, keep_audio_of=0)
    dry = prune(ds, dry_run=True, keep_audio_of=1)
    assert dry.audio_pruned_versions == [old] and all(Path(a).is_file() for a in old_audio)
    report = prune(ds, keep_audio_of=1)
    assert report.audio_pruned_versions == [old]
    assert report.removed["standardised audio no kept version names"][0] == len(set(old_audio))
    assert not any(Path(a).is_file() for a in old_audio) and all(Path(a).is_file() for a in current_audio)

    ds = Dataset.open("d", root)
    assert ds.version(old).audio_pruned_at is not None and ds.version(current).audio_pruned_at is None
    assert len(list(ds.cuts(old))) == len(old_audio)  # the record of what it was stays
    with pytest.raises(DatasetError, match=rf"v{old} .*no longer plays.*--keep-audio-of"):
        export_shar(ds, tmp_path / "shar-old", version=old)
    export_shar(ds, tmp_path / "shar-current")  # the current version exports as before

    again = run_recipe(Dataset.open("d", root), _recipe(-23.0))  # the old recipe: its audio comes back
    assert again.computed["standardize"] == again.shards
    assert all(Path(a).is_file() for a in old_audio)
    export_shar(Dataset.open("d", root), tmp_path / "shar-old", version=old)  # it plays again

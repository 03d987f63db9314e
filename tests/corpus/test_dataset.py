"""Dataset layout: typed dataset.yaml, immutable numbered versions, top level kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.corpus.schema import RejectedItem
from tsukasa.errors import DatasetError


def test_versions_are_numbered_immutable_and_current_is_at_top(tmp_path: Path, dataset_root: Path) -> None:
    write_audio(tmp_path / "raw" / "a.wav", tone(1.0, 16000), 16000)
    ds = Dataset.create("t", dataset_root, licence="CC-BY-4.0")
    ingest(tmp_path / "raw", ds)
    cuts = list(ds.cuts())
    v2 = ds.write_version(cuts[:0], [RejectedItem(id=cuts[0].id, kind="cut", reason="test", stage="t")],
                          kind="edit", description="drop all")  # fmt: skip
    assert v2.number == 2 and v2.parent == 1 and v2.counts.rejected == 1
    reopened = Dataset.open("t", dataset_root)
    assert reopened.current_version == 2
    assert [v.number for v in reopened.meta.versions] == [1, 2]
    assert (ds.version_dir(2) / "cuts.jsonl.gz").read_bytes() == ds.cuts_path.read_bytes()
    assert len(list(reopened.cuts(1))) == 1 and len(list(reopened.cuts())) == 0
    # version files are read-only and the version dir cannot be rewritten through the API
    mode = (ds.version_dir(1) / "cuts.jsonl.gz").stat().st_mode
    assert mode & 0o222 == 0
    meta = yaml.safe_load((ds.path / "dataset.yaml").read_text())
    assert meta["licence"] == "CC-BY-4.0" and meta["current_version"] == 2
    assert meta["versions"][0]["kind"] == "ingest" and meta["versions"][0]["counts"]["cuts"] == 1
    reopened.set_current(1)
    assert len(list(Dataset.open("t", dataset_root).cuts())) == 1


def test_a_result_identical_to_an_earlier_version_is_not_written_again(tmp_path: Path, dataset_root: Path) -> None:
    write_audio(tmp_path / "raw" / "a.wav", tone(1.0, 16000), 16000)
    ds = Dataset.create("t", dataset_root)
    ingest(tmp_path / "raw", ds)
    cuts = list(ds.cuts())
    ds.write_version(cuts[:0], [], kind="edit", description="a later version, made current")
    # the ingest result again (what a re-ingest with nothing new produces), against version 1
    same = ds.write_version(cuts, [], kind="ingest", description="again", unchanged_since=1)
    assert same.number == 1
    assert [v.number for v in ds.meta.versions] == [1, 2] and ds.current_version == 2
    assert not ds.version_dir(3).exists()
    # anything different is a new version
    new = ds.write_version(cuts, [], kind="ingest", description="changed", unchanged_since=2)
    assert new.number == 3 and ds.current_version == 3


def test_existing_version_dir_is_never_overwritten(tmp_path: Path, dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    ds.version_dir(1).mkdir(parents=True)
    with pytest.raises(DatasetError, match="immutable"):
        ds.write_version([], [], kind="edit", description="x")


def test_bad_names_and_missing_datasets_are_clear_errors(dataset_root: Path) -> None:
    with pytest.raises(DatasetError, match="invalid dataset name"):
        Dataset.create("../evil", dataset_root)
    with pytest.raises(DatasetError, match="no dataset 'nope'"):
        Dataset.open("nope", dataset_root)


def test_invalid_dataset_yaml_is_named(dataset_root: Path) -> None:
    ds = Dataset.create("t", dataset_root)
    (ds.path / "dataset.yaml").write_text("name: t\ncreated_at: not-a-date\n")
    with pytest.raises(DatasetError, match="invalid dataset.yaml"):
        Dataset.open("t", dataset_root)


def test_dataset_yaml_hand_edited_in_shift_jis_is_read(dataset_root: Path) -> None:
    """Saved by a Windows editor after adding a Japanese title: was a UnicodeDecodeError traceback."""
    ds = Dataset.create("t", dataset_root, licence="CC-BY 4.0")
    meta = ds.path / "dataset.yaml"
    meta.write_bytes((meta.read_text(encoding="utf-8") + "# 作品: 星詠みの司\n").encode("cp932"))
    assert Dataset.open("t", dataset_root).meta.licence == "CC-BY 4.0"

"""Versions listing and diff on known edits; old versions stay byte-identical when new ones are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from lhotse.utils import fastcopy

from tests.corpus.processed import build_processed
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.diff import changed_fields, diff_versions, versions_table
from tsukasa.corpus.schema import RejectedItem
from tsukasa.errors import DatasetError


def test_diff_reports_known_edits_and_versions_stay_immutable(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path)
    v2_bytes = (ds.version_dir(2) / "cuts.jsonl.gz").read_bytes()
    cuts = sorted(ds.cuts(), key=lambda c: c.id)
    removed, rejected, text_edit, kana_edit = cuts[0], cuts[1], cuts[2], cuts[3]
    sup = text_edit.supervisions[0]
    edited_text = fastcopy(text_edit, supervisions=[fastcopy(sup, text=sup.text + "（修正）")])
    sup = kana_edit.supervisions[0]
    edited_kana = fastcopy(kana_edit, supervisions=[fastcopy(sup, custom={**sup.custom, "kana": "アイウ"})])
    added = fastcopy(cuts[4], id=cuts[4].id + "-copy")
    new_cuts = [edited_text, edited_kana, added, *cuts[4:]]
    reject = RejectedItem(id=rejected.id, kind="cut", reason="review_rejected", stage="review", item=rejected.to_dict())
    ds.write_version(new_cuts, [*ds.rejected(), reject], kind="review", description="known edits")

    diff = diff_versions(ds, 2, 3)
    assert diff.added == [added.id]
    assert diff.removed == sorted([removed.id, rejected.id])
    assert diff.changed == {text_edit.id: ["supervisions[0].text"], kana_edit.id: ["supervisions[0].custom.kana"]}
    assert diff.unchanged == len(cuts) - 4
    assert diff.newly_rejected == {rejected.id: "review_rejected"} and diff.restored == []
    assert diff.field_counts == {"supervisions[*].text": 1, "supervisions[*].custom.kana": 1}
    text = diff.summary()
    assert "1 added, 2 removed, 2 changed" in text and "review_rejected ×1" in text
    # the reverse diff mirrors it
    back = diff_versions(ds, 3, 2)
    assert back.added == diff.removed and back.removed == diff.added and back.restored == [rejected.id]
    # writing v3 left v2 byte for byte as it was
    assert (ds.version_dir(2) / "cuts.jsonl.gz").read_bytes() == v2_bytes

    rows = versions_table(ds)
    assert [(r["version"], r["kind"], r["current"]) for r in rows] == [
        (1, "ingest", False), (2, "run", False), (3, "review", True)
    ]  # fmt: skip
    assert rows[2]["cuts"] == len(new_cuts) and rows[2]["rejected"] == 2 and rows[2]["parent"] == 2
    assert rows[0]["rejected"] == 1 and rows[0]["speakers"] == 5 and rows[2]["created_by"]


def test_an_existing_version_cannot_be_written_again(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path, n=3)
    (ds.path / "versions" / "v3").mkdir()  # e.g. left by hand: the next number is taken on disk
    with pytest.raises(DatasetError, match="immutable"):
        ds.write_version(list(ds.cuts(1)), [], kind="edit", description="overwrite v3")


def test_a_stale_view_writes_the_next_version_and_keeps_the_others(tmp_path: Path, dataset_root: Path) -> None:
    """Another writer's versions since this object was opened are re-read under the lock, never dropped."""
    ds = build_processed(dataset_root, tmp_path, n=3)
    ds.meta.versions = ds.meta.versions[:1]  # a stale view that would reuse number 2
    record = ds.write_version(list(ds.cuts(1)), [], kind="edit", description="after v2")
    assert record.number == 3
    assert [v.number for v in Dataset.open(ds.name, dataset_root).meta.versions] == [1, 2, 3]


def test_diff_of_unknown_version_is_a_named_error(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path, n=2)
    with pytest.raises(DatasetError, match="no version 9"):
        diff_versions(ds, 1, 9)


def test_changed_fields_names_nested_paths() -> None:
    a = {"id": "x", "custom": {"split": "train", "shard_origin": "a"}, "supervisions": [{"custom": {"q": {"snr": 1}}}]}
    b = {"id": "x", "custom": {"split": "test", "shard_origin": "b"}, "supervisions": [{"custom": {"q": {"snr": 2}}}]}
    assert changed_fields(a, b) == ["custom.split", "supervisions[0].custom.q.snr"]

"""Deterministic splits by speaker or title, written into a new version, with no leakage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lhotse.utils import fastcopy

from tests.corpus.processed import build_processed
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.splits import assign_groups, filter_split, find_leaks, group_of, split_cuts, split_dataset
from tsukasa.errors import ConfigError, DatasetError


@pytest.mark.parametrize(("by", "groups"), [("speaker", 5), ("title", 3)])
def test_split_is_written_deterministic_and_leak_free(tmp_path: Path, dataset_root: Path, by: str, groups: int) -> None:
    ds = build_processed(dataset_root, tmp_path)
    report = split_dataset(ds, by=by, ratios=(0.6, 0.2, 0.2), seed=3)
    assert report.version == 3 and ds.version(3).kind == "split" and f"split by {by}" in ds.version(3).description
    cuts = list(Dataset.open(ds.name, dataset_root).cuts())
    assert len(cuts) == 10 and all(c.custom["split_by"] == by for c in cuts)
    assert find_leaks(cuts, by) == {}
    members = {s: {group_of(c, by) for c in cuts if c.custom["split"] == s} for s in ("train", "valid", "test")}
    assert all(members.values()), members  # every split gets at least one group
    train, valid, test = members["train"], members["valid"], members["test"]
    assert not (train & valid or train & test or valid & test)
    assert sum(len(m) for m in members.values()) == groups
    # same data + seed → the same assignment; the rejected items travel with the new version
    again, _ = split_cuts(ds.cuts(2), by=by, ratios=(0.6, 0.2, 0.2), seed=3)
    assert {c.id: c.custom["split"] for c in again} == {c.id: c.custom["split"] for c in cuts}
    assert [r.id for r in ds.rejected(3)] == [r.id for r in ds.rejected(2)]
    assert sorted(c.id for c in filter_split(cuts, "test")) == sorted(c.id for c in cuts if c.custom["split"] == "test")


def test_leak_is_detected(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path)
    cuts, _ = split_cuts(ds.cuts(), by="speaker", ratios=(0.5, 0.25, 0.25))
    assert find_leaks(cuts, "speaker") == {}
    speaker = Counter(group_of(c, "speaker") for c in cuts).most_common(1)[0][0]
    same_speaker = [c for c in cuts if group_of(c, "speaker") == speaker]
    assert len(same_speaker) >= 2  # 10 files over 5 voices: some voice repeats
    other = next(s for s in ("train", "valid", "test") if s != same_speaker[0].custom["split"])
    leaky = [fastcopy(c, custom={**c.custom, "split": other}) if c.id == same_speaker[0].id else c for c in cuts]
    assert set(find_leaks(leaky, "speaker")) == {speaker}


def test_assignment_follows_ratios_over_many_groups() -> None:
    durations = {f"spk{i:03d}": 10.0 + (i % 7) for i in range(200)}
    groups = assign_groups(durations, (0.8, 0.1, 0.1), seed=0)
    total = sum(durations.values())
    share = {s: sum(d for g, d in durations.items() if groups[g] == s) / total for s in ("train", "valid", "test")}
    # by hash position: the shares follow the ratios within sampling noise (±3 sd at 200 groups)
    assert abs(share["train"] - 0.8) < 0.09 and abs(share["valid"] - 0.1) < 0.07 and abs(share["test"] - 0.1) < 0.07
    assert assign_groups(durations, (0.8, 0.1, 0.1), seed=1) != groups  # the seed matters
    # adding a speaker moves no existing one
    more = assign_groups({**durations, "newcomer": 5.0}, (0.8, 0.1, 0.1), seed=0)
    assert [g for g in groups if more[g] != groups[g]] == []


def test_bad_ratios_and_unsplit_data_are_named_errors(tmp_path: Path, dataset_root: Path) -> None:
    with pytest.raises(ConfigError, match="split ratios"):
        assign_groups({"a": 1.0}, (0.5, 0.5))
    ds = build_processed(dataset_root, tmp_path, n=2)
    with pytest.raises(DatasetError, match="tsukasa dataset split"):
        list(filter_split(ds.cuts(), "train"))
    with pytest.raises(ConfigError, match="unknown split"):
        list(filter_split(ds.cuts(), "dev"))

"""Deterministic train/valid/test splits by speaker or by title, with no leakage.

A split is decided per *group* (a speaker, or a game/novel title), never per cut: a voice heard
in training must not be the test voice, and lines of one title share vocabulary, characters and
recording chain. Groups are ordered by a seeded hash of their name (so adding a new speaker never
moves an old one, and the same data + seed always gives the same split); with only a handful of
groups, where hashing could leave valid or test empty, groups are dealt out to balance audio
duration instead (see :func:`assign_groups`).

Where it is written: ``cut.custom["split"]`` (``train``/``valid``/``test``) and
``cut.custom["split_by"]`` in a new dataset version of kind ``split``. Keeping it on the cut
means every export (Shar, HF, report) and every later version carries it without a side file
that could drift from the manifests.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tsukasa.corpus.dataset import Dataset, VersionRecord
from tsukasa.errors import ConfigError, DatasetError

SplitBy = Literal["speaker", "title"]
SPLITS: tuple[str, str, str] = ("train", "valid", "test")
UNKNOWN_GROUP = "<unknown>"


def group_of(cut: Any, by: SplitBy) -> str:
    """The speaker (first supervision) or the title (``custom.source.title``) a cut belongs to."""
    sups = list(getattr(cut, "supervisions", []) or [])
    if by == "speaker":
        return next((s.speaker for s in sups if s.speaker), None) or UNKNOWN_GROUP
    for s in sups:
        title = ((s.custom or {}).get("source") or {}).get("title")
        if title:
            return str(title)
    return str((cut.custom or {}).get("title") or UNKNOWN_GROUP)


def split_of(cut: Any) -> str | None:
    return (cut.custom or {}).get("split")


def _check_ratios(ratios: Sequence[float]) -> tuple[float, float, float]:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or sum(ratios) <= 0:
        raise ConfigError(f"split ratios must be three non-negative numbers (train valid test), got {list(ratios)}")
    total = float(sum(ratios))
    return tuple(r / total for r in ratios)  # type: ignore[return-value]


def _unit(seed: int, group: str) -> float:
    """A group's fixed position in [0, 1), from a seeded hash of its name."""
    return int(hashlib.sha256(f"{seed}\0{group}".encode()).hexdigest()[:15], 16) / 16**15


def assign_groups(
    durations: dict[str, float], ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
) -> dict[str, str]:
    """Group name → split name. Deterministic for the same groups, durations, ratios and seed.

    Normally a group's split depends only on its own name and the seed (its hash position against
    the cumulative ratios), so a dataset that grows keeps every old speaker in the split it had.
    When that would leave a wanted split empty (a handful of groups), the groups are instead
    dealt out to balance audio duration: each wanted split first gets one group, then each group
    goes to the split furthest below its target share.
    """
    shares = _check_ratios(ratios)
    edges = [shares[0], shares[0] + shares[1]]
    by_hash = {g: SPLITS[sum(_unit(seed, g) >= e for e in edges)] for g in durations}
    wanted = [s for s, r in zip(SPLITS, shares, strict=True) if r > 0]
    if set(wanted) <= set(by_hash.values()) or len(durations) < len(wanted):
        return by_hash
    order = sorted(durations, key=lambda g: _unit(seed, g))
    total = sum(durations.values()) or 1.0
    filled = dict.fromkeys(SPLITS, 0.0)
    assignment: dict[str, str] = {}
    for name in sorted(wanted, key=lambda s: shares[SPLITS.index(s)]):  # smallest splits first
        g = order.pop(0)
        assignment[g] = name
        filled[name] += durations[g]
    for g in order:
        deficit = {s: shares[i] * total - filled[s] for i, s in enumerate(SPLITS) if shares[i] > 0}
        name = max(deficit, key=lambda s: (deficit[s], -SPLITS.index(s)))
        assignment[g] = name
        filled[name] += durations[g]
    return assignment


@dataclass
class SplitReport:
    by: SplitBy
    seed: int
    ratios: tuple[float, float, float]
    groups: dict[str, str] = field(default_factory=dict)  # group → split
    cuts: dict[str, int] = field(default_factory=dict)  # split → cut count
    hours: dict[str, float] = field(default_factory=dict)  # split → hours
    version: int | None = None

    def summary(self) -> str:
        parts = [
            f"{s}: {self.cuts.get(s, 0)} cuts, {self.hours.get(s, 0.0):.2f} h, "
            f"{sum(1 for v in self.groups.values() if v == s)} {self.by}(s)"
            for s in SPLITS
        ]
        where = f" → v{self.version}" if self.version is not None else ""
        return f"split by {self.by} (seed {self.seed}){where}: " + "; ".join(parts)


def split_cuts(
    cuts: Iterable[Any], by: SplitBy = "speaker", ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
) -> tuple[list[Any], SplitReport]:
    """New cuts with ``custom["split"]``/``custom["split_by"]`` set, and what was decided."""
    from lhotse.utils import fastcopy

    if by not in ("speaker", "title"):
        raise ConfigError(f"split by must be 'speaker' or 'title', got {by!r}")
    cuts = list(cuts)
    durations: dict[str, float] = defaultdict(float)
    for c in cuts:
        durations[group_of(c, by)] += float(c.duration)
    groups = assign_groups(dict(durations), ratios, seed)
    report = SplitReport(by=by, seed=seed, ratios=_check_ratios(ratios), groups=groups)
    out = []
    for c in cuts:
        name = groups[group_of(c, by)]
        report.cuts[name] = report.cuts.get(name, 0) + 1
        report.hours[name] = report.hours.get(name, 0.0) + float(c.duration) / 3600
        out.append(fastcopy(c, custom={**(c.custom or {}), "split": name, "split_by": by}))
    return out, report


def find_leaks(cuts: Iterable[Any], by: SplitBy) -> dict[str, set[str]]:
    """Groups that appear in more than one split (empty when the split is clean)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for c in cuts:
        name = split_of(c)
        if name is not None:
            seen[group_of(c, by)].add(name)
    return {g: s for g, s in seen.items() if len(s) > 1}


def split_dataset(
    ds: Dataset,
    by: SplitBy = "speaker",
    ratios: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    *,
    version: int | None = None,
) -> SplitReport:
    """Split the cuts of ``version`` (default current) and write the result as a new version."""
    source = version if version is not None else ds.current_version
    cuts, report = split_cuts(ds.cuts(source), by, ratios, seed)
    if not cuts:
        raise DatasetError(f"dataset {ds.name!r} v{source} has no cuts to split")
    leaks = find_leaks(cuts, by)
    if leaks:  # cannot happen by construction; checked because a leak silently ruins every evaluation
        raise DatasetError(f"split leaks {by} across splits: {sorted(leaks)[:3]}")
    share = "/".join(f"{r:g}" for r in report.ratios)
    record: VersionRecord = ds.write_version(
        cuts,
        ds.rejected(source),
        kind="split",
        description=f"split by {by} {share} seed {seed} (from v{source})",
    )
    report.version = record.number
    return report


def filter_split(cuts: Iterable[Any], split: str) -> Iterable[Any]:
    """The cuts of one split; a dataset that was never split is a ``DatasetError``, not an empty set."""
    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    any_split = False
    for c in cuts:
        name = split_of(c)
        any_split = any_split or name is not None
        if name == split:
            yield c
    if not any_split:
        raise DatasetError(f"no split assigned in this version: run `tsukasa dataset split` first (wanted {split!r})")

"""What a dataset holds over time: the versions table and the diff between two versions.

Versions themselves are written by :meth:`Dataset.write_version` (immutable, numbered); this
module only reads them. A diff answers the data engineer's question after a recipe change or a
review import: which cuts appeared, which went away (and were they rejected, with what reason),
and which changed — down to the field (``supervisions[0].custom.kana``), so "the new phonemizer
touched 3,000 readings and nothing else" can be checked instead of believed.

Both versions are streamed; only one JSON string per cut of version A is kept in memory, and a
cut is parsed field by field only when its serialised form differs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tsukasa.corpus.dataset import Dataset


def versions_table(ds: Dataset) -> list[dict[str, Any]]:
    """One row per version, oldest first: who/what/when and counts (what ``tsukasa dataset versions`` prints)."""
    rows = []
    for v in ds.meta.versions:
        rows.append(
            {
                "version": v.number,
                "current": v.number == ds.current_version,
                "kind": v.kind,
                "created_at": v.created_at.isoformat(),
                "created_by": v.created_by,
                "description": v.description
                + (f" [audio pruned {v.audio_pruned_at:%Y-%m-%d}]" if v.audio_pruned_at else ""),
                "audio_pruned_at": v.audio_pruned_at.isoformat() if v.audio_pruned_at else None,
                "parent": v.parent,
                "recipe": v.recipe,
                "cuts": v.counts.cuts,
                "rejected": v.counts.rejected,
                "hours": round(v.counts.duration_s / 3600, 3),
                "speakers": v.counts.speakers,
            }
        )
    return rows


# Cut keys whose change is bookkeeping of the reader, not data (Shar adds these on load).
_IGNORED_CUT_KEYS = {"shard_origin", "shar_epoch"}


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Dicts become dotted paths; lists of dicts are indexed (``supervisions[0]``); other lists are leaves."""
    if isinstance(value, dict):
        if not value and prefix:
            out[prefix] = value
        for k, v in value.items():
            if prefix == "custom" and k in _IGNORED_CUT_KEYS:
                continue
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and prefix == "supervisions":
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
        out[f"{prefix}.count"] = len(value)
    else:
        out[prefix] = value


def changed_fields(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Dotted paths that differ between two serialised cuts (added or removed paths included)."""
    fa: dict[str, Any] = {}
    fb: dict[str, Any] = {}
    _flatten(a, "", fa)
    _flatten(b, "", fb)
    return sorted(k for k in fa.keys() | fb.keys() if fa.get(k, _MISSING) != fb.get(k, _MISSING))


_MISSING = object()


@dataclass
class DiffResult:
    """Cuts added, removed and changed from version ``a`` to ``b``, plus rejected-item movements."""

    dataset: str
    a: int
    b: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # cut id → changed field paths
    unchanged: int = 0
    newly_rejected: dict[str, str] = field(default_factory=dict)  # id → reason (rejected in b, not in a)
    restored: list[str] = field(default_factory=list)  # rejected in a, not in b

    @property
    def field_counts(self) -> Counter:
        """How many cuts changed each field (``supervisions[i]`` folded so every supervision counts once)."""
        counts: Counter = Counter()
        for paths in self.changed.values():
            counts.update({_fold_index(p) for p in paths})
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "a": self.a,
            "b": self.b,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "field_counts": dict(self.field_counts.most_common()),
            "newly_rejected": self.newly_rejected,
            "restored": self.restored,
        }

    def summary(self, examples: int = 5) -> str:
        """A few human lines: the counts, the fields that changed most, and example ids."""
        lines = [
            f"{self.dataset}: v{self.a} → v{self.b}: {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed, {self.unchanged} unchanged"
        ]
        for label, ids in (("added", self.added), ("removed", self.removed)):
            if ids:
                more = f" (+{len(ids) - examples} more)" if len(ids) > examples else ""
                lines.append(f"  {label}: {', '.join(ids[:examples])}{more}")
        for path, n in self.field_counts.most_common(15):
            lines.append(f"  changed {path}: {n} cut(s)")
        if self.newly_rejected:
            reasons = Counter(self.newly_rejected.values())
            lines.append("  newly rejected: " + ", ".join(f"{r} ×{n}" for r, n in reasons.most_common()))
        if self.restored:
            lines.append(f"  no longer rejected: {len(self.restored)}")
        return "\n".join(lines)


def _fold_index(path: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[*]", path)


def diff_versions(ds: Dataset, a: int, b: int) -> DiffResult:
    """Compare two versions of ``ds`` (either order); unknown versions are a ``DatasetError``."""
    ds.version(a)
    ds.version(b)
    old: dict[str, str] = {}
    for cut in ds.cuts(a):
        old[cut.id] = json.dumps(cut.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    result = DiffResult(dataset=ds.name, a=a, b=b)
    seen: set[str] = set()
    for cut in ds.cuts(b):
        seen.add(cut.id)
        new_json = json.dumps(cut.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        old_json = old.get(cut.id)
        if old_json is None:
            result.added.append(cut.id)
        elif old_json == new_json:
            result.unchanged += 1
        else:
            paths = changed_fields(json.loads(old_json), json.loads(new_json))
            if paths:
                result.changed[cut.id] = paths
            else:
                result.unchanged += 1
    result.removed = sorted(set(old) - seen)
    result.added.sort()
    rej_a = {r.id: r.reason for r in ds.rejected(a)}
    rej_b = {r.id: r.reason for r in ds.rejected(b)}
    result.newly_rejected = {i: rej_b[i] for i in sorted(rej_b.keys() - rej_a.keys())}
    result.restored = sorted(rej_a.keys() - rej_b.keys())
    return result

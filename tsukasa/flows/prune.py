"""``tsukasa dataset prune``: free the disk that caches of earlier runs hold, and nothing else.

Every recipe edit or new stage version makes a run write new stage outputs (``stages/``) and,
for ``standardize``/``denoise``, a whole new copy of the audio (``audio/<fingerprint>/``); the
old ones stay, because a cache cannot know it will not be asked again. Over thousands of hours
that is a full copy of the audio per config tried. Prune keeps:

* every file under ``audio/`` that a manifest of **any version** names (``versions/vN/`` cuts
  and rejected items, the current ones at the top): versions are immutable and stay playable —
  unless ``keep_audio_of=N`` (``--keep-audio-of N``) says to keep the audio of the N newest
  versions (and the current one) only. Each config tried is a full copy of the audio, so over
  thousands of hours old versions' audio is most of the disk. A version whose audio goes keeps
  its manifests (what it was, `dataset diff` against it) and is marked ``audio_pruned_at``:
  exports of it stop with one line, and running its recipe again writes the audio back;
* the caches the **last finished run** used (``stages/live.json``, written at the end of each
  run): the same command re-runs from cache after a prune;
* anything written **after** that run finished (a run killed or still unfinished, whose
  finished shards a resume needs): judged by modification time against ``live.json``.

and deletes the rest of ``stages/`` and ``audio/``: stage outputs, their Prefect cache records
(``stages/_results``), input shards of older ingests and unreferenced standardised audio. A
dataset that has no ``live.json`` yet (no run finished since this was added) has its stage
caches left alone. Nothing outside the dataset folder is ever touched (raw sources included).
It holds the dataset's writer lock, so it never runs beside a run or an ingest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.manifests import read_jsonl
from tsukasa.errors import ConfigError
from tsukasa.flows.curate import LIVE_FILE, output_tag


@dataclass
class PruneReport:
    """What prune deleted (or, with ``dry_run``, would delete), by kind: files and bytes."""

    dataset: str
    dry_run: bool
    removed: dict[str, list[int]] = field(default_factory=dict)  # kind → [files, bytes]
    kept_stage_files: int = 0
    kept_audio_files: int = 0
    stage_caches_checked: bool = True
    audio_pruned_versions: list[int] = field(default_factory=list)  # versions that no longer play

    def add(self, kind: str, size: int) -> None:
        files_bytes = self.removed.setdefault(kind, [0, 0])
        files_bytes[0] += 1
        files_bytes[1] += size

    @property
    def files(self) -> int:
        return sum(f for f, _ in self.removed.values())

    @property
    def bytes(self) -> int:
        return sum(b for _, b in self.removed.values())


def prune(ds: Dataset, *, dry_run: bool = False, keep_audio_of: int | None = None) -> PruneReport:
    """Delete stage caches and audio no version and no resumable run needs (see the module doc);
    with ``keep_audio_of=N``, audio only older versions name goes too."""
    if keep_audio_of is not None and keep_audio_of < 1:
        raise ConfigError(f"--keep-audio-of must be at least 1 (the current version always keeps its audio), "
                          f"not {keep_audio_of}")  # fmt: skip
    with ds.writing("tsukasa dataset prune"):
        return _prune(ds, dry_run=dry_run, keep_audio_of=keep_audio_of)


def _prune(ds: Dataset, *, dry_run: bool, keep_audio_of: int | None = None) -> PruneReport:
    report = PruneReport(ds.name, dry_run)
    live_file = ds.stages_dir / LIVE_FILE
    since = live_file.stat().st_mtime if live_file.exists() else None
    live: set[str] = set()
    if since is not None:
        live = set(json.loads(live_file.read_text(encoding="utf-8"))["files"])
    else:
        report.stage_caches_checked = False

    root = ds.path.resolve()
    stages, audio = root / "stages", root / "audio"
    stage_files = [p for p in _files(stages) if p.name != LIVE_FILE] if stages.is_dir() else []
    if since is None:
        kept_stage = set(stage_files)  # no finished run has said which caches it uses: all stay
    else:
        kept_stage = {p for p in stage_files if _rel(p, root) in live or p.stat().st_mtime > since}
        tags = {_output_tag(p.name) for p in kept_stage} - {""}
        for p in stage_files:
            if p in kept_stage:
                continue
            if p.parent.name == "_results" and output_tag(p.name) in tags:
                kept_stage.add(p)  # the Prefect record of a kept output
                continue
            _remove(p, "stage caches", report, dry_run)
    report.kept_stage_files = len(kept_stage)

    # Audio a version or a kept stage output names (by its path below audio/, which survives a
    # move of the dataset): a kept cache never points at deleted audio.
    kept_versions = _versions_keeping_audio(ds, keep_audio_of)
    manifests = _version_manifests(ds, kept_versions) + [p for p in kept_stage if p.name.endswith(".jsonl.gz")]
    named = _audio_named_in(manifests)
    removed: set[str] = set()
    for p in _files(audio) if audio.is_dir() else []:
        key = str(p.relative_to(audio))
        if key in named or (since is not None and p.stat().st_mtime > since):
            report.kept_audio_files += 1
            continue
        kind = (
            "standardised audio no version names"
            if keep_audio_of is None
            else "standardised audio no kept version names"
        )
        _remove(p, kind, report, dry_run)
        removed.add(key)
    if keep_audio_of is not None and removed:
        for v in ds.meta.versions:
            if (
                v.number not in kept_versions
                and _audio_named_in(_version_manifests(ds, {v.number}, top=False)) & removed
            ):
                report.audio_pruned_versions.append(v.number)
        if not dry_run and report.audio_pruned_versions:
            now = datetime.now(UTC).replace(microsecond=0)
            for v in ds.meta.versions:
                if v.number in report.audio_pruned_versions and v.audio_pruned_at is None:
                    v.audio_pruned_at = now
            ds.save_meta()
    if not dry_run:
        for folder in (ds.stages_dir, ds.audio_dir):
            _drop_empty_dirs(folder)
    return report


def _versions_keeping_audio(ds: Dataset, keep_audio_of: int | None) -> set[int]:
    """Every version (no limit), or the ``keep_audio_of`` newest ones and the current one."""
    numbers = sorted(v.number for v in ds.meta.versions)
    if keep_audio_of is None:
        return set(numbers)
    return set(numbers[-keep_audio_of:]) | ({ds.current_version} if ds.current_version is not None else set())


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, _, names in os.walk(folder):
        for name in names:
            yield Path(dirpath) / name


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _output_tag(name: str) -> str:
    """``shard-x.<tag>.cuts.jsonl.gz`` → tag (the hash of the cache key that names the output)."""
    parts = name.split(".")
    return parts[1] if len(parts) == 5 and parts[2] in ("cuts", "rejected") else ""


def _version_manifests(ds: Dataset, numbers: set[int], *, top: bool = True) -> list[Path]:
    """The manifests of versions ``numbers`` (and, with ``top``, the current ones at the top)."""
    out = [ds.cuts_path, ds.rejected_path] if top else []
    for number in sorted(numbers):
        out += sorted(ds.version_dir(number).glob("*.jsonl.gz"))
    return [p for p in out if p.exists()]


def _audio_named_in(manifests: Iterable[Path]) -> set[str]:
    named: set[str] = set()
    for path in manifests:
        for item in read_jsonl(path):
            named.update(_audio_keys(item))
    return named


def _audio_keys(value: Any) -> Iterator[str]:
    """Every ``<folder>/<file>`` below an ``/audio/`` in a string anywhere in ``value``."""
    if isinstance(value, str):
        if "/audio/" in value:
            yield value.rsplit("/audio/", 1)[1]
    elif isinstance(value, dict):
        for v in value.values():
            yield from _audio_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _audio_keys(v)


def _remove(path: Path, kind: str, report: PruneReport, dry_run: bool) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return
    report.add(kind, size)
    if not dry_run:
        path.unlink(missing_ok=True)


def _drop_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
        return
    for dirpath, _, _ in sorted(os.walk(folder), key=lambda t: -len(t[0])):
        d = Path(dirpath)
        if d != folder:
            try:
                d.rmdir()
            except OSError:
                pass  # not empty

"""The dataset folder layout and its immutable, numbered versions.

``data_manifests/<name>/`` (see data_manifests/README.md)::

    dataset.yaml            typed metadata: name, licence, sources, recipe, versions
    recordings.jsonl.gz     one Lhotse Recording per raw file (source path kept)
    ingest_index.jsonl.gz   per-file probe results, so a re-ingest reads only new/changed files
    script.jsonl.gz         the attached script lines
    versions/vN/            immutable: cuts.jsonl.gz, rejected.jsonl.gz, version.yaml
    cuts.jsonl.gz           = the current version's cuts (kept in step with dataset.yaml)
    rejected.jsonl.gz       = the current version's rejected items
    audio/                  standardised audio written by the pipeline
    stages/                 per-shard intermediate outputs (resume)
    shar/, report/, reviews.sqlite

A version is written once: its files are made read-only and ``write_version`` refuses an
existing number, so "what made v3" can always be answered.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tsukasa.corpus.lock import dataset_lock
from tsukasa.corpus.manifests import atomic_path, read_cuts, read_rejected, write_jsonl, write_manifest
from tsukasa.corpus.schema import RejectedItem
from tsukasa.corpus.textfiles import decode_script
from tsukasa.errors import DatasetError

# libyaml's safe loader/dumper when PyYAML was built with it (its wheels are): the same YAML,
# 5-8x faster than the pure-Python ones (dataset.yaml grows with every version, and is read
# by every command that opens the dataset and written by every one that changes it).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def yaml_text(data: Any) -> str:
    """YAML as every file of a dataset writes it: key order kept, Japanese as is."""
    return yaml.dump(data, Dumper=_YAML_DUMPER, allow_unicode=True, sort_keys=False)


DEFAULT_ROOT = Path("data_manifests")
# A writer that is only writing a version (or dataset.yaml) waits this long for another
# holder, since such holds are short; a command (ingest, run) fails at once instead.
_SHORT_WAIT_S = 60.0
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def default_root() -> Path:
    """``$TSUKASA_ROOT`` or ``./data_manifests``."""
    return Path(os.environ.get("TSUKASA_ROOT") or DEFAULT_ROOT)


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRecord(_Meta):
    """A raw folder ingested into the dataset."""

    path: str
    script: str | None = None
    added_at: datetime
    title: str | None = None


class VersionCounts(_Meta):
    cuts: int = 0
    rejected: int = 0
    duration_s: float = 0.0
    speakers: int = 0


VersionKind = Literal["ingest", "run", "review", "edit", "import", "split"]


class VersionRecord(_Meta):
    """Who/what/when made a version, and what it holds."""

    number: int
    kind: VersionKind
    created_at: datetime
    created_by: str
    description: str = ""
    parent: int | None = None
    recipe: str | None = None
    fingerprint: str | None = None
    counts: VersionCounts = Field(default_factory=VersionCounts)
    # When `tsukasa dataset prune --keep-audio-of N` deleted standardised audio this version names:
    # its manifests stay (the record of what it was), but it no longer plays or exports.
    audio_pruned_at: datetime | None = None


class DatasetMeta(_Meta):
    """``dataset.yaml``."""

    name: str
    licence: str = "unknown"
    description: str = ""
    created_at: datetime
    sources: list[SourceRecord] = Field(default_factory=list)
    recipe: str | None = None
    current_version: int | None = None
    versions: list[VersionRecord] = Field(default_factory=list)


class Dataset:
    """A dataset folder. Open with :meth:`open` or :meth:`create`; never hand-edit its versions."""

    def __init__(self, path: Path, meta: DatasetMeta):
        # Absolute: the flows hand these paths to Dask workers, whose working directory is not ours.
        self.path = Path(path).absolute()
        self.meta = meta

    # --- opening ------------------------------------------------------------------------
    @staticmethod
    def check_name(name: str) -> str:
        if not _NAME_RE.match(name):
            raise DatasetError(f"invalid dataset name {name!r}: use letters, digits, '.', '_' or '-' (max 100 chars)")
        return name

    @classmethod
    def create(cls, name: str, root: Path | None = None, *, licence: str = "unknown") -> Dataset:
        cls.check_name(name)
        path = (root or default_root()) / name
        with dataset_lock(path, f"create {name}", wait_s=_SHORT_WAIT_S):
            if (path / "dataset.yaml").exists():
                raise DatasetError(f"dataset {name!r} already exists at {path}")
            ds = cls(path, DatasetMeta(name=name, licence=licence, created_at=_now()))
            ds.save_meta()
        return ds

    @classmethod
    def open(cls, name: str, root: Path | None = None) -> Dataset:
        cls.check_name(name)
        path = (root or default_root()) / name
        meta_path = path / "dataset.yaml"
        if not meta_path.exists():
            raise DatasetError(f"no dataset {name!r} under {path.parent} (run `tsukasa ingest` first)")
        try:
            # hand-edited in a Windows editor and saved as Shift-JIS, it is read all the same
            text, _ = decode_script(meta_path.read_bytes(), meta_path)
            data = yaml.load(text, Loader=_YAML_LOADER)
            meta = DatasetMeta.model_validate(data)
        except (yaml.YAMLError, ValidationError) as exc:
            first = str(exc).splitlines()[0:3]
            raise DatasetError(f"{meta_path}: invalid dataset.yaml ({' '.join(first)})") from None
        return cls(path, meta)

    @classmethod
    def open_or_create(cls, name: str, root: Path | None = None, *, licence: str | None = None) -> Dataset:
        path = (root or default_root()) / name
        if (path / "dataset.yaml").exists():
            ds = cls.open(name, root)
            if licence and ds.meta.licence != licence:
                with ds.writing(f"set licence of {name}", wait_s=_SHORT_WAIT_S):
                    ds.meta.licence = licence
                    ds.save_meta()
            return ds
        return cls.create(name, root, licence=licence or "unknown")

    @contextlib.contextmanager
    def writing(self, command: str, *, wait_s: float = 0.0) -> Iterator[Dataset]:
        """Hold this dataset's writer lock while changing it (see :mod:`tsukasa.corpus.lock`).

        Every command that writes a version holds it from the moment it reads the state it
        builds on. The outermost hold re-reads ``dataset.yaml``, so what another writer added
        since this object was opened is kept: make changes to :attr:`meta` inside the block.
        ``wait_s`` = 0 fails at once with ``DatasetBusy`` naming the holder.
        """
        with dataset_lock(self.path, command, wait_s=wait_s) as outermost:
            if outermost and (self.path / "dataset.yaml").exists():
                self.meta = Dataset.open(self.path.name, self.path.parent).meta
                self._republish_if_stale()
            yield self

    def _republish_if_stale(self) -> None:
        """Make the top-level manifests the current version's again if a writer killed between
        publishing its version and saving ``dataset.yaml`` left them pointing elsewhere."""
        number = self.current_version
        if number is None:
            return
        for fname in ("cuts.jsonl.gz", "rejected.jsonl.gz"):
            top, own = self.path / fname, self.version_dir(number) / fname
            if own.exists() and not (top.exists() and os.path.samefile(top, own)):
                self._publish(number)
                return

    def save_meta(self) -> None:
        data = self.meta.model_dump(mode="json")
        for version in data["versions"]:
            if version.get("audio_pruned_at") is None:  # only pruned versions carry the key: a dataset
                version.pop("audio_pruned_at", None)  # never pruned so stays readable by older releases
        with atomic_path(self.path / "dataset.yaml") as tmp:
            tmp.write_text(yaml_text(data), encoding="utf-8")

    # --- layout -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def recordings_path(self) -> Path:
        return self.path / "recordings.jsonl.gz"

    @property
    def cuts_path(self) -> Path:
        return self.path / "cuts.jsonl.gz"

    @property
    def rejected_path(self) -> Path:
        return self.path / "rejected.jsonl.gz"

    @property
    def script_path(self) -> Path:
        return self.path / "script.jsonl.gz"

    @property
    def ingest_index_path(self) -> Path:
        return self.path / "ingest_index.jsonl.gz"

    @property
    def audio_dir(self) -> Path:
        return self.path / "audio"

    @property
    def stages_dir(self) -> Path:
        return self.path / "stages"

    @property
    def report_dir(self) -> Path:
        return self.path / "report"

    def version_dir(self, number: int) -> Path:
        return self.path / "versions" / f"v{number}"

    # --- versions -----------------------------------------------------------------------
    @property
    def current_version(self) -> int | None:
        return self.meta.current_version

    def version(self, number: int) -> VersionRecord:
        for v in self.meta.versions:
            if v.number == number:
                return v
        raise DatasetError(f"dataset {self.name!r} has no version {number}")

    def require_playable(self, number: int) -> None:
        """One-line :class:`DatasetError` when ``prune --keep-audio-of`` deleted audio version
        ``number`` names (exports would otherwise fail on the first missing file)."""
        pruned = self.version(number).audio_pruned_at
        if pruned is not None and not self._audio_all_there(number):  # a rerun may have written it back
            raise DatasetError(
                f"v{number} of {self.name!r} no longer plays: `tsukasa dataset prune --keep-audio-of` deleted its "
                f"standardised audio on {pruned:%Y-%m-%d}; use a newer version, or run its recipe again "
                f"(`tsukasa run`), which writes that audio back"
            )

    def _audio_all_there(self, number: int) -> bool:
        from tsukasa.corpus.audio import missing_audio

        return all(missing_audio(cut) is None for cut in self.cuts(number))

    def cuts(self, version: int | None = None, *, lazy: bool = True):  # noqa: ANN201 - lhotse.CutSet
        """The cuts of ``version`` (default: current)."""
        number = version if version is not None else self.current_version
        if number is None:
            raise DatasetError(f"dataset {self.name!r} has no version yet (run `tsukasa ingest`)")
        self.version(number)
        return read_cuts(self.version_dir(number) / "cuts.jsonl.gz", lazy=lazy)

    def rejected(self, version: int | None = None) -> list[RejectedItem]:
        number = version if version is not None else self.current_version
        if number is None:
            return []
        return list(read_rejected(self.version_dir(number) / "rejected.jsonl.gz"))

    def write_version(
        self,
        cuts: Iterable[Any],
        rejected: Iterable[RejectedItem],
        *,
        kind: VersionKind,
        description: str,
        recipe: str | None = None,
        fingerprint: str | None = None,
        created_by: str | None = None,
        skip_if_unchanged: bool = False,
        unchanged_since: int | None = None,
        extra_files: dict[str, str] | Callable[[], dict[str, str]] | None = None,
    ) -> VersionRecord:
        """Write a new immutable version, make it current, and update the top-level copies.

        ``extra_files``: more text files that belong to the version (``run.yaml``: what the run
        that made it did), written and made read-only with it; or a function giving them, called
        once the cuts are written (ingest counts its report while the cuts stream past).

        With ``skip_if_unchanged`` a result byte-identical to the current version (a rerun
        that found everything cached) returns the current version instead of a duplicate.
        ``unchanged_since=N`` does the same against version N (e.g. the last ingest, when a
        recipe run has been made current since): nothing is written and N is returned, and the
        current version stays what it was.
        """

        def checked(files: dict[str, str] | None) -> dict[str, str]:
            for name in files or {}:
                if name in ("version.yaml", "cuts.jsonl.gz", "rejected.jsonl.gz") or Path(name).name != name:
                    raise DatasetError(f"cannot add {name!r} to a version: a plain file name of its own is needed")
            return files or {}

        if not callable(extra_files):
            extra_files = checked(extra_files)  # before any work
        with self.writing(f"write a {kind} version", wait_s=_SHORT_WAIT_S):
            number = max((v.number for v in self.meta.versions), default=0) + 1
            while self._adopt_orphan(number):
                number += 1
            vdir = self.version_dir(number)
            if vdir.exists():
                raise DatasetError(f"{vdir} already exists: versions are immutable")
            for stale in vdir.parent.glob(f".{vdir.name}.staging-*"):  # a writer killed mid-way (we hold the lock)
                shutil.rmtree(stale)
            staging = vdir.with_name(f".{vdir.name}.staging-{os.getpid()}")
            staging.mkdir(parents=True)

            counts = VersionCounts()
            speakers: set[str] = set()

            def counted(items: Iterable[Any]) -> Iterable[Any]:
                # Plain locals, stored once at the end: assigning a pydantic model's fields runs its
                # __setattr__ machinery (~0.7 µs each), twice per cut (~3 ms of an ingest of 2,000 files).
                n, duration = 0, 0.0
                for cut in items:
                    n += 1
                    if isinstance(cut, dict):  # a cut given as its manifest dict
                        duration += float(cut["duration"])
                        for sup in cut["supervisions"]:
                            if sup.get("speaker"):
                                speakers.add(sup["speaker"])
                    else:
                        duration += float(cut.duration)
                        speakers.update(s.speaker for s in cut.supervisions if s.speaker)
                    yield cut
                counts.cuts, counts.duration_s = n, duration

            write_manifest(counted(cuts), staging / "cuts.jsonl.gz")
            rejected = list(rejected)
            counts.rejected = len(rejected)
            write_jsonl((r.to_dict() for r in rejected), staging / "rejected.jsonl.gz")
            counts.speakers = len(speakers)
            counts.duration_s = round(counts.duration_s, 3)
            same_as = self.current_version if skip_if_unchanged else unchanged_since
            if same_as is not None and self._same_as(staging, same_as):
                shutil.rmtree(staging)
                return self.version(same_as)
            record = VersionRecord(
                number=number,
                kind=kind,
                created_at=_now(),
                created_by=created_by or _user(),
                description=description,
                parent=self.current_version,
                recipe=recipe,
                fingerprint=fingerprint,
                counts=counts,
            )
            (staging / "version.yaml").write_text(yaml_text(record.model_dump(mode="json")), encoding="utf-8")
            for name, text in checked(extra_files() if callable(extra_files) else extra_files).items():
                (staging / name).write_text(text, encoding="utf-8")
            for f in staging.iterdir():
                f.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.replace(staging, vdir)  # the version appears whole or not at all

            self._publish(number)
            self.meta.versions.append(record)
            self.meta.current_version = number
            self.save_meta()
            return record

    def _adopt_orphan(self, number: int) -> bool:
        """Record version ``number`` if a writer killed between renaming it into place and saving
        ``dataset.yaml`` left it whole but unrecorded; True when it did.

        Why: the rename makes a version appear complete (its ``version.yaml`` says what made it),
        and before, the next writer then stopped on "already exists" until someone edited
        ``dataset.yaml`` by hand. Only called under the writer lock, so no writer is mid-way.
        A folder without a readable ``version.yaml`` of that number is not adopted.
        """
        if any(v.number == number for v in self.meta.versions):
            return False
        try:
            data = yaml.load(
                (self.version_dir(number) / "version.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER
            )
            record = VersionRecord.model_validate(data)
        except (OSError, yaml.YAMLError, ValidationError):
            return False
        if record.number != number:
            return False
        self.meta.versions.append(record)
        self.save_meta()
        return True

    def _same_as(self, staging: Path, number: int) -> bool:
        current = self.version_dir(number)
        return all(
            (current / f).exists() and (current / f).read_bytes() == (staging / f).read_bytes()
            for f in ("cuts.jsonl.gz", "rejected.jsonl.gz")
        )

    def set_current(self, number: int) -> None:
        """Point the top-level manifests at an existing version (e.g. to roll back)."""
        with self.writing(f"set the current version to v{number}", wait_s=_SHORT_WAIT_S):
            self.version(number)
            self._publish(number)
            self.meta.current_version = number
            self.save_meta()

    def _publish(self, number: int) -> None:
        """Make the top-level manifests the files of version ``number``.

        A hard link to the immutable version file (already on disk, so nothing to copy or
        fsync), renamed into place atomically; a copy where the filesystem has no hard links.
        Writers always replace the top-level files, never write into them, so sharing the
        read-only inode is safe.
        """
        for fname in ("cuts.jsonl.gz", "rejected.jsonl.gz"):
            src = self.version_dir(number) / fname
            tmp = self.path / f".{fname}.publish-{os.getpid()}"
            tmp.unlink(missing_ok=True)
            try:
                os.link(src, tmp)
            except OSError:
                with atomic_path(tmp) as staged:
                    shutil.copyfile(src, staged)
            os.replace(tmp, self.path / fname)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

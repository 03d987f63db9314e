"""Reading, writing and validating Lhotse manifests (and our ``rejected`` lines).

Writes go to a temporary name beside the target and are renamed into place, so an
interrupted run leaves the previous file intact. Gzip output is written with a fixed
header (no timestamp, no file name) so the same manifest always has the same bytes — the
flows' resume tests compare files byte for byte.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gzip
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tsukasa.corpus.schema import RejectedItem, SchemaError, SupervisionCustom
from tsukasa.errors import DatasetError


def is_temporary(name: str) -> bool:
    """Whether a file name is one this module's writers use before the rename (:func:`atomic_path`'s
    ``.NAME.tmp-PID…``, :class:`SortedLines`' ``.sort-*.sqlite``): a writer killed mid-write leaves it."""
    return name.startswith(".") and (".tmp-" in name or (name.startswith(".sort-") and name.endswith(".sqlite")))


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep the real suffixes at the end: some writers pick compression from the name.
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}{''.join(path.suffixes)}")
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _open_write(path: Path):  # noqa: ANN202 - a binary file object
    if path.name.endswith(".gz"):
        raw = open(path, "wb")  # noqa: SIM115 - closed by the GzipFile wrapper's owner below
        return contextlib.closing(_GzipOwner(raw))
    return open(path, "wb")


class _GzipOwner:
    """GzipFile with a fixed header (mtime 0, no name) that closes its underlying file.

    Level 1: JSON manifests compress ~8× even so, about 3× faster than level 6 for ~20%
    more bytes — manifests are tiny beside the audio, and ingest writes three of them.
    """

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1)

    def write(self, data: bytes) -> int:
        return self._gz.write(data)

    def close(self) -> None:
        self._gz.close()
        self._raw.close()


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Atomically write dicts as JSON lines (gzip when the name ends in .gz); returns the count.

    Encoded with orjson (UTF-8, compact, key order kept): several times faster than the
    standard library, which matters when ingest writes three manifests for 100k files. Like
    any JSON, it has no NaN/inf: orjson writes them as null, so schemas keep non-finite
    values out of manifests (e.g. -inf LUFS is stored as None plus a flag).
    """
    import orjson

    return write_json_lines(map(orjson.dumps, records), path)


def write_json_lines(lines: Iterable[bytes], path: str | Path) -> int:
    """Atomically write already-encoded JSON lines (e.g. pydantic's ``model_dump_json``); returns the count."""
    with json_lines_writer(path) as write:
        for line in lines:
            write(line)
        return write.count


class _LineSink:
    """Batches encoded lines into a few large writes (gzip compresses per write call)."""

    def __init__(self, f: Any) -> None:
        self._f, self._batch, self.count = f, [], 0

    def __call__(self, line: bytes) -> None:
        self._batch.append(line)
        self.count += 1
        if len(self._batch) >= 1024:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            self._f.write(b"\n".join(self._batch) + b"\n")
            self._batch.clear()


@contextlib.contextmanager
def json_lines_writer(path: str | Path) -> Iterator[_LineSink]:
    """A callable taking one encoded JSON line at a time, written atomically to ``path`` (gzip
    when the name ends in .gz) when the block ends without an error.

    For a writer fed beside another one: ingest writes each recording's line to
    ``recordings.jsonl.gz`` while it builds the cut that embeds the same line, in one pass."""
    with atomic_path(path) as tmp, _open_write(tmp) as f:
        sink = _LineSink(f)
        yield sink
        sink.flush()


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Iterate JSON lines lazily; a malformed line is an error naming the file and line."""
    import orjson

    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None


def write_manifest(items: Iterable[Any], path: str | Path) -> int:
    """Atomically write Lhotse manifest objects (cuts, recordings, supervisions) or RejectedItems."""
    return write_jsonl((manifest_dict(item) for item in items), path)


def manifest_dict(item: Any) -> dict[str, Any]:
    """``item.to_dict()``, the same dict, without ``dataclasses.asdict``'s deep copies.

    Lhotse serialises through ``dataclasses.asdict``, which deep-copies every leaf and
    re-reads every dataclass's fields; on a 100k-cut manifest that is most of the write
    time. The plain recordings, mono cuts and supervisions that make up our manifests are
    converted here field by field, dropping ``None`` fields exactly as lhotse's
    ``asdict_nonull`` does; anything with parts lhotse serialises specially (audio
    transforms, alignments, a Recording inside ``custom``, other cut types) goes through
    lhotse's own ``to_dict``. ``tests/corpus/test_manifests.py`` checks the two agree.
    """
    kind = type(item)
    if kind is dict:
        return item  # already a manifest dict (ingest builds them directly)
    from lhotse import MonoCut, Recording, SupervisionSegment

    if kind is Recording and item.transforms is None:
        return _plain(item)
    if kind is SupervisionSegment and item.alignment is None:
        return _plain(item)
    if (
        kind is MonoCut
        and (item.recording is None or item.recording.transforms is None)
        and all(s.alignment is None for s in item.supervisions)
        and not any(isinstance(v, Recording) for v in (item.custom or {}).values())
    ):
        d = _plain(item)
        d["type"] = "MonoCut"
        return d
    return item.to_dict()


def plain_dict(value: dict[str, Any]) -> dict[str, Any]:
    """A JSON-ready copy of a ``custom`` dict, as lhotse's ``to_dict`` writes it inside a manifest."""
    return _plain(value)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LEAVES = (str, int, float, bool)


def _plain(value: Any) -> Any:
    """JSON-ready copy of ``value``: dataclasses → dicts without None fields; lists, tuples, dicts recursed."""
    kind = type(value)
    if value is None or kind in _LEAVES:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.setdefault(kind, tuple(f.name for f in dataclasses.fields(value)))
    if names is not None:
        out = {}
        for name in names:
            v = getattr(value, name)
            if v is not None:
                out[name] = v if type(v) in _LEAVES else _plain(v)
        return out
    if kind is list:
        return [v if type(v) in _LEAVES else _plain(v) for v in value]
    if kind is dict:
        return {
            (k if type(k) is str else _plain(k)): (v if v is None or type(v) in _LEAVES else _plain(v))
            for k, v in value.items()
        }
    if isinstance(value, (str, int, float, bool)):
        return value  # subclasses (e.g. str enums) are copied as asdict would: unchanged
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)


def read_cuts(path: str | Path, *, lazy: bool = True):  # noqa: ANN201 - lhotse.CutSet
    """A CutSet from a JSONL manifest; lazy by default so large sets never sit in memory."""
    from lhotse import CutSet

    path = Path(path)
    if not path.exists():
        raise DatasetError(f"manifest not found: {path}")
    if lazy:
        return CutSet.from_jsonl_lazy(path)
    # Lhotse's loader returns None for a manifest with no lines (a shard whose every cut an
    # earlier stage rejected): the next stage then crashed iterating None.
    cuts = CutSet.from_file(path)
    return cuts if cuts is not None else CutSet.from_cuts([])


def read_recordings(path: str | Path, *, lazy: bool = False):  # noqa: ANN201 - lhotse.RecordingSet
    from lhotse import RecordingSet

    path = Path(path)
    if not path.exists():
        return RecordingSet.from_recordings([])
    if lazy:
        return RecordingSet.from_jsonl_lazy(path)
    recordings = RecordingSet.from_file(path)  # None for a file with no lines, as for cuts
    return recordings if recordings is not None else RecordingSet.from_recordings([])


def read_rejected(path: str | Path) -> Iterator[RejectedItem]:
    path = Path(path)
    if not path.exists():
        return iter(())
    return (RejectedItem.model_validate(d) for d in read_jsonl(path))


def validate_cut(cut: Any) -> list[str]:
    """Problems with one cut: Lhotse's own checks plus our custom-field schema."""
    from lhotse.qa import validate

    problems: list[str] = []
    try:
        validate(cut, read_data=False)
    except AssertionError as exc:  # lhotse's validators report through assert
        problems.append(f"cut {cut.id!r}: {exc}")
    for sup in getattr(cut, "supervisions", []):
        try:
            SupervisionCustom.from_custom(sup.custom, cut_id=cut.id)
        except SchemaError as exc:
            problems.append(str(exc))
    return problems


def validate_cuts(cuts: Iterable[Any], *, limit: int = 50) -> list[str]:
    """Validate every cut (lazily) and check ids are unique; returns up to ``limit`` problems."""
    problems: list[str] = []
    seen: set[str] = set()
    for cut in cuts:
        if cut.id in seen:
            problems.append(f"cut {cut.id!r}: duplicate id")
        seen.add(cut.id)
        problems.extend(validate_cut(cut))
        if len(problems) >= limit:
            break
    return problems[:limit]


class SortedLines:
    """Encoded JSON lines handed over in any order and read back sorted by a key, through a
    temporary SQLite file: for a writer that cannot compute its output in output order and whose
    output may not fit in memory (``match_script`` over a dataset's every segment).

    SQLite sorts out of core (its sorter spills to temporary files), so memory stays bounded
    however many lines are added. Keys are tuples of one fixed length; their items compare as
    SQLite compares values (numbers numerically, text by UTF-8 bytes, which is Python's code-point
    order), so a tuple of str/float/int sorts as Python sorts it. Used as a context manager; the
    file is removed on exit.
    """

    BATCH = 4096

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._db: Any = None
        self._path: Path | None = None
        self._batch: list[tuple[Any, ...]] = []
        self._width: int | None = None

    def __enter__(self) -> SortedLines:
        import sqlite3
        import tempfile

        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".sort-", suffix=".sqlite", dir=self.folder)
        os.close(fd)
        self._path = Path(name)
        self._db = sqlite3.connect(name)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)

    def add(self, key: tuple[Any, ...], line: bytes) -> None:
        if self._width is None:
            self._width = len(key)
            columns = ", ".join(f"k{i}" for i in range(self._width))
            self._db.execute(f"CREATE TABLE lines ({columns}, line BLOB)")
        elif len(key) != self._width:
            raise ValueError(f"sort key {key!r} has {len(key)} items, not {self._width}")
        self._batch.append((*key, line))
        if len(self._batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            marks = ", ".join("?" * (len(self._batch[0])))
            self._db.executemany(f"INSERT INTO lines VALUES ({marks})", self._batch)
            self._batch.clear()

    def lines(self) -> Iterator[bytes]:
        """Every line added, in key order (equal keys: in the order they were added)."""
        if self._width is None:
            return
        self._flush()
        self._db.commit()
        order = ", ".join([*(f"k{i}" for i in range(self._width)), "rowid"])
        for (line,) in self._db.execute(f"SELECT line FROM lines ORDER BY {order}"):
            yield bytes(line)

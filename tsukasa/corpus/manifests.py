"""Reading, writing and validating Lhotse manifests (and our ``rejected`` lines).

Writes go to a temporary name beside the target and are renamed into place, so an
interrupted run leaves the previous file intact. Gzip output is written with a fixed
header (no timestamp, no file name) so the same manifest always has the same bytes — the
flows' resume tests compare files byte for byte.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tsukasa.corpus.schema import RejectedItem, SchemaError, SupervisionCustom
from tsukasa.errors import DatasetError


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
    """GzipFile with a fixed header (mtime 0, no name) that closes its underlying file."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)

    def write(self, data: bytes) -> int:
        return self._gz.write(data)

    def close(self) -> None:
        self._gz.close()
        self._raw.close()


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Atomically write dicts as JSON lines (gzip when the name ends in .gz); returns the count."""
    n = 0
    with atomic_path(path) as tmp, _open_write(tmp) as f:
        for record in records:
            f.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            n += 1
    return n


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Iterate JSON lines lazily; a malformed line is an error naming the file and line."""
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None


def write_manifest(items: Iterable[Any], path: str | Path) -> int:
    """Atomically write Lhotse manifest objects (cuts, recordings, supervisions) or RejectedItems."""
    return write_jsonl((item.to_dict() for item in items), path)


def read_cuts(path: str | Path, *, lazy: bool = True):  # noqa: ANN201 - lhotse.CutSet
    """A CutSet from a JSONL manifest; lazy by default so large sets never sit in memory."""
    from lhotse import CutSet

    path = Path(path)
    if not path.exists():
        raise DatasetError(f"manifest not found: {path}")
    return CutSet.from_jsonl_lazy(path) if lazy else CutSet.from_file(path)


def read_recordings(path: str | Path, *, lazy: bool = False):  # noqa: ANN201 - lhotse.RecordingSet
    from lhotse import RecordingSet

    path = Path(path)
    if not path.exists():
        return RecordingSet.from_recordings([])
    return RecordingSet.from_jsonl_lazy(path) if lazy else RecordingSet.from_file(path)


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

"""Ingest a raw voice dump: one Lhotse Recording per good audio file, every bad file named.

What happens, per file (in parallel processes, each reading ahead; with a progress bar):
  read bytes once → XXH3-128 content hash → probe → sample checks → verdict: empty, not
  audio, corrupt, truncated, NaN/inf, all-silent, too short; then exact-duplicate content
  across the folder (kept once). PCM WAV is checked exactly from its bytes; compressed
  files by sampled blocks unless ``verify="full"`` (see ``tsukasa.corpus.audio.scan_file``).

A re-run on the same folder re-reads only files whose size or mtime changed (the
``ingest_index``), so adding 10 files to a 100k-file dump costs 10 files. Each ingest that
changes anything writes a new dataset version whose cuts are one MonoCut per recording
(with the script text as supervision when the script names the file) and whose
``rejected`` lists every bad file with its reason code.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import fnmatch
import functools
import gc
import gzip
import io
import math
import os
import re
import signal
import stat
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from tsukasa.corpus.audio import AUDIO_EXTENSIONS, AudioError, AudioInfo, ScanMode, looks_like_audio, scan_file
from tsukasa.corpus.dataset import Dataset, SourceRecord, yaml_text
from tsukasa.corpus.manifests import json_lines_writer, plain_dict, read_jsonl, write_json_lines, write_jsonl
from tsukasa.corpus.schema import RejectedItem, ScriptLine, ScriptLineRef, SourceInfo, SupervisionCustom
from tsukasa.corpus.textfiles import decode_script
from tsukasa.errors import ConfigError

# Files that are part of a dump but never audio: skipped without a rejection.
HIDDEN_FILES, HIDDEN_FOLDERS = "hidden file", "hidden folder"  # keys of IngestReport.ignored
_TEXT_EXTENSIONS = {".txt", ".tsv", ".csv", ".json", ".yaml", ".yml", ".md", ".xml", ".ini", ".png", ".jpg"}


# Below this many files to read, starting processes costs more than it saves (see
# IngestConfig.parallel_min_files).
PARALLEL_MIN_FILES = 512


class IngestConfig(BaseModel):
    """Thresholds for the per-file checks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_duration: float = Field(0.2, ge=0.0, description="shorter files are rejected as too_short")
    silence_peak_dbfs: float = Field(-60.0, description="files whose peak is below this are silent")
    verify: ScanMode = Field(
        "quick",
        description="quick: PCM WAV checked sample by sample from its bytes, compressed files by a middle and "
        "a final block (fully when those are silent); full: decode every sample of every file",
    )
    workers: int = Field(
        default_factory=lambda: min(os.cpu_count() or 1, 8),
        ge=1,
        le=64,
        description="processes that scan files in parallel (one per core by default); small folders "
        "(under parallel_min_files files to read) are scanned in this process",
    )
    parallel_min_files: int = Field(
        PARALLEL_MIN_FILES,
        ge=2,
        description="scan in helper processes only from this many files to read: a helper starts ~3 ms late "
        "(fork), and then it and this process each take ~1,000 copy-on-write page faults, ~10 ms of CPU in all. "
        "Measured on 2 cores with 2,000 files: from the page cache the scan takes 43-47 ms with two processes "
        "against 60 ms with one, from disk two are much faster (two readers keep twice as many reads in flight)",
    )
    read_ahead: int = Field(
        16,
        ge=0,
        le=1024,
        description="files the kernel is asked to read ahead of the one being checked (posix_fadvise), so "
        "disk reads overlap the checks; files already in the page cache are not asked for; 0 turns it off",
    )
    include: tuple[str, ...] = Field(
        (),
        description="glob patterns: only files matching one of them are ingested (a pattern without / "
        "matches the file or folder name at any depth, e.g. '*.ogg'; with / the path from the dump "
        "folder, e.g. 'voice/*', where * also crosses folders)",
    )
    exclude: tuple[str, ...] = Field(
        (),
        description="glob patterns (as include) for files and folders to leave out, e.g. 'bgm', 'se_*' "
        "(game dumps hold music and sound effects beside the voices)",
    )
    id_hash_chars: int = Field(12, ge=8, le=64)
    checkpoint_every: int = Field(
        1024,
        ge=1,
        description="files scanned between appends to ingest_index.partial.jsonl, which a run started again "
        "after a crash reads instead of scanning those files again",
    )


class IndexEntry(BaseModel):
    """What ingest learned about one file (``ingest_index.jsonl.gz``)."""

    model_config = ConfigDict(extra="forbid")

    source_root: str
    path: str  # relative to source_root, POSIX separators
    size: int
    mtime_ns: int
    content_hash: str | None = None  # XXH3-128 of the file bytes (see audio.content_hash)
    info: AudioInfo | None = None
    peak: float | None = None
    coverage: str | None = None  # which samples the peak covers: "all" or "sampled"
    reason: str | None = None  # None = good audio
    detail: str = ""


_Stamp = tuple[int, int]  # (size, mtime_ns): what tells a re-ingest that a file changed
# A good file's recording as the version will hold it: (id, its encoded manifest line, duration,
# the summary's format key). Made where the file was scanned, so a helper process does its share:
# making and encoding each recording in the parent after the scan was ~a fifth of ingest's
# serial time (2,000 files).
_Rec = tuple[str, bytes, float, str]


def _rec_of(root: str, rel: str, content_hash: str, info: AudioInfo, config: IngestConfig) -> _Rec:
    rid = recording_id(content_hash, rel, config.id_hash_chars)
    source = f"{root.rstrip('/')}/{rel}"
    line = orjson.dumps(_recording_dict(rid, source, info.channels, info.sample_rate, info.frames))
    fmt = _format_key(info.format, info.subtype, info.sample_rate, info.channels)
    return rid, line, info.frames / info.sample_rate, fmt


def _format_key(format_name: str, subtype: str, sample_rate: int, channels: int) -> str:
    """How the ingest summary counts a format (``WAV/PCM_16 24000 Hz 1ch``)."""
    return f"{format_name}/{subtype} {sample_rate} Hz {channels}ch"


class _Entry:
    """One file of the ingest index as ingest holds it in memory: the fields it decides on, and
    the file's index line (the JSON of its :class:`IndexEntry`) for everything else.

    Why not the pydantic model itself: a model instance with its nested ``AudioInfo`` held
    ~2.9 KB a file (measured with tracemalloc), which for a dump of thousands of hours of short
    lines (1,000 h of 3 s lines is 1.2 M files) is gigabytes before anything is written. This
    holds ~0.6 KB: seven slots, the line's bytes and the strings it points to; the rest is
    parsed from the line (orjson, ~1.5 µs) the few times it is needed — the recording's
    format, a rejection's detail. A scan makes and validates the model, so every line is one.
    """

    __slots__ = ("source_root", "path", "size", "mtime_ns", "content_hash", "reason", "line", "rec")

    def __init__(
        self,
        source_root: str,
        path: str,
        size: int,
        mtime_ns: int,
        content_hash: str | None,
        reason: str | None,
        line: bytes,
        rec: _Rec | None = None,
    ) -> None:
        self.source_root = source_root
        self.path = path
        self.size = size
        self.mtime_ns = mtime_ns
        self.content_hash = content_hash
        self.reason = reason
        self.line = line
        self.rec = rec  # a good file scanned this run: its recording, made by the process that scanned it

    @classmethod
    def of(cls, entry: IndexEntry, config: IngestConfig) -> _Entry:
        return _index_entry(entry.source_root, entry.path, (entry.size, entry.mtime_ns), entry.content_hash,
                            entry.info, entry.peak, entry.coverage, entry.reason, entry.detail, config)  # fmt: skip

    def state(self) -> tuple:
        """Everything but the source folder, for the trip back from a scan process: a tuple of
        plain values pickles fast, and the parent need not parse the line again."""
        return self.path, self.size, self.mtime_ns, self.content_hash, self.reason, self.line, self.rec

    @classmethod
    def from_line(cls, line: bytes, roots: dict[str, str]) -> _Entry:
        """The entry of an index line from an earlier run; ``roots`` keeps one string per source
        folder instead of one per file. (Scan processes send :meth:`state` instead.)"""
        d = orjson.loads(line)
        root = roots.setdefault(d["source_root"], d["source_root"])
        return cls(root, d["path"], d["size"], d["mtime_ns"], d["content_hash"], d.get("reason"), line)

    def fields(self) -> dict[str, Any]:
        """Every field of the index line (info as a dict, detail, peak, ...)."""
        return orjson.loads(self.line)


class PathFilter:
    """``--include`` / ``--exclude`` glob patterns over paths relative to the dump folder.

    Like .gitignore: a pattern without ``/`` matches a file or folder *name* at any depth
    (``bgm``, ``se_*``, ``*.ogg``); a pattern with ``/`` matches the relative path (``voice/*``,
    ``*/system/*``; ``*`` also crosses folders). An excluded folder is not walked at all.
    """

    def __init__(self, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> None:
        self.include, self.exclude = tuple(include), tuple(exclude)

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    @staticmethod
    def _hit(patterns: tuple[str, ...], rel: str) -> bool:
        name = rel.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(rel if "/" in p else name, p.strip("/")) for p in patterns)

    def excluded(self, rel: str) -> bool:
        return self._hit(self.exclude, rel)

    def included(self, rel: str) -> bool:
        """A file is ingested when no exclude pattern and (if any are given) an include pattern matches."""
        return not self.excluded(rel) and (not self.include or self._hit(self.include, rel))


EXCLUDED, NOT_INCLUDED = "excluded by --exclude", "not matched by --include"  # keys of IngestReport.ignored


@dataclass
class IngestReport:
    """What one ingest run did (printed by the CLI)."""

    dataset: str
    source_root: str
    scanned: int = 0  # files read this run
    unchanged: int = 0  # files reused from the index
    resumed: int = 0  # files an interrupted run had read (its checkpoint), not read again
    ignored: Counter = field(default_factory=Counter)  # non-audio files by extension; hidden ones
    recordings: int = 0
    duration_s: float = 0.0
    formats: Counter = field(default_factory=Counter)
    rejected: list[RejectedItem] = field(default_factory=list)
    script_lines: int = 0
    script_file_lines: int = 0
    script_folder_lines: int = 0
    script_multi_line_files: int = 0  # files the script names on more than one row
    script_unmatched: list[str] = field(default_factory=list)
    script_notes: list[str] = field(default_factory=list)  # columns read under other names, rows skipped
    version: int | None = None  # the new version, None when nothing changed
    same_as_version: int | None = None  # the ingest version this run's result is identical to
    include: tuple[str, ...] = ()  # the run's --include / --exclude patterns
    exclude: tuple[str, ...] = ()
    wall_s: float = 0.0  # the whole run, walk to index

    @property
    def rejected_by_reason(self) -> Counter:
        return Counter(r.reason for r in self.rejected)

    def to_dict(self) -> dict[str, Any]:
        """The run as ``versions/vN/ingest.yaml`` keeps it (the rejected items themselves are in
        that version's ``rejected.jsonl.gz``)."""
        return {
            "source_root": self.source_root,
            "files_read": self.scanned,
            "files_unchanged": self.unchanged,
            "files_resumed": self.resumed,
            "recordings": self.recordings,
            "hours": round(self.duration_s / 3600, 4),
            "wall_seconds": round(self.wall_s, 3),
            "formats": dict(sorted(self.formats.items())),
            "rejected": dict(self.rejected_by_reason.most_common()),
            "ignored": dict(self.ignored.most_common()),
            "include": list(self.include),
            "exclude": list(self.exclude),
            "script": {
                "lines": self.script_lines,
                "file_lines": self.script_file_lines,
                "folder_lines": self.script_folder_lines,
                "multi_line_files": self.script_multi_line_files,
                "unmatched": list(self.script_unmatched),
                "notes": list(self.script_notes),
            },
        }


# --- script files ---------------------------------------------------------------------------


# Script columns and the other names voice lists give them (used when the column itself is
# missing): English tools' names and the Japanese headers fan-made voice lists use.
SCRIPT_COLUMNS = ("text", "file", "line_id", "speaker", "title")
_COLUMN_ALIASES = {
    "text": ("serif", "dialogue", "transcript", "セリフ", "台詞", "本文", "テキスト"),
    "file": ("voice", "voice_file", "filename", "file_name", "path", "ファイル", "ファイル名", "音声", "ボイス"),
    "line_id": ("id", "line", "番号"),
    "speaker": ("character", "chara", "name", "キャラ", "キャラクター", "キャラ名", "話者", "名前"),
    "title": ("game", "work", "作品", "タイトル"),
}


def parse_script_columns(spec: str | None) -> dict[str, str]:
    """``"file=voice,text=セリフ"`` (the CLI's ``--script-columns``) → ``{"file": "voice", "text": "セリフ"}``."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        key, sep, header = part.partition("=")
        key, header = key.strip().lower(), header.strip()
        if not sep or not header:
            raise ConfigError(
                f"--script-columns: write COLUMN=HEADER pairs, e.g. file=voice,text=セリフ (got {part!r})"
            )
        if key not in SCRIPT_COLUMNS:
            raise ConfigError(f"--script-columns: unknown column {key!r}; use {', '.join(SCRIPT_COLUMNS)}")
        out[key] = header
    return out


def load_script(
    path: str | Path, *, columns: dict[str, str] | None = None, notes: list[str] | None = None
) -> list[ScriptLine]:
    """Read a TSV/CSV script: column ``text`` required; ``file``, ``line_id``, ``speaker``, ``title`` optional.

    ``columns`` names the header that holds a column (``{"text": "セリフ"}``); a column neither
    named there nor present under its own name is looked for under its common other names
    (voice → file, キャラ → speaker...). A row without text is an error, or, when ``notes`` is
    given, skipped and described there (a voice list often has rows for breaths and effects).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"script file not found: {path}")
    raw, _ = decode_script(path.read_bytes(), path)
    if not raw.strip():
        raise ConfigError(f"{path}: script is empty (it needs a header row with a 'text' column)")
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") or "\t" in raw.splitlines()[0] else ","
    reader = csv.DictReader(io.StringIO(raw), delimiter=delimiter)
    headers = {(c or "").strip().casefold(): c for c in (reader.fieldnames or []) if c and c.strip()}
    source = _script_headers(path, headers, columns or {}, notes)
    lines = []
    for row_no, row in enumerate(reader, start=2):
        values = {col: (row.get(header) or "").strip() for col, header in source.items()}
        if not values.get("text"):
            if notes is None:
                raise ConfigError(f"{path}:{row_no}: empty 'text'")
            notes.append(
                f"row {row_no}: empty text, skipped" + (f" (file {values['file']!r})" if values.get("file") else "")
            )
            continue
        lines.append(
            ScriptLine(
                text=values["text"],
                file=values.get("file") or None,
                line_id=values.get("line_id") or None,
                speaker=values.get("speaker") or None,
                title=values.get("title") or None,
                row=row_no,
            )
        )
    return lines


def _script_headers(
    path: Path, headers: dict[str, str], columns: dict[str, str], notes: list[str] | None
) -> dict[str, str]:
    """Which header (as written) holds each script column."""
    found: dict[str, str] = {}
    for col in SCRIPT_COLUMNS:
        if col in columns:
            header = headers.get(columns[col].strip().casefold())
            if header is None:
                raise ConfigError(
                    f"{path}: no column {columns[col]!r} for {col} (found: {', '.join(headers.values())})"
                )
            found[col] = header
        elif col in headers:
            found[col] = headers[col]
        else:
            alias = next((a for a in _COLUMN_ALIASES[col] if a.casefold() in headers), None)
            if alias is not None and headers[alias.casefold()] not in found.values():
                found[col] = headers[alias.casefold()]
                if notes is not None:
                    notes.append(f"column {found[col]!r} read as {col}")
    if "text" not in found:
        raise ConfigError(
            f"{path}: script needs a 'text' column (found: {', '.join(headers.values()) or 'none'}); "
            "name it with --script-columns text=HEADER"
        )
    return found


# --- walking and ids --------------------------------------------------------------------------


def find_files(raw_dir: Path) -> tuple[list[Path], Counter]:
    """Audio candidates under ``raw_dir`` (sorted) and a count of skipped non-audio files by extension.

    Files with an audio extension are always candidates (so a broken one gets a reason);
    files with an unknown extension are candidates when their bytes look like audio.
    """
    rel, ignored, _ = _walk_audio(str(raw_dir))
    return [Path(raw_dir, r) for r in rel], ignored


def _walk_audio(root: str, paths: PathFilter | None = None) -> tuple[list[str], Counter, bytes]:
    """``find_files`` on strings: candidate paths relative to ``root`` (POSIX separators), sorted,
    the skipped entries counted, and for each candidate 1 when the directory listing already
    says it is a regular file (not a link, a pipe or a device): such a file needs no ``stat``
    before it is opened.

    Walked with ``os.scandir`` (what ``os.walk`` uses, minus the names-only view) because the
    listing's file types are free, and a ``stat`` per file before the scan was ~3.5 µs a file of
    ingest's serial time. Symbolic links to folders are not followed (as ``os.walk``); hidden
    entries are counted, and so are folders that cannot be listed.
    """
    found: list[tuple[str, int]] = []
    ignored: Counter = Counter()
    stack = [("", root)]
    while stack:
        rel_dir, folder = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError:
            ignored["unreadable folder"] += 1
            continue
        with listing:
            for entry in listing:
                name = entry.name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if is_dir:
                    if name.startswith("."):
                        ignored[HIDDEN_FOLDERS] += 1
                    elif paths and paths.excluded(rel):
                        ignored["folder " + EXCLUDED] += 1
                    elif not entry.is_symlink():
                        stack.append((rel, entry.path))
                    continue
                if name.startswith("."):
                    ignored[HIDDEN_FILES] += 1
                    continue
                if paths and not paths.included(rel):
                    ignored[EXCLUDED if paths.excluded(rel) else NOT_INCLUDED] += 1
                    continue
                # (what os.path.splitext gives for a name that does not start with a dot, ~3× faster)
                stem, dot, suffix = name.rpartition(".")
                ext = "." + suffix.lower() if dot and stem and suffix else ""
                if ext in AUDIO_EXTENSIONS:
                    found.append((rel, entry.is_file(follow_symlinks=False)))
                elif ext in _TEXT_EXTENSIONS:
                    ignored[ext] += 1
                else:
                    head = b""
                    if entry.is_file():  # never open a pipe or a device to sniff it: that can block
                        try:
                            with open(entry.path, "rb") as f:
                                head = f.read(16)
                        except OSError:
                            pass
                    if head and looks_like_audio(head):
                        found.append((rel, entry.is_file(follow_symlinks=False)))
                    else:
                        ignored[ext or "(none)"] += 1
    found.sort()
    return [rel for rel, _ in found], ignored, bytes(int(regular) for _, regular in found)


_NOT_SLUG = re.compile(r"[^\w.-]+")


def slugify(relpath: str) -> str:
    """A readable id fragment from a relative path (Unicode letters kept, separators → '_')."""
    slug = _NOT_SLUG.sub("_", relpath.replace("/", "__")).strip("_")
    return slug[:120] or "file"


def recording_id(content_hash: str, relpath: str, hash_chars: int = 12) -> str:
    return f"{content_hash[:hash_chars]}-{slugify(relpath)}"


# --- the run --------------------------------------------------------------------------------


def _scan(
    root: str, rel: str, stamp: _Stamp | None, config: IngestConfig, path: str, silence_peak: float, fd: int | None
) -> _Entry:
    if stamp is None:  # not stat-ed while walking (a first ingest): from the descriptor
        try:
            st = os.fstat(fd) if fd is not None else os.stat(path)
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = (0, 0)  # the read below fails and names the problem
    try:
        scan = scan_file(path, mode=config.verify, silence_peak=silence_peak, fd=fd, size_hint=stamp[0] or None)
    except AudioError as exc:
        return _index_entry(root, rel, stamp, None, None, None, None, exc.reason, exc.detail, config)
    except OSError as exc:
        return _index_entry(
            root, rel, stamp, None, None, None, None, "unreadable", f"cannot read file ({exc.strerror})", config
        )
    reason, detail = _verdict(scan.peak, scan.info.duration, config) or (None, "")
    return _index_entry(
        root, rel, stamp, scan.content_hash, scan.info, float(scan.peak), scan.coverage, reason, detail, config
    )


def _index_entry(
    root: str,
    rel: str,
    stamp: _Stamp,
    content_hash: str | None,
    info: AudioInfo | None,
    peak: float | None,
    coverage: str | None,
    reason: str | None,
    detail: str,
    config: IngestConfig,
) -> _Entry:
    """A scanned file's entry, its index line encoded as :class:`IndexEntry` would encode it.

    Why not build the model: validating it and dumping its JSON was ~2.8 µs of the ~45 µs a file
    costs a scan process, for values this module made itself a line earlier (orjson: ~0.5 µs).
    ``tests/corpus/test_ingest.py`` checks every line against the model, field order included."""
    fields = {
        "source_root": root,
        "path": rel,
        "size": stamp[0],
        "mtime_ns": stamp[1],
        "content_hash": content_hash,
        "info": None if info is None else info.__dict__,
        "peak": peak,
        "coverage": coverage,
        "reason": reason,
        "detail": detail,
    }
    rec = None
    if reason is None and info is not None and content_hash is not None:
        rec = _rec_of(root, rel, content_hash, info, config)
    return _Entry(root, rel, stamp[0], stamp[1], content_hash, reason, orjson.dumps(fields), rec)


def _verdict(peak: float, duration: float, config: IngestConfig) -> tuple[str, str] | None:
    """(reason, detail) when a decodable file is silent or too short under ``config``, else None."""
    peak_dbfs = 20 * math.log10(peak) if peak > 0 else -math.inf
    if peak_dbfs < config.silence_peak_dbfs:
        peak_text = "-inf" if math.isinf(peak_dbfs) else f"{peak_dbfs:.1f}"
        return "silent", f"peak {peak_text} dBFS < {config.silence_peak_dbfs} dBFS"
    if duration < config.min_duration:
        return "too_short", f"{duration:.3f} s < {config.min_duration} s"
    return None


_REJUDGED = frozenset({None, "silent", "too_short"})  # verdicts that depend on this run's settings


def _reusable(prev: _Entry | None, stamp: _Stamp, config: IngestConfig) -> _Entry | None:
    """``prev`` (an earlier scan of the file) judged under this run's settings, when the file is
    unchanged since (same size and mtime) and need not be read again; else None."""
    if prev is None or (prev.size, prev.mtime_ns) != stamp:
        return None
    return _rejudge(prev, config)


def _rejudge(e: _Entry, config: IngestConfig) -> _Entry | None:
    """An indexed file judged again under this run's settings, from what its scan stored; None
    when it must be read again (``--verify full`` after a quick scan that sampled it).

    Why: the index used to keep a file's old verdict, so a re-ingest with ``--min-duration 0.5``
    (or a lower one) or another silence level changed nothing for the files already read.
    """
    if e.reason not in _REJUDGED:
        return e  # corrupt, truncated, ...: facts about the bytes, not settings
    d = e.fields()
    if d.get("info") is None or d.get("peak") is None:
        return None
    if config.verify == "full" and d.get("coverage") != "all":
        return None
    info = d["info"]
    duration = info["frames"] / info["sample_rate"] if info["sample_rate"] else 0.0
    reason, detail = _verdict(d["peak"], duration, config) or (None, "")
    if reason == "silent" and d.get("coverage") == "sampled":
        # A sampled peak is only a lower bound (the scan stopped at the first loud window): it
        # proves a file loud, never quiet. Under a higher silence level it must be measured whole.
        return None
    if reason == e.reason and detail == d.get("detail", ""):
        return e
    return _Entry.of(IndexEntry.model_validate({**d, "reason": reason, "detail": detail}), config)


# One byte, read without blocking (RWF_NOWAIT), tells whether a file's end is in the page cache.
_PROBE = [bytearray(1)]
_NOWAIT = getattr(os, "RWF_NOWAIT", None)


def _open_ahead(path: str) -> tuple[int, _Stamp] | None:
    """Open ``path`` and, unless it is in the page cache already, ask the kernel to start
    reading it (non-blocking); (descriptor, (size, mtime)), or None when it cannot be opened
    (the scan then opens it by path and names the problem).

    The descriptor is kept and read when the file's turn comes, so reading ahead costs no
    second ``open``. Whether the file is cached is one non-blocking read of its *last* byte (a
    file read whole before ends in the cache; a header-only probe by another tool leaves its end
    on disk): ``posix_fadvise`` walks the file's pages even when all are there, and on a warm
    cache that cost ~5 % of a whole ingest (2,000 files: 0.79–0.83× → 0.86–0.87× without it),
    where on disk it is what makes ingest as fast as a header-only loop."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
    except OSError:
        return fd, (0, 0)
    if not _in_page_cache(fd, st.st_size):
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass  # advice only
    return fd, (st.st_size, st.st_mtime_ns)


def _in_page_cache(fd: int, size: int) -> bool:
    if _NOWAIT is None or size == 0:
        return False
    try:
        return os.preadv(fd, _PROBE, size - 1, _NOWAIT) == 1
    except OSError:  # BlockingIOError: on disk; EOPNOTSUPP: a file system without RWF_NOWAIT
        return False


def _scan_all(root: str, todo: list[tuple[str, _Stamp | None]], config: IngestConfig) -> Iterator[_Entry]:
    """Scan ``todo`` in order, one file at a time, with the next ``config.read_ahead`` files open
    and being read by the kernel meanwhile.

    Why not a thread pool: measured on 2 cores, hashing and checking a voice line holds the GIL
    for about half of its ~55 µs, and threads handing the GIL back and forth made the warm-cache
    scan *slower* than one thread (0.21 s vs 0.15 s for 2,000 files). What threads were good for
    is overlapping disk reads on a cold cache, and ``posix_fadvise(WILLNEED)`` gets that from the
    kernel's own asynchronous readahead: measured cold, 0.28 s with 16 files ahead against
    0.75 s without (the bare ``soundfile.info`` loop: 0.47 s).
    """
    silence_peak = 10 ** (config.silence_peak_dbfs / 20)
    ahead = config.read_ahead if hasattr(os, "posix_fadvise") else 0
    paths = [os.path.join(root, rel) for rel, _ in todo]
    opened: collections.deque[tuple[int, _Stamp] | None] = collections.deque(_open_ahead(p) for p in paths[:ahead])
    try:
        for i, (rel, stamp) in enumerate(todo):
            if ahead and i + ahead < len(paths):
                opened.append(_open_ahead(paths[i + ahead]))
            fd = None
            if ahead and (held := opened.popleft()) is not None:
                fd, measured = held
                stamp = stamp or measured  # the walk's stat, else the one made on opening
            yield _scan(root, rel, stamp, config, paths[i], silence_peak, fd)
    finally:  # a scan stopped early leaves no descriptor open
        for held in opened:
            if held is not None:
                os.close(held[0])


def _scan_parallel(root: str, todo: list[tuple[str, _Stamp | None]], config: IngestConfig) -> Iterator[_Entry]:
    """:func:`_scan_all` split over ``config.workers`` processes: this one and ``workers - 1``
    helpers, sharing the work by stealing.

    Processes, not threads: a file's checks hold the GIL for about half of their time, and
    threads handing it back and forth were slower than one thread (measured). ``todo`` is cut
    into small chunks; the helpers take them from the front and this process from the back,
    through one shared pair of indices under a lock, until the two meet. A fixed share used to
    leave one side waiting: a helper starts a few ms late, and the parent also receives the
    helpers' results.

    Why not ``ProcessPoolExecutor`` (used before): its manager thread in *this* process hands
    each chunk to a helper and takes each result back, so it needs this process's GIL while this
    process is busy scanning. Measured on 2 cores (2,000 files): the helper sat idle between
    chunks ~9 ms of its ~45 ms, and this process lost ~10 µs a file to the handovers (scan phase
    46-49 ms; 1 process: 60 ms). Here a helper takes its next chunk itself and sends each result
    down its own pipe, which this process reads between its own chunks, on its own thread.

    Helpers are forked where the platform can (Linux): they only read files and compute, and
    inherit the imported modules and ``todo`` instead of importing and unpickling them. Entries
    come back as they are scanned, not in ``todo``'s order. A helper that dies (killed, out of
    memory) loses nothing: the chunks it took and never reported are scanned here at the end.
    """
    workers = scan_processes(len(todo), config)
    if workers <= 1:
        yield from _scan_all(root, todo, config)
        return
    import multiprocessing
    import pickle
    from multiprocessing.connection import wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Small enough that the two sides meet near the middle, large enough that each chunk's
    # read-ahead and pickling overhead stays small.
    size = max(32, min(256, len(todo) // (workers * 16)))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    lock = context.Lock()
    untaken = context.RawArray("q", [0, len(chunks)])  # [first, end) of the chunks nobody took yet
    helpers: dict[Any, Any] = {}  # each helper's receiving end -> its process
    reported: set[int] = set()

    def received(block: bool) -> Iterator[_Entry]:
        for conn in wait(list(helpers), timeout=None if block else 0):
            try:
                i, states = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):  # the helper is done, or died (mid-message: OSError)
                helpers.pop(conn).join()
                conn.close()
                continue
            reported.add(i)
            for state in states:
                yield _Entry(root, *state)

    try:
        for _ in range(workers - 1):
            recv, send = context.Pipe(duplex=False)
            _widen_pipe(send.fileno())
            proc = context.Process(target=_scan_helper, args=(root, chunks, config, untaken, lock, send), daemon=True)
            proc.start()
            send.close()  # the helper holds the only writing end: its exit reads as EOF here
            helpers[recv] = proc
        while True:
            with lock:
                i = untaken[1] - 1
                if i < untaken[0]:
                    break
                untaken[1] = i
            yield from _scan_all(root, chunks[i], config)
            reported.add(i)
            yield from received(block=False)
        while helpers:
            yield from received(block=True)
        for i, chunk in enumerate(chunks):
            if i not in reported:  # taken by a helper that died before sending it
                yield from _scan_all(root, chunk, config)
    finally:  # Ctrl-C, or the consumer stopped: the helpers' unsent work is not needed
        for conn, proc in helpers.items():
            proc.terminate()
            proc.join()
            conn.close()


def _widen_pipe(fd: int) -> None:
    """Let a helper's pipe hold ~1 MB (Linux; 64 KB by default), so a helper seldom waits for
    this process to read: it reads only between its own chunks."""
    with contextlib.suppress(ImportError, AttributeError, OSError):  # no fcntl on Windows
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)


def _scan_helper(
    root: str, chunks: list[list[tuple[str, _Stamp | None]]], config: IngestConfig, untaken: Any, lock: Any, conn: Any
) -> None:
    """A helper process of :func:`_scan_parallel`: takes chunks from the front until none is left,
    sending each chunk's entries back as soon as it is scanned (with the chunk's number)."""
    import pickle

    _ignore_sigint()
    while True:
        with lock:
            i = untaken[0]
            if i >= untaken[1]:
                break
            untaken[0] = i + 1
        conn.send_bytes(pickle.dumps((i, _scan_chunk((root, chunks[i], config))), protocol=pickle.HIGHEST_PROTOCOL))
    conn.close()


def _ignore_sigint() -> None:
    """Helpers leave Ctrl-C to this process, which stops the ingest and reports it once: a
    terminal sends SIGINT to the whole process group, and each helper printed a traceback from
    whichever libsndfile callback it was in."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def scan_processes(files: int, config: IngestConfig) -> int:
    """How many processes scan ``files`` files to read: one below ``config.parallel_min_files``,
    then up to ``config.workers`` (each with at least half that many files)."""
    return min(config.workers, max(1, files // (config.parallel_min_files // 2)))


def _scan_chunk(job: tuple[str, list[tuple[str, _Stamp | None]], IngestConfig]) -> list[tuple]:
    """One process's share (see :func:`_scan_parallel`), as each entry's :meth:`_Entry.state`.

    The index line travels as JSON bytes rather than a dict (bytes pickle ~20× faster), and the
    parent writes the same line to the ingest index without serialising it again.
    """
    root, chunk, config = job
    return [e.state() for e in _scan_all(root, chunk, config)]


def _make_recording(entry: _Entry, rec_id: str, info: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Lhotse ``Recording`` of a good file, as its manifest dict (``info``: the entry's, when
    the caller parsed it already).

    Ingest writes every recording twice (``recordings.jsonl.gz`` and inside each cut), so it
    builds the dicts Lhotse would serialise instead of objects it would then take apart;
    ``tests/corpus/test_ingest.py`` checks they are exactly ``Recording.to_dict()``'s. They are
    made when written, not kept: ~0.8 KB a file.
    """
    info = info if info is not None else entry.fields()["info"]
    return _recording_dict(rec_id, _abs(entry), info["channels"], info["sample_rate"], info["frames"])


def _recording_dict(rec_id: str, source: str, channels: int, sample_rate: int, frames: int) -> dict[str, Any]:
    ids = list(range(channels))
    return {
        "id": rec_id,
        "sources": [{"type": "file", "channels": ids, "source": source}],
        "sampling_rate": sample_rate,
        "num_samples": frames,
        "duration": frames / sample_rate,
        "channel_ids": list(ids),
    }


def ingest(
    raw_dir: str | Path,
    dataset: Dataset,
    *,
    script: str | Path | None = None,
    config: IngestConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    script_columns: dict[str, str] | None = None,
) -> IngestReport:
    """Ingest ``raw_dir`` into ``dataset``; returns what happened. Never raises for a bad file.

    ``script_columns``: which header holds each script column (see :func:`load_script`)."""
    with dataset.writing(f"tsukasa ingest {raw_dir}"), _old_objects_frozen(), _CTRL_C.deferred():
        return _ingest(raw_dir, dataset, script=script, config=config, progress=progress, script_columns=script_columns)


class _DeferredInterrupt:
    """Ctrl-C during ingest takes effect between files, where the scan can stop cleanly.

    Why: SIGINT raises KeyboardInterrupt wherever Python happens to be, and while soundfile is
    decoding a compressed file that is inside one of its cffi callbacks, where the exception is
    printed ("Exception ignored from cffi callback") and *discarded*: the ingest went on to the
    end as if nothing had been pressed. The handler only notes the request; the scan loop acts on
    it (:meth:`check`). A second Ctrl-C interrupts at once. Installed only by the main thread and
    only over Python's default handler (an application's own handler is left alone).
    """

    def __init__(self) -> None:
        self.pending = False

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread() or (
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            yield
            return

        def note(signum: int, frame: object) -> None:
            if self.pending:
                raise KeyboardInterrupt
            self.pending = True

        self.pending = False
        signal.signal(signal.SIGINT, note)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self.pending = False

    def check(self) -> None:
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


_CTRL_C = _DeferredInterrupt()


@contextlib.contextmanager
def _old_objects_frozen() -> Iterator[None]:
    """Keep the objects that existed before ingest out of the cyclic GC while it runs.

    Why: with torch and lhotse imported the interpreter holds ~200k tracked objects, and the
    index entries and manifest dicts ingest creates trigger full (generation 2) collections
    that walk all of them — measured 130 ms each on 2 cores, against ~0.4 s for the whole
    ingest of 2,000 files, recurring as the dump grows. ``gc.freeze`` moves those objects to
    the permanent generation, so collections only look at what ingest made; it also keeps the
    forked scan processes from touching (and so copying) the parent's pages when they collect,
    which is what the ``gc`` docs recommend before a fork. Nothing is leaked: the objects are
    handed back to the collector afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _ingest(
    raw_dir: str | Path,
    dataset: Dataset,
    *,
    script: str | Path | None,
    config: IngestConfig | None,
    progress: Callable[[int, int], None] | None,
    script_columns: dict[str, str] | None = None,
) -> IngestReport:
    started = time.perf_counter()
    config = config or IngestConfig()
    root = Path(raw_dir).resolve()
    if not root.is_dir():
        raise ConfigError(f"not a folder: {raw_dir}")
    notes: list[str] = []
    # validated before any audio is read
    script_lines = load_script(script, columns=script_columns, notes=notes) if script else None

    report = IngestReport(dataset=dataset.name, source_root=str(root), script_notes=notes)
    paths = PathFilter(config.include, config.exclude)
    report.include, report.exclude = paths.include, paths.exclude
    rel_paths, report.ignored, regular = _walk_audio(str(root), paths)
    bad_names = [rel for rel in rel_paths if _undecodable(rel)]
    if bad_names:  # no manifest can hold these names: reported, never read
        bad = set(bad_names)
        keep = [i for i, rel in enumerate(rel_paths) if rel not in bad]
        rel_paths, regular = [rel_paths[i] for i in keep], bytes(regular[i] for i in keep)

    old_index = _load_index(dataset.ingest_index_path)
    checkpoint = dataset.path / "ingest_index.partial.jsonl"
    resumed = _load_index(checkpoint)  # what a killed run had read: reused, counted apart
    todo: list[tuple[str, _Stamp | None]] = []
    entries: dict[tuple[str, str], _Entry] = {}
    root_s = str(root)
    nothing_to_reuse = not old_index and not resumed
    for rel, is_regular in zip(rel_paths, regular, strict=True):
        if nothing_to_reuse and is_regular:
            todo.append((rel, None))  # size and mtime come from the open file (fstat) in the scan
            continue
        key = (root_s, rel)
        st, problem = _stat_regular(os.path.join(root_s, rel))
        if problem is not None:  # a broken link, a named pipe (reading one would block forever)...
            entries[key] = _Entry.of(
                IndexEntry(source_root=root_s, path=rel, size=0, mtime_ns=0, reason="unreadable", detail=problem),
                config,
            )
            continue
        assert st is not None
        stamp = (st.st_size, st.st_mtime_ns)  # not the stat result: ~650 B a file
        if (e := _reusable(old_index.get(key), stamp, config)) is not None:
            entries[key] = e
            report.unchanged += 1
        elif (e := _reusable(resumed.get(key), stamp, config)) is not None:
            entries[key] = e
            report.resumed += 1
        else:
            todo.append((rel, stamp))

    done = 0
    # Each batch of scanned files is appended to the checkpoint (and flushed to the OS), so a run
    # killed after hours of reading a cold dump starts again where it stopped, not from zero.
    # Ctrl-C (see _DeferredInterrupt) stops between files and still saves the batch in hand.
    with open(checkpoint, "ab") as ckpt:
        batch: list[bytes] = []
        try:
            for entry in _scan_parallel(root_s, todo, config):
                entries[(entry.source_root, entry.path)] = entry
                batch.append(entry.line)
                done += 1
                if len(batch) >= config.checkpoint_every or done == len(todo):
                    ckpt.write(b"\n".join(batch) + b"\n")
                    ckpt.flush()
                    batch.clear()
                if progress and (done % 64 == 0 or done == len(todo)):
                    progress(done, len(todo))
                _CTRL_C.check()
        except KeyboardInterrupt:
            if batch:
                ckpt.write(b"\n".join(batch) + b"\n")
            raise
    _CTRL_C.check()  # pressed after the last file: stop before anything is written
    report.scanned = len(todo)

    # Entries of other source folders stay; files gone from this folder are reported.
    merged: dict[tuple[str, str], _Entry] = {k: v for k, v in old_index.items() if k[0] != str(root)}
    merged.update(entries)
    # Files left out by this run's patterns are not "gone": they leave the version unreported as
    # missing (the report counts them) and stay in the index, ready if the patterns change back.
    left_out = [(k, v) for k, v in old_index.items() if k[0] == str(root) and k not in entries]
    set_aside = {k: v for k, v in left_out if paths and not paths.included(k[1])}
    missing = [v for k, v in left_out if k not in set_aside]

    good = _FileNames([(e.path, e) for e in merged.values() if e.reason is None])  # every good file, by name
    if script_lines is not None:
        script_lines = _files_named_by_line_id(script_lines, good, report.script_notes)
    elif dataset.script_path.exists():
        script_lines = [ScriptLine.model_validate(d) for d in read_jsonl(dataset.script_path)]
    # the files the script names, found as _attach_script finds them: a named copy is the one kept
    named = {e.path for e in good.resolve_all(script_lines or [])}

    existing_ids = {d["id"] for d in read_jsonl(dataset.recordings_path)} if dataset.recordings_path.exists() else set()
    recordings, rejected = _decide(merged, existing_ids, config, missing, named)
    if bad_names:
        rejected = sorted([*rejected, *map(_bad_name, bad_names)], key=lambda r: (r.path or "", r.id))
    file_text, unmatched = _attach_script(script_lines or [], recordings, good, notes=report.script_notes)
    report.script_unmatched = unmatched
    report.script_multi_line_files = sum(1 for lines in file_text.values() if len(lines) > 1)
    if script_lines:
        report.script_lines = len(script_lines)
        report.script_file_lines = sum(1 for s in script_lines if s.file)
        report.script_folder_lines = sum(1 for s in script_lines if not s.file)

    rec_ids = sorted(recordings)
    report.recordings = len(rec_ids)
    report.rejected = rejected

    def cut_dicts(write_recording: Callable[[bytes], None]) -> Iterator[dict[str, Any]]:
        """The version's cuts; each recording's line goes to ``recordings.jsonl.gz`` on the way.

        One pass, each recording made and encoded once: its line is embedded in its cut as an
        ``orjson.Fragment`` (the same bytes the dict would give). Making, encoding and
        compressing the recordings twice was a quarter of ingest's serial time (2,000 files)."""
        formats = report.formats
        for rid in rec_ids:
            entry = recordings[rid]
            if entry.rec is not None:  # scanned this run: made by the scanning process
                _, line, duration, fmt = entry.rec
            else:  # unchanged since an earlier ingest: made here from its index line
                info = entry.fields()["info"]
                line = orjson.dumps(_make_recording(entry, rid, info))
                duration = info["frames"] / info["sample_rate"]
                fmt = _format_key(info["format"], info["subtype"], info["sample_rate"], info["channels"])
            write_recording(line)
            report.duration_s += duration
            formats[fmt] += 1
            yield _recording_cut(rid, duration, orjson.Fragment(line), entry, file_text.get(rid))

    # Always offered: unchanged_since makes a byte-identical result the same version. Deciding from
    # "files read this run" instead missed files a killed run had read (resumed) or indexed.
    if not any(s.path == str(root) for s in dataset.meta.sources):
        dataset.meta.sources.append(
            SourceRecord(path=str(root), script=str(script) if script else None, added_at=datetime.now(UTC))
        )
    last_ingest = max((v.number for v in dataset.meta.versions if v.kind == "ingest"), default=None)

    def version_files() -> dict[str, str]:  # once the cuts are written: the pass counted the report
        report.wall_s = time.perf_counter() - started
        return {"ingest.yaml": yaml_text(report.to_dict())}

    with json_lines_writer(dataset.recordings_path) as write_recording:
        version = dataset.write_version(
            cut_dicts(write_recording),
            rejected,
            kind="ingest",
            description=f"ingest {root} ({report.scanned} files read, {report.unchanged} unchanged"
            + (f", {report.resumed} read before an interruption)" if report.resumed else ")"),
            unchanged_since=last_ingest,  # e.g. the same script given again: no duplicate version
            extra_files=version_files,
        )
    if version.number != last_ingest:
        report.version = version.number
    else:
        report.same_as_version = version.number
    # The script and the index are written last: they are what the next run compares against
    # (a script already attached, a file already read), so a run killed before its version
    # exists must leave them as the last version saw them, and then does its work again.
    if script is not None:
        _save_script(dataset, script_lines or [])
    write_json_lines((e.line for _, e in sorted({**merged, **set_aside}.items())), dataset.ingest_index_path)
    checkpoint.unlink(missing_ok=True)  # its files are in the index now
    report.wall_s = time.perf_counter() - started
    return report


def _stat_regular(path: str) -> tuple[os.stat_result | None, str | None]:
    """(stat, None) for a regular file (through links); (None, why) for what cannot be read as one."""
    try:
        st = os.stat(path)
    except OSError as exc:
        broken = os.path.islink(path)
        return None, "broken symbolic link" if broken else f"cannot stat file ({exc.strerror})"
    if not stat.S_ISREG(st.st_mode):
        kind = "named pipe" if stat.S_ISFIFO(st.st_mode) else "directory" if stat.S_ISDIR(st.st_mode) else "device"
        return None, f"not a regular file (a {kind})"
    return st, None


def _undecodable(name: str) -> bool:
    """A path whose bytes are not UTF-8 (Python walks them as lone surrogates): the common case is
    a Japanese archive unpacked on Linux, whose names stay Shift-JIS. JSON manifests cannot hold it."""
    try:
        name.encode("utf-8")  # lone surrogates (undecodable bytes) cannot be encoded strictly
    except UnicodeEncodeError:
        return True
    return False


def _bad_name(rel: str) -> RejectedItem:
    raw = os.fsencode(rel)
    try:
        shown, how = raw.decode("cp932"), "it reads as Shift-JIS"
    except UnicodeDecodeError:
        shown, how = raw.decode("utf-8", "replace"), "and not Shift-JIS either"
    return RejectedItem(
        id=slugify(shown),
        kind="file",
        reason="bad_filename",
        stage="ingest",
        path=shown,
        detail=f"file name is not UTF-8 ({how}): rename the files to UTF-8, e.g. convmv -f cp932 -t utf8 -r --notest "
        "DIR, and ingest again",
    )


def _load_index(path: Path) -> dict[tuple[str, str], _Entry]:
    """The previous runs' per-file results; a line of an older index format (or one that cannot
    be read: the torn last line of a checkpoint) is left out, so its file is simply scanned again."""
    index: dict[tuple[str, str], _Entry] = {}
    if not path.exists():
        return index
    roots: dict[str, str] = {}
    with gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\n")
            if not line:
                continue
            try:
                e = _Entry.from_line(line, roots)  # KeyError: written before ids used XXH3 (no content_hash)
            except (KeyError, TypeError, ValueError):  # orjson.JSONDecodeError is a ValueError
                continue
            index[(e.source_root, e.path)] = e
    return index


def _decide(
    entries: dict[tuple[str, str], _Entry],
    existing_ids: set[str],
    config: IngestConfig,
    missing: list[_Entry],
    preferred_paths: set[str] = frozenset(),
) -> tuple[dict[str, _Entry], list[RejectedItem]]:
    """Good files → recordings (duplicates kept once); bad files → rejected items."""
    recordings: dict[str, _Entry] = {}
    rejected: list[RejectedItem] = []
    by_hash: dict[str, str] = {}
    good = [
        (e.rec[0] if e.rec is not None else recording_id(e.content_hash or "", e.path, config.id_hash_chars), k, e)
        for k, e in entries.items()
        if e.reason is None
    ]
    # Which copy of duplicated content is kept: one that was already a recording (a new copy
    # never displaces the original), then one the script names, then the oldest file (a copy
    # is newer than its original), then the first by path. The key ends in the (unique) index
    # key, so the order never depends on the order entries came back from the scan.
    good.sort(key=lambda rke: (rke[0] not in existing_ids, rke[2].path not in preferred_paths, rke[2].mtime_ns, rke[1]))
    for rid, _, e in good:
        if e.content_hash in by_hash:
            rejected.append(
                RejectedItem(
                    id=rid,
                    kind="file",
                    reason="duplicate",
                    stage="ingest",
                    path=_abs(e),
                    detail=f"same content as recording {by_hash[e.content_hash]}",
                )
            )
            continue
        by_hash[e.content_hash or ""] = rid
        recordings[rid] = e
    for e in entries.values():  # in any order: the list is sorted by absolute path below
        if e.reason is not None:
            rejected.append(
                RejectedItem(
                    id=slugify(e.path),
                    kind="file",
                    reason=e.reason,
                    detail=e.fields()["detail"],
                    stage="ingest",
                    path=_abs(e),
                )
            )
    for e in missing:
        rejected.append(
            RejectedItem(
                id=slugify(e.path),
                kind="file",
                reason="source_missing",
                stage="ingest",
                path=_abs(e),
                detail="file was ingested before but is gone from the folder",
            )
        )
    rejected.sort(key=lambda r: (r.path or "", r.id))
    return recordings, rejected


def _abs(e: _Entry) -> str:
    # Joined by hand: e.path is relative and POSIX-separated, and os.path.join (~1.5 µs) was
    # measurable in the serial part of ingest (called for every recording).
    return f"{e.source_root.rstrip('/')}/{e.path}"


def _save_script(dataset: Dataset, lines: list[ScriptLine]) -> None:
    write_jsonl([s.model_dump(mode="json", exclude_none=True) for s in lines], dataset.script_path)


def _files_named_by_line_id(lines: list[ScriptLine], files: _FileNames, notes: list[str]) -> list[ScriptLine]:
    """Rows without a file whose line id is a file's name (voice lists often key each line by the
    id its voice file is named after: 0001 → 0001.ogg) become that file's lines, with a note;
    the other rows without a file stay the folder's script."""
    out = []
    for line in lines:
        entry = files.find(line.line_id)[0] if line.file is None and line.line_id else None
        if entry is not None:
            notes.append(f"row {line.row}: line id {line.line_id!r} names file {entry.path!r}")
            line = line.model_copy(update={"file": entry.path})
        out.append(line)
    return out


def _attach_script(
    lines: list[ScriptLine],
    recordings: dict[str, _Entry],
    good: _FileNames,
    notes: list[str] | None = None,
) -> tuple[dict[str, list[ScriptLine]], list[str]]:
    """Map per-file script lines to recording ids (see :class:`_FileNames` for how a name is found).

    A file named on several rows gets all of them, in row order: game dumps keep short
    exchanges (or a line and its retake) in one file, and the script then lists each line.
    Before, the last row silently replaced the others — a lost line. A row that repeats an
    earlier row for the same file (same text and line id) is reported and not added twice. A
    row naming a file dropped as a duplicate goes to the copy that was kept (``good``: every
    good file by name, duplicates included), and ``notes`` says so.
    """
    if not any(line.file for line in lines):
        return {}, []
    kept = _FileNames([(e.path, rid) for rid, e in recordings.items()])
    by_hash = {e.content_hash: rid for rid, e in recordings.items()}
    attached: dict[str, list[ScriptLine]] = {}
    unmatched: list[str] = []
    for line in sorted((ln for ln in lines if ln.file), key=lambda ln: ln.row):
        assert line.file is not None
        rid, ambiguous = kept.find(line.file)
        if rid is None and not ambiguous:
            dup, _ = good.find(line.file)
            rid = by_hash.get(dup.content_hash) if dup is not None else None
            if rid is not None and notes is not None:
                notes.append(f"row {line.row}: file {line.file!r} is a duplicate; its line goes to the copy kept")
        if ambiguous:
            unmatched.append(f"row {line.row}: file {line.file!r} is ambiguous ({ambiguous} files share that name)")
            continue
        if rid is None:
            unmatched.append(f"row {line.row}: file {line.file!r} not found among the good audio files")
            continue
        same = [ln for ln in attached.get(rid, []) if (ln.text, ln.line_id) == (line.text, line.line_id)]
        if same:
            unmatched.append(f"row {line.row}: repeats row {same[0].row} for file {line.file!r}; counted once")
            continue
        attached.setdefault(rid, []).append(line)
    return attached, unmatched


class _FileNames:
    """Values by the relative path of their file, found the way script rows name files.

    A name is a relative path (``\\`` or ``/``, with or without extension) or a unique file stem.
    Exact names are tried first; then names folded for case and Unicode form: dumps extracted
    from Windows games name files in any case (VOICE/A001.OGG for voice/a001.ogg), and archives
    made on macOS store kana with decomposed voicing marks (NFD), which a script typed elsewhere
    does not use.
    """

    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self._items = items

    # Built on first use: most ingests have no per-file script, and the two indexes cost
    # ~10 µs a file (a tenth of a warm ingest) for nothing then.
    @functools.cached_property
    def _exact(self) -> _NameIndex:
        return _NameIndex(self._items, fold=False)

    @functools.cached_property
    def _folded(self) -> _NameIndex:
        return _NameIndex(self._items, fold=True)

    def find(self, name: str) -> tuple[Any, int]:
        """(value or None, how many files share the stem when that makes the name ambiguous)."""
        key = name.replace("\\", "/").removeprefix("./")
        value, ambiguous = self._exact.find(key)
        if value is None and not ambiguous:
            value, ambiguous = self._folded.find(key)
        return value, ambiguous

    def resolve_all(self, lines: list[ScriptLine]) -> list[Any]:
        """The values of every file the script's rows name (unambiguously)."""
        return [v for ln in lines if ln.file and (v := self.find(ln.file)[0]) is not None]


class _NameIndex:
    def __init__(self, items: list[tuple[str, Any]], *, fold: bool) -> None:
        self.fold = fold
        self.by_path: dict[str, Any] = {}
        self.by_stem: dict[str, list[Any]] = {}
        for path, value in sorted(items, key=lambda pv: pv[0]):
            path = self._norm(path)
            self.by_path[path] = value
            self.by_path.setdefault(_without_suffix(path), value)
            self.by_stem.setdefault(_without_suffix(path.rsplit("/", 1)[-1]), []).append(value)

    def _norm(self, name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold() if self.fold else name

    def find(self, name: str) -> tuple[Any, int]:
        name = self._norm(name)
        value = self.by_path.get(name)
        if value is None:
            value = self.by_path.get(_without_suffix(name))
        if value is not None:
            return value, 0
        stems = self.by_stem.get(_without_suffix(name.rsplit("/", 1)[-1]), [])
        if len(stems) > 1:
            return None, len(stems)
        return (stems[0] if stems else None), 0


def _without_suffix(name: str) -> str:
    """``name`` without an audio extension (a dot inside a stem, voice.001, stays)."""
    base, dot, ext = name.rpartition(".")
    return base if dot and base and "/" not in ext and len(ext) <= 5 and not ext.isdigit() else name


def _recording_cut(
    rec_id: str, duration: float, recording: Any, entry: _Entry, lines: list[ScriptLine] | None
) -> dict[str, Any]:
    """The version-1 view of a recording: one MonoCut over the whole file (+ its script lines), as its dict.

    Several lines (a multi-line file) share one supervision until ``segment`` splits the file:
    its text is the lines joined, and ``source.script_lines`` keeps each with its id and speaker.
    """
    supervisions = []
    if lines:
        first = lines[0]
        speakers = {ln.speaker for ln in lines}
        speaker = first.speaker if len(speakers) == 1 else None
        text = "".join(ln.text for ln in lines) if len(lines) > 1 else first.text
        many = (
            [ScriptLineRef(text=ln.text, line_id=ln.line_id, character=ln.speaker) for ln in lines]
            if len(lines) > 1
            else None
        )
        custom = SupervisionCustom(
            source=SourceInfo(
                path=entry.path,
                title=first.title,
                character=speaker,
                line_id=first.line_id if many is None else None,
                script_text=text,
                script_scope="file",
                script_lines=many,
            )
        )
        # The dict lhotse's SupervisionSegment.to_dict() gives (its field order, None fields left
        # out), built directly: making the object imported lhotse and with it torch, ~1.7 s that
        # every ingest with a script paid (tests compare the bytes with lhotse's).
        supervision = {"id": rec_id, "recording_id": rec_id, "start": 0.0, "duration": duration, "channel": 0,
                       "text": text, "language": "ja"}  # fmt: skip
        if speaker is not None:
            supervision["speaker"] = speaker
        supervision["custom"] = plain_dict(custom.to_custom())
        supervisions.append(supervision)
    return {
        "id": rec_id,
        "start": 0.0,
        "duration": duration,
        "channel": 0,
        "supervisions": supervisions,
        "recording": recording,  # its dict, or its encoded line as an orjson.Fragment
        "custom": {"source_path": entry.path, "source_root": entry.source_root},
        "type": "MonoCut",
    }

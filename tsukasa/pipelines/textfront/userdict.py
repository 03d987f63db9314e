"""User dictionaries: CSV rows ``surface,reading,accent type`` compiled for OpenJTalk.

The dictionaries Japanese TTS users already keep are read too: OpenJTalk / MeCab dictionary CSV
rows (15 columns, reading in the 13th and ``accent/morae`` in the 14th: VOICEVOX's and
Style-Bert-VITS2's ``default.csv``, pyopenjtalk user dictionaries) and VOICEVOX's exported user
dictionary JSON (``{uuid: {surface, pronunciation, accent_type, ...}}``).

Character names and invented words of a game are the front-end's worst errors (OpenJTalk
reads 司 as シ or ツカサ at random-looking places), so a project ships a small CSV and we
compile it with OpenJTalk's own MeCab dictionary compiler into a ``.dic`` that our private
OpenJTalk instance loads (the global pyopenjtalk instance is left alone).

Compiled dictionaries are cached by the CSV's content hash, so editing the CSV recompiles it
and two processes never read a half-written file (written to a temp name, then renamed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from tsukasa.pipelines.textfront.readings import mora_count, to_katakana
from tsukasa.pipelines.textfront.resources import TextFrontError, read_csv_rows

_LOCK = threading.Lock()
_COMPILED: dict[str, str] = {}
# (path as given, device, inode, mtime, size) → compiled .dic. Phonemizing a line with a user
# dictionary asked for the dictionary every time, and hashing the CSV each time cost more than
# reading the line's accents; one stat() now tells whether the file can have changed (an edit
# changes its mtime; another file at the same path has another inode).
_BY_STAT: dict[tuple[str, int, int, int, int], str] = {}
_DEFAULT_COST = 100  # low cost: a user entry should win over the system dictionary's analysis


def _full_width(s: str) -> str:
    # OpenJTalk's MeCab sees full-width text (pyopenjtalk converts ASCII before analysis).
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def parse_user_dict(path: str | Path) -> list[tuple[str, str, int]]:
    """Validated ``(surface, katakana reading, accent type)`` rows.

    Every bad row is named (file:row: what is wrong) in one error, not only the first: a CSV
    of a few hundred character names is fixed in one pass."""
    path = Path(path)
    if not path.is_file():
        raise TextFrontError(f"user dictionary not found: {path}")
    rows, problems = [], []
    for i, row in _entries(path):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if i == 1 and row[0].strip().lower() == "surface":
            continue  # header
        row = _openjtalk_row(row) or row
        problem = _row_problem(row)
        if problem is not None:
            problems.append(f"{path}:{i}: {problem}")
            continue
        surface = unicodedata.normalize("NFKC", row[0].strip())
        reading = to_katakana(unicodedata.normalize("NFKC", row[1].strip()))
        rows.append((surface, reading, int(row[2].strip()) if len(row) > 2 else 0))
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise TextFrontError(f"{len(problems)} bad row(s) in the user dictionary: " + "; ".join(problems[:5]) + more)
    if not rows:
        raise TextFrontError(f"user dictionary {path} has no entries")
    return rows


def _entries(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row or entry number, its fields) of a CSV or a VOICEVOX JSON user dictionary."""
    if path.suffix.lower() != ".json":
        yield from enumerate(read_csv_rows(path), start=1)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TextFrontError(f"{path}: not a JSON user dictionary ({exc})") from None
    words = list(data.values()) if isinstance(data, dict) and "surface" not in data else data
    if isinstance(words, dict):
        words = [words]
    if not isinstance(words, list) or not all(isinstance(w, dict) for w in words):
        raise TextFrontError(f"{path}: expected VOICEVOX's user dictionary (an object of word objects)")
    for i, word in enumerate(words, start=1):
        reading = word.get("pronunciation") or word.get("yomi") or ""
        yield i, [str(word.get("surface", "")), str(reading), str(word.get("accent_type", 0))]


_ACCENT_MORAE = re.compile(r"(\d+)/\d+")


def _openjtalk_row(row: list[str]) -> list[str] | None:
    """``surface, reading, accent type`` of an OpenJTalk / MeCab dictionary row (surface, left and
    right context ids, cost, part of speech ×4, inflection ×2, base form, reading, pronunciation,
    ``accent/morae``, chain rule), else None."""
    if len(row) < 14:
        return None
    accent = _ACCENT_MORAE.fullmatch(row[13].strip())
    if accent is None:
        return None
    return [row[0], row[12] or row[11], accent.group(1)]


def _row_problem(row: list[str]) -> str | None:
    if len(row) < 2:
        return f"expected surface,reading[,accent type], got {row!r}"
    if not unicodedata.normalize("NFKC", row[0].strip()):
        return "the surface (first column) is empty"
    reading = to_katakana(unicodedata.normalize("NFKC", row[1].strip()))
    if not reading or not all("ァ" <= c <= "ヺ" or c == "ー" for c in reading):
        return f"the reading must be kana, got {row[1]!r}"
    accent_text = row[2].strip() if len(row) > 2 else "0"
    if not accent_text.isdigit() or int(accent_text) > mora_count(reading):
        return f"accent type must be 0..{mora_count(reading)} (morae of {reading}), got {accent_text!r}"
    return None


def _naist_csv(rows: list[tuple[str, str, int]]) -> str:
    lines = []
    for surface, reading, accent in rows:
        s = _full_width(surface)
        lines.append(f"{s},,,{_DEFAULT_COST},名詞,固有名詞,一般,*,*,*,{s},{reading},{reading},"
                     f"{accent}/{mora_count(reading)},*")  # fmt: skip
    return "\n".join(lines) + "\n"


def user_dict_surfaces(path: str | Path) -> frozenset[str]:
    """The words of a user-dictionary CSV (NFKC), e.g. to know a line's speaker label by name.
    Read once per compiled content (the same key as :func:`compiled_user_dict`)."""
    compiled = compiled_user_dict(path)
    hit = _SURFACES.get(compiled)
    if hit is None:
        hit = _SURFACES[compiled] = frozenset(surface for surface, _, _ in parse_user_dict(path))
    return hit


_SURFACES: dict[str, frozenset[str]] = {}


def cache_dir() -> Path:
    base = os.environ.get("TSUKASA_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "tsukasa")
    return Path(base) / "userdict"


def compiled_user_dict(path: str | Path) -> str:
    """Path of the compiled ``.dic`` for a user-dictionary CSV (compiled once per content)."""
    try:
        st = os.stat(path)
    except OSError:
        st = None
    stat_key = (str(path), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size) if st is not None else None
    if stat_key is not None:
        hit = _BY_STAT.get(stat_key)
        if hit is not None:
            return hit
    compiled = _compile_by_content(Path(path))
    if stat_key is not None:
        _BY_STAT[stat_key] = compiled
    return compiled


@contextlib.contextmanager
def _c_stdout_to_stderr() -> Iterator[None]:
    """Send what C code writes to file descriptor 1 to stderr meanwhile.

    MeCab's dictionary compiler prints its progress ("reading ... emitting double-array") on
    the C-level stdout, which is ``tsukasa g2p``'s output channel: one line out per line in.
    The descriptor is process-wide, so this runs only around the (rare, locked) compilation.
    """
    try:
        out_fd = sys.stdout.fileno()
        err_fd = sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):  # no real descriptors (e.g. captured streams)
        yield
        return
    sys.stdout.flush()
    saved = os.dup(out_fd)
    try:
        os.dup2(err_fd, out_fd)
        yield
    finally:
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None).fflush(None)  # C stdio buffers: out before fd 1 is stdout again
        os.dup2(saved, out_fd)
        os.close(saved)


def _compile_by_content(path: Path) -> str:
    key = str(path.resolve())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""
    cached = _COMPILED.get(key + digest)
    if cached is not None:
        return cached
    with _LOCK:
        rows = parse_user_dict(path)
        import pyopenjtalk

        out_dir = cache_dir()
        out_dir.mkdir(parents=True, exist_ok=True)
        out = out_dir / f"{digest}.dic"
        if not out.exists():
            with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
                csv_path = Path(tmp) / "user.csv"
                csv_path.write_text(_naist_csv(rows), encoding="utf-8")
                tmp_dic = Path(tmp) / "user.dic"
                try:
                    with _c_stdout_to_stderr():
                        pyopenjtalk.mecab_dict_index(str(csv_path), str(tmp_dic))
                except RuntimeError as exc:
                    raise TextFrontError(f"could not compile user dictionary {path}: {exc}") from None
                os.replace(tmp_dic, out)
        _COMPILED[key + digest] = str(out)
        return str(out)

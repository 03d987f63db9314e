"""Heavy resources of the front-end, loaded lazily once and shared between threads.

OpenJTalk (dictionary + NJD + JPCommon), the fugashi/UniDic tagger and our data tables
take tens to hundreds of milliseconds to load, so each is built on first use under one
lock and then reused. We keep our *own* OpenJTalk instances (one per user dictionary)
instead of swapping pyopenjtalk's global one: swapping the global instance would change
the readings of every other pyopenjtalk user in the process.

OpenJTalk serialises calls on one instance internally; fugashi's tagger does not
promise thread safety, so its calls go through :data:`TAGGER_LOCK`.
"""

from __future__ import annotations

import csv
import io
import threading
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

from tsukasa.errors import TsukasaError

_LOCK = threading.RLock()
TAGGER_LOCK = threading.Lock()
_JTALK: dict[str, Any] = {}
_TAGGER: list[Any] = []


class TextFrontError(TsukasaError):
    """The text front-end could not process a piece of text; the message names it."""


def data_path(name: str) -> Path:
    return Path(str(files("tsukasa.pipelines.textfront") / "data" / name))


@cache
def read_table(name: str) -> tuple[tuple[str, ...], ...]:
    """A TSV data table of the package, as tuples of fields.

    ``#`` starts a comment line, except ``#<TAB>``: a row whose key is the character ``#``
    (symbols.tsv). Before, that row was read as a comment and ``#`` reached OpenJTalk unread.
    """
    rows = []
    with open(data_path(name), encoding="utf-8", newline="") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or (line.startswith("#") and not line.startswith("#\t")):
                continue
            rows.append(tuple(line.split("\t")))
    return tuple(rows)


def jtalk(user_dic: str | None = None) -> Any:
    """The OpenJTalk instance for a compiled user dictionary (``None``: system dictionary only)."""
    key = user_dic or ""
    inst = _JTALK.get(key)
    if inst is not None:
        return inst
    with _LOCK:
        inst = _JTALK.get(key)
        if inst is None:
            import pyopenjtalk
            from pyopenjtalk.openjtalk import OpenJTalk

            kwargs: dict[str, Any] = {"dn_mecab": pyopenjtalk.OPEN_JTALK_DICT_DIR}
            if user_dic:
                kwargs["userdic"] = user_dic.encode("utf-8")
                kwargs["userdic_reading_protection"] = [True]
            inst = OpenJTalk(**kwargs)
            _JTALK[key] = inst
    return inst


class DictionaryWord(NamedTuple):
    """One word of MeCab's analysis in OpenJTalk's system dictionary."""

    surface: str
    pos: str
    accent: int | None  # the dictionary accent type; None for a word the dictionary does not hold
    chain_rule: str  # "*" for a word the dictionary does not hold (an unknown-word guess)
    base: str = ""  # the dictionary form (みれる for みれ); "" for an unknown word
    groups: tuple[str, ...] = ()  # the finer part of speech (固有名詞, 人名 for 春香)
    pron: str = ""  # how the dictionary says it (コンニチワ for こんにちは); "" for an unknown word


@lru_cache(maxsize=16384)
def dictionary_words(text: str) -> tuple[DictionaryWord, ...]:
    """MeCab's words for ``text`` read alone (no NJD rules: ~8 µs a word, against ~150 µs for
    ``pyopenjtalk.run_frontend``), for look-ups of one word: is it in the dictionary, as what,
    with which accent. Cached: the same words recur."""
    out = []
    for line in jtalk().run_mecab(text):
        f = line.split(",")
        known = len(f) > 11
        accent = f[10].split("/")[0] if known else ""
        out.append(
            DictionaryWord(
                f[0],
                f[1],
                int(accent) if accent.isdigit() else None,
                f[11] if known else "*",
                f[7] if known else "",
                tuple(f[2:4]),
                f[9] if known else "",
            )
        )
    return tuple(out)


def tagger() -> Any:
    """The fugashi tagger with UniDic-lite (word boundaries and readings for romaji/loanwords)."""
    if _TAGGER:
        return _TAGGER[0]
    with _LOCK:
        if not _TAGGER:
            import fugashi

            _TAGGER.append(fugashi.Tagger())
    return _TAGGER[0]


class UnidicWord(NamedTuple):
    """One word of UniDic's analysis, with its place in the text it was cut from."""

    start: int
    end: int
    pos1: str
    pos2: str
    lemma: str = ""  # the dictionary form, in its usual spelling (水 for みず)
    goshu: str = ""  # word origin: 和 native, 漢 Sino-Japanese, 外 loanword, 固 proper name...
    ctype: str = ""  # conjugation type (下一段-ア行) and form (命令形) of an inflecting word
    cform: str = ""
    pron: str = ""  # the pronunciation in katakana, long vowels as ー (オーゴエ for おおごえ)


def unidic_words(text: str) -> list[UnidicWord]:
    """UniDic's words for ``text`` with their character offsets (fugashi reports the white space
    before each word, not its offset)."""
    with TAGGER_LOCK:  # fugashi's tagger is not thread-safe
        words = [(w.white_space, w.surface, w.feature) for w in tagger()(text)]
    out, pos = [], 0
    for white_space, surface, f in words:
        start = pos + len(white_space)
        pos = start + len(surface)
        out.append(
            UnidicWord(
                start, pos, f.pos1, f.pos2, f.lemma or "", f.goshu or "", f.cType or "", f.cForm or "", f.pron or ""
            )
        )
    return out


def unidic_lemma(word: str) -> str | None:
    """UniDic's dictionary form of ``word`` when it analyses it as one word, else None
    (切い → 切ない: the dictionary knows the spelling as a variant of another word)."""
    with TAGGER_LOCK:
        words = [w.feature.lemma for w in tagger()(word)]
    return words[0] if len(words) == 1 else None


def tool_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {pkg: version(pkg) for pkg in ("pyopenjtalk-plus", "fugashi", "unidic-lite", "e2k")}


def read_csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV in UTF-8, UTF-16, Shift-JIS or EUC-JP (a user dictionary saved by a
    Windows tool is as often Shift-JIS as UTF-8)."""
    from tsukasa.corpus.textfiles import decode_script

    text, _ = decode_script(Path(path).read_bytes(), path)
    return list(csv.reader(io.StringIO(text, newline="")))

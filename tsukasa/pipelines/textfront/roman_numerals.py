"""Roman numerals in titles and names: ロッキーII, XIII機関, 第III章, ドラクエⅢ, ガンダムMk-II.

Game and novel text writes numbers in Roman numerals in titles (sequels, chapters, editions), in
regnal names and in model names; OpenJTalk spells the ASCII ones letter by letter (XIII機関 was
エックスアイアイアイキカン, 第III章 ダイアイアイアイアキラ), and the normaliser had turned the Unicode
ones (Ⅲ) into Arabic digits read in Japanese everywhere (ドラクエⅢ ドラクエサン).

How Japanese says them depends on what is around the numeral, as it does for Arabic numbers after
English words (:mod:`.mixed`):

* before a kanji written right after it, or after 第, it counts or names something Japanese and is
  a Japanese number: XIII機関 ジューサンキカン, IV号戦車 ヨンゴー, エリザベスII世 ニセー, 第III章 ダイサンショー;
* anywhere else (a title's sequel number, a chapter or part in English) it is said in English, as
  players and the makers' own Japanese names say it: ロッキーII ロッキーツー, ドラゴンクエストXI イレブン,
  Chapter III チャプタースリー, ガンダムMk-II マークツー (data/english_numbers.tsv; past 20, Japanese).

ASCII numerals are taken only when unambiguous: at least two of the letters I, V and X in a valid
numeral, standing alone (not inside a word or next to a digit). Single letters stay letters (ロックマンX
is エックス, I is the pronoun), as do L, C, D and M, which spell acronyms (CD, DL, MV, LV, CM, CV), and XX / XXX
(a placeholder or a rating) except before a kanji (XX世紀). The Unicode numeral characters (Ⅱ, Ⅻ)
are numerals whatever their length; lower-case ones (ⅱ, list numbering) stay Japanese numbers.
"""

from __future__ import annotations

import re
import unicodedata

from tsukasa.pipelines.textfront.readings import english_numeral

_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_UPPER_CHARS = "".join(chr(c) for c in range(0x2160, 0x2170))  # Ⅰ … Ⅿ
_LOWER_CHARS = "".join(chr(c) for c in range(0x2170, 0x2180))  # ⅰ … ⅿ
_UNICODE_RUN = re.compile(f"[{_UPPER_CHARS}]+")
_ASCII = re.compile(r"(?<![A-Za-z0-9'’])[IVX]{2,}(?![A-Za-z0-9'’])")
# Mk / MK (Mark) before a model number: Mk-II, Mk.2, MkV, Mk 3 マークツー, マークスリー
_MARK = re.compile(r"(?<![A-Za-z0-9])M[kK](?:[.\-]\s?|\s)?(?P<n>[IVX]{1,4}|[1-9]\d?)(?![A-Za-z0-9'’])")
_PLACEHOLDERS = frozenset({"XX", "XXX"})
_KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff々〆]")


def roman_value(numeral: str) -> int | None:
    """The value of an upper-case Roman numeral written the standard way (XIV 14), else None."""
    if not numeral or _VALID.fullmatch(numeral) is None:
        return None
    total = 0
    for i, ch in enumerate(numeral):
        v = _VALUES[ch]
        total += -v if i + 1 < len(numeral) and _VALUES[numeral[i + 1]] > v else v
    return total


# School subjects numbered by course (数学Ⅰ・A, 数学ⅡB, 英語Ⅲ): said in Japanese, スーガクイチエー (was ワン).
_SUBJECTS = (
    "第", "数学", "物理", "化学", "生物", "地学", "英語", "国語", "古典", "世界史", "日本史", "地理", "倫理", "情報"
)  # fmt: skip


def _japanese_context(text: str, start: int, end: int) -> bool:
    """Whether the numeral at text[start:end] is a Japanese number: after 第 or a school subject, or a kanji right
    after it."""
    before = text[:start].rstrip(" ")
    return before.endswith(_SUBJECTS) or (end < len(text) and _KANJI.match(text, end) is not None)


def _spoken(value: int, japanese: bool) -> str:
    if japanese:
        return str(value)
    return english_numeral(str(value)) or str(value)


def read_roman_numerals(text: str) -> str:
    """``text`` with its Roman numerals as the digits or katakana they are said as (see the module)."""
    if "M" in text:
        text = _MARK.sub(_mark, text)
    if _UNICODE_RUN.search(text) is not None:
        text = _UNICODE_RUN.sub(lambda m: _unicode(m, text), text)
    if any(ch in text for ch in "IVX"):
        text = _ASCII.sub(lambda m: _ascii(m, text), text)
    return text


def lower_case_numerals_to_digits(text: str) -> str:
    """ⅱ → 2: lower-case numeral characters number lists, and are read as Japanese numbers."""
    return "".join(str(int(unicodedata.numeric(c))) if c in _LOWER_CHARS else c for c in text)


def _mark(m: re.Match[str]) -> str:
    n = m.group("n")
    value = int(n) if n.isdigit() else roman_value(n)
    if value is None:
        return m.group(0)
    return "マーク" + _spoken(value, japanese=False)


def _unicode(m: re.Match[str], text: str) -> str:
    ascii_ = unicodedata.normalize("NFKC", m.group(0))
    value = roman_value(ascii_)
    if value is None:  # ⅩⅩⅩⅩ: not a numeral; each character its own number, as NFKC would not read it
        return "、".join(str(int(unicodedata.numeric(c))) for c in m.group(0))
    return _spoken(value, _japanese_context(text, m.start(), m.end()))


def _ascii(m: re.Match[str], text: str) -> str:
    value = roman_value(m.group(0))
    if value is None:
        return m.group(0)
    japanese = _japanese_context(text, m.start(), m.end())
    if m.group(0) in _PLACEHOLDERS and not japanese:
        return m.group(0)
    return _spoken(value, japanese)

"""Latin text inside (or instead of) Japanese: romaji, English loanwords, letter names.

A run of Latin words (with the spaces and ASCII punctuation between them) is a *span*.
Each span is read in one of two modes:

* **romaji** when most of its words parse as romaji (:mod:`.romaji`): every word becomes
  hiragana, the particles ``wa``/``ha``, ``e``/``he``, ``o``/``wo`` written alone become
  は/へ/を (so OpenJTalk reads them as particles: ワ, エ, オ), and words that are not romaji
  fall back to the English rules;
* **English** otherwise: a word found in the loanword table gets its katakana, an
  all-capital short word is an acronym, anything else is spelled with letter names.

The converted text is joined back into the sentence, and the *whole* sentence is then read
by OpenJTalk, so accents and particle readings come from the full context.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tsukasa.pipelines.textfront.resources import read_table
from tsukasa.pipelines.textfront.romaji import romaji_to_hiragana

_LETTERS = "A-Za-zĀāĒēĪīŌōŪūÂâÊêÎîÔôÛû"
_WORD = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*")
_SPAN = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*(?:[\s,.!?;:\"]+[{_LETTERS}][{_LETTERS}'’\-]*)*[.,!?]?")
_PARTICLES = {"wa": "は", "ha": "は", "e": "へ", "he": "へ", "o": "を", "wo": "を"}
_PUNCT = {",": "、", ".": "。", "!": "！", "?": "？", ";": "、", ":": "、", '"': ""}


@lru_cache(maxsize=1)
def loanwords() -> dict[str, str]:
    return {w: k for w, k in read_table("loanwords.tsv")}


@lru_cache(maxsize=1)
def letter_names() -> dict[str, str]:
    return {c: k for c, k in read_table("letters.tsv")}


def spell_letters(word: str) -> str:
    names = letter_names()
    return "".join(names.get(c.lower(), "") for c in word if c.isascii() and c.isalpha())


def english_word(word: str) -> str:
    """Katakana for a non-romaji Latin word: loanword table, else letter names."""
    core = word.strip("'’-")
    hit = loanwords().get(core.lower())
    if hit is not None:
        return hit
    return spell_letters(core)


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) <= 5 and word.isascii()


def _convert_span(span: str) -> str:
    words = _WORD.findall(span)
    readings = [None if _is_acronym(w) else romaji_to_hiragana(w) for w in words]
    n_romaji = sum(r is not None for r in readings)
    single = len(words) == 1
    romaji_mode = n_romaji > 0 and n_romaji * 2 >= len(words)
    if single and words[0].lower() in loanwords():
        romaji_mode = False  # a lone known English word in Japanese text is a loanword
    out: list[str] = []
    pos = 0
    for m, reading in zip(_WORD.finditer(span), readings, strict=True):
        between = span[pos : m.start()]
        out.append("".join(_PUNCT.get(c, "") for c in between))
        w = m.group(0)
        lw = w.lower()
        if romaji_mode and not single and lw in _PARTICLES:
            out.append(_PARTICLES[lw])
        elif romaji_mode and reading is not None:
            out.append(reading)
        else:
            out.append(english_word(w))
        pos = m.end()
    out.append("".join(_PUNCT.get(c, "") for c in span[pos:]))
    return "".join(out)


def to_japanese(text: str) -> str:
    """Replace every Latin span in ``text`` by kana (romaji → hiragana, English → katakana)."""
    if not re.search(f"[{_LETTERS}]", text):
        return text
    return _SPAN.sub(lambda m: _convert_span(m.group(0)), text)

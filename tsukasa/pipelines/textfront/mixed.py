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
by OpenJTalk, so accents and particle readings come from the full context. Romaji words are
kept apart by spaces (MeCab takes a space as a word boundary and drops it), so OpenJTalk
cannot glue a particle into a word (かれ は, not 枯れ葉 かれは), and each romaji word's spelled
pronunciation is returned beside the text for :func:`.readings.force_readings`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tsukasa.pipelines.textfront.readings import SpelledReading, to_katakana
from tsukasa.pipelines.textfront.resources import read_table
from tsukasa.pipelines.textfront.romaji import romaji_to_hiragana, uses_hepburn

_LETTERS = "A-Za-zĀāĒēĪīŌōŪūÂâÊêÎîÔôÛû"
_WORD = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*")
_SPAN = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*(?:[\s,.!?;:\"]+[{_LETTERS}][{_LETTERS}'’\-]*)*[.,!?]?")
_PARTICLES = {"wa": "は", "ha": "は", "e": "へ", "he": "へ", "o": "を", "wo": "を"}
_PARTICLE_PRON = {"は": "ワ", "へ": "エ", "を": "ヲ"}  # as OpenJTalk spells the particles
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


def _between(gap: str) -> str:
    """The Japanese punctuation for what stands between two Latin words (spaces are dropped)."""
    if not gap or gap == " ":
        return ""  # nearly every gap: skip the per-character pass
    return "".join(_PUNCT.get(c, "") for c in gap)


# One reading object per particle, made once (they recur in every romaji line).
_PARTICLE_READINGS = {lw: SpelledReading(k, _PARTICLE_PRON[k]) for lw, k in _PARTICLES.items()}


@lru_cache(maxsize=8192)
def _romaji_word(word: str, pron: str, hepburn: bool) -> tuple[str, SpelledReading]:
    """(surface given to OpenJTalk, its spelled reading) of a romaji word; pure, so cached per word."""
    kana = romaji_to_hiragana(word, hepburn=hepburn, dictionary_spelling=True) or pron
    return kana, SpelledReading(kana, to_katakana(pron))


def _convert_span(span: str, hepburn: bool, readings: list[SpelledReading], *, prefer_romaji: bool = False) -> str:
    matches = list(_WORD.finditer(span))
    words = [m.group(0) for m in matches]
    readings_here = [None if _is_acronym(w) else romaji_to_hiragana(w, hepburn=hepburn) for w in words]
    n_romaji = sum(r is not None for r in readings_here)
    single = len(words) == 1
    romaji_mode = n_romaji > 0 and n_romaji * 2 >= len(words)
    if single and words[0].lower() in loanwords() and not prefer_romaji:
        romaji_mode = False  # a lone known English word in Japanese text is a loanword
    out: list[str] = []
    pos = 0
    for m, w, pron in zip(matches, words, readings_here, strict=True):
        between = _between(span[pos : m.start()])
        if out and romaji_mode and not between:
            between = " "  # a word boundary MeCab respects (and drops)
        out.append(between)
        lw = w.lower()
        # Hepburn writes particles as pronounced (wa, e): there a lone "ha"/"he" is a word (派, 屁).
        if romaji_mode and not single and lw in _PARTICLES and not (hepburn and lw in ("ha", "he")):
            reading = _PARTICLE_READINGS[lw]
            kana = reading.surface
            readings.append(reading)
        elif romaji_mode and pron is not None:
            kana, reading = _romaji_word(w, pron, hepburn)
            readings.append(reading)
        else:
            kana = english_word(w)
        out.append(kana)
        pos = m.end()
    out.append(_between(span[pos:]))
    return "".join(out)


def _is_hiragana(c: str) -> bool:
    return "ぁ" <= c <= "ゖ"


def to_japanese_with_readings(text: str) -> tuple[str, list[SpelledReading]]:
    """``text`` with every Latin span replaced by kana, and the romaji words' spelled readings.

    Romaji words inside a span are separated by spaces (word boundaries for MeCab; OpenJTalk
    drops them); a span touches the Japanese around it, so that a suffix written in kanji
    (kyōsē 的, junkai 中) is still analysed with the word it belongs to.
    """
    if not re.search(f"[{_LETTERS}]", text):
        return text, []
    words = _WORD.findall(text)
    hepburn = uses_hepburn(words)
    # A writer who puts several romaji words into a line writes a lone "hi" or "me" as romaji
    # too (日, 目), not as the English word the loanword table knows.
    known = loanwords()
    n_romaji = sum(1 for w in words if w.lower() not in known and romaji_to_hiragana(w) is not None)
    readings: list[SpelledReading] = []
    out: list[str] = []
    pos = 0
    for m in _SPAN.finditer(text):
        # Spaces around a Latin span in Japanese text are typographic, not word boundaries ...
        out.append(text[pos : m.start()].rstrip(" 　"))
        before = len(readings)
        kana = _convert_span(m.group(0), hepburn, readings, prefer_romaji=n_romaji >= 2)
        pos = m.end()
        while pos < len(text) and text[pos] in " 　":
            pos += 1
        if len(readings) > before:
            # ... but a romaji word does end there: keep MeCab from joining it with hiragana
            # beside it (onna は → おんな は, not おんなは; この sētā → この せいたあ), while a
            # kanji suffix or prefix (kyōsē 的, 反 sēfu) stays attached to be read with it.
            if out and out[-1] and _is_hiragana(out[-1][-1]):
                kana = " " + kana
            if pos < len(text) and _is_hiragana(text[pos]):
                kana += " "
        out.append(kana)
    out.append(text[pos:])
    return "".join(out).strip(" "), readings


def to_japanese(text: str) -> str:
    """Replace every Latin span in ``text`` by kana (romaji → hiragana, English → katakana)."""
    return to_japanese_with_readings(text)[0]

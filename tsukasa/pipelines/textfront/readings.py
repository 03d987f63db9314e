"""Readings that the input spells: romaji decides the pronunciation, OpenJTalk only the analysis.

Romaji is a phonetic spelling: ``haitte`` *is* ハイッテ and ``kare wa`` *is* カレワ. Written in
hiragana for OpenJTalk (so that words, particles and accents come from its dictionary), the
same kana can be analysed into a different reading — はいって as the particle は + 行って
(ワイッテ), かれは as one noun 枯れ葉 (カレハ), ばっは with a particle は inside. Those are
errors the romaji writer did not make, so after OpenJTalk's analysis every romaji word's
pronunciation is checked against its spelling and, where they differ, the spelled one is
written into the words' NJD features (accent types, phrases and part of speech stay OpenJTalk's).

The spaces that keep romaji words apart for MeCab also carry the writer's word boundaries, and
two analyses follow from them (:func:`_keep_written_words`): a word MeCab cut into pieces
(まれー + し + あ for marēshia) is one accent phrase, not three; and a word written apart that
belongs to the word before — a particle MeCab took for the clause-initial conjunction after the
space (ga, de, kara: が/で/から are also 接続詞), a helper verb after a て-form (shite iru,
matte imasu) — is chained to it as it is in Japanese text (ろうじんが, していた).

A spelled ``ou``/``ei`` may be read long (がっこう → ガッコー): that is how OpenJTalk's
dictionary spells its long vowels, so it is accepted; a macron (ō) must be read long.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from tsukasa.pipelines.textfront.labels import TWO_LETTER_MORAE
from tsukasa.pipelines.textfront.resources import read_table

_SMALL = frozenset("ァィゥェォャュョヮ")
# A str.translate table (one C-level pass; a per-character dict lookup cost more than the parse).
_HIRA_TO_KATA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}


@dataclass(frozen=True)
class SpelledReading:
    """``surface`` (hiragana given to OpenJTalk) is pronounced ``pron`` (katakana)."""

    surface: str
    pron: str


def is_hiragana(c: str) -> bool:
    """Whether the character ``c`` is a hiragana letter (ぁ-ゖ; not ー or the iteration marks)."""
    return "ぁ" <= c <= "ゖ"


def to_katakana(kana: str) -> str:
    return kana.translate(_HIRA_TO_KATA)


@lru_cache(maxsize=1)
def _english_numbers() -> dict[str, str]:
    return {n: k for n, k in read_table("english_numbers.tsv")}


def english_numeral(digits: str) -> str | None:
    """Katakana of ``digits`` said in English (7 セブン), for the numbers Japanese says so after an
    English word or glued to capitals (data/english_numbers.tsv: 1-20); None for any other."""
    return _english_numbers().get(digits)


@lru_cache(maxsize=1)
def letter_names() -> dict[str, str]:
    """Latin letter → its name in katakana (data/letters.tsv: a エー, h エイチ), for acronyms, unknown Latin
    strings and chemical formulas."""
    return {c: k for c, k in read_table("letters.tsv")}


@lru_cache(maxsize=1)
def kana_vowels() -> dict[str, str]:
    """Katakana → its vowel letter, from the romaji table (one-kana rows)."""
    out = {}
    for romaji, kana in read_table("romaji.tsv"):
        if romaji[-1] in "aiueo":
            out[to_katakana(kana[-1])] = romaji[-1]
    return out


def matches_spelling(pron: str, heard: str) -> bool:
    """Whether OpenJTalk's ``heard`` is the spelled ``pron``: a spelled ``ou``/``ei`` (and ``uu``)
    may also be heard as the long mark.

    Compared letter by letter (each spelled letter is one heard letter): compiling a regex per
    romaji word, as this once did, cost more than OpenJTalk's analysis of the word.
    """
    if len(heard) != len(pron):
        return False
    vowels = kana_vowels()
    for i, (c, h) in enumerate(zip(pron, heard, strict=True)):
        if c == h:
            continue
        before = vowels.get(pron[i - 1]) if i else None
        if h != "ー" or not ((c == "ウ" and before in ("o", "u")) or (c == "イ" and before == "e")):
            return False
    return True


def mora_count(pron: str) -> int:
    """Morae in a katakana pronunciation (small kana join the mora before them)."""
    return sum(1 for c in pron if c not in _SMALL and c != "’")


def set_reading(word: dict, pron: str, accent: int | None = None) -> None:
    """Give an NJD word the pronunciation ``pron`` (and accent type ``accent``; None keeps its
    own), keeping its mora count and an accent that fits inside the new reading."""
    before = int(word["mora_size"])
    word["pron"] = word["read"] = pron
    word["mora_size"] = mora_count(pron)
    if accent is not None:
        word["acc"] = accent
    elif word["mora_size"] == before:
        return  # same length: keep the accent as OpenJTalk wrote it (one past the end: on what follows)
    word["acc"] = min(int(word["acc"]), word["mora_size"])


def surface_spans(text: str, surfaces: list[str]) -> list[tuple[int, int]] | None:
    """Each surface's (start, end) in ``text``, skipping spaces (OpenJTalk's words hold none); None
    when they do not spell it (OpenJTalk normalised a character): a caller then changes nothing."""
    out, pos = [], 0
    for s in surfaces:
        while pos < len(text) and text[pos] in " \u3000":
            pos += 1
        if not text.startswith(s, pos):
            return None
        out.append((pos, pos + len(s)))
        pos += len(s)
    return out


def clean_pron(pron: str) -> str:
    """A pronunciation without OpenJTalk's devoicing mark (’), letter for letter with its kana."""
    return pron.replace("’", "")


# Feature key set on the words a spelled reading covers (a romaji word: its writer spelled the sound,
# so `wa` at a line's start is ワ and `e` エ, whatever a context rule would make of は / へ there).
SPELLED = "tsukasa_spelled"


def force_readings(features: list[dict], readings: list[SpelledReading]) -> list[dict]:
    """Write each spelled reading into the features that cover its surface (in place, and returned).

    Readings are found in order in the concatenated feature surfaces; a reading whose surface
    is not covered by whole features (OpenJTalk joined it with its neighbour) is left alone.
    """
    if not readings:
        return features
    # Word index by start and end offset (the first word there, as list.index gave): one dict
    # lookup per reading instead of two list scans.
    start_at: dict[int, int] = {}
    end_at: dict[int, int] = {}
    strings: list[str] = []
    pos = 0
    for i, f in enumerate(features):
        s = f["string"]
        strings.append(s)
        start_at.setdefault(pos, i)
        pos += len(s)
        end_at.setdefault(pos, i)
    joined = "".join(strings)
    cursor = 0
    merged: list[tuple[int, int, str]] = []
    k = 0
    while k < len(readings):
        reading = readings[k]
        k += 1
        at = joined.find(reading.surface, cursor)
        if at < 0:
            continue
        end = at + len(reading.surface)
        cursor = end
        first, last = start_at.get(at), end_at.get(end)
        # Spelled readings MeCab joined into one word (romaji "sa u": さ + う, read as the old spelling さう ソー) are
        # written into it together when the next ones, written right after, end where a word ends.
        while first is not None and last is None and k < len(readings) and joined.startswith(readings[k].surface, end):
            nxt = readings[k]
            k += 1
            end += len(nxt.surface)
            cursor = end
            reading = SpelledReading(reading.surface + nxt.surface, reading.pron + nxt.pron)
            last = end_at.get(end)
        if first is None or last is None:
            continue
        for w in features[first : last + 1]:
            w[SPELLED] = True  # the writer spelled this reading: context rules leave it alone
        _keep_written_words(features, first, last)
        if first == last:  # one word (the common case)
            word = features[first]
            if word["pos"] == "記号":
                continue
            heard = clean_pron(word["pron"])
            words = [word]
        else:
            words = features[first : last + 1]
            if any(w["pos"] == "記号" for w in words):
                continue
            heard = "".join(clean_pron(w["pron"]) for w in words)
            if any(clean_pron(w["pron"])[:1] in _SMALL for w in words[1:]):
                # MeCab cut the spelled word inside a mora (おうじょ → おうじ + ょ, read ジ + ヨ):
                # the word is one word, with the reading it spelled.
                merged.append((first, last, reading.pron))
                continue
        # A stretch written after the word (oyasumi~, arigatou~) was restored onto its last mora: the
        # word without it is read as spelled, and the stretch stays (it was dropped: オヤスミ).
        trailing = len(heard) - len(heard.rstrip("ー"))
        if any(_reads_as(heard[: len(heard) - k], reading.pron) for k in range(trailing + 1)):
            continue
        _respell(words, heard, reading.pron)
    return _merge_words(features, merged) if merged else features


# Verbs that follow a て-form as helpers (いる, おく, しまう, くる...): MeCab's dictionary makes them
# 非自立 and NJD chains them when they are written together (していた), but a helper written apart
# (shite ita → して いた) is analysed as a verb of its own that starts an accent phrase.
_HELPER_VERBS = frozenset({"いる", "おる", "ある", "おく", "しまう", "くる", "いく", "ゆく", "くれる", "もらう", "みる",
                           "あげる", "やる", "いただく", "くださる", "みせる"})  # fmt: skip


# Particles (and the particle-led forms でも, じゃ, によって's よって) that the dictionary also holds
# as clause-initial conjunctions (が "but", で "so", から "so", でも "but"...). Real conjunctions
# (および, かつ, また) are left alone: they do start a phrase, mid-clause too.
_PARTICLE_OR_CONJUNCTION = frozenset({"が", "で", "けど", "けれど", "けれども", "から", "て", "でも", "じゃ", "よって"})


def make_mid_clause_particle(head: dict, before: dict) -> bool:
    """Whether ``head``, a conjunction that the dictionary also holds as a particle (が "but", で "so",
    じゃ), was made that particle (in place): a conjunction only opens a clause, and mid-clause, right
    after ``before``, が / で / けど is the particle. (The sub-groups as the dictionary has them:
    JPCommon rejects a 格助詞 without 一般.)"""
    if head["pos"] != "接続詞" or head["string"] not in _PARTICLE_OR_CONJUNCTION:
        return False
    conjunctive = before["pos"] in ("動詞", "形容詞", "助動詞")
    head.update(pos="助詞", pos_group1="接続助詞" if conjunctive else "格助詞",
                pos_group2="*" if conjunctive else "一般", pos_group3="*", chain_flag=1)  # fmt: skip
    return True


def _keep_written_words(features: list[dict], first: int, last: int) -> None:
    """Make the analysis of the romaji word in ``features[first : last + 1]`` respect where its
    writer put the word boundaries (see the module docstring)."""
    for w in features[first + 1 : last + 1]:
        if w["chain_flag"] == 0 and w["pos"] != "記号":  # one written word, one accent phrase at most
            w["chain_flag"] = 1
    if first == 0:
        return
    head, before = features[first], features[first - 1]
    if before["pos"] == "記号" or head["chain_flag"] == 1:
        return
    if first == last and make_mid_clause_particle(head, before):
        return
    if (
        head["pos"] == "動詞"
        and head["pos_group1"] == "自立"
        and head["orig"] in _HELPER_VERBS
        and before["pos"] == "助詞"
        and before["string"] in ("て", "で")
    ):
        head["pos_group1"] = "非自立"
        head["chain_flag"] = 1


def _merge_words(features: list[dict], spans: list[tuple[int, int, str]]) -> list[dict]:
    """``features`` with each (first, last, pron) span made one word: the first word's analysis,
    the span's surface and the spelled pronunciation."""
    out: list[dict] = []
    ends = {first: (last, pron) for first, last, pron in spans}
    i = 0
    while i < len(features):
        if i not in ends:
            out.append(features[i])
            i += 1
            continue
        last, pron = ends[i]
        word = dict(features[i])
        word["string"] = "".join(f["string"] for f in features[i : last + 1])
        set_reading(word, pron)
        out.append(word)
        i = last + 1
    return out


def join_cut_morae(features: list[dict]) -> list[dict]:
    """``features`` with each word that MeCab began with a small kana (ョウ after シキ, in a long
    katakana line cut ワタ|シキ|ョウ) joined to the word before it, when the two letters make one
    mora (キョ): JPCommon reads a word's morae word by word, so the cut gave キ + ヨ (k i y o u) while
    the kana said キョウ. A small kana that makes no mora with what precedes it is left alone (it
    is said as a mora of its own either way)."""
    spans: list[tuple[int, int, str]] = []
    for i in range(1, len(features)):
        before, word = features[i - 1], features[i]
        first = word["pron"][:1]  # (a devoicing mark ’ follows its mora, so never comes first)
        if first not in _SMALL or before["pos"] == "記号" or (spans and spans[-1][1] == i - 1):
            continue
        if clean_pron(before["pron"])[-1:] + first in TWO_LETTER_MORAE:
            spans.append((i - 1, i, before["pron"] + word["pron"]))
    return _merge_words(features, spans) if spans else features


def _reads_as(heard: str, spelled: str) -> bool:
    return heard == spelled or matches_spelling(spelled, heard)


def _respell(words: list[dict], heard: str, spelled: str) -> None:
    """Share ``spelled`` out over ``words`` where their current prons line up with it."""
    cuts = [0]
    for w in words:
        cuts.append(cuts[-1] + len(clean_pron(w["pron"])))
    matcher = difflib.SequenceMatcher(a=heard, b=spelled, autojunk=False)
    mapped = [_map_position(matcher, c) for c in cuts]
    mapped[0], mapped[-1] = 0, len(spelled)
    pieces = [spelled[mapped[i] : mapped[i + 1]] for i in range(len(words))]
    if any(not p or p[0] in _SMALL for p in pieces):
        return  # a word would lose all its morae or start mid-mora: keep OpenJTalk's reading
    for w, piece in zip(words, pieces, strict=True):
        w["pron"] = piece
        w["read"] = piece
        # ``acc`` stays: it is the accent of the whole chained phrase, counted from its start.
        w["mora_size"] = mora_count(piece)


def _map_position(matcher: difflib.SequenceMatcher, pos: int) -> int:
    """Position in ``b`` that corresponds to position ``pos`` in ``a``."""
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if a0 <= pos < a1 or (pos == a1 and tag == "equal"):
            if tag == "equal":
                return b0 + (pos - a0)
            # inside a replaced stretch: proportionally (ワワ → ハハ maps mora to mora)
            return b0 + round((pos - a0) * (b1 - b0) / max(a1 - a0, 1))
    return len(matcher.b)

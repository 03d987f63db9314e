"""Drawn-out word endings in hiragana (お兄ちゃーん, お母さーん, お兄さまー): read the word, then stretch it.

Calling someone across a room stretches the last vowel of the name or its suffix, and scripts
write that with ー. MeCab's dictionary holds お兄ちゃん, お母さん, お兄さま as words; with a ー
inside they are not found, and the kanji fall back to other readings: お兄ちゃーん was read
オアニチャーン, お母さーん オハハサーン, 兄さーん アニサーン. So a run of ー after a hiragana
letter that ends a word (before ん at the end of the word, before punctuation, or at the end of
the line; or the vowel's own kana before such an ん: お母さあん) is taken out of the text OpenJTalk
analyses (:func:`take_stretches`) and put back into the pronunciation of the word it stretched
(:func:`restore_stretches`): オニーチャーン, オカーサーン, ニーサーン. The mora count and the
phrase's accent follow the inserted morae.

Only word endings, and only of words longer than the stretched letter: inside a word a written
ー is often the word itself (ぼーっと, じゃねーか, ってゆーか, たまーに), and so it is in
interjections (もー、 あー): OpenJTalk already reads those as written. (もー was the one JSUT
sentence the first version of this rule changed: taken apart, も became a flat particle.)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from tsukasa.pipelines.textfront.normalize import KANJI
from tsukasa.pipelines.textfront.readings import clean_pron, kana_vowels, mora_count, to_katakana
from tsukasa.pipelines.textfront.resources import dictionary_words

# ー (one or more) after a hiragana letter that is not a word of its own (something other than
# punctuation stands before it: もー、 あー are interjections the dictionary holds with their ー),
# followed by an optional ん and then (after an optional small っ) punctuation, a closing bracket,
# a space or the end of the line. Not after a は or へ that follows a ー or is a sentence's second
# letter: those are breath sounds and cries (すーはー, ぜーはー, ほへー, うへー), which the dictionary
# holds whole or reads as written, and taken apart their は / へ became particles (スーワー, ホエー).
_STRETCH = re.compile(
    r"(?<=[^\s、。，．！？!?…‥「『（(][ぁ-ゖ])(?<!ー[はへ])(?<![\s、。，．！？!?…‥「『（(][ぁ-ゖ][はへ])(?<!^[ぁ-ゖ][はへ])"
    r"ー+(?=(ん?)[っッ]?(?:[、。，．！？!?…‥」』）)\s]|$))"
)


@dataclass(frozen=True)
class Stretch:
    """``count`` long marks were taken out after ``letter``, which ``tail`` (ん or nothing) follows;
    ``at`` is the letter's index in the text without the stretches, ``context`` that text from the
    letter through the first character after the word (to find it again if OpenJTalk rewrote the text)."""

    letter: str
    tail: str
    count: int
    at: int
    context: str


# The same stretch written with the vowel's own kana before a word-final ん (お母さあん, お兄ちゃあん,
# 田中くうん): the dictionary word is broken as by ー (オハハサアン), so the kana is taken as ー when it
# is the vowel of the letter before it. Only in a word written with a kanji (母さ, 兄ちゃ, 中く: one or two
# kana after it): in kana alone the vowel is as often the word's own (ぎいん 議員, かあん), and a romaji
# line's kana (shūgiin, rinkān) changed its analysis.
_VOWEL_STRETCH = re.compile(
    rf"(?<=[{KANJI}])([ぁ-ゖ]{{1,2}}?)([あいうえお])\2*(?=ん[っッ]?(?:[、。，．！？!?…‥」』）)\s]|$))"
)


def _vowel_as_long_mark(m: re.Match[str]) -> str:
    vowels = kana_vowels()
    same = vowels.get(to_katakana(m.group(1)[-1])) == vowels.get(to_katakana(m.group(2)))
    return m.group(1) + "ー" * (len(m.group(0)) - len(m.group(1))) if same else m.group(0)


def take_stretches(text: str) -> tuple[str, list[Stretch]]:
    """``text`` without the word-final stretches, and the stretches in order."""
    if "ん" in text:
        text = _VOWEL_STRETCH.sub(_vowel_as_long_mark, text)
    if "ー" not in text:
        return text, []
    matches = [m for m in _STRETCH.finditer(text) if not _word_with_its_long_mark(text, m)]
    if not matches:
        return text, []
    pieces, last = [], 0
    for m in matches:
        pieces.append(text[last : m.start()])
        last = m.end()
    out = "".join(pieces) + text[last:]
    stretches = []
    removed = 0
    for m in matches:
        at = m.start() - 1 - removed
        removed += len(m.group(0))
        tail = m.group(1)
        follow = at + 1 + len(tail)
        follow += 1 if out[follow : follow + 1] in ("っ", "ッ") else 0
        if _SPACE.search(out) is not None:
            # OpenJTalk drops spaces from its analysis (a closing quote before a particle is one:
            # 「ただいまー」と); index and context are those of the text without them.
            squeezed = "".join(out[at:].split())
            stretches.append(
                Stretch(text[m.start() - 1], tail, len(m.group(0)), at - _spaces(out, at), squeezed[: follow - at + 1])
            )
        else:
            stretches.append(Stretch(text[m.start() - 1], tail, len(m.group(0)), at, out[at : follow + 1]))
    return out, stretches


_SPACE = re.compile(r"\s")
_HIRAGANA_RUN = re.compile(r"[ぁ-ゖ]+$")
_KANJI_CHAR = re.compile(f"[{KANJI}]")


def _word_with_its_long_mark(text: str, m: re.Match[str]) -> bool:
    """Whether the ー of ``m`` belongs to a word written all in hiragana that the dictionary holds with
    it and not without it (てめー, "you": MeCab reads てめ as て + め, so taken out it split the word,
    テ # メ]ー). Such a word is no stretch. A word the dictionary holds both ways (ただいま / ただいまー,
    すげ / すげー) is stretched as before, and so is a word whose letters follow a kanji (お兄ちゃーん)."""
    run = _HIRAGANA_RUN.search(text, 0, m.start())
    if run is None or (run.start() and _KANJI_CHAR.match(text, run.start() - 1)):
        return False
    with_mark = dictionary_words(text[run.start() : m.end()])
    if len(with_mark) != 1 or with_mark[0].accent is None:
        return False
    without = dictionary_words(run.group(0))
    return not (len(without) == 1 and without[0].accent is not None)


def _spaces(text: str, end: int) -> int:
    return len(_SPACE.findall(text, 0, end))


# Particles spelled by another kana than they sound: a stretched particle (それはー, 東京へー)
# lengthens the sound (ソレワー), and the letter's own kana (ハ) is not in the pronunciation.
_PARTICLE_SOUND = {"は": "ワ", "へ": "エ", "を": "オ"}


def restore_stretches(features: list[dict], stretches: list[Stretch]) -> list[dict]:
    """Put each stretch back into the pronunciation of the word holding its letter (in place),
    right after that letter.

    The letter is found by its index when the features spell the analysed text exactly (they
    do, but for what OpenJTalk rewrites, e.g. digits), else by its context, in order. The rest
    of its word's surface (ん, んっ or nothing) must end the pronunciation, right after the
    letter's katakana, else the stretch is left out (the word was read some other way, and a
    long mark in the wrong place would be worse than none).
    """
    if not stretches:
        return features
    starts: list[int] = []  # start offset of each word's surface in the joined text
    pos = 0
    for f in features:
        starts.append(pos)
        pos += len(f["string"])
    joined = "".join(f["string"] for f in features)
    cursor = 0
    for s in stretches:
        if joined[s.at : s.at + len(s.context)] == s.context:
            at = s.at
        else:
            at = joined.find(s.context, cursor)
            if at < 0:
                continue
        cursor = at + 1
        i = bisect_right(starts, at) - 1
        word = features[i]
        rest = to_katakana(word["string"][at - starts[i] + 1 :])
        pron = word["pron"]
        insert_at = len(pron) - len(rest)
        # the particle's sound (は ワ), also ending a greeting (こんにちはー: コンニチワ, was left without its ー)
        letter = _PARTICLE_SOUND.get(s.letter, "") if word["pos"] in ("助詞", "感動詞") else ""
        letter = letter if pron[:insert_at].endswith(letter or "\0") else to_katakana(s.letter)
        if word["pos"] == "記号" or not pron.endswith(rest) or not pron[:insert_at].endswith(letter):
            continue
        word["pron"] = pron[:insert_at] + "ー" * s.count + pron[insert_at:]
        word["mora_size"] += s.count
        _shift_nucleus(features, i, mora_count(pron[:insert_at]), s.count)
    return features


def _shift_nucleus(features: list[dict], i: int, morae_before: int, count: int) -> None:
    """``count`` morae were inserted into word ``i`` after its first ``morae_before`` morae: a
    phrase nucleus that lay after that point moves with them (acc counts morae from the phrase's head)."""
    head = i
    while head > 0 and features[head]["chain_flag"] == 1:
        head -= 1
    offset = sum(f["mora_size"] for f in features[head:i]) + morae_before
    if features[head]["acc"] > offset:
        features[head]["acc"] += count


# Small vowel kana and the vowel they draw out.
_SMALL_VOWEL = {"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}


def absorb_small_vowels(features: list[dict]) -> list[dict]:
    """A small vowel kana after a word whose reading ends in that vowel draws the word out
    (先生ぇ！ センセーー, 馬鹿ぁ バカー, 嘘ぉ ウソー); returned without the kana's own word.

    After kana, normalisation already makes it a long mark (すぅ → すー); after kanji only the
    reading tells the vowel, and MeCab made it a filler word of its own, read as a lone mora in a
    phrase of its own (センセーェ). One that does not match the vowel before it is left alone.
    """
    out: list[dict] = []
    for f in features:
        vowel = _SMALL_VOWEL.get(f["string"])
        if vowel is None or not out or out[-1]["pos"] == "記号" or _last_vowel(out[-1]["pron"]) != vowel:
            out.append(f)
            continue
        word = out[-1]
        word["pron"] += "ー"
        word["read"] = word["pron"]
        word["mora_size"] = int(word["mora_size"]) + 1
    return out


def _last_vowel(pron: str) -> str | None:
    """The vowel a reading ends on (through long marks): センセー e, センパイ i, ホン None."""
    vowels = kana_vowels()
    for c in reversed(clean_pron(pron)):
        if c != "ー":
            return vowels.get(c)
    return None

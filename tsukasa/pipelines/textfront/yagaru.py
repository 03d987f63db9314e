"""The rough auxiliary やがる (来やがれ, ふざけやがって, 覚えてやがれ): analysed as まくる, read as written.

Villains and rough characters of game and anime dialogue say it in every other line. OpenJTalk's
dictionary has no やがる, so MeCab cut it into the particle や and a noun がれ, or や + が + って, and the
verb before it lost its reading and its accent phrase: 黙りやがれ ダンマリヤガレ (the noun 黙り), 一昨日来やがれ
オトトイライ (来 as the suffix of 昨日来), 逃げやがった 逃げ as a noun, and a phrase break inside
(キ]ヤ # ガ[レ). UniDic has it (助動詞 やがる after a verb's 連用形, or after て).

So where UniDic reads the auxiliary, the text OpenJTalk analyses has まく in place of やが
(:func:`take_yagaru`): まくる (食べまくる) is an auxiliary verb the dictionary holds, attached to the same
連用形, conjugated the same way (五段・ラ行: やがら/やがり/やがっ/やがる/やがれ/やがろ), and of the same
two morae before its ending. The verb before it is then read as a verb (黙り ダマリ, 来 キ), and the
whole is one accent phrase with the compound verb's nucleus before its ending (ダマリヤガ]レ,
フザケヤガ]ッテ); UniDic records no accent for やがる, and that is the accent of an auxiliary verb
of its shape. :func:`restore_yagaru` writes やが / ヤガ back into the words' spelling and reading.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tsukasa.pipelines.textfront.resources import unidic_words

_WRITTEN = "やが"
_STAND_IN = "まく"
_CANDIDATE = re.compile(r"やが(?=[らりるれろっ])")


class StandIn(NamedTuple):
    """A やが written まく at offset ``start``; ``verb``: UniDic's verb form right before it (待ち), if any."""

    start: int
    verb: str


def take_yagaru(text: str, skip: frozenset[int] = frozenset()) -> tuple[str, list[StandIn]]:
    """``text`` with やが written まく wherever UniDic reads the auxiliary やがる there, and those
    replacements (none at an offset in ``skip``: places the analysis did not confirm before)."""
    candidates = [m.start() for m in _CANDIDATE.finditer(text) if m.start() not in skip]
    if not candidates:
        return text, []
    words = unidic_words(text)
    verbs = {w.end: text[w.start : w.end] for w in words if w.pos1 == "動詞"}
    starts = {w.start for w in words if w.lemma == "やがる" and w.pos1 == "助動詞"}
    taken = [StandIn(i, verbs.get(i, "")) for i in candidates if i in starts]
    for c in taken:
        text = text[: c.start] + _STAND_IN + text[c.start + 2 :]
    return text, taken


def restore_yagaru(features: list[dict], text: str, taken: list[StandIn]) -> list[int]:
    """Write やが back (in place) into the words of ``features`` (OpenJTalk's analysis of ``text``, the
    text :func:`take_yagaru` returned) that hold a stand-in まく; returns the offsets whose stand-in
    is not in a verb after what the auxiliary follows (then the line is analysed again without them).

    The stand-ins are found by order: the n-th まく of the text is the n-th まく of the words'
    spelling (spaces and rewritten characters aside, OpenJTalk keeps hiragana as written)."""
    if not taken:
        return []
    nth = {sum(1 for _ in re.finditer(_STAND_IN, text[: c.start])): c for c in taken}
    seen, found = 0, set()
    for k, f in enumerate(features):
        s = f["string"]
        at = s.find(_STAND_IN)
        while at >= 0:
            c = nth.get(seen)
            if c is not None and f["pos"] == "動詞" and (at or _attaches(features, k, c.verb)) and _rewrite(f, at):
                found.add(c.start)
            seen += 1
            at = s.find(_STAND_IN, at + 2)
    return [c.start for c in taken if c.start not in found]


def _attaches(features: list[dict], k: int, verb: str) -> bool:
    """Whether the word before ``features[k]`` is what the auxiliary follows: a verb (its 連用形) or
    the te-form's て/で. MeCab's noun of a verb's 連用形 where UniDic has the verb (待ち in 待ちまくれ、
    この野郎: the noun before まくれ + 、) is made that verb, the auxiliary chained to it with the nucleus on
    its が, as MeCab accents the verb + まくれ. Not where the stand-in made another word before it
    (ことしまくって: 今年 + まくって, for こと + し + やがって): the line is then analysed as written."""
    if k == 0:
        return False
    prev, aux = features[k - 1], features[k]
    if prev["pos"] == "動詞" or (prev["pos"] == "助詞" and prev["string"] in ("て", "で")):
        return True
    if prev["pos"] != "名詞" or not verb or prev["string"] != verb or prev["chain_flag"] == 1:
        return False  # (a noun chained to the words before it does not head the phrase it would accent)
    prev["pos"], prev["pos_group1"] = "動詞", "自立"
    aux["pos_group1"], aux["chain_flag"] = "非自立", 1
    prev["acc"] = int(prev["mora_size"]) + 2  # 待ちやが]れ: the nucleus on が
    return True


def _rewrite(f: dict, at: int) -> bool:
    pron_at = f["pron"].rfind("マク")
    if pron_at < 0:
        return False
    f["string"] = f["string"][:at] + _WRITTEN + f["string"][at + 2 :]
    f["pron"] = f["pron"][:pron_at] + "ヤガ" + f["pron"][pron_at + 2 :]
    read_at = f["read"].rfind("マク")
    if read_at >= 0:
        f["read"] = f["read"][:read_at] + "ヤガ" + f["read"][read_at + 2 :]
    if f.get("orig", "").endswith("まくる"):
        f["orig"] = f["orig"][:-3] + "やがる"
    return True

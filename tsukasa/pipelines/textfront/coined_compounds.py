"""Coined two-kanji names of fantasy and game text, read as Sino-Japanese compounds.

Fantasy games coin compounds of an element or a quality and a creature or a weapon (水竜, 氷槍, 雷弾,
炎狼, 聖盾, 黒剣, 轟雷の槍). MeCab's dictionary holds some (火竜 カリュー, 魔弾 マダン, 銀狼 ギンロー);
the others it cuts into their two kanji and reads each as a word of its own, in its native reading:
水竜 ミズリュー, 氷槍 コーリヤリ, 雷弾 カミナリダン, 炎狼 ホノオオーカミ. A compound of two kanji made
this way is read in both kanji's on readings, as the dictionary's own do (session 43's fantasy probe
found 583 of 754 such pairs misread).

A pair is rewritten only where MeCab cut it into two single-kanji words, the first an element or
quality and the second a creature, weapon or force (``data/coined_compounds.tsv``); a word the
dictionary holds whole is one word and untouched. The compound's sound changes are the usual ones:
a first half ending in ク or ツ doubles before a カ-row sound (黒剣 コッケン, 鉄拳), and a ハ-row second
half after ン becomes パ (炎砲 エンポー, 炎壁 エンペキ). The two halves are one accent phrase, flat, as
most four-mora Sino-Japanese nouns are.
"""

from __future__ import annotations

from functools import cache

from tsukasa.pipelines.textfront.readings import set_reading
from tsukasa.pipelines.textfront.resources import read_table


@cache
def _halves() -> tuple[dict[str, str], dict[str, str]]:
    """(first halves, second halves): kanji → on reading, from ``data/coined_compounds.tsv``."""
    rows = read_table("coined_compounds.tsv")
    return {k: r for half, k, r in rows if half == "first"}, {k: r for half, k, r in rows if half == "second"}


_KA_ROW = frozenset("カキクケコ")
_HA_TO_PA = str.maketrans("ハヒフヘホ", "パピプペポ")
_NOUNS = frozenset({"名詞", "接頭詞"})


def _joined(first: str, second: str) -> tuple[str, str]:
    """The two halves' readings with the compound's sound changes (黒剣 コッ + ケン, 炎砲 エン + ポー)."""
    if first[-1] in "クツ" and second[0] in _KA_ROW:
        first = first[:-1] + "ッ"
    elif first[-1] == "ン" and second[0] in "ハヒフヘホ":
        second = second[0].translate(_HA_TO_PA) + second[1:]
    return first, second


def read_coined_compounds(features: list[dict]) -> list[dict]:
    """Rewrite, in place (and return), each coined element + creature / weapon compound MeCab cut in two."""
    firsts, seconds = _halves()
    if firsts.keys().isdisjoint(f["string"] for f in features):
        return features  # most lines: no first half at all (one set look-up per word, in C)
    for i in range(len(features) - 1):
        a, b = features[i], features[i + 1]
        first, second = firsts.get(a["string"]), seconds.get(b["string"])
        if first is None or second is None or a["pos"] not in _NOUNS or b["pos"] != "名詞":
            continue
        first, second = _joined(first, second)
        set_reading(a, first, 0)
        set_reading(b, second, 0)
        b["chain_flag"], b["pos_group1"] = 1, "接尾"  # one accent phrase with the first half
    return features

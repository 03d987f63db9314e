"""A noun's okurigana that MeCab cut off into the next word: take MeCab's next-best analysis.

OpenJTalk's dictionary holds many nouns both with and without their last kana (願い and 願,
気持ち and 気持, 答え and 答, 眠り and 眠), and MeCab's costs sometimes prefer the short spelling
followed by a "word" that begins with that kana: 願いなんだ is cut 願 + いなん (the verb 否む) + だ and
read ネガイイナンダ, 金持ちなんだ 金持 + ちなん (因む) カネモチチナンダ, 答えなの 答 + えな + の コタエエナノ,
考えと 考 (コー) + えと (a filler), 眠りや 眠 + りや. The same kana is then read twice, or the kanji gets
a Sino-Japanese reading that only stands alone (考 コー, 祝 シュク). In game lines the pattern is common
(それが私の願いなんだ, それが答えなの？).

The cause is one cut, so the cure is MeCab's own next-best analysis that does not make it (its
n-best paths, through pyopenjtalk-plus): 願い + な + ん + だ, 答え + な + の — the words, parts of speech
and accents the dictionary gives them, and NJD's accent phrases over those words, not a patched
reading. Among the paths without the cut, one that reads the whole word as a noun wins, then one
where a particle or an auxiliary follows it (誓いなんだ, where no path has the noun: the verb form +
な + ん, not the verb form + 何, which would start an accent phrase of its own).

A cut is suspect only when every sign holds: the word before ends in a kanji, the next word is at
least two hiragana and is no particle or auxiliary (a real one after a noun is the usual, right
analysis: 東から), and the kanji word with that first kana is one word in the dictionary (a noun, or
the verb's 連用形 the noun was made from: MeCab reads 願い alone as 願う's).
"""

from __future__ import annotations

import re
from typing import Any

from tsukasa.pipelines.textfront.openjtalk_frontend import run_frontend_choosing
from tsukasa.pipelines.textfront.readings import clean_pron, to_katakana
from tsukasa.pipelines.textfront.resources import dictionary_words

_KANJI_END = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]$")
_HIRAGANA_WORD = re.compile(r"[ぁ-ゖ]{2,}")
_FUNCTION_POS = frozenset({"助詞", "助動詞", "記号"})
# MeCab's n-best lists the same cut many times over (one path per homograph of each word), so the
# analysis without it can be far down: 祝いって何 has it 9th or later.
MAX_PATHS = 32


def okurigana_cuts(words: list[tuple[str, str, str]]) -> list[str]:
    """The whole words (stem + okurigana) of each noun in ``words`` (surface, part of speech,
    pronunciation) that is cut before its okurigana: ['願い'] for 願 + いなん + だ."""
    return [
        stem + word[0]
        for (stem, _, said), (word, pos, _) in zip(words, words[1:], strict=False)
        if pos not in _FUNCTION_POS
        and _HIRAGANA_WORD.fullmatch(word) is not None
        and _KANJI_END.search(stem) is not None
        and _is_okurigana_word(stem + word[0], clean_pron(said) + to_katakana(word[0]))
    ]


def _is_okurigana_word(text: str, spelled: str) -> bool:
    """One noun, or one verb in the 連用形 that is a noun's twin (MeCab reads 願い alone as 願う's, 迎え
    as 迎える's); not another verb form (熱す, 割引い of 割引く: 熱すぎて and 割引いたします are cut right),
    nor a word said as the stem's reading and then the kana (``spelled``): that is a compound spelled
    half in kana (重そ, ジューソ, for 重曹), and 重 + そうだ is cut right."""
    words = dictionary_words(text)
    if len(words) != 1 or clean_pron(words[0].pron) == spelled:
        return False
    word = words[0]
    return word.pos == "名詞" or (word.pos == "動詞" and word.base in (text[:-1] + "う", text + "る"))


def _choose(paths: list[list[tuple[str, str, str]]]) -> int | None:
    """The best path without a cut, preferring one that reads each cut word as a noun, then one where
    a particle or an auxiliary follows it (誓い + な + ん, not 誓い + 何: none reads 誓い as the noun)."""
    whole = set(okurigana_cuts(paths[0]))
    if not whole:  # MeCab's own best path has no such cut after all: nothing to mend
        return None

    def rank(words: list[tuple[str, str, str]]) -> int:
        at = [k for k, word in enumerate(words) if word[0] in whole]
        if {words[k][0] for k in at} != whole:
            return 3
        if all(words[k][1] == "名詞" for k in at):
            return 0
        return 1 if all(k + 1 == len(words) or words[k + 1][1] in _FUNCTION_POS for k in at) else 2

    ranked = sorted((rank(words), k) for k, words in enumerate(paths) if k > 0 and not okurigana_cuts(words))
    return ranked[0][1] if ranked else None


def mend_okurigana_cuts(text: str, features: list[dict], jtalk: Any) -> list[dict]:
    """``features`` of ``text``, or those of MeCab's best analysis without such a cut when they have one."""
    if not okurigana_cuts([(f["string"], f["pos"], f["pron"]) for f in features]):
        return features
    return run_frontend_choosing(text, jtalk, _choose, max_paths=MAX_PATHS) or features

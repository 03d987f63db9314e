"""Japanese written in katakana: a robot's, an alien's or a foreigner's lines (ワタシハロボットデス).

Why: OpenJTalk's MeCab reads a run of katakana it does not know as one unknown noun, so such a
line was read as one flat word with its particles as written (ワタシハ with ハ, not ワ). Games and
manga write this voice often. Each such unknown katakana run of a sentence with no hiragana or kanji
is tried in hiragana (わたしはろぼっとです) and kept so only when the dictionary then reads it as
Japanese: every word known, at least one particle or auxiliary (or one known word alone, or a
greeting: コンニチハ is こんにちは, said コンニチワ), no
one-kana content word or filler (みっしょんこんぷりーと is み|っしょ|ん|…: a loanword, left as
written), and every word said as written except a particle は/へ/を (ワ, エ, オ) after a word.
Known katakana words (ゲーム, ワタシ, ロボット where MeCab finds them) are never touched, so a line
of loanwords (ゲームオーバー, ミッションコンプリート) reads as before.
"""

from __future__ import annotations

import re

import jaconv

from tsukasa.pipelines.textfront.kana_kanji import SENTENCE
from tsukasa.pipelines.textfront.readings import matches_spelling
from tsukasa.pipelines.textfront.resources import dictionary_words, jtalk, unidic_words

_KATAKANA_SENTENCE = re.compile(r"[ァ-ヴー・\s、。，．！？!?…‥「」『』（）()]+")
_KATAKANA_RUN = re.compile(r"[ァ-ヴ]{3,}")
_UNKNOWN_CANDIDATE = re.compile(r"[ァ-ヴー]{3,}")
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "副詞"})
_FUNCTION = frozenset({"助詞", "助動詞"})
_ALLOWED = _CONTENT | _FUNCTION | {"接頭詞", "連体詞", "接続詞"}
_PARTICLE_READING = {"は": "ワ", "へ": "エ", "を": "オ"}


def _reads_as_japanese(hiragana: str) -> bool:
    """Whether MeCab reads ``hiragana`` (one converted katakana run) as Japanese words said as
    written (see the module docstring)."""
    words = [line.split(",") for line in jtalk().run_mecab(hiragana)]
    if not words or "".join(w[0] for w in words) != hiragana or words[0][1] in _FUNCTION:
        return False  # (no phrase opens on a particle: け|ね|すすたー is a name, ケネススター)
    if len(words) == 1 and len(words[0]) >= 12 and words[0][1] == "感動詞":
        # a greeting alone (コンニチハ, オハヨウ, タダイマ): こんにちは's final は is ワ
        said, written = words[0][9].replace("’", ""), jaconv.hira2kata(hiragana)
        final_wa = written.endswith("ハ") and said == written[:-1] + "ワ"
        return said == written or matches_spelling(written, said) or final_wa
    function = False
    for k, w in enumerate(words):
        surface, pos = w[0], w[1]
        if len(w) < 12 or pos not in _ALLOWED:  # unknown (no reading fields), or a filler / interjection
            return False
        if pos in _CONTENT and len(surface) < 2:
            return False
        function |= pos in _FUNCTION
        said, written = w[9].replace("’", ""), jaconv.hira2kata(surface)
        if said == written or matches_spelling(written, said):
            continue
        if not (pos == "助詞" and k > 0 and _PARTICLE_READING.get(surface) == said):
            return False
    return function or len(words) == 1


def _holds_a_loanword(katakana: str) -> bool:
    """Whether UniDic finds a loanword or a name in ``katakana`` (ケネス|スター, アブラハム|ガソリン:
    names and loanwords run together, which OpenJTalk's dictionary does not hold as one word)."""
    return any(w.goshu in ("外", "固") for w in unidic_words(katakana))


def katakana_sentences_to_hiragana(text: str) -> str:
    """``text`` with the unknown katakana runs of its all-katakana sentences in hiragana where the
    dictionary reads them as Japanese (see the module docstring)."""
    if not _KATAKANA_RUN.search(text):
        return text
    out = []
    for sentence in SENTENCE.findall(text):
        if not _KATAKANA_SENTENCE.fullmatch(sentence):
            out.append(sentence)
            continue
        pieces = []
        for word in dictionary_words(sentence):
            s = word.surface
            unknown = word.accent is None and _UNKNOWN_CANDIDATE.fullmatch(s) and not _holds_a_loanword(s)
            if unknown and _reads_as_japanese(hira := jaconv.kata2hira(s)):
                pieces.append(hira)
            else:
                pieces.append(s)
        joined = "".join(pieces)
        out.append(joined if len(joined) == len(sentence) else sentence)
    return "".join(out)

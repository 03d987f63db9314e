"""Dictionary words that spell a kanji compound half in kana, where text means a noun and a particle.

OpenJTalk's dictionary holds kanji + kana spellings of Sino-Japanese compounds (交ぜ書き): 左は for
左派 (サハ), 中と for 中途 (チュート), 目と for 目途 (モクト), 光は for 光波, 白が for 白髪 (シラガ), 自が
for 自我 — about ninety whose kana is は, が, を or と. In running text those characters are nearly
always a noun and its particle, and MeCab's costs pick the compound where the context is short: その
左は read ソノサハ, 中と外 チュートガイ, 目と目を モクトメヲ (voice lines are short). A space after the kanji
makes MeCab cut there (the space itself is no word and no pause), and the particle is read as one.

The same longest match cuts 彼女らしくない as 彼 + 女らしく (カレオンナラシクナイ) and 乙女らしい as 乙 +
女らしい (オツオンナ): the adjective 女らしい swallows the 女 of a noun the dictionary has (彼女, 乙女),
though 彼女らしい alone is cut right. There the space goes after the noun.
"""

from __future__ import annotations

import re

from tsukasa.pipelines.textfront.readings import clean_pron, surface_spans
from tsukasa.pipelines.textfront.resources import dictionary_words

# kanji, then the particle's letter, as the whole word; and the sound each letter has in these
# entries (the kana read as written: ハ, not the particle's ワ)
_WORD = re.compile(r"[\u4e00-\u9fff]{1,3}[はがをと]")
_AS_WRITTEN = {"は": "ハ", "が": "ガ", "を": "ヲ", "と": "ト"}


def respace_mazegaki(text: str, features: list[dict]) -> str | None:
    """``text`` with a space before the kana of each such word (and after the 女 of a noun that 女らしい
    took), or None when there is none."""
    hits = [
        k
        for k, f in enumerate(features)
        if f["pos"] == "名詞"
        and _WORD.fullmatch(f["string"]) is not None
        and clean_pron(f["pron"]).endswith(_AS_WRITTEN[f["string"][-1]])
        and not f.get("is_reading_protected")  # a user-dictionary word is the user's
    ]
    cuts = [(k, -1) for k in hits] + [(k, 1) for k in _nouns_before_onna(features)]
    if not cuts:
        return None
    spans = surface_spans(text, [f["string"] for f in features])
    if spans is None:
        return None
    # (word, offset): before the last letter of word k (-1), or after the first letter of word k (1)
    at = sorted((spans[k][1] - 1 if side < 0 else spans[k][0] + 1) for k, side in cuts)
    for cut in reversed(at):
        text = f"{text[:cut]} {text[cut:]}"
    return text


_ONNA_RASHII = "女らし"


def _nouns_before_onna(features: list[dict]) -> list[int]:
    """Indices of each 女らしい form whose 女 ends a dictionary noun with the word before (彼 + 女らしく)."""
    out = []
    for k in range(1, len(features)):
        f = features[k]
        if f["pos"] == "形容詞" and f["string"].startswith(_ONNA_RASHII):
            noun = dictionary_words(features[k - 1]["string"] + "女")
            if len(noun) == 1 and noun[0].pos == "名詞":
                out.append(k)
    return out

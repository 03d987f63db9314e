"""Dictionary words that spell a kanji compound half in kana, where text means a noun and a particle.

OpenJTalk's dictionary holds kanji + kana spellings of Sino-Japanese compounds (交ぜ書き): 左は for
左派 (サハ), 中と for 中途 (チュート), 目と for 目途 (モクト), 光は for 光波, 白が for 白髪 (シラガ), 自が
for 自我 — about ninety whose kana is は, が, を or と. In running text those characters are nearly
always a noun and its particle, and MeCab's costs pick the compound where the context is short: その
左は read ソノサハ, 中と外 チュートガイ, 目と目を モクトメヲ (voice lines are short). A space after the kanji
makes MeCab cut there (the space itself is no word and no pause), and the particle is read as one.
"""

from __future__ import annotations

import re

from tsukasa.pipelines.textfront.readings import clean_pron, surface_spans

# kanji, then the particle's letter, as the whole word; and the sound each letter has in these
# entries (the kana read as written: ハ, not the particle's ワ)
_WORD = re.compile(r"[\u4e00-\u9fff]{1,3}[はがをと]")
_AS_WRITTEN = {"は": "ハ", "が": "ガ", "を": "ヲ", "と": "ト"}


def respace_mazegaki(text: str, features: list[dict]) -> str | None:
    """``text`` with a space before the kana of each such word, or None when there is none."""
    hits = [
        k
        for k, f in enumerate(features)
        if f["pos"] == "名詞"
        and _WORD.fullmatch(f["string"]) is not None
        and clean_pron(f["pron"]).endswith(_AS_WRITTEN[f["string"][-1]])
        and not f.get("is_reading_protected")  # a user-dictionary word is the user's
    ]
    if not hits:
        return None
    spans = surface_spans(text, [f["string"] for f in features])
    if spans is None:
        return None
    for k in reversed(hits):
        cut = spans[k][1] - 1
        text = f"{text[:cut]} {text[cut:]}"
    return text

"""A counter that is really the first kanji of a word: HPが100回復した, 3回転した.

After a numeral, OpenJTalk's dictionary strongly prefers a counter (助数詞): 100回復した is cut
百 | 回 | 復し | た and read ヒャッカイフクシタ ("a hundred times, 復す-ed"), 3回転した
サンカイコロガシタ ("three times, rolled"). RPG battle text is full of this (HPが50回復した).
UniDic (fugashi) cuts the same text 100 | 回復 | し | た, and 3回答えた 3 | 回 | 答え | た, so it tells
the two apart; a half-width space between the numeral and the word then makes OpenJTalk's MeCab
cut there too (the space itself is no node and no pause, and the numeral rules still join
numbers with real counters across it: 10 回答えた stays ジュッカイコタエタ).

Only where the two analyses disagree in this one way: OpenJTalk has numeral + one-character
counter + a *verb* beginning with the next kanji, and UniDic has one word from that counter
over the kanji. A counter followed by a suffix (1人前: 一 | 人 | 前) is left alone, since there the
space would break a real counter word (イチヒトマエ).
"""

from __future__ import annotations

import re

from tsukasa.pipelines.textfront.normalize import spoken_digits
from tsukasa.pipelines.textfront.resources import unidic_words

_NUMERAL = "0-9０-９〇一二三四五六七八九十百千万億"
# numeral, then a kanji (the counter), then another kanji: the only places this module looks
_CANDIDATE = re.compile(f"(?<=[{_NUMERAL}])[\u4e00-\u9fff](?=[\u4e00-\u9fff])")


def respace_false_counters(text: str, features: list[dict]) -> str | None:
    """``text`` with a space before each counter that UniDic reads as a word's first kanji, or
    None when there is none (then OpenJTalk's analysis ``features`` stands)."""
    matches = list(_CANDIDATE.finditer(text))
    splits = _counter_verb_splits(features) if matches else set()
    if not splits:
        return None
    cuts = [
        i
        for i in (m.start() for m in matches)
        # 十, 百 inside a number are not counters; UniDic (the costly look) only where OpenJTalk split
        if text[i] not in _NUMERAL and (text[i], text[i + 1]) in splits and _unidic_word_from(text, i) > 1
    ]
    if not cuts:
        return None
    for i in reversed(cuts):
        text = f"{text[:i]} {text[i:]}"
    return text


def _counter_verb_splits(features: list[dict]) -> set[tuple[str, str]]:
    """(counter, first character of the verb) wherever OpenJTalk cut numeral + one-character
    counter + verb (百 | 回 | 復し)."""
    return {
        (b["string"], c["string"][:1])
        for a, b, c in zip(features, features[1:], features[2:], strict=False)
        if a["pos"] == "名詞"
        and a["pos_group1"] == "数"
        and b["pos_group2"] == "助数詞"
        and c["pos"] == "動詞"
        # a verb stem of one kanji and its okurigana (復し, 転し, and the サ変 ending of 復する, 復すれ: HPを50回復する
        # was ゴジュッカイフクスル); one spelled longer is a word of its own that begins after the counter
        # (1本 | 手に入れた: UniDic's 本手, a go term, made it イチホンテ)
        and (len(c["string"]) <= 2 or (len(c["string"]) == 3 and c["string"][1] in "すせさし"))
    }


def _unidic_word_from(text: str, i: int) -> int:
    """Length of UniDic's word starting at character ``i`` (0 when no word starts there), read
    in a window around it; only a noun counts (回復, 回転), not a counter cut alone (回)."""
    lo = max(0, i - 8)
    for w in unidic_words(text[lo : i + 8]):
        if w.start + lo == i:
            return w.end - w.start if w.pos1 == "名詞" else 0
        if w.start + lo > i:
            return 0
    return 0


# A type or model number written in two kanji digits before 式 or 型 (九七式中戦車, 三八式歩兵銃, 九九式小銃, 九〇式,
# 零戦二一型) is said digit by digit, as the year it counts was shortened (皇紀2597 → 九七): キューナナシキ,
# サンパチシキ, ニーイチガタ. OpenJTalk's numeral rules read them as numbers (キュージューナナシキ, ニジューイチガタ).
# Three digits (一〇〇式 ヒャクシキ) and numbers written with 十 (二十式) stay numbers.
_TYPE_NUMBER = re.compile(r"(?<![〇一二三四五六七八九十百千万])([〇一二三四五六七八九]{2})(?=式|型)")


def _type_digits(m: re.Match[str]) -> str:
    digits = m.group(1)
    if digits == "三八":
        return "サンパチ"  # 三八式: the sound change everyone says
    return "マル".join(spoken_digits(part) for part in digits.split("〇"))  # 九〇式 キューマル: a code's zero


def spell_type_numbers(text: str) -> str:
    """``text`` with type numbers in kanji digits before 式 / 型 spelled digit by digit in katakana (see above)."""
    return _TYPE_NUMBER.sub(_type_digits, text) if ("式" in text or "型" in text) else text

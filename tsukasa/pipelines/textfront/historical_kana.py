"""Old spellings read as said today: verb endings in the historical kana spelling (歴史的仮名遣い) and old kanji forms.

Period dramas, letters and poems quoted in games write verbs the old way: 言ふ, 習ふより慣れよ, 言ひけり,
言はぬが花, 神に給ふ, 参りませう, かはいさう. MeCab's dictionary holds few such forms (思ふ, けふ), so a kanji stem
before an old ending was read as a word alone, in its on reading, and the kana after it as written: 言ふ ゲンフ,
習ふ シューフ, 言はぬ ゲンワヌ, 給ふ キューフ, ませう マセウ.

Each ending is rewritten in the modern spelling that says the same sounds (ふ → う, ひ → い, は → わ after a
verb stem; せう → しょう after ま / で, さう → そう), the endings only where MeCab then reads a verb there: 言ふ
becomes 言う because 言う is a verb; a kanji + ふ that makes no verb in modern spelling is left as written. Modern
text never writes these endings after a verb stem, so it is not touched; the hiragana spellings さう and せう do not
occur in modern words.

Old kanji forms (旧字体: 國語, 體操, 會う, 廣場, 實は, 戰車 in Taishō / Shōwa settings, period letters) are read
as the modern forms (``data/kyujitai.tsv``): the dictionary holds a few words in the old form (學校, 會社), the
others were read kanji by kanji, often by a name's reading (體操 テーミサオ, 廣い ヒロシイ, 會う カイウ, 實 ミノル).
"""

from __future__ import annotations

import re
from functools import cache

from tsukasa.pipelines.textfront.normalize import KANJI
from tsukasa.pipelines.textfront.resources import dictionary_words, read_table

# A kanji stem (one or two kanji, and a kana of okurigana at most) before ふ / ひ / は: the verb's old ending.
# ふ ends the verb (言ふ。, 習ふより, 給ふ), ひ is its 連用形 (言ひけり, 思ひて), は its 未然形 before a negative
# ending its phrase (言はぬが花, 言はず。). Not は before a word that only starts with ぬ / ず (歌はずいぶん, 服は
# ぬいぐるみ): there it is the topic particle after a noun.
_OLD_ENDING = re.compile(
    rf"(?P<stem>[{KANJI}]{{1,2}}[ぁ-ゖ]?)(?:(?P<fu>ふ)(?![ぁ-ゖ])|(?P<fu2>ふ)(?=より|と|も|べ|の|か|な|ぞ)"
    rf"|(?P<hi>ひ)(?=けり|き|し|つ|ぬ|て|た|ま)|(?P<ha>は)(?=ぬ(?:[がのこと]|[^ぁ-ゖ]|$)|ず(?:[^ぁ-ゖ]|$)))"
)
_MODERN = {"fu": "う", "fu2": "う", "hi": "い", "ha": "わ"}
# Kana spellings of the old language that modern words do not contain: the polite volitional ませう / でせう
# (ましょう, でしょう) and the vowel pair さう (そう: かはいさう, さうらふ, さうだ).
_OLD_SPELLINGS = re.compile(r"(?<=[まで])せう|さうらふ|さう")
_OLD_SPELLING_MODERN = {"せう": "しょう", "さうらふ": "そうろう", "さう": "そう"}


def _verb_ending(m: re.Match[str]) -> str:
    kind = next(k for k in _MODERN if m.group(k))
    modern = m.group("stem") + _MODERN[kind]
    words = dictionary_words(modern + ("ぬ" if kind == "ha" else ""))
    if words and words[0].pos == "動詞" and len(words[0].surface) >= len(modern) - (kind == "ha"):
        return modern
    return m.group(0)


@cache
def _modern_kanji() -> tuple[dict[int, str], re.Pattern[str]]:
    pairs = dict(read_table("kyujitai.tsv"))
    return str.maketrans(pairs), re.compile("[" + "".join(pairs) + "]")


def _modern_forms(text: str, table: dict[int, str], old: re.Pattern[str]) -> str:
    """``text`` with the old kanji forms of the words MeCab does not hold as written in their modern forms: a word
    the dictionary knows in the old form keeps it and its accent (靜子 シ]ズコ, a name; 學校, 萬葉集), a kanji it read
    alone or in an unknown word is modernised (體 + 操, 廣 + 場, 會 + う)."""
    words = dictionary_words(text)
    if "".join(w.surface for w in words) != text:
        return text.translate(table)
    out = []
    for w in words:
        known = w.accent is not None and len(w.surface) > 1 and w.pos != "記号"
        out.append(w.surface if known or old.search(w.surface) is None else w.surface.translate(table))
    return "".join(out)


def modernize_historical_kana(text: str) -> str:
    """``text`` with verb endings in the historical kana spelling and old kanji forms written as said today (see
    the module docstring)."""
    table, old = _modern_kanji()
    if old.search(text) is not None:
        text = _modern_forms(text, table, old)
    if "ふ" in text or "ひ" in text or "は" in text:
        text = _OLD_ENDING.sub(_verb_ending, text)
    if "せう" in text or "さう" in text:
        text = _OLD_SPELLINGS.sub(lambda m: _OLD_SPELLING_MODERN[m.group(0)], text)
    return text

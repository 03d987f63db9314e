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
# A full-size つ for the small っ of a verb's 促音便 (言つた, 行つて, 待つてゐる: old print sets no small kana), and
# the volitional in its old spelling (行かう, 会はう, 帰らう: 行こう, 会おう): after a kanji stem, where MeCab then
# reads a verb. Not つ before ため / たび and the like (役立つために: the verb's plain form, then a noun), nor a verb
# that ends so today (喰らう, 語らう, 向かう).
_OLD_SOKUON = re.compile(rf"(?P<stem>[{KANJI}]{{1,2}}[ぁ-ゖ]?)つ(?=て|た(?![めびらちまけ]))")
_OLD_VOLITIONAL = re.compile(rf"(?P<stem>[{KANJI}]{{1,2}})(?P<a>[かがさたなばまらはわ])う(?=[^ぁ-ゖ]|$|[よねかとぜぞ])")
_A_TO_O = dict(zip("かがさたなばまらはわ", "こごそとのぼもろおお", strict=True))


def _sokuon(m: re.Match[str]) -> str:
    modern = m.group("stem") + "っ"
    words = dictionary_words(modern + m.string[m.end()])  # with its て / た (待った alone is a noun)
    return modern if words and words[0].pos == "動詞" and words[0].surface == modern else m.group(0)


def _volitional(m: re.Match[str]) -> str:
    old = dictionary_words(m.group(0))
    if len(old) == 1 and old[0].pos == "動詞":
        return m.group(0)  # a verb of its own in modern spelling: 喰らう, 語らう, 向かう, 味わう
    modern = m.group("stem") + _A_TO_O[m.group("a")] + "う"
    words = dictionary_words(modern)
    if len(words) == 2 and words[0].pos == "動詞" and words[0].surface == modern[:-1] and words[1].surface == "う":
        return modern  # the verb's 未然ウ接続 form and the volitional う
    return m.group(0)


# Kana spellings of the old language that modern words do not contain: the polite volitional ませう / でせう
# (ましょう, でしょう), the vowel pair さう (そう: かはいさう, さうらふ, さうだ), the butterfly てふてふ, and words
# a text in the old spelling writes in hiragana (にほひ, かほり, かをり, ありがたう, といふ, といへども: were ニホヒ,
# テフテフ). And やう: after an i-row kana the contracted sound written with a full-size や (ちやうど,
# しやうがない: ちょう, しょう), elsewhere よう before the endings of 様 (やうに, やうな, やうだ) and in やうやく,
# おはやう; not after あ or や (あやうく, ややうるさい are modern). Also だらう, かういふ, をとこ, しまつた,
# ぢや. Session 43's historical and literature probes found these.
_OLD_SPELLINGS = re.compile(
    r"(?<=[まで])せう|さうらふ|さう|てふてふ|にほひ|かほり|かをり|ありがたう|といふ|といへど"
    r"|(?<=[だでろ])らう|ういふ|をとこ|をんな|ゑがほ|(?:しまつ|だつ|なつ|やつ)た(?![めびらちまけ])|ぢや"
    r"|(?<=[ちしきりじぎにひびみ])やう|(?<![あや])やう(?=に|な|だ|で|やく|[、。！？]|$)"
)
_OLD_SPELLING_MODERN = {"せう": "しょう", "さうらふ": "そうろう", "さう": "そう", "てふてふ": "ちょうちょう",
                        "にほひ": "におい", "かほり": "かおり", "かをり": "かおり", "ありがたう": "ありがとう",
                        "といふ": "という", "といへど": "といえど", "らう": "ろう", "ういふ": "ういう",
                        "をとこ": "おとこ", "をんな": "おんな", "ゑがほ": "えがお", "しまつた": "しまった",
                        "だつた": "だった", "なつた": "なった", "やつた": "やった", "ぢや": "じゃ"}  # fmt: skip
_I_ROW = frozenset("ちしきりじぎにひびみ")
_MAY_BE_OLD = re.compile(
    "せう|さう|やう|てふ|にほひ|かほり|かをり|ありがたう|といふ|といへど|らう|ういふ|をとこ|をんな|ゑがほ|つた|ぢや"
)


def _old_spelling(m: re.Match[str]) -> str:
    if m.group(0) == "やう":
        return "ょう" if m.start() and m.string[m.start() - 1] in _I_ROW else "よう"
    return _OLD_SPELLING_MODERN[m.group(0)]


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
    if "つ" in text:
        text = _OLD_SOKUON.sub(_sokuon, text)
    if "う" in text:
        text = _OLD_VOLITIONAL.sub(_volitional, text)
    if _MAY_BE_OLD.search(text) is not None:
        text = _OLD_SPELLINGS.sub(_old_spelling, text)
    return text

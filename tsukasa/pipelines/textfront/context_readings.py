"""Readings decided by the words around a word, fixed on OpenJTalk's NJD features.

OpenJTalk's dictionary gives a word one best reading whatever surrounds it; a few readings are
decided by grammar instead: 対 between numerals is タイ (２対１), not the "pair" ツイ; a list of
single-kanji weekdays (土、日、月) is read ド、ニチ、ゲツ, not ツチ、ヒ、ツキ; the conjectural
う after an adjective's かろ is a long vowel (速かろう ハヤカロー), as OpenJTalk already makes it
after verbs and だろ; は right after a clipped っ is never the particle (わっはっは, おっはよー).
The rows live in ``data/context_readings.tsv``; this module only matches them.

Cost: one dict look-up per word (rows are keyed by surface), so a sentence without a listed
word costs a loop over its features and nothing else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from tsukasa.pipelines.textfront.readings import SPELLED, clean_pron, is_hiragana, set_reading, to_katakana
from tsukasa.pipelines.textfront.resources import dictionary_words, read_table, unidic_words
from tsukasa.pipelines.textfront.topic_wa import no_topic_after

# Katakana ending in the vowel o (the conjectural う after them is a long vowel).
_O_ROW = frozenset("オコソトノホモヨロヲゴゾドボポョォ")
_LIST_MARKS = frozenset({"、", "・", "，", "から"})  # (and a range between two weekdays: 月〜金 ゲツカラキン)
# A word that is a date or a numbered day (４月, 10日, 三月, ２０２５年): 来る before it is きたる.
_DATE = re.compile(r"(?:[0-9０-９]+|[一二三四五六七八九十]+)[月日年]")


class _Row(NamedTuple):
    pron: str  # OpenJTalk's pron that the row replaces ("*": any; alternatives joined by |: カク|カド)
    before: str
    after: str
    reading: str
    accent: int | None
    suffix: bool = False  # kind "suffix": the word also becomes a suffix chained to the word before
    head: bool = False  # kind "head": the word also starts an accent phrase of its own
    part: bool = False  # kind "part": the word is the second half of the word before (其|処 そこ)
    # ``pron``'s alternatives without the accent mark ’ that OpenJTalk leaves in some prons (ミョーゴニチ’
    # before か: a row for ミョーゴニチ missed it), compared with the word's pron without it
    prons: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[_Row, ...]], dict[str, _Row]]:
    words: dict[str, list[_Row]] = {}
    weekdays: dict[str, _Row] = {}
    for kind, surface, pron, before, after, reading, accent in read_table("context_readings.tsv"):
        level = None if accent == "*" else int(accent)
        row = _Row(
            pron,
            before,
            after,
            reading,
            level,
            suffix=kind == "suffix",
            head=kind == "head",
            part=kind == "part",
            prons=frozenset(pron.replace("’", "").split("|")),
        )
        if kind in ("word", "suffix", "head", "part"):
            words.setdefault(surface, []).append(row)
        elif kind == "weekday":
            weekdays[surface] = row
        else:
            raise ValueError(f"context_readings.tsv: unknown kind {kind!r}")
    return {k: tuple(v) for k, v in words.items()}, weekdays


def _row_applies(row: _Row, f: dict, features: list[dict], i: int) -> bool:
    """Whether ``row`` rewrites word ``f`` (``features[i]``): its pronunciation and both contexts match.
    A word with rows none of which applies goes on to the other rules (水 after 月・ is a weekday still)."""
    return (
        (row.pron == "*" or f["pron"].replace("’", "") in row.prons)
        and _matches_words(row.before, features, i - len(row.before.split()))
        and _matches_words(row.after, features, i + 1)
    )


def _matches_words(cond: str, features: list[dict], first: int) -> bool:
    """Space-separated conditions against the words from index ``first`` on, in order (お腹|腹 が:
    お腹 or 腹, then が; 時 !間: 時, then anything but 間); a word outside the sentence is None."""
    n = len(features)
    return all(_matches(c, features[j] if 0 <= j < n else None) for j, c in enumerate(cond.split(), start=first))


def _matches(cond: str, word: dict | None) -> bool:
    if cond == "*":
        return True
    if cond.startswith("!"):
        return not _matches(cond[1:], word)
    if "|" in cond:
        return any(_matches(c, word) for c in cond.split("|"))
    if cond == "start":  # the start of a sentence or clause
        # (a letter or a Greek letter MeCab tags 記号 is a word: πは, θは are the topic particle, not ハ)
        return word is None or (word["pos"] == "記号" and word["pos_group1"] != "アルファベット")
    if word is None:
        return False
    if cond == "date":
        return _DATE.match(word["string"]) is not None
    if cond.startswith("pos:"):
        return f"{word['pos']},{word['pos_group1']}".startswith(cond[4:])
    return word["string"] == cond


def apply_context_readings(features: list[dict]) -> list[dict]:
    """Rewrite, in place (and return), the readings the table's contexts decide."""
    words, weekdays = _tables()
    for i, f in enumerate(features):
        if f.get(SPELLED):
            continue  # a romaji word: its writer spelled the reading (force_readings)
        s = f["string"]
        rows = words.get(s)
        if rows is not None and any(_row_applies(row, f, features, i) for row in rows):
            for row in rows:
                if _row_applies(row, f, features, i):
                    set_reading(f, row.reading, row.accent)
                    if row.head:  # a dependent noun read as a word of its own (度を超す ド)
                        f["chain_flag"] = 0
                        if f["pos_group1"] == "非自立":
                            f["pos_group1"] = "一般"
                    if row.suffix:
                        _chain_as_suffix(features, i, i - len(row.before.split()))
                    if row.part:  # one accent phrase with the first half, which keeps the word's accent
                        f["chain_flag"] = 1
                        f["pos_group1"] = "接尾"
                    break
        elif s in weekdays and f["pos"] == "名詞" and _in_weekday_list(features, i, weekdays):
            row = weekdays[s]
            set_reading(f, row.reading, row.accent)
        elif s == "分" and i and f["pron"] == "フン" and f["pos_group2"] == "助数詞" and _is_hachi(features[i - 1]):
            # 8分 (minutes) is はっぷん in current speech (NHK 日本語発音アクセント新辞典: はっぷん, also
            # はちふん). OpenJTalk's numeral rules give 6分 ロップン, 1分 イップン, 8分間 ハップンカン but 8分
            # ハチフン. 八分 read ブ or ブン (腹八分目, 8分の1) is no counter フン and keeps its reading.
            set_reading(features[i - 1], "ハッ")
            set_reading(f, "プン")
            _nucleus_off_geminate(features, i - 1)
        elif s in _COUNTED_NOUNS and i and features[i - 1]["pos_group1"] == "数":
            _count_with(features, i, *_COUNTED_NOUNS[s])
        elif f["orig"] == "入れる" and _cannot_enter(features, i):
            # the phrase's nucleus as for the potential 帰れる: カエレ]ナイ, カエレマセ]ン (one mora more)
            old = int(f["acc"])
            set_reading(f, "ハイ" + clean_pron(f["pron"])[1:])
            f["acc"] = 3 if old == 0 else old + 1  # counted over the phrase, so past the word's own morae
        elif s == "う" and i and f["pos"] == "助動詞" and f["pron"] == "ウ":
            prev = features[i - 1]
            if prev["cform"] == "未然ウ接続" and prev["pron"][-1:] in _O_ROW:
                f["pron"] = "ー"  # the read stays ウ, as OpenJTalk writes it after verbs
        elif f["orig"] == "行く" and f["pron"].startswith("イッ") and s[:1] == "行" and _an_action_done(features, i):
            set_reading(f, "オコナッ")  # 調査は慎重に行った: an action is done (行う), not gone to
        elif f["orig"] == "降りる" and f["pron"].startswith("オリ") and _precipitation_falls(features, i):
            set_reading(f, "フ" + clean_pron(f["pron"])[1:])  # 雨が強く降ります フリマス: 降る, not 降りる
        elif "そ" in s or (i + 1 < len(features) and features[i + 1]["string"].startswith(_AFTER_STEM)):
            _adjective_looks(features, i)
    return features


# 降り in a clause whose subject is rain or snow is 降る's (雨が強く降ります, 雪がたくさん降りました, 雨が1時間で
# 100ミリ降りました: OpenJTalk read 降りる, オリマス, wherever a word stood between が and the verb). Not where 降りる
# has its own object or source (電車を降りた, バスから降りた: a passenger gets off, in the rain or not).
_PRECIPITATION = frozenset(
    {"雨", "雪", "大雨", "大雪", "小雨", "雹", "霰", "みぞれ", "霙", "にわか雨", "豪雨", "初雪", "霧雨"}
)


def _an_action_done(features: list[dict], i: int) -> bool:
    """Whether 行っ (i) does an action its clause names as topic or object (撮影は許可を得て行っています, 調査は慎重に
    行った, 分配は前日までに行ってください: 行う, which OpenJTalk read 行く, イッテ; NHK reads 行って so only where
    the text cannot mean going). Where a place is gone to (学校に行った, 会議に行った: a noun and に or へ right before
    it) or no action noun stands before it (彼は行った), it stays 行く."""
    before = features[i - 1] if i else None
    if before is not None and before["string"] in ("に", "へ") and i >= 2:
        place = features[i - 2]
        if place["string"] != "まで" and place["pos_group1"] not in ("形容動詞語幹", "副詞可能"):
            return False  # 学校に行った; not 慎重に, 丁寧に, 前日までに
    for j in range(i - 1, 0, -1):
        w = features[j]
        if w["pos"] == "記号" and w["string"] in ("。", "！", "？"):
            return False
        if w["string"] in ("は", "を", "も") and w["pos"] == "助詞" and features[j - 1]["pos_group1"] == "サ変接続":
            return True
    return False


def _precipitation_falls(features: list[dict], i: int) -> bool:
    for j in range(i - 1, -1, -1):
        w = features[j]
        if w["pos"] == "記号" and w["string"] in ("。", "！", "？", "、"):
            return False
        if w["string"] in ("を", "から") and w["pos"] == "助詞":
            return False
        if w["string"] in _PRECIPITATION and j + 1 < i and features[j + 1]["string"] in ("が", "は", "も"):
            return True
    return False


# 入れない with no を-object is the potential of 入る, "cannot enter" (ここへは入れない ハイレナイ, 部屋に
# 入れなかった): OpenJTalk's dictionary has only the transitive 入れる イレル, "put in", which takes an
# object (コンマを入れない, 手に入れられない). Only the negative forms: in 入れる, 入れて, 入れた the
# transitive verb with its object left unsaid (鍋に入れる) is as likely. The object is looked for
# back to the previous predicate or mark (本を読む部屋に入れない: the を is 読む's).
_NEGATIVE = frozenset({"ない", "ぬ", "ん", "ず"})


def _cannot_enter(features: list[dict], i: int) -> bool:
    f = features[i]
    if f["pos"] != "動詞" or not f["string"].startswith("入") or i + 1 >= len(features) or f["chain_flag"] == 1:
        return False
    nxt = features[i + 1]
    if f["cform"].startswith("未然"):
        if nxt["pos"] != "助動詞" or nxt["orig"] not in _NEGATIVE:
            return False
    elif not (f["cform"].startswith("連用") and nxt["orig"] == "ます" and nxt["string"] == "ませ"):
        return False  # 入れません; not 入れます
    for w in reversed(features[:i]):
        if w["pos"] in ("動詞", "形容詞", "助動詞", "記号"):
            return True
        if w["pos"] == "助詞" and w["string"] == "を":
            return False
    return True


# Nouns that count after a numeral as a counter does: 3回転 (three turns), 6角形 (a hexagon).
# OpenJTalk reads the numeral alone before them (ロクカイテン, ジューカイテン); the numeral takes the
# counter's sound change, as before the counter 回 (ロッカイ, ジュッカイ, ヒャッカイ, ハチカイ), and
# 角形 its own (三角形 サンカッケー, 六角形 ロッカッケー, 八角形 ハッカッケー: the dictionary has those
# few as words, 十角形 or a digit it does not). NHK 日本語発音アクセント新辞典: ロッカイテン, ジュッカイテン.
# noun -> (its reading after a numeral, whether 八 turns ハッ too)
_COUNTED_NOUNS = {"回転": ("カイテン", False), "角形": ("カッケー", True)}
# The last numeral's reading before a voiceless k-row counter (njd_set_digit's rule for 回, 階, 個)
_GEMINATED = {
    "イチ": "イッ", "ロク": "ロッ", "ジュー": "ジュッ", "ヒャク": "ヒャッ", "ピャク": "ピャッ", "ビャク": "ビャッ",
}  # fmt: skip


def _count_with(features: list[dict], i: int, reading: str, hachi: bool) -> None:
    """Numeral + counting noun (word ``i``): the numeral's sound change and the noun's reading."""
    numeral = features[i - 1]
    pron = clean_pron(numeral["pron"])
    geminated = "ハッ" if hachi and pron == "ハチ" else _GEMINATED.get(pron)
    if geminated is not None:
        set_reading(numeral, geminated)
        _nucleus_off_geminate(features, i - 1)
    set_reading(features[i], reading)


# An adjective's stem + そう ("looks ..."): 重そう, 軽そう, 眠そう. Said alone or before だ, MeCab took
# other words the dictionary spells so: 重そう ジューソー (重曹), 軽そう ケーソー and 広そう コーソー (its
# kanji + kana spellings of 軽装, 広壮), 重 + そうだ ジュー, 眠そう as a form of 眠る (ネムラソー); before な it
# finds the adjective. The stem is one kanji whose adjective (重い) is in the dictionary, after no
# other kanji (軽装 written in kanji is the noun).
_KANJI = re.compile(r"[\u4e00-\u9fff]")
_AFTER_STEM = ("そう", "すぎ", "過ぎ")  # what follows a bare adjective stem (眠すぎ: ネムリスギ was 眠り + すぎ)


def _adjective_looks(features: list[dict], i: int) -> None:
    """Word ``i`` (with the next) read as an adjective stem + そう where it spells one (in place)."""
    f = features[i]
    s = f["string"]
    if f["pos"] == "形容詞" or _KANJI.fullmatch(s[:1]) is None:
        return
    if i and _KANJI.search(features[i - 1]["string"][-1:]):
        return  # after a kanji: part of a compound
    nxt = features[i + 1] if i + 1 < len(features) else None
    if s[1:] == "そう":  # one word: 軽そう ケーソー, 重そう ジューソー
        stem = _adjective_stem(s[0])
        if stem is not None and clean_pron(f["pron"]) != stem + "ソー":
            set_reading(f, stem + "ソー")
    elif s[1:] == "そ" and nxt is not None and nxt["string"] == "う":  # 眠そ + う, a verb's volitional
        stem = _adjective_stem(s[0])
        if stem is not None and f["pos"] == "動詞":
            set_reading(f, stem + "ソ")
    elif len(s) == 1 and nxt is not None and nxt["string"].startswith(_AFTER_STEM):  # 重 ジュー + そうだ, 眠 + すぎ
        stem = _adjective_stem(s)
        if stem is not None and clean_pron(f["pron"]) != stem:
            set_reading(f, stem)


@lru_cache(maxsize=4096)
def _adjective_stem(kanji: str) -> str | None:
    """The reading of the stem of the adjective ``kanji`` + い (重 オモ), if the dictionary has it."""
    words = dictionary_words(kanji + "い")
    if len(words) != 1 or words[0].pos != "形容詞" or not words[0].pron.endswith("イ"):
        return None
    return clean_pron(words[0].pron)[:-1]


# A word written in hiragana says its えい as a long え and its おう / うう as a long お / う, as the same
# word in kanji does (きれい キレー as 綺麗, せい セー as 所為, ていねい, いっせいに; ぼうかんしゃ ボーカンシャ
# as 傍観者): OpenJTalk's dictionary spells the pronunciation of its hiragana entries letter for letter
# (キレイ, ボウカンシャ). JSUT (read speech): 5 even ids and 5 held-out ones closer for えい (benchmarks/
# RESULTS.md says how the rule was bounded); sentences rewritten without kanji many more. Nouns,
# na-adjective stems and adverbs only: in a verb or adjective form い / う is an ending (よろめいて, not
# ヨロメーテ; おもう).
_LONG_EI_POS = frozenset({"名詞", "副詞"})
_HIRAGANA = re.compile(r"[ぁ-ゖ]+")
_E_ROW = "エケセテネヘメレゲゼデベペ"
_U_OR_O_ROW = "ウクスツヌフムユルグズヅブプュコソトノホモヨロゴゾドボポョ"
_LONG_AFTER = {"イ": _E_ROW, "ウ": _U_OR_O_ROW}
_EI_OR_OU = re.compile(f"(?<=[{_E_ROW}])イ|(?<=[{_U_OR_O_ROW}])ウ")


def _long_ei(f: dict) -> None:
    """えい / おう / うう said long in word ``f`` where UniDic says it so (in place): across a word
    boundary inside a compound in hiragana they are two vowels (ためいき, うけいれ: UniDic タメイキ,
    ウケイレ). Its pronunciation must spell its letters, up to long vowels it already has (ゴーケイ for
    ごうけい), so that the two line up letter by letter."""
    pron = f["pron"]
    plain = clean_pron(pron)
    kana = to_katakana(f["string"])
    if len(plain) != len(kana) or _EI_OR_OU.search(pron) is None:
        return
    if any(a != b and not (a == "ー" and b in _LONG_AFTER) for a, b in zip(plain, kana, strict=True)):
        return
    heard = _unidic_pron(f["string"]) or _sino_japanese_pron(f["string"])
    if heard is None or len(heard) != len(plain):
        return
    f["pron"] = _lengthened(pron, heard, "イウ")


def _lengthened(pron: str, heard: str, vowels: str) -> str:
    """``pron`` with ー for each of its ``vowels`` (イ, ウ) that ``heard`` (the same word's pronunciation
    from UniDic, letter for letter; accent marks ’ aside) says long after the row that makes it so:
    イ after the e-row, ウ after the o- or u-row."""
    out, k = [], 0
    for ch in pron:
        if ch == "’":
            out.append(ch)
            continue
        row = _LONG_AFTER.get(ch) if ch in vowels else None
        out.append("ー" if row and heard[k] == "ー" and k and heard[k - 1] in row else ch)
        k += 1
    return "".join(out)


# A few kanji entries of OpenJTalk's dictionary give their pronunciation letter for letter (救急車
# キュウキュウシャ, where 救急 alone is キューキュー): the phonemes are the same (a long vowel is its vowel
# twice), but the kana a user reads, and the kana the benchmarks score, write it with ー as everywhere
# else. Where UniDic says the same word with ー at that mora, so is it written. The same for an えい
# spelled out (境内 ケイダイ, where the phonemes do differ: e i against e e): UniDic says ケーダイ.
_KANJI_IN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]")


# Nouns, and prefixes before a katakana word (小テスト, 中ジョッキ, 高カロリー: said ショー, チュー, コー; the
# dictionary spells the prefix ショウ and it was said so, s h o u).
_LONG_OU_POS = frozenset({"名詞", "接頭詞"})


def _long_ou(f: dict) -> None:
    """うう / おう / えい said long in kanji noun ``f`` where its dictionary pronunciation spells them out
    and UniDic, reading the same letters as one word, writes ー (in place). A one-kanji prefix is a Sino-Japanese
    morpheme, said long whatever UniDic makes of the kanji alone (中 ナカ, 高 タカ)."""
    if f["pos"] == "接頭詞" and len(f["string"]) == 1:
        f["pron"] = _EI_OR_OU.sub("ー", f["pron"])
        return
    heard = _unidic_word_pron(f["string"])
    if heard is not None and len(heard) == len(clean_pron(f["pron"])):
        f["pron"] = _lengthened(f["pron"], heard, "ウイ")


@lru_cache(maxsize=4096)
def _unidic_word_pron(text: str) -> str | None:
    """UniDic's pronunciation of a noun compound (救急 + 車), or None when it reads ``text`` as anything
    else."""
    words = unidic_words(text)
    if not words or any(w.pos1 not in ("名詞", "接尾辞", "接頭辞") for w in words):
        return None
    return "".join(w.pron for w in words)


@lru_cache(maxsize=4096)
def _sino_japanese_pron(hiragana: str) -> str | None:
    """How a hiragana noun UniDic cuts apart is said when it is a Sino-Japanese word: UniDic's
    pronunciation of its first kanji spelling in OpenJTalk's dictionary whose words are all 漢語
    (とくせい: 特性 トクセー, じょうせい: 情勢 ジョーセー; UniDic reads the kana とく|せい). A kanji
    compound of native words (毛糸 けいと: け + いと) is no such spelling: its えい is two vowels."""
    from tsukasa.pipelines.textfront.kana_kanji import index

    for spelling in index().get(hiragana, ())[:3]:
        words = unidic_words(spelling)
        if words and all(w.goshu == "漢" for w in words):
            return "".join(w.pron for w in words)
    return None


@lru_cache(maxsize=4096)
def _unidic_pron(hiragana: str) -> str | None:
    """UniDic's pronunciation of a hiragana word it reads as one word (せい, whatever it calls it), or as
    a noun, na-adjective stem or adverb and one more (いっせい|に); else None (れいんこーと: four scraps)."""
    words = unidic_words(hiragana)
    if not words or len(words) > 2 or (len(words) == 2 and words[0].pos1 not in ("名詞", "形状詞", "副詞")):
        return None
    return "".join(w.pron for w in words)


def _is_hachi(word: dict) -> bool:
    return word["string"] in ("八", "8", "８") and word["pron"] == "ハチ" and word["pos_group1"] == "数"


def _nucleus_off_geminate(features: list[dict], i: int) -> None:
    """A nucleus the old reading put on the second mora of word ``i`` (ハチ: チ) now falls on its ッ,
    where no Japanese accent falls: move it to the mora before (ハ]ップン, as ロ]ップン; 18分
    ジュ[ーハ]ップン, as 16分 ジュ[ーロ]ップン)."""
    head = i
    while head > 0 and int(features[head]["chain_flag"]) == 1:
        head -= 1
    before = sum(int(w["mora_size"]) for w in features[head:i])
    if int(features[head]["acc"]) == before + 2:
        features[head]["acc"] = before + 1


def _chain_as_suffix(features: list[dict], i: int, first: int) -> None:
    """Make word ``i`` a suffix in the accent phrase before it, as OpenJTalk's dictionary has っ子:
    chained, and the phrase's nucleus on the last mora before the row's context words (from
    ``first``), as the suffix's accent rule puts it (眼鏡っ娘 め[がね]っこ, like 眼鏡っ子)."""
    f = features[i]
    f["pos_group1"], f["chain_flag"] = "接尾", 1
    head = first - 1
    while head > 0 and int(features[head]["chain_flag"]) == 1:
        head -= 1
    if head >= 0:
        features[head]["acc"] = sum(int(w["mora_size"]) for w in features[head:first])


def _no_particle_after(word: dict, rest: list[dict]) -> bool:
    """Whether the particle は cannot follow ``word``: a clipped っ, or — when a word in hiragana follows
    the は, whose first syllable it then is — a word the topic は never follows
    (:func:`.topic_wa.no_topic_after`: が, を, an attributive; きれいなはな is 花, read ワナ by both
    analysers). A は that ends its sentence stays the particle (蛾 は as romaji "ga は"), and so does one
    before a word in katakana or kanji, which it cannot begin (akuna は ai, where ai was given as アイ)."""
    if word["pron"].endswith("ッ"):
        return True
    return bool(rest) and is_hiragana(rest[0]["string"][:1]) and no_topic_after(word)


_ONE_SYLLABLE_SOUND = re.compile(r"[ぁ-ゖ]ー*")


def _breath_syllable(features: list[dict], i: int) -> bool:
    """Whether the は at ``features[i]`` is the second syllable of a breath sound or a cry (ふはー, むはー,
    ぜーはー): one hiragana letter (drawn out or not) opens the sentence, and a ー follows the は. No topic
    は follows a lone letter at a sentence's start, and a stretched particle follows a word (ぼくはー)."""
    before = features[i - 1]
    return (
        i + 1 < len(features)
        and features[i + 1]["string"].startswith("ー")
        and bool(_ONE_SYLLABLE_SOUND.fullmatch(before["string"]))
        and (i == 1 or features[i - 2]["pos"] == "記号")
    )


def mend_cut_readings(
    features: list[dict], *, long_ei: bool = True, spaced: frozenset[int] = frozenset()
) -> list[dict]:
    """``は`` right after a clipped ``っ`` or after が / を reads ハ, and okurigana is read once (in place;
    returned).

    No particle follows a clipped っ (an interjection, a verb stem before た/て): such a は is a
    syllable of laughter or a greeting that MeCab cut apart (わっはっは, おっはよ: was ワ), as it is in a breath
    sound (:func:`_breath_syllable`: ふはー, ぜーはー). Run
    before a stretch is put back, which looks for the letter's own kana (おっはー オッハー). Nor does
    the topic は follow が or を (がは, をは are no Japanese) or an attributive word: there it is the first
    syllable of a word in hiragana that OpenJTalk's dictionary does not hold so (なにがはいっているの:
    はいって, was ワイッテ; きれいなはな ワナ).

    A kanji word whose reading already ends in the kana of the suffix MeCab cut after it read
    that kana twice: 明日は晴れのち曇り is 晴 (a verb stem the dictionary reads ハレ) + れ (接尾 レ),
    ハレレ in pyopenjtalk too. The stem loses the kana its okurigana spells; so does a noun the
    dictionary also holds without its okurigana (飢え死 + に, :func:`_okurigana_of`).

    And a hiragana noun or adverb says its えい long where the word does (:func:`_long_ei`), unless
    ``long_ei`` is off: in a line of romaji, whose hiragana are romaji words MeCab may cut anywhere
    (reinkōto as れい|ん|こう|と: the れい of レインコート is no word said レー), the spelling decides.

    ``spaced``: the indices of words that follow a space the writer of a romaji line put there (achina
    は aa): a は before such a word is no first syllable of it, and stays the particle."""
    for f in features if long_ei else ():
        s = f["string"]
        if ("い" in s or "う" in s) and f["pos"] in _LONG_EI_POS and len(s) > 1 and _HIRAGANA.fullmatch(s):
            _long_ei(f)  # きれい キレー, ぼうかんしゃ ボーカンシャ
    for f in features:
        if f["pos"] in _LONG_OU_POS and _EI_OR_OU.search(f["pron"]) and _KANJI_IN.search(f["string"]):
            _long_ou(f)  # 救急車 キューキューシャ, 境内 ケーダイ
        elif _HISTORICAL_LETTERS.intersection(f["string"]) and _HIRAGANA.fullmatch(f["string"]):
            _as_written(f)  # しほ read シオ: the old spelling of 塩
        elif f["pos"] == "形容詞" and f.get("cform") == "連用ゴザイ接続":
            _u_onbin(f)  # 近う寄れ チコー (was チカウ), 高うございます タコー
    for i in range(1, len(features)):
        f = features[i]
        if (
            f["string"] == "は"
            and f["pron"] == "ワ"
            and (
                (
                    (i + 1 not in spaced or features[i - 1]["pron"].endswith("ッ"))
                    and _no_particle_after(features[i - 1], features[i + 1 :])
                )
                or _breath_syllable(features, i)
            )
        ):
            set_reading(f, "ハ")
        elif len(f["string"]) == 1 and "ぁ" <= f["string"] <= "ゖ":
            stem = features[i - 1]
            pron = clean_pron(stem["pron"])
            kana = to_katakana(f["string"])
            # an adjective's stem + さ is the noun of it, read in full: 面倒臭 (メンドークサ) + さ, めんどうくささ
            if (
                len(pron) > len(kana)
                and pron.endswith(kana)
                and _KANJI_END.search(stem["string"])
                and stem["pos"] != "形容詞"
            ):
                if f["pos_group1"] == "接尾" and _KANJI_WORD.fullmatch(stem["string"]):
                    set_reading(stem, pron[: -len(kana)])
                elif _okurigana_of(stem["string"], f["string"], pron):
                    _drop_okurigana(stem, pron, len(kana))
    return features


# An adjective's ウ音便, the form before ございます / 存じます and in period speech (高うございます, 近う寄れ,
# 苦しゅうない, 遅うなりました): the dictionary spells its pronunciation as written (タカウ, チカウ, オソウ), but
# the stem's last a turns with the う into a long o (タコー, チコー, ナゴー) and an o or u is simply long
# (オソー, サムー, クルシュー). 良う is ヨー (the dictionary gives イウ, as from いい).
_A_ROW_TO_O_ROW = dict(zip("アカガサザタダナハバパマヤラワャ", "オコゴソゾトドノホボポモヨロオョ", strict=True))
_SAID_YO = frozenset({"良う", "善う", "好う"})


def _u_onbin(f: dict) -> None:
    """Say an adjective's 連用ゴザイ接続 form ``f`` as it is said (in place); the mora count stays."""
    pron = clean_pron(f["pron"])
    if f["string"] in _SAID_YO:  # NJD has made its イウ ユー by now, as for 言う
        set_reading(f, "ヨー")
        return
    if len(pron) < 2 or not pron.endswith("ウ"):
        return
    last = pron[-2]
    if last in _A_ROW_TO_O_ROW:
        if not _KANJI_IN.search(f["string"]):
            return  # spelled in kana as said (たこう); MeCab's たかう is the letters of another word (たたかう)
        said = pron[:-2] + _A_ROW_TO_O_ROW[last] + "ー"
    elif last in _U_OR_O_ROW:
        said = pron[:-1] + "ー"
    else:
        return
    set_reading(f, said)


# ほ, ひ, ふ inside a word said お, い, う (or a long vowel): only in the historical kana spelling the
# dictionary also holds (しほ 塩 シオ, おほきい オーキイ), which modern text never uses for those words; a
# line in kana that MeCab cut into such a word (いしみずほしほし: みずほ + しほ) said ホ as オ.
_HISTORICAL_LETTERS = frozenset("ほひふ")
_HISTORICAL_SOUNDS = {"ホ": "オー", "ヒ": "イー", "フ": "ウー"}


def _as_written(f: dict) -> None:
    """A hiragana word's ほ / ひ / ふ said as written where its reading has the historical vowel."""
    written, pron = to_katakana(f["string"]), clean_pron(f["pron"])
    if len(written) != len(pron) or written == pron:
        return
    pairs = zip(written, pron, strict=True)
    said = "".join(w if p != w and p in _HISTORICAL_SOUNDS.get(w, "") else p for w, p in pairs)
    if said != pron:
        set_reading(f, said)


def _drop_okurigana(stem: dict, pron: str, n: int) -> None:
    """The noun's pronunciation without its last ``n`` kana (read again by the word after it). Its
    accent counts the accent phrase from its first mora (NJD wrote 8 for 飢え死 in ウエジニ|に|する|くらい),
    so a nucleus past the word moves back with the morae taken out, as the phrase got shorter."""
    size = int(stem["mora_size"])
    acc = int(stem["acc"])
    stem["pron"] = stem["read"] = pron[:-n]
    stem["mora_size"] = size - n
    if acc > size:
        stem["acc"] = acc - n


@lru_cache(maxsize=4096)
def _okurigana_of(stem: str, kana: str, pron: str) -> bool:
    """Whether ``kana`` after the noun ``stem`` is its okurigana: the dictionary holds the noun written
    without it but pronounced with it (飢え死 ウエジニ, of 飢え死に), and MeCab reads stem + kana as that
    one noun with the same pronunciation. 飢え死にする was cut 飢え死 + に (a particle) and read
    ウエジニニ; 兄に (アニ + に) is two words and keeps its に."""
    words = dictionary_words(stem + kana)
    return len(words) == 1 and words[0].pos == "名詞" and clean_pron(words[0].pron) == pron


_KANJI_CHARS = "\u3400-\u4dbf\u4e00-\u9fff々〆"
_KANJI_WORD = re.compile(f"[{_KANJI_CHARS}]+")
_KANJI_END = re.compile(f"[{_KANJI_CHARS}]$")


_ELEMENT_WORDS = frozenset({"属性", "魔法", "タイプ", "系", "耐性", "攻撃", "ダメージ"})


def _in_weekday_list(features: list[dict], i: int, weekdays: dict[str, _Row]) -> bool:
    """Whether word ``i`` is next to another single-kanji weekday, across one list mark; not in a list of a game's
    elements (火・水・木属性, 火・風属性: ヒ, ミズ, キ; the weekdays' カ, スイ, モク were read)."""
    end = i
    while (
        end + 2 < len(features)
        and features[end + 1]["string"] in _LIST_MARKS
        and features[end + 2]["string"] in weekdays
    ):
        end += 2
    if end + 1 < len(features) and features[end + 1]["string"] in _ELEMENT_WORDS:
        return False
    for j, k in ((i - 2, i - 1), (i + 2, i + 1)):
        if 0 <= j < len(features) and features[k]["string"] in _LIST_MARKS:
            other = features[j]
            if other["string"] in weekdays and other["pos"] == "名詞":
                return True
    return False

"""Pauses a reader makes where the writer put no comma: phrase-break prediction.

OpenJTalk (and plain ``pyopenjtalk.g2p``) pauses only at punctuation. A sentence written with
no comma at all is not read in one breath when it is long: read speech breaks it after the topic
(連邦政府の予算削減は、社会保障の…), after a subordinate clause (…通って、北海道まで…) or before
the verb phrase (…社会保障の給付に、影響が…).

**A learned model, fitted on where a reader paused.** Each accent-phrase boundary of a stretch
with no written pause gets a probability from a logistic regression over the words on either side
(the left word's part of speech and conjugation, or the particle itself, and the word before it;
the right word's part of speech, or the word itself when it opens a phrase), the sizes of the two
accent phrases, the stretch's shape (morae left and right of the boundary) and how far the
nearest predicate is on either side. It is fitted by ``benchmarks/fit_phrase_breaks.py`` on JSUT
basic5000 sentences analysed with their commas taken out and labelled by the reader's pauses
(the gold kana): in the first ~2,400 sentences those are the commas, after them mostly not.
Fitted on even ids only. The weights ship as ``data/phrase_breaks.json``.

**Decoding**: the most likely boundary of a stretch is taken when its probability passes
:data:`THRESHOLD`, then each side is looked at again as a stretch of its own. The model was fitted
on such sub-stretches too (every span between two of a sentence's pauses), so a side is scored the
way the fitting saw it.

**Sentences run together.** Game and chat lines often write two sentences with no mark between
them (誓いますそれが約束だから, 始まったばかりだぜ気合い入れていくぞ). A sentence-final particle after a
verb, adjective or auxiliary (よ, ね, ぞ, ぜ, わ, さ; not な or って: see
:func:`ends_unwritten_sentence`), a question か after a polite form (行きませんか), or a polite
ます / です in its plain form, followed by a word that
is not a particle or an auxiliary, ends a sentence there: it gets a pause at any length, rising
where a written 。 would have risen (行くぞ？; textfront/questions.py), and each side is a sentence
of its own for what follows. (No JSUT sentence has one: they are single sentences; the rule is
there for script text.)

**Where it looks.** A sentence (text between 。！？, an unwritten sentence end or the line's ends)
with no pause of its own (no 、, bracket, quote or other mark OpenJTalk reads as a pause) is
looked at from :data:`BREATH_MORAE` morae; in a sentence the writer gave pauses, each stretch
between them from :data:`STRETCH_MORAE`. Why both: text written for reading is not written with
a comma at every pause. JSUT shows it: up to BASIC5000_2395 its commas stand exactly where the
reader paused (1.2 commas and 1.2 pauses a sentence, 非、暴力 included: pauses written down), from
2396 on it has 0.35 commas a sentence and she still pauses 1.5 times a sentence. In such text
(and in script text) a long stretch between two commas holds pauses nobody wrote; in the
pause-annotated part it holds none by construction, which the benchmark shows as a cost there
(``bench_textfront.py``'s ``unwritten pauses`` rows measure both; benchmarks/RESULTS.md,
2026-12-06).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache

from tsukasa.pipelines.textfront.labels import makes_pause
from tsukasa.pipelines.textfront.questions import QUOTING_PARTICLES, rises_at_end
from tsukasa.pipelines.textfront.resources import data_path

MODEL_FILE = "phrase_breaks.json"
# A wrong pause and a missed one cost one phoneme error each, so 0.5 would be the bar for one
# boundary; but a stretch is cut at its likeliest boundary only, and a reader who pauses somewhere
# in it may pause at any of several close candidates. On JSUT's even ids with every comma taken out
# (the unwritten-pause task itself: 1,183 sentences, ~1,400 pauses) 0.45 makes fewer errors than 0.5
# (misses fall more than wrong pauses rise; benchmarks/RESULTS.md, 2026-12-06).
THRESHOLD = 0.45
# A line with words converted from Latin letters (romaji, English) is analysed from their kana, where
# MeCab's words are less certain (katte ni 勝手に read か|って|に, gokai ゴカイ 沙蚕), and a wrong word
# misleads the model: on the even ids' romaji lines with the commas taken out it missed 392 and added
# 357 pauses where the Japanese text missed 297 and added 255. Such a line takes a break on stronger
# evidence: PER against the Japanese text +0.38 / +0.32 / +0.30 / +0.29 points at 0.45 / 0.5 / 0.55 /
# 0.6, mixed lines +0.13 / +0.08 / +0.10 / +0.10 (RESULTS, 2026-12-06).
LATIN_THRESHOLD = 0.55
# A comma-less sentence shorter than this is said in one breath (most game lines are): the model,
# fitted on read prose, would break some 13-mora lines (ベティーガ、パーティーニキタ). Set from the same
# comma-less even ids: 16 makes fewer errors than 20 (read speech breaks 16-19 mora sentences after
# a topic: キューコーワ、ロクジニ…), and nothing changes below 16 (the model breaks no shorter one).
BREATH_MORAE = 16
# A stretch beside a written pause is looked at from this length: shorter stretches between commas
# are already the writer's phrasing. Set on JSUT's even ids, the comma-annotated part with a quarter
# of its commas kept (as many as the comma-sparse block has): 30 gets two thirds of 25's gain there
# for a quarter of the pauses 25 adds where the annotated text has none (RESULTS, 2026-12-06).
STRETCH_MORAE = 30
# A writer who marked this many pauses or more in one sentence wrote its phrasing: no break is looked for
# between them. Set on the even ids (2026-12-07): from 3 pauses the comma-annotated block loses 3 of its 44
# added pauses and nothing else moves (the comma-sparse block, the commas-removed and quarter-kept rows); from
# 2 it also misses pauses in the sparse block (24 → 27) and the quarter-kept text (340 → 345).
WRITTEN_PHRASING = 3

_SENTENCE_ENDS = frozenset("。．！？!?")


def _morae(words: list[dict]) -> int:
    return sum(int(f["mora_size"]) for f in words)


_INFLECTING = frozenset({"動詞", "形容詞", "助動詞"})


def _left_category(f: dict) -> str:
    """What a break after this word depends on: a particle by name (は, て, ので), an inflecting
    word by its conjugated form (連用形 continues a clause, 基本形 often modifies a noun)."""
    pos = f["pos"]
    if pos == "助詞":
        return f"P:{f['pos_group1']}:{f['string']}"
    if pos in _INFLECTING:
        return f"{pos}:{f['cform']}"
    if pos == "名詞":
        return f"N:{f['pos_group1']}"
    return pos


def _right_category(f: dict) -> str:
    return f"N:{f['pos_group1']}" if f["pos"] == "名詞" else f["pos"]


# Words that open a phrase of their own when they follow a boundary: adverbs (もはや, 急に),
# conjunctions, adnominals (その, あの) and pronouns (それ, 彼). Named one by one: which of them a
# reader pauses before differs word by word (…、それを / 彼が、…).
_OPENING_POS = frozenset({"副詞", "接続詞", "連体詞", "感動詞"})


def _phrase_morae(words: list[dict], j: int) -> tuple[int, int]:
    """Morae of the accent phrase ending before ``words[j]`` and of the one starting at it."""
    a = j - 1
    while a > 0 and words[a]["chain_flag"] == 1:
        a -= 1
    b = j + 1
    while b < len(words) and words[b]["chain_flag"] == 1:
        b += 1
    return _morae(words[a:j]), _morae(words[j:b])


def _to_predicate(words: list[dict], j: int, step: int) -> tuple[int, bool]:
    """Morae from the boundary before ``words[j]`` to the nearest predicate (verb, adjective or
    auxiliary) going right (``step`` 1, from ``words[j]``) or left (-1, from ``words[j - 1]``), and
    whether there was none. A stand-in for the parse OpenJTalk does not give: a long run of
    arguments before their verb (…社会保障の給付に|影響が及ぶ) is where a reader breaks, right after a
    clause ends is another."""
    k, morae = (j, 0) if step > 0 else (j - 1, 0)
    while 0 <= k < len(words) and words[k]["pos"] not in _INFLECTING:
        morae += int(words[k]["mora_size"])
        k += step
    return morae, not 0 <= k < len(words)


def boundary_features(words: list[dict], j: int, left: int, right: int) -> dict[str, float]:
    """Features of a break before ``words[j]`` in a stretch with ``left`` / ``right`` morae either
    side (the one definition for fitting and for prediction).

    Besides the two words at the boundary and the stretch's shape: the word before the left one
    with it (a particle's weight depends on what it follows: で|は "in … (topic)", ので, て|いる), the
    sizes of the two accent phrases at the boundary (a pause comes more readily before a long
    phrase than a short one), the right word by name when it opens a phrase of its own, and the
    morae to the nearest predicate either side (:func:`_to_predicate`)."""
    cat = _left_category(words[j - 1])
    span = math.log(left + right + 1)
    before, after = _phrase_morae(words, j)
    to_right, none_right = _to_predicate(words, j, 1)
    to_left, none_left = _to_predicate(words, j, -1)
    out = {
        "bias": 1.0,
        f"L={cat}": 1.0,
        f"L={cat}*ln": span - 3.0,  # how much more this word invites a break as the stretch grows
        f"R={_right_category(words[j])}": 1.0,
        "la": math.log(left + 1),
        "lb": math.log(right + 1),
        "ln": span,
        "a<3": float(left < 3),
        "a<6": float(left < 6),
        "b<3": float(right < 3),
        "b<6": float(right < 6),
        "pla": math.log(before + 1),
        "plb": math.log(after + 1),
        "p2r": math.log(to_right + 1),
        "p2r_none": float(none_right),
        "p2l": math.log(to_left + 1),
        "p2l_none": float(none_left),
        # how much more this word invites a break the further its predicate is and the more has been
        # said before it (after を with the verb next: no; after a topic は with a long clause ahead: yes)
        f"L={cat}*p2r": math.log(to_right + 1) - 2.0,
        f"L={cat}*la": math.log(left + 1) - 2.5,
    }
    if j >= 2:
        out[f"L2={_left_category(words[j - 2])}|{cat}"] = 1.0
    r = words[j]
    if r["pos"] in _OPENING_POS or r["pos_group1"] == "代名詞":
        out[f"RW={r['string']}"] = 1.0
    return out


def candidates(words: list[dict]) -> Iterator[tuple[int, int, int]]:
    """``(j, left, right)`` for each accent-phrase boundary inside a stretch: a break goes between
    accent phrases (never inside a chained one), between two words that are spoken, and never
    before a particle: it belongs to the word before it, and the fitting saw no such boundary (its
    weight would be 0, i.e. no evidence against a break); nor inside a quantity (:func:`_inside_quantity`)
    or a spelled-out address.
    A word OpenJTalk misreads can still draw a break: 特別なはからいが is analysed はからい (a verb) |
    が (a conjunction), and breaks there."""
    morae = [int(f["mora_size"]) for f in words]
    total, left = sum(morae), 0
    for j in range(1, len(words)):
        left += morae[j - 1]
        if words[j]["chain_flag"] != 1 and morae[j - 1] and morae[j] and words[j]["pos"] != "助詞":
            if (
                not _inside_quantity(words, j)
                and not _counted_compound(words, j)
                and not _bound_to_the_word_before(words, j)
                and not words[j]["string"].startswith(_ADDRESS_JOINS)
            ):
                yield j, left, total - left


# The words normalize.read_addresses joins an address's parts with (info@example.jp インフォ|アット
# エグザンプル…): an address is said in one go, and the model, which never saw one, broke before アット.
_ADDRESS_JOINS = ("アット", "ドット", "スラッシュ")


def _inside_quantity(words: list[dict], j: int) -> bool:
    """Whether the number ``words[j]`` goes on a quantity: after a counted number (3時|15分, 2年|3か月,
    1メートル|58センチ, 1分|23秒, 12月|25日), a range's から after a number (2020年から|2021年, 3時から|5時)
    or a word that opens a quantity (午後|3時, 約|5キロ):
    said without a break (the model, which learnt that a reader may pause after 〜年 or 〜時 before a
    clause, broke them: ゴゴサンジ、ジューゴフン; 12月25日 ジューニガツ、ニジューゴニチ)."""
    after = words[j]
    if not _number_word(after):
        return False
    before = words[j - 1]
    if before["string"] in _BEFORE_A_NUMBER or before["string"].endswith(_SIGNS):
        return True  # a sign may be the end of a katakana word MeCab made (エーティーケープラス for ATK+)
    if before["pos"] == "助詞" and before["string"] == "から" and j >= 2:
        before = words[j - 2]
    return _number_word(before) or (before["pos"] == "名詞" and before["pos_group2"] == "助数詞")


def _bound_to_the_word_before(words: list[dict], j: int) -> bool:
    """Whether ``words[j]`` is said with the word before it, with no break between: a noun after an
    adjective that modifies it (若き|騎士: the model broke ワカキ、キシ, the attributive from its noun), a count's 数
    after a noun (登録者|数), or
    ない after a formal noun (諦めること|なく, 知る由もない's はず|ない: was コト、ナク)."""
    before, after = words[j - 1], words[j]
    if after["string"] == "数" and before["pos"] == "名詞":
        return True  # a count's 数 (登録者|数 100万人: MeCab's numeral "several", and a break made it 数百万)
    if before["pos"] == "形容詞" and before["cform"] in ("体言接続", "基本形") and after["pos"] == "名詞":
        return after["pos_group1"] in ("一般", "固有名詞", "サ変接続", "形容動詞語幹")
    return after["pos"] == "形容詞" and after["orig"] == "ない" and before["pos_group1"] == "非自立"


def _counted_compound(words: list[dict], j: int) -> bool:
    """Whether ``words[j]`` is a noun that a quantity before it makes a compound with (24時間|営業, 50メートル|走,
    100円|ショップ, 3分|クッキング): one word said in one go (the model broke 24時間営業 as ニジューヨジカン、
    エーギョー). A quantity before anything else (3年前、東京で; 3時間、待った) may still break."""
    after = words[j]
    if after["pos"] != "名詞" or after["pos_group1"] not in ("一般", "サ変接続") or after["string"] in _SIGN_WORDS:
        return False  # x の 2乗 | プラス y の 2乗: a sign opens the next term
    before = words[j - 1]
    if before["pos_group1"] == "接尾" and before["pos_group2"] != "助数詞" and j >= 2:
        before = words[j - 2]  # 時 + 間
    return before["pos"] == "名詞" and before["pos_group2"] == "助数詞"


def _number_word(f: dict) -> bool:
    """A numeral (数), a number with its calendar counter (１２月) or a numeral the dictionary files
    elsewhere (二十)."""
    s = f["string"]
    return f["pos"] == "名詞" and (f["pos_group1"] == "数" or bool(_DATE_WORD.fullmatch(s) or _NUMERAL.fullmatch(s)))


# Words that open the quantity they stand before (午後|3時, 約|5キロ, 西暦|2020年, a sign: マイナス|5度,
# ATK プラス|10パーセント): no break after them (the model learnt that a reader may pause between a short
# time word and a number, ここ、6か月で; ATK+10% was エーティーケープラス、ジュッパーセント).
_BEFORE_A_NUMBER = frozenset(
    {"午前", "午後", "約", "およそ", "西暦", "紀元前", "紀元後", "毎分", "毎秒", "時速", "秒速"}
)
_SIGNS = ("プラス", "マイナス")
_SIGN_WORDS = frozenset({"プラス", "マイナス", "プラスマイナス", "かける", "わる", "イコール"})
# A number and its calendar counter that the dictionary holds as one word (１２月, 七日, 三日: not 数
# + 助数詞 as 3時 is), so a date's parts are recognised as a quantity's.
_DATE_WORD = re.compile("[0-9０-９〇一二三四五六七八九十]+[年月日]")
# A numeral the dictionary holds as a noun of another group: the 二十 of 二十四日 (二十 + 四日, both
# 副詞可能, where 二十五日 is 二 + 十 + 五 + 日): 12月24日 had a break before and inside the day.
_NUMERAL = re.compile("[0-9０-９〇一二三四五六七八九十百千万]+")


def join_exclaimed_quotes(features: list[dict]) -> list[dict]:
    """An exclamation mark right before a quoting と / って is no sentence end: a narration's sound
    (ドンッ！と机を叩いた, バタン！とドアが閉まった) or a shout it quotes (行くぞ！って言った) runs on into
    its sentence, where the mark had made a pause and a phrase of と alone (ドンッ、ト # ツクエ). The
    mark is dropped and the particle joins the word before, as a closing quote before a particle
    already runs on (「待って」って言った; frontend._CLOSE_BEFORE_KANA), so 「ちょっと！」と彼女は叫んだ does
    too. A ？ stays (本当？と聞いた: a rise to keep)."""
    out: list[dict] = []
    for i, f in enumerate(features):
        if f["string"] in ("！", "!") and out and out[-1]["pos"] != "記号":
            k = i + 1
            while k < len(features) and features[k]["string"] in ("！", "!"):
                k += 1
            nxt = features[k] if k < len(features) else None
            if nxt is not None and nxt["pos"] == "助詞" and nxt["string"] in QUOTING_PARTICLES:
                nxt["chain_flag"] = 1
                continue
        out.append(f)
    return out


def sentences(features: list[dict]) -> list[list[dict]]:
    """The features cut after each sentence end (the end stays with its sentence)."""
    out: list[list[dict]] = [[]]
    for f in features:
        out[-1].append(f)
        if f["string"] in _SENTENCE_ENDS:
            out.append([])
    return [s for s in out if s]


_POLITE_ENDS = frozenset({"ます", "です"})
_POLITE_QUESTION_BEFORE = frozenset({"ます", "です", "ん"})
# Final particles that end a sentence after a verb, adjective or auxiliary (行くぞ, 食べたね, だよ).
# Not な: after a kana or romaji word OpenJTalk takes the adjectival な (げんかくな父親) for the
# prohibitive one; not って (it quotes: 〜って聞いた).
_FINAL_PARTICLES = frozenset({"よ", "ね", "ねえ", "ぞ", "ぜ", "わ", "さ", "かしら", "っけ"})
_ATTACHED = frozenset({"助詞", "助動詞", "記号"})


def _kanji_word(f: dict) -> bool:
    """A word written with a kanji (気, 手: one mora, still a word; a one-mora kana piece after a
    final particle is more often a scrap of a misread kana or romaji stretch: ね|い, ぜ|つ)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in f["string"])


def ends_unwritten_sentence(prev: dict | None, f: dict, nxt: dict) -> bool:
    """Whether a sentence ends after ``f`` (``prev`` is the word before it) though no mark says so: a final
    particle after a verb, adjective or auxiliary (or another final particle, よね, the nominal の, のよ,
    a te-form request, 待ってよ, or a na-adjective's stem, 大丈夫よ), a question か after a polite form, or a
    polite ます / です in its plain form (also a set phrase that ends in one: ありがとうございます, an
    interjection to OpenJTalk), followed by a word that starts something new: not a particle, an
    auxiliary, a mark, a dependent noun (よう in ますように), a one-mora kana scrap (ねえねえ is cut ねえ|ね|え; 気,
    手 are words), よう, or a word in f's accent phrase. Kana and romaji text is where OpenJTalk
    misreads most (rokotsu ni iya na kao: な taken as the final particle), hence the short list and
    the word before."""
    if nxt["pos"] in _ATTACHED or (nxt["pos"] == "名詞" and nxt["pos_group1"] in ("非自立", "接尾")):
        return False
    if nxt["chain_flag"] == 1 or nxt["pron"].startswith("ー"):
        # in f's accent phrase, or going on with its last mora: a piece of the same word (the romaji
        # さあびす cut さ|あび|す, read サ|ービ|ス, lost a pause inside it: サ、ービス)
        return False
    if nxt["string"].startswith("よう") or (int(nxt["mora_size"]) < 2 and not _kanji_word(nxt)):
        return False
    if f["pos"] == "助詞" and f["string"] == "か" and "終助詞" in f["pos_group1"]:
        # か is also "some" (何か) and "whether" (行くか行かないか): a question only after a polite
        # form or a negative ん (行きませんか, 来ますか, 行かんか)
        return prev is not None and prev["pos"] == "助動詞" and prev["string"] in _POLITE_QUESTION_BEFORE
    if f["pos"] == "助詞":
        if f["pos_group1"] != "終助詞" or f["string"] not in _FINAL_PARTICLES or prev is None:
            return False
        if prev["pos"] == "助詞":  # よね, or a request in the te-form (待ってよ, 来てね); no other particle
            te_form = prev["pos_group1"] == "接続助詞" and prev["string"] in ("て", "で")
            return prev["pos_group1"] == "終助詞" or te_form
        # after a verb, adjective or auxiliary; the nominal の (行くのよ); or a na-adjective's stem,
        # the copula left out as women's and casual speech does (大丈夫よ, 素敵ね, 静かね)
        return prev["pos"] in _INFLECTING or prev["string"] == "の" or prev["pos_group1"] == "形容動詞語幹"
    if f["pos"] == "感動詞":
        if f["string"] in _UTTERANCE_INTERJECTIONS and (prev is None or prev["pos"] == "感動詞"):
            # はい|そうです, ねえねえ|このケーキ (after the last ねえ); おはよう + ございます is one greeting
            return nxt["pos"] != "感動詞" and not nxt["string"].startswith("ござい")
        return f["string"].endswith(tuple(_POLITE_ENDS))
    return f["pos"] == "助動詞" and f["string"] in _POLITE_ENDS and f["cform"] == "基本形"


# Interjections that are an utterance of their own at the start of a line: an answer, a greeting,
# thanks, an apology, a call (はいそうです, うん分かった, ごめん遅れた, おはよう今日も…, ねえねえこの…: game
# and chat lines run them into the next sentence; a reader pauses after them). Not an exclamation
# that leads into what follows (まぁかわいい, さあ行こう, ほら見て: JSUT's reader said まぁかわいい in one
# breath), nor ただいま, also "just now" (ただいま出入り口を開けております).
_UTTERANCE_INTERJECTIONS = frozenset(
    {"はい", "いいえ", "うん", "ええ", "ありがとう", "ごめん", "ごめんなさい", "すみません", "おはよう",
     "こんにちは", "こんばんは", "もしもし", "ねえ", "やあ", "さようなら", "おやすみ"}
)  # fmt: skip


def _run_on_sentences(sentence: list[dict]) -> list[list[dict]]:
    """A sentence cut after each unwritten sentence end (the pause that closes a part is added
    when the parts are joined)."""
    parts: list[list[dict]] = [[]]
    for i, f in enumerate(sentence):
        parts[-1].append(f)
        if (
            f["pos"] in _MAY_END  # cheap first: most words cannot end a sentence
            and i + 1 < len(sentence)
            and ends_unwritten_sentence(sentence[i - 1] if i else None, f, sentence[i + 1])
        ):
            parts.append([])
    return parts


_MAY_END = frozenset({"助詞", "助動詞", "感動詞"})  # the parts of speech ends_unwritten_sentence accepts


def spoken_words(sentence: list[dict]) -> list[dict] | None:
    """The words of a sentence with no pause of its own (its end mark left out); None when the
    writer marked a pause in it."""
    words = [f for f in sentence if f["string"] not in _SENTENCE_ENDS]
    return None if any(makes_pause(f) for f in words) else words


def stretches(sentence: list[dict]) -> list[tuple[list[dict], int]]:
    """The spoken words of a sentence (its end mark left out) cut at the pauses the writer marked,
    each with the morae from which a break inside it is looked for (:data:`BREATH_MORAE` for a
    sentence with no such pause, :data:`STRETCH_MORAE` for a stretch beside one); none where the writer
    marked :data:`WRITTEN_PHRASING` pauses or more."""
    out: list[list[dict]] = [[]]
    for f in sentence:
        if f["string"] in _SENTENCE_ENDS:
            continue
        if makes_pause(f):
            out.append([])
        else:
            out[-1].append(f)
    spoken = [words for words in out if words]
    if len(spoken) > WRITTEN_PHRASING:
        return []  # the writer's phrasing (three pauses or more)
    floor = BREATH_MORAE if len(out) == 1 else STRETCH_MORAE
    return [(words, floor) for words in spoken]


@cache
def model() -> dict[str, float]:
    """The fitted weights (feature name → weight); loaded once."""
    with open(data_path(MODEL_FILE), encoding="utf-8") as fh:
        return json.load(fh)["weights"]


def model_version() -> str:
    """A short hash of the shipped weights (what a stage's fingerprint records)."""
    import hashlib

    return hashlib.sha256(data_path(MODEL_FILE).read_bytes()).hexdigest()[:16]


def break_probability(features: dict[str, float], weights: dict[str, float] | None = None) -> float:
    w = model() if weights is None else weights
    z = sum(w.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def breaks(
    words: list[dict],
    lo: int = 0,
    hi: int | None = None,
    weights: dict[str, float] | None = None,
    threshold: float | None = None,
) -> list[int]:
    """Indices (into ``words``) of the words a pause goes before, within ``words[lo:hi]``: the
    likeliest boundary if it passes ``threshold`` (default :data:`THRESHOLD`), then each side on its
    own."""
    hi = len(words) if hi is None else hi
    bar = THRESHOLD if threshold is None else threshold
    stretch = words[lo:hi]
    best_p, best_j = bar, None
    for j, left, right in candidates(stretch):
        p = break_probability(boundary_features(stretch, j, left, right), weights)
        if p > best_p:
            best_p, best_j = p, j
    if best_j is None:
        return []
    cut = lo + best_j
    return [*breaks(words, lo, cut, weights, bar), cut, *breaks(words, cut, hi, weights, bar)]


def _pause_node(mark: str = "、") -> dict:
    """A 、 (or ？) node as OpenJTalk's own analysis has one (JPCommon and our label rules pause at
    it; ？ also makes the phrase before it interrogative)."""
    return {
        "string": mark, "pos": "記号", "pos_group1": "読点" if mark == "、" else "一般", "pos_group2": "*",
        "pos_group3": "*", "ctype": "*", "cform": "*", "orig": mark, "read": mark, "pron": mark, "acc": 0,
        "mora_size": 0, "chain_rule": "*", "chain_flag": 0,
    }  # fmt: skip


def insert_phrase_breaks(features: list[dict], *, from_latin: bool = False) -> list[dict]:
    """``features`` with a pause node where a sentence ends unwritten and where a reader breaks a
    long stretch the writer gave no pause (the same list when there is none: most short lines).
    ``from_latin``: words of the line were converted from Latin letters (romaji, English) and are
    analysed from kana, so a break needs :data:`LATIN_THRESHOLD`."""
    bar = LATIN_THRESHOLD if from_latin else THRESHOLD
    marks: dict[int, str] = {}  # id(word) -> the pause mark that goes before it
    for sentence in sentences(features):
        parts = _run_on_sentences(sentence)
        for n, part in enumerate(parts):
            if n:  # an unwritten sentence end before this part: a pause, rising as a written one would
                rises = rises_at_end("".join(f["string"] for f in parts[n - 1]))
                marks[id(part[0])] = "？" if rises else "、"
            if _morae(part) < BREATH_MORAE:
                continue  # no stretch in it can be long enough
            for words, floor in stretches(part):
                if _morae(words) >= floor:
                    for j in breaks(words, threshold=bar):
                        marks[id(words[j])] = "、"
    if not marks:
        return features
    out: list[dict] = []
    for f in features:
        mark = marks.get(id(f))
        if mark is not None:
            out.append(_pause_node(mark))
        out.append(f)
    return out

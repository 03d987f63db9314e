"""Latin text inside (or instead of) Japanese: romaji, English loanwords, letter names.

A run of Latin words (with the spaces and ASCII punctuation between them) is a *span*.
Each span is read in one of two modes:

* **romaji** when most of its words parse as romaji (:mod:`.romaji`): every word becomes
  hiragana (inside Japanese text, katakana when the dictionary holds it so: reberu → レベル),
  the particles ``wa``/``ha``, ``e``/``he``, ``o``/``wo`` written alone become は/へ/を (so
  OpenJTalk reads them as particles: ワ, エ, オ), and words that are not romaji fall back to
  the English rules;
* **English** otherwise: a word found in the loanword table gets its katakana, an
  all-capital short word is an acronym (letter names), any other word that is pronounceable
  gets katakana from e2k's character model (:mod:`.english`: weather → ウェザー), and what is
  not (xyzzy, nhk) is spelled with letter names. ``english="letters"`` turns the model off.

The converted text is joined back into the sentence, and the *whole* sentence is then read
by OpenJTalk, so accents and particle readings come from the full context. Romaji words are
kept apart by spaces (MeCab takes a space as a word boundary and drops it), so OpenJTalk
cannot glue a particle into a word (かれ は, not 枯れ葉 かれは), and each romaji word's spelled
pronunciation is returned beside the text for :func:`.readings.force_readings`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from tsukasa.pipelines.textfront import kana_kanji
from tsukasa.pipelines.textfront.kana_kanji import kanji_spelling
from tsukasa.pipelines.textfront.readings import (
    SpelledReading,
    english_numeral,
    is_hiragana,
    letter_names,
    make_mid_clause_particle,
    mora_count,
    to_katakana,
)
from tsukasa.pipelines.textfront.resources import dictionary_words, read_table, unidic_words
from tsukasa.pipelines.textfront.romaji import doubled_spelling, romaji_to_hiragana, spelled_words, uses_hepburn

_LETTERS = "A-Za-zĀāĒēĪīŌōŪūÂâÊêÎîÔôÛû"
_WORD = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*")
_SPAN = re.compile(rf"[{_LETTERS}][{_LETTERS}'’\-]*(?:[\s,.!?;:\"]+[{_LETTERS}][{_LETTERS}'’\-]*)*[.,!?]?")
_JAPANESE = re.compile("[\u3041-\u30ff\u3400-\u9fff]")  # kana and kanji
_PARTICLES = {"wa": "は", "ha": "は", "e": "へ", "he": "へ", "o": "を", "wo": "を"}
_PARTICLE_PRON = {"は": "ワ", "へ": "エ", "を": "ヲ"}  # as OpenJTalk spells the particles
EnglishMode = Literal["model", "letters"]
_PUNCT = {",": "、", ".": "。", "!": "！", "?": "？", ";": "、", ":": "、", '"': ""}


@lru_cache(maxsize=1)
def acronyms() -> dict[str, str]:
    """Capital acronyms read as letters although their lower case is a table word (AM, IT)."""
    return {w: k for w, k in read_table("acronyms.tsv")}


@lru_cache(maxsize=1)
def loanwords() -> dict[str, str]:
    return {w: k for w, k in read_table("loanwords.tsv")}


@lru_cache(maxsize=1)
def function_words() -> dict[str, str]:
    """English closed-class words (the, to, what, let's) → katakana (data/function_words.tsv)."""
    return {w: k for w, k in read_table("function_words.tsv")}


@lru_cache(maxsize=1)
def letter_name_prons() -> frozenset[str]:
    """The letters' names in katakana (エー, ビー … ゼット)."""
    return frozenset(letter_names().values())


def spell_letters(word: str) -> str:
    names = letter_names()
    return "".join(names.get(c.lower(), "") for c in word if c.isascii() and c.isalpha())


@lru_cache(maxsize=1)
def _letter_run() -> re.Pattern[str]:
    """A pronunciation made of letter names only, the last one captured (エム|ピー: ピー)."""
    names = "|".join(sorted(letter_name_prons(), key=len, reverse=True))
    return re.compile(f"(?:{names})*({names})")


_LETTER_POS = frozenset({"名詞", "感動詞", "記号", "副詞"})
_ATTACHED_POS = frozenset({"助詞", "助動詞", "記号"})  # words that follow a noun inside its phrase


def join_letter_names(features: list[dict]) -> list[dict]:
    """``features`` with each acronym spelled in katakana made one noun with an acronym's accent.

    An acronym the normaliser spelled (MP エムピー, MMO, VR) is cut by MeCab where its dictionary holds a
    piece as a word (エム a name, オー an interjection, ブイ): each piece was an accent phrase of its own
    (MMO: エ]ム # エ]ム # オ]ー) and the phrase-break model read a name there (HPとMP paused after と). A run
    of two or more words that only say letter names, one of them a noun, is joined; and the joined
    word, like one that MeCab kept whole but does not know (ディーイーエフ, エヌピーシー: OpenJTalk's default
    accent for unknown words), takes the accent OpenJTalk's dictionary gives the acronyms it holds (ＣＤ
    シーディ]ー, ＤＶＤ, ＮＰＣ エヌピーシ]ー: 18 of its 19 two- and three-letter ones): the nucleus on the first
    mora of the last letter's name. A dictionary word (オーケー, ピー alone) keeps its own accent."""
    run_re = _letter_run()
    out: list[dict] = []
    i, n = 0, len(features)
    while i < n:
        j = i
        while j < n and features[j]["pos"] in _LETTER_POS and run_re.fullmatch(features[j]["pron"].replace("’", "")):
            j += 1
        run = features[i:j]
        if len(run) == 1 and unknown_noun(run[0]):
            word = dict(run[0])  # one word MeCab kept whole but does not know: the acronym's accent
        elif len(run) >= 2 and any(f["pos"] == "名詞" for f in run):
            word = _joined(run)
        else:
            out.extend(features[i : max(j, i + 1)])
            i = max(j, i + 1)
            continue
        last = run_re.fullmatch(word["pron"].replace("’", ""))
        after = features[j] if j < n else None
        compound = after is not None and after["chain_flag"] == 1 and after["pos"] not in _ATTACHED_POS
        if last is not None and mora_count(last.group(1)) < word["mora_size"] and not compound:
            # (the head of a compound, UR確定, keeps the compound's accent NJD gave it)
            word["acc"] = word["mora_size"] - mora_count(last.group(1)) + 1
        out.append(word)
        if len(run) >= 2 and j < n:
            if features[j]["pos"] in ("助詞", "助動詞"):
                features[j]["chain_flag"] = 1  # MMOが: NJD began a phrase at が after the interjection オー
            else:
                make_mid_clause_particle(features[j], word)  # このMPじゃ: じゃ read as the conjunction "well"
        i = j
    return out


def unknown_noun(f: dict) -> bool:
    """Whether NJD word ``f`` is a noun OpenJTalk's dictionary does not hold (MeCab's unknown katakana:
    a common noun with no chaining rule)."""
    return f["chain_rule"] == "*" and f["pos"] == "名詞" and f["pos_group1"] == "一般"


def _joined(run: list[dict]) -> dict:
    """The words of ``run`` as one common noun: their letters and pronunciations joined."""
    word = dict(run[0])
    word["string"] = word["orig"] = "".join(f["string"] for f in run)
    word["pron"] = word["read"] = "".join(f["pron"] for f in run)
    word["pos"], word["pos_group1"], word["pos_group2"], word["pos_group3"] = "名詞", "一般", "*", "*"
    word["ctype"] = word["cform"] = "*"
    word["mora_size"] = mora_count(word["pron"])
    return word


def english_word(word: str, english: EnglishMode = "model") -> str:
    """Katakana for a non-romaji Latin word: the loanword table, else (not for an acronym)
    e2k's transliteration of a pronounceable word, else letter names."""
    core = word.strip("'’-")
    if len(core) == 1 and core.isupper() and core != "I":
        return spell_letters(core)  # a capital letter alone is a letter (A君 エー, プランB), not the article
    hit = _table_word(core)
    if hit is not None:
        return hit
    if "-" in core and english == "model":
        # A hyphenated word the tables do not hold is read part by part (game-over ゲームオーバー,
        # T-shirt ティーシャツ, x-ray エックスレイ): e2k's model knows single words, and spelled the
        # whole as one (ガメオーバー, サート). Only when every part is a word or a single letter: a
        # prefix (co-op, re-entry) is no word of its own, and the whole reads better.
        parts = [_part_reading(part) for part in core.split("-") if part]
        if all(parts):
            return "".join(p for p in parts if p)
    if english == "model" and (not _is_acronym(core) or _word_in_capitals(core)):
        from tsukasa.pipelines.textfront.english import transliterate

        guess = transliterate(core)
        if guess is not None:
            return guess
    return spell_letters(core)


def _part_reading(part: str) -> str | None:
    """Katakana for one part of a hyphenated English word: a letter's name, a table entry or e2k's
    transliteration; None when the part is none of them."""
    if len(part) == 1:
        return spell_letters(part)
    hit = _table_word(part)
    if hit is not None:
        return hit
    from tsukasa.pipelines.textfront.english import transliterate

    return transliterate(part)


def _table_word(word: str) -> str | None:
    """The tables' katakana for ``word``: an acronym as capitalised, a loanword or function word in
    any case."""
    lower = word.lower().replace("’", "'")
    return acronyms().get(word) or loanwords().get(lower) or function_words().get(lower)


# Letters no standard romanisation writes (the parser still reads them, as wapuro and fan text
# do: Luna, la): a word with one is English evidence, not romaji evidence.
_NOT_HEPBURN = re.compile("[lLvV]")


def _english_evidence(word: str, in_japanese: bool = False) -> bool:
    """Whether ``word`` speaks for its line being English: a word of the loanword table, the pronoun
    I, a word with a letter romaji does not use (like, love, never), or, inside Japanese text, the
    source of a loanword UniDic knows (home run: home was read ほめ, the line's two romaji-looking words
    made it romaji). Only inside Japanese text: that test runs e2k's model on the word (a few ms
    each), which a line of romaji would pay for every new word it holds (800 romaji lines: 1.0 s →
    6.9 s the first time), and a romaji line is weighed by its own words."""
    return (
        word == "I"
        or word.lower() in loanwords()
        or _NOT_HEPBURN.search(word) is not None
        or (in_japanese and _established_loanword(word))
    )


def _romaji_evidence(
    word: str, reading: str | None, prefer_romaji: bool, single: bool, in_japanese: bool = False
) -> bool:
    """Whether ``word`` counts towards reading its span as romaji.

    A word the loanword table holds (you, love, game, time) or the pronoun "I" is English even
    where its letters also spell romaji (よう, ろゔぇ, がめ, ちめ): "I love you" and "Game over" are
    English lines. An English function word that spells romaji too (to と, go ご, no の, are あれ)
    says nothing either way ("Let's go" is English, "kimi no na wa" romaji), except alone in
    Japanese text, where it stays romaji as before — unless it is capitalised: romaji written into
    Japanese text writes its particles in lower case, and Yes/Noで答えて read No as の. In a plainly
    romaji line (``prefer_romaji``: two or more romaji words outside the table) every word that
    parses counts as romaji. Inside Japanese text the source of a loanword UniDic knows is English
    too (:func:`_english_evidence`).
    """
    if reading is None:
        return False
    if prefer_romaji:
        return True
    if _NOT_HEPBURN.search(word) is not None:
        return False  # like, never: Hepburn, Kunrei and Nihon-shiki write no l or v
    lower = word.lower()
    if lower in loanwords() or word == "I" or (in_japanese and _established_loanword(word)):
        return False
    return (single and not word[:1].isupper()) or lower not in function_words()


def _shouted_english(words: list[str]) -> bool:
    """Whether ``words`` are an English phrase in capitals (I AM A HERO, PRESS START BUTTON):
    two or more words, all capitals, at least one of them a table word. Title screens and
    shouted lines are written so; their words are words, not acronyms to spell (PRESS was
    ピーアールイーエスエス). A lone capital word stays an acronym unless a table knows it (NHK, NPC)."""
    if len(words) < 2 or not all(w.isupper() for w in words):
        return False
    return any(w.lower() in loanwords() or w.lower() in function_words() for w in words)


def _shouted_japanese(word: str) -> bool:
    """Whether a short word in capitals is a Japanese word shouted in romaji (SUGOI！, YABAI: were spelled
    エスユージーオーアイ), not an acronym: no acronym of the tables, and its romaji one word of the dictionary
    in its dictionary form, of three morae or more (AI 愛, ANA 穴, NASA なさ stay letters or the tables')."""
    if word in acronyms() or word.lower() in loanwords() or word.lower() in function_words():
        return False
    hiragana = romaji_to_hiragana(word)
    return hiragana is not None and mora_count(to_katakana(hiragana)) >= 3 and _japanese_word(hiragana)


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) <= 5 and word.isascii()


def _word_in_capitals(word: str) -> bool:
    """Whether a short capital word (4 or 5 letters) is an English word written in capitals, as game
    UIs and shouted lines write them (TIPS, COMBO, MISS, SKIP were spelled ティーアイピーエス...):
    e2k's n-gram model scores it clearly English. Acronyms that short score far lower (NSFW −3.7,
    HTML −3.1, JPEG −2.0, ASAP −0.2, SNES 0.7; game words 1.2–2.3), and three-letter ones overlap
    (HIT 0.7, SOS 0.7, WIN 1.3, VIP 0.2), so they stay letters unless a table knows them."""
    if len(word) < 4:
        return False
    from tsukasa.pipelines.textfront.english import clearly_english

    return clearly_english(word)


def _between(gap: str) -> str:
    """The Japanese punctuation for what stands between two Latin words (spaces are dropped)."""
    if not gap or gap == " ":
        return ""  # nearly every gap: skip the per-character pass
    return "".join(_PUNCT.get(c, "") for c in gap)


# One reading object per particle, made once (they recur in every romaji line).
_PARTICLE_READINGS = {lw: SpelledReading(k, _PARTICLE_PRON[k]) for lw, k in _PARTICLES.items()}


@lru_cache(maxsize=8192)
def _romaji_word(word: str, pron: str, hepburn: bool, in_japanese: bool) -> tuple[str, SpelledReading]:
    """(surface given to OpenJTalk, its spelled reading) of a romaji word; pure, so cached per word.

    In Japanese text a word the dictionary holds in katakana is given in katakana
    (:func:`_katakana_noun`) unless it is to be spelled in kanji (:mod:`.kana_kanji`: the
    dictionary's katakana variants of native words, ミズ and ケンコー, carry other accents than 水
    and 健康); a line of romaji alone has no kanji affixes to read with it, and there the
    hiragana reading measured better (accent F1 on romaji JSUT, even ids) — except for loanwords
    (:func:`_loanword`: kōhī コーヒー, gorufu ゴルフ), which MeCab cuts into pieces in hiragana
    (こうひい: こう + ひい) and finds whole, with their accent, in katakana. A word to be spelled in
    kanji stays hiragana here: the text-level rules that run before the kanji go in read kana.
    """
    kana = romaji_to_hiragana(word, hepburn=hepburn, dictionary_spelling=True) or pron
    spelled = to_katakana(pron)
    if spelled.endswith("ハ") and len(spelled) > 2:
        # a greeting typed as its kana (konnichiha, konbanha): the dictionary's word says its は ワ
        found = dictionary_words(pron)
        if len(found) == 1 and found[0].pron.replace("’", "") == spelled[:-1] + "ワ":
            spelled = spelled[:-1] + "ワ"
    doubled = doubled_spelling(word, hepburn=hepburn)
    if doubled is not None and not _known_spelling(kana, spelled) and _known_spelling(doubled, spelled):
        kana = doubled  # ōkina おおきな, not おうきな (which MeCab knows as no word)
    if (
        (in_japanese or _loanword(kana, spelled))
        and kanji_spelling(kana, spelled) is None
        and _katakana_noun(spelled)
        and not _function_word(kana)
    ):
        kana = spelled
    return kana, SpelledReading(kana, spelled)


# A hyphen before a capital joins two romaji names (Shin-Osaka, Higashi-Nakano, Shin-Kobe); one before a
# small letter or at the end is wapuro's long mark (ko-hi- こーひー).
_NAME_HYPHEN = re.compile(r"-(?=[A-Z])")


def _romaji_compound(word: str, pron: str, hepburn: bool, in_japanese: bool, readings: list[SpelledReading]) -> str:
    """The surface of a romaji word for OpenJTalk, its spelled readings appended to ``readings``. Names joined by
    a hyphen are read one by one, each as a word of its own: whole, Shin-Osaka spelled しんおさか, which no word
    or name is, and the long vowel romaji leaves unmarked was lost with it (シンオサカ; Osaka alone オーサカ)."""
    parts = _NAME_HYPHEN.split(word)
    prons = [romaji_to_hiragana(part, hepburn=hepburn) for part in parts]
    if len(parts) == 1 or not all(prons):
        kana, reading = _romaji_word(word, pron, hepburn, in_japanese)
        readings.append(reading)
        return kana
    out = []
    for part, part_pron in zip(parts, prons, strict=True):
        kana, reading = _romaji_word(part, part_pron or "", hepburn, in_japanese)
        readings.append(reading)
        out.append(kana)
    return " ".join(out)


# What UniDic reads a native word in hiragana as: a word of these (a verb, adjective, pronoun,
# adverb or function word) followed by function words only (きて, ないと, そうだ, これら, でも).
_NATIVE_HEADS = frozenset({"動詞", "形容詞", "助動詞", "助詞", "代名詞", "副詞"})
_FOLLOWERS = frozenset({"助動詞", "助詞", "接尾辞"})


def _loanword(hiragana: str, katakana: str) -> bool:
    """Whether a romaji word is a loanword: UniDic reads its pronunciation ``katakana`` as one
    loanword spelled just so (エレベーター, コーヒー; not ネコ or ミズ, katakana spellings of native
    words), and its ``hiragana`` is no native word: not one word (いる, まま), not a head word and
    its endings (きて, ないと, そうだ: not キテ, ナイト, ソーダ) and no reading of a dictionary noun
    (せいふ 政府, not セーフ; てんぽ 店舗)."""
    words = unidic_words(katakana)
    if not (len(words) == 1 and words[0].goshu == "外" and words[0].lemma.partition("-")[0] == katakana):
        return False
    if kana_kanji.index().get(hiragana):
        return False
    native = unidic_words(hiragana)
    if len(native) == 1:
        return native[0].goshu == "外"
    return not (native and native[0].pos1 in _NATIVE_HEADS and all(w.pos1 in _FOLLOWERS for w in native[1:]))


def _known_spelling(hiragana: str, pron: str) -> bool:
    """Whether the dictionary knows ``hiragana`` as a word: a kanji spelling of it, or MeCab reads it
    as one word in any form (おおく of おおい; おうく is お + the archaic うく)."""
    if kanji_spelling(hiragana, pron) is not None:
        return True
    words = dictionary_words(hiragana)
    return len(words) == 1 and words[0].accent is not None


def _katakana_noun(katakana: str) -> bool:
    """Whether OpenJTalk's dictionary holds ``katakana`` as one noun written in katakana.

    Such a romaji word (reberu, barerīna, sōsēji, girisha, neko) is given to OpenJTalk in
    katakana, as Japanese text writes loanwords and foreign names: it is then analysed as that
    word, so a kanji affix beside it is read as it is with the word (高レベル コーレベル, not
    高れべる タカレベル; バレリーナ達 タチ, not イタル) and the word gets its own accent. Words the
    dictionary does not know (chain rule ``*``: an unknown-word guess) stay hiragana.
    """
    words = dictionary_words(katakana)
    return len(words) == 1 and words[0].surface == katakana and words[0].pos == "名詞" and words[0].chain_rule != "*"


# Parts of speech a romaji word keeps in hiragana even when its katakana is a dictionary noun
# (ga ガ, kara カラ, yori ヨリ, dake ダケ, yo ヨ, kana カナ): it is the particle or auxiliary there.
_FUNCTION_POS = frozenset({"助詞", "助動詞", "接続詞", "感動詞", "フィラー"})


def _english_not_japanese(word: str, hiragana: str | None) -> bool:
    """Whether a lone Latin word (inside Japanese text, or alone on its line) is English although it
    parses as romaji.

    Inside Japanese text a lone Latin word is usually English (ページをめくる written pageを
    めくる), and plenty of English words happen to be valid romaji letter by letter (page ぱげ,
    note のて, message めっさげ, gasoline がそりね). Its romaji reading is kept when it is a
    Japanese word — MeCab reads the hiragana as one word in its dictionary form (さくら, てんき,
    せんせい; not an inflected form such as みれ of みれる, which nearly any two kana make), or the
    katakana as one noun the dictionary holds (ミズ, アニメ) — and otherwise the word is English
    when e2k's n-gram model scores it clearly English (:func:`.english.clearly_english`):
    UniDic-lite misses many plain nouns in hiragana (まど, いちにち), so the dictionary alone
    would turn romaji words into English.
    """
    if hiragana is None or word.lower() in spelled_words():  # Tokyo, Nintendo: Japanese
        return False
    if _established_loanword(word):  # nameを入力: ネーム, not なめ; rateが上がる: レート, not ラテ
        return True
    if _japanese_word(hiragana):
        return False
    if _verb_te_or_ta(hiragana):  # ちょっとmatte!, これをmiteよ: 待って, 見て (were マット, マイト)
        return False
    from tsukasa.pipelines.textfront.english import clearly_english, transliterate

    return clearly_english(word) and transliterate(word) is not None


# The words whose romaji and English readings collide are short (name, rate, dome, home, take, sense):
# longer ones are not asked, nor those e2k's character n-gram model (tens of µs) scores far from English
# spelling: the check runs e2k's spelling model (a few ms) on every new Latin word of Japanese text, and
# lines of Japanese with romaji nouns in them paid for it on every noun (800 mixed lines: 1.0 → 5.0 s
# the first time). name scores 1.19, sense 1.62; romaji nouns mizu 0.83, kokoro 0.61, inu −0.33.
_SHORT_WORD = 5
_LOANWORD_SOURCE_SCORE = 1.0


@lru_cache(maxsize=4096)
def _established_loanword(word: str) -> bool:
    """Whether ``word`` is the source of a loanword Japanese already uses: e2k spells it in katakana
    and UniDic knows that katakana as one loanword (語種 外) whose lemma names this very English word
    (ネーム-name, レート-rate, ドーム-dome, テーク-take).

    Short English words often spell a Japanese word in romaji too (name なめ, more 漏れ, dome 止め,
    rate ラテ, mine 峰, take 竹), and the dictionary test of :func:`_english_not_japanese` then read a
    lone English word inside Japanese text as that word. UniDic's own record of where a loanword
    came from settles it without a table: a romaji word whose letters happen to spell English is
    rarely also the source of an established loanword — same is セーム-chamois there, tame and sake
    have no such entry (テーム, セーク), mame's メーム is Meme — so those stay romaji. Words of two
    letters (to, no, de) and the function-word table are left to the particle rules.
    """
    if not 3 <= len(word) <= _SHORT_WORD or word.lower() in function_words():
        return False
    from tsukasa.pipelines.textfront.english import english_score, transliterate

    if english_score(word) < _LOANWORD_SOURCE_SCORE:
        return False  # mizu, kokoro, tsukue: e2k's model (a few ms a word) is not asked
    katakana = transliterate(word)
    if katakana is None:
        return False
    words = unidic_words(katakana)
    return len(words) == 1 and words[0].goshu == "外" and words[0].lemma.partition("-")[2] == word.lower()


# What follows a verb's 連用形 in a te-form or a past: て/で (接続助詞), た/だ (助動詞)
_TE_TA = frozenset({"て", "で", "た", "だ"})


@lru_cache(maxsize=4096)
def _verb_te_or_ta(hiragana: str) -> bool:
    """Whether UniDic reads ``hiragana`` as one verb in its te-form or past (まって 待っ + て, みた 見 +
    た, よんで): the commonest inflected words romaji is written in (matte, yamete, yatta), which
    :func:`_japanese_word` leaves out (it takes dictionary forms only, since nearly any two kana make
    some inflected form) and which English words rarely spell: kite, mite spell 来て, 見て; site, a
    loanword-table word, is English before this is asked. OpenJTalk's dictionary cuts まって as a
    filler + って, so UniDic is asked."""
    words = unidic_words(hiragana)
    return (
        len(words) == 2
        and words[0].pos1 == "動詞"
        and words[0].cform.startswith("連用形")
        and words[1].pos1 in ("助詞", "助動詞")
        and hiragana[words[1].start : words[1].end] in _TE_TA
    )


def _japanese_word(hiragana: str) -> bool:
    """Whether ``hiragana`` is one Japanese word: MeCab reads it as one word of its dictionary in
    its dictionary form, or its katakana is a noun the dictionary holds."""
    words = dictionary_words(hiragana)
    if len(words) == 1 and words[0].accent is not None and words[0].base == words[0].surface:
        return True
    return _katakana_noun(to_katakana(hiragana))


def _japanese_in_english(word: str, hiragana: str | None) -> bool:
    """Whether a word of an English line is a Japanese word written in romaji (Let's go, minna!
    read ミナ; I love sushi スーシー): not a word of the English tables, and its romaji spells a
    Japanese word of three morae or more. Shorter ones stay English: sake, same, take, mine are
    Japanese words too (酒, 鮫, 竹, 峰), and e2k's n-gram model scores both kinds as English."""
    if hiragana is None or _table_word(word) is not None:
        return False
    if word.lower() in spelled_words():  # I went to Kyoto: the table's Japanese words
        return True
    if _established_loanword(word):  # sense センス, not センセ (先生)
        return False
    if mora_count(to_katakana(hiragana)) < 3:
        return False
    # The next station is Hakata (was ハカータ: e2k's English), Shin-Osaka
    return _japanese_name(word) or _japanese_word(hiragana)


def _name_indices(words: list[str]) -> set[int]:
    """The words of a line of three or more that name a Japanese place or person in romaji (:func:`_japanese_name`).
    They are said the same in a line of either language, so they weigh for neither: a bilingual announcement listing
    five stations was read as romaji, its "we will be" included (ウェ, ベ). A line of names alone is weighed by all its
    words."""
    if len(words) <= 2:
        return set()
    names = {k for k, w in enumerate(words) if w[:1].isupper() and _japanese_name(w)}
    return set() if len(names) == len(words) else names


@lru_cache(maxsize=4096)  # asked for the line, for its span and for the word itself
def _japanese_name(word: str) -> bool:
    """Whether a capitalised word (or names joined by a hyphen, Shin-Osaka) names a Japanese place or person in
    romaji: each part is a Japanese word of the romaji table (Osaka おおさか) or UniDic reads its katakana as one
    proper noun (ハカタ 博多, シン 新). Bilingual announcements and English lines set in Japan say them so; e2k's
    English model read them as English words (ハカータ, シンオーザーカ)."""
    parts = _NAME_HYPHEN.split(word)
    if not all(part[:1].isupper() and part[1:].islower() for part in parts):
        return False
    for part in parts:
        if part.lower() in spelled_words():
            continue
        if part.lower() in loanwords() or part.lower() in function_words():
            return False  # You, Made: English words that also spell a name (ヨウ)
        hiragana = romaji_to_hiragana(part)
        if hiragana is None or (len(parts) == 1 and mora_count(to_katakana(hiragana)) < 3):
            return False
        katakana = to_katakana(hiragana)
        found = unidic_words(katakana)
        if not (len(found) == 1 and found[0].pos2 == "固有名詞" and found[0].end == len(katakana)):
            return False
        if "-" in found[0].lemma:
            return False  # a foreign name's loanword (ジャパン-Japan)
    return True


def _possessives(words: list[str], readings: list[str | None]) -> set[int]:
    """Indices of each Japanese pronoun written in romaji and the lower-case "no" after it, with a word
    after that (Ore no turn, kimi no name): UniDic reads the pronoun's kana as a pronoun (おれ, ぼく)."""
    out: set[int] = set()
    for i in range(len(words) - 2):
        reading = readings[i]
        if words[i + 1] != "no" or reading is None or words[i].lower() in loanwords():
            continue
        read = unidic_words(reading)
        if len(read) == 1 and read[0].pos1 == "代名詞":
            out |= {i, i + 1}
    return out


def _unreadable_english(word: str) -> bool:
    """Whether ``word``, in lower case in an English span, is no English word e2k can read nor in the
    tables, so that its romaji reading is the best there is (My turn, ikuzo! was spelled アイケーユーゼットオー)."""
    if not word.islower() or _table_word(word) is not None:
        return False
    from tsukasa.pipelines.textfront.english import transliterate

    return transliterate(word) is None


def _english_in_romaji(word: str, hiragana: str) -> bool:
    """Whether a word of a romaji span is an English loanword written in English (Kono game wa
    omoshiroi, Watashi no name wa Sakura: game was がめ ガメ, name なめ, home ホメ, note ノテ): the source of
    a loanword UniDic knows (:func:`_established_loanword`: ゲーム-game, ネーム-name; not the loanword
    table, which holds hi and demo) whose romaji is no noun written in kanji (:func:`_kanji_noun`: take
    竹, dame 駄目, iron 異論 stay romaji), no function word (demo でも), no interjection, adverb or
    pronoun (hate はて), nor a verb's te-form or past, and whose English reading is another word (mama,
    donna are the same either way). The dictionaries hold がめ and なめ as rare words in kana, which is
    why the kanji spelling decides."""
    if word.lower() in spelled_words() or not _established_loanword(word):
        return False
    if _kanji_noun(hiragana) or _verb_te_or_ta(hiragana) or _function_word(hiragana):
        return False
    read = unidic_words(hiragana)
    if len(read) == 1 and read[0].pos1 in ("感動詞", "副詞", "代名詞", "接続詞"):
        return False
    from tsukasa.pipelines.textfront.english import transliterate

    return transliterate(word) != to_katakana(hiragana)  # mama, donna: the same word either way


_ALL_KANJI = re.compile(r"[\u3400-\u9fff々]+")


def _kanji_noun(hiragana: str) -> bool:
    """Whether ``hiragana`` is a noun OpenJTalk's dictionary writes in kanji alone (いろん 異論, たけ 竹,
    だめ 駄目), or one UniDic reads in kanji (:func:`.kana_kanji.kanji_spelling`). A verb stem made a
    noun (なめ 嘗め, ほめ 褒め) is no such evidence: a romaji writer would spell the verb in full."""
    if kanji_spelling(hiragana) is not None:
        return True
    for spelling in kana_kanji.index().get(hiragana, ())[:3]:
        words = dictionary_words(spelling)
        if _ALL_KANJI.fullmatch(spelling) and len(words) == 1 and words[0].pos == "名詞":
            return True
    return False


def _function_word(hiragana: str) -> bool:
    words = dictionary_words(hiragana)
    return len(words) == 1 and words[0].pos in _FUNCTION_POS


def _convert_span(
    span: str,
    hepburn: bool,
    readings: list[SpelledReading],
    *,
    prefer_romaji: bool = False,
    in_japanese: bool = False,
    english: EnglishMode = "model",
) -> tuple[str, str]:
    """The span in kana, and how its last word was read: "word" (an English word), "letters"
    (an acronym's letter names), "romaji", or "" when the span ends in punctuation."""
    matches = list(_WORD.finditer(span))
    words = [m.group(0) for m in matches]
    readings_here = [
        romaji_to_hiragana(w, hepburn=hepburn) if not _is_acronym(w) or _shouted_japanese(w) else None for w in words
    ]
    single = len(words) == 1
    names = set() if prefer_romaji else _name_indices(words)
    n_romaji = sum(
        1
        for k, (w, r) in enumerate(zip(words, readings_here, strict=True))
        if k not in names and _romaji_evidence(w, r, prefer_romaji, single, in_japanese)
    )
    romaji_mode = n_romaji > 0 and n_romaji * 2 >= len(words) - len(names)
    if (
        single
        and romaji_mode
        and not prefer_romaji
        and english == "model"
        and _english_not_japanese(words[0], readings_here[0])
    ):
        # page, note, message: letters that spell no Japanese word; inside Japanese text or alone on
        # a line (a title or a UI label: Episode, Emotion were エピソデ, エモチオン)
        romaji_mode = False
    elif romaji_mode and in_japanese and not single and not prefer_romaji and english == "model":
        # several Latin words inside Japanese text are weighed word by word as a lone one is: orange
        # juice, house dust (オランゲジュース, ホーセダスト) spell no Japanese word; and a word that is
        # no romaji at all (first, cut) outweighs one that only might be (first name was ファーストナメ)
        n_romaji = sum(
            1
            for w, r in zip(words, readings_here, strict=True)
            if _romaji_evidence(w, r, prefer_romaji, single, in_japanese) and not _english_not_japanese(w, r)
        )
        n_english = sum(
            1 for w, r in zip(words, readings_here, strict=True) if r is None or _english_evidence(w, in_japanese)
        )
        romaji_mode = n_romaji > n_english and n_romaji * 2 >= len(words)
    shouted = not romaji_mode and _shouted_english(words)
    hepburn_particles = hepburn and (not span.isascii() or any(w.lower() == "wa" for w in words))
    # In an English span, a Japanese pronoun in romaji and the particle no after it (Ore no turn!, Boku
    # no win: were オア ノー, ボク ノー): romaji, as the possessive says.
    possessive = set() if romaji_mode else _possessives(words, readings_here)
    out: list[str] = []
    pos = 0
    phrase_tail = -1  # index of the second word of a two-word table entry (thank you サンキュー)
    last = ""
    for i, (m, w, pron) in enumerate(zip(matches, words, readings_here, strict=True)):
        if i == phrase_tail:
            pos = m.end()
            continue
        between = _between(span[pos : m.start()])
        if out and romaji_mode and not between:
            between = " "  # a word boundary MeCab respects (and drops)
        out.append(between)
        lw = w.lower()
        # Hepburn writes particles as pronounced (wa, e): there a lone "ha"/"he" is a word (派, 屁). A
        # writer whose only Hepburn is shi / chi / tsu (which typing accepts too) and who writes no "wa"
        # nor a macron types the particles as kana: Watashi ha gakusei desu (was ワタシハ).
        # A topic は follows a word: not one opening the span nor one after another は (Ha ha ha! was ワワワ).
        # (A lone "o" opening a line is the prefix お, said as the particle is.)
        if (
            romaji_mode
            and not single
            and lw in _PARTICLES
            and not (hepburn_particles and lw in ("ha", "he"))
            and not (lw in ("ha", "wa") and (i == 0 or words[i - 1].lower() in ("ha", "wa")))
        ):
            reading = _PARTICLE_READINGS[lw]
            kana, last = reading.surface, "romaji"
            readings.append(reading)
        elif pron is not None and (
            (romaji_mode and not (english == "model" and _english_in_romaji(w, pron)))
            or i in possessive
            or (not romaji_mode and english == "model" and _japanese_in_english(w, pron))
            or (not romaji_mode and english == "model" and _unreadable_english(w))
        ):
            kana = _romaji_compound(w, pron, hepburn, in_japanese, readings)
            last = "romaji"
        else:
            pair = f"{lw} {words[i + 1].lower()}" if i + 1 < len(words) else ""
            if pair in loanwords() and not _between(span[m.end() : matches[i + 1].start()]):
                kana, phrase_tail = loanwords()[pair], i + 1
            else:
                kana = english_word(lw if shouted else w, english)  # I AM A HERO: am, not AM radio
            core = w.strip("'’-")
            last = "letters" if _is_acronym(core) and kana == spell_letters(core) else "word"
        out.append(kana)
        pos = m.end()
    tail = _between(span[pos:])
    out.append(tail)
    return "".join(out), "" if tail else last


def to_japanese_with_readings(text: str, english: EnglishMode = "model") -> tuple[str, list[SpelledReading]]:
    """``text`` with every Latin span replaced by kana, and the romaji words' spelled readings.

    Romaji words inside a span are separated by spaces (word boundaries for MeCab; OpenJTalk
    drops them); a span touches the Japanese around it, so that a suffix written in kanji
    (kyōsē 的, junkai 中) is still analysed with the word it belongs to.
    """
    if not re.search(f"[{_LETTERS}]", text):
        return text, []
    words = _WORD.findall(text)
    hepburn = uses_hepburn(words)
    # A writer who puts several romaji words into a line writes a lone "hi" or "me" as romaji
    # too (日, 目), not as the English word the loanword table knows.
    in_japanese = _JAPANESE.search(text) is not None
    names = _name_indices(words)
    n_romaji = sum(
        1
        for k, w in enumerate(words)
        if k not in names and _romaji_evidence(w, romaji_to_hiragana(w), False, False, in_japanese)
    )
    # ... unless as many words speak for English: "I love karaoke and ramen" is English with two
    # Japanese words in it (it was read as romaji: ロヴェ)
    prefer_romaji = n_romaji >= 2 and n_romaji > sum(1 for w in words if _english_evidence(w, in_japanese))
    readings: list[SpelledReading] = []
    out: list[str] = []
    pos = 0
    for m in _SPAN.finditer(text):
        # Spaces around a Latin span in Japanese text are typographic, not word boundaries ...
        out.append(text[pos : m.start()].rstrip(" 　"))
        before = len(readings)
        kana, last = _convert_span(
            m.group(0), hepburn, readings, prefer_romaji=prefer_romaji, in_japanese=in_japanese, english=english
        )
        pos = m.end()
        if last in ("word", "letters") and pos < len(text):
            number = _english_number_after(m.group(0), last, text, pos)
            if number is not None:
                kana, pos = kana + number[0], number[1]
        while pos < len(text) and text[pos] in " 　":
            pos += 1
        if last in ("word", "letters") and m.end() < pos < len(text) and _ALL_KANJI.match(text, pos) is not None:
            kana += " "  # the writer's space before a kanji after an English word: a word boundary (君 キミ, not クン)
        if len(readings) > before:
            # ... but a romaji word does end there: keep MeCab from joining it with hiragana
            # beside it (onna は → おんな は, not おんなは; この sētā → この せいたあ), while a
            # kanji suffix or prefix (kyōsē 的, 反 sēfu) stays attached to be read with it.
            # A word given in katakana (a dictionary loanword) needs no space: the change of
            # script is a boundary to MeCab, and a space would cut a particle off the word
            # (ソーセージ はいかが: はい + かが, not the particle は). Nor does a word that is to be
            # spelled in kanji (:mod:`.kana_kanji`), for the same reason.
            first, last_word = readings[before], readings[-1]
            if (
                out
                and out[-1]
                and is_hiragana(out[-1][-1])
                and is_hiragana(kana[0])
                and not (kana.startswith(first.surface) and kanji_spelling(first.surface, first.pron))
            ):
                kana = " " + kana
            if (
                pos < len(text)
                and is_hiragana(text[pos])
                and is_hiragana(kana[-1])
                and not (kana.endswith(last_word.surface) and kanji_spelling(last_word.surface, last_word.pron))
            ):
                kana += " "
        out.append(kana)
    out.append(text[pos:])
    return "".join(out).strip(" "), readings


# A number said in English: 1-20 after an English word (Round 1, Windows 10, Top 10; at most one
# space between), one digit glued to capitals read as letters or after a hyphen (PS5, MP3, F1, CO2,
# K-1, Mark-2). Longer numbers there stay Japanese: HP100 is a stat, COVID-19 ジューキュー. Not a
# number going on (1.5, 10:30, 1/3, 10x, STAGE 3-5 made 3の5), and not one that counts or
# measures something (OPEN 10時, Size 10センチメートル, HP5回復): those are Japanese numbers.
_NUMBER_AFTER_WORD = re.compile(r"[ 　]?(1\d|20|[1-9])(?![\d.,:/A-Za-z]|の\d)")
_DIGIT_AFTER_LETTERS = re.compile(r"([1-9])(?![\d.,:/A-Za-z]|の\d)")
_COUNTER_KANJI = frozenset(
    "月日時分秒話回章巻位号番階人個枚本匹歳才周戦面節幕部円年点倍件台冊杯度割票頭羽着問曲名組機種"
)
# Words that open with a counter's kanji but count nothing (F1日本グランプリ, MP3本体: 日本 and 本体, not 1日, 3本)
_NOT_COUNTING = ("日本", "本体", "本番", "本部", "本社", "本店", "人気", "人間", "回転", "番組", "曲目")
# Places numbered with a letter and a digit (アリーナC7ブロック, B2ゲート, A3エリア: seats, gates and areas) are
# said in Japanese like A7 (シーナナ; C7 was シーセブン).
_PLACE_COUNTERS = ("ブロック", "ゲート", "エリア", "フロア", "ホール", "ゾーン", "レーン", "コート", "ルーム", "番線")
# A capital letter alone before a digit that Japanese reads in Japanese: paper sizes (A4 エーヨン, B5)
# and the levels of the Japanese-Language Proficiency Test (N1 エヌイチ).
_JAPANESE_NUMBERED_LETTERS = frozenset("ABN")
# RPG stats, whose values are Japanese numbers at any length (残りHP1 エイチピーイチ, as HP100
# エイチピーヒャク). Not MP (MP3, MP4 are file formats) nor SP (product names: SP3).
_STATS = frozenset({"HP", "EXP", "ATK", "DEF"})
# ... and MP / SP after a word that makes them points of a character's (消費MP3 was エムピースリー)
_POINTS = frozenset({"MP", "SP", "TP", "AP", "BP"})
_STAT_WORDS = ("消費", "残り", "最大", "回復", "現在", "必要")


@lru_cache(maxsize=1)
def _unit_words() -> tuple[str, ...]:
    """Katakana of the units the normalizer writes after a number (センチメートル, パーセント)."""
    return (*(r for _, r in read_table("units.tsv") if r.strip()), "パーセント")


def _english_number_after(span: str, last: str, text: str, pos: int) -> tuple[str, int] | None:
    """(the number at ``text[pos:]`` said in English, where it ends) when the span before it, whose
    last word was read as ``last``, takes its number in English; else None."""
    if last == "word" and not span.endswith("-"):
        m = _NUMBER_AFTER_WORD.match(text, pos)
    else:
        word = _WORD.findall(span)[-1]
        if word in _JAPANESE_NUMBERED_LETTERS or word.upper() in _STATS:  # A4, N1, HP1; not A-1
            return None
        if word.upper() in _POINTS and text[: text.rfind(span, 0, pos)].endswith(_STAT_WORDS):
            return None  # 消費MP3, 残りSP2: a cost or a rest of points, not the file format
        m = _DIGIT_AFTER_LETTERS.match(text, pos)
    if m is None:
        return None
    end = m.end()
    if end < len(text) and (
        (text[end] in _COUNTER_KANJI and not text.startswith(_NOT_COUNTING, end))
        or _unit_at(text, end)
        or text.startswith(_PLACE_COUNTERS, end)
    ):
        return None
    reading = english_numeral(m.group(1))
    return (reading, end) if reading is not None else None


def _unit_at(text: str, at: int) -> bool:
    """Whether a unit's katakana stands at ``at`` as a word of its own (5ド, 3メートル; not the ド of F1ドライバー)."""
    for unit in _unit_words():
        if text.startswith(unit, at):
            after = text[at + len(unit) : at + len(unit) + 1]
            if not after or not ("\u30a1" <= after <= "\u30fa" or after == "ー"):
                return True
    return False


def to_japanese(text: str, english: EnglishMode = "model") -> str:
    """Replace every Latin span in ``text`` by kana (romaji → hiragana, English → katakana)."""
    return to_japanese_with_readings(text, english)[0]

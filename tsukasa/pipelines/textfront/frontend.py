"""``phonemize(text) -> Phonemized``: the front-end's one entry point.

Layers, small to large: :func:`~.cues.extract_cues` (non-verbal cues out of the text),
:func:`~.normalize.normalize` (script markup, numbers, symbols), :func:`~.mixed.to_japanese`
(romaji and Latin words → kana), :func:`~.questions.mark_questions` (sentence-final
question particles → ``？`` so OpenJTalk flags the phrase), then OpenJTalk (pyopenjtalk-plus)
once over the whole sentence, so accents are computed with the full context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tsukasa.corpus.symbols import SYMBOL_TO_ID, check_symbols
from tsukasa.pipelines.textfront.accent import (
    chain_clipped_exclamations,
    chain_clipped_words,
    chain_copula_after_greetings,
    chain_honorific_prefixes,
    chain_suru,
    split_accent_phrases,
)
from tsukasa.pipelines.textfront.coined_compounds import read_coined_compounds
from tsukasa.pipelines.textfront.context_readings import apply_context_readings, mend_cut_readings
from tsukasa.pipelines.textfront.contractions import restore_contractions, take_contractions
from tsukasa.pipelines.textfront.counters import respace_false_counters, spell_type_numbers
from tsukasa.pipelines.textfront.cues import extract_cues
from tsukasa.pipelines.textfront.historical_kana import modernize_historical_kana
from tsukasa.pipelines.textfront.kana_kanji import spell_in_kanji, spell_kana_sentences
from tsukasa.pipelines.textfront.katakana_lines import (
    kanji_katakana_sentences_to_hiragana,
    katakana_sentences_to_hiragana,
)
from tsukasa.pipelines.textfront.labels import labels_to_prosody, prosody_from_njd
from tsukasa.pipelines.textfront.mazegaki import respace_mazegaki
from tsukasa.pipelines.textfront.mixed import (
    join_letter_names,
    letter_name_prons,
    to_japanese_with_readings,
    unknown_noun,
)
from tsukasa.pipelines.textfront.next_best import mend_with_next_best
from tsukasa.pipelines.textfront.normalize import apply_ruby_with_readings, normalize, strip_colon_speaker
from tsukasa.pipelines.textfront.openjtalk_frontend import run_frontend
from tsukasa.pipelines.textfront.phrasing import insert_phrase_breaks, join_exclaimed_quotes
from tsukasa.pipelines.textfront.placeholders import fill_placeholders
from tsukasa.pipelines.textfront.questions import mark_questions
from tsukasa.pipelines.textfront.readings import SpelledReading, force_readings, is_hiragana, join_cut_morae
from tsukasa.pipelines.textfront.resources import TextFrontError, jtalk
from tsukasa.pipelines.textfront.stretches import absorb_small_vowels, restore_stretches, take_stretches
from tsukasa.pipelines.textfront.topic_wa import respace_topic_wa, say_word_initial_ha
from tsukasa.pipelines.textfront.userdict import compiled_user_dict, user_dict_surfaces
from tsukasa.pipelines.textfront.yagaru import restore_yagaru, take_yagaru

# The symbol table as a set: one C-level subset test per line; check_symbols (a Python loop that
# names the offending symbol) runs only when that test fails.
_KNOWN_SYMBOLS = frozenset(SYMBOL_TO_ID)
# Punctuation whose NJD pronunciation OpenJTalk turns into a pause.
_PAUSE_PRON = frozenset("、。？！，．…‥")
_KATAKANA_EXTRA = frozenset("ーヴヵヶ")
_SMALL_VOWELS = frozenset("ぁぃぅぇぉ")


@dataclass(frozen=True)
class TextCue:
    """A non-verbal cue found in the text (e.g. ``（笑）`` → laugh).

    ``position`` is where it sits in the spoken part, as a fraction (0–1) of its morae:
    stages turn it into a time estimate inside the supervision.
    """

    kind: str
    label: str
    position: float = 0.0


@dataclass(frozen=True)
class Phonemized:
    """What the front-end knows about one line of text.

    ``kana`` is the katakana pronunciation with ``、`` where a pause is made; ``phonemes``
    uses pyopenjtalk's inventory (``pau`` for pauses); ``prosody`` is the space-separated
    ESPnet-style sequence (``^ … $``); ``cues`` are the non-verbal cues found in the text.
    """

    text: str
    normalized: str
    kana: str
    phonemes: list[str]
    prosody: str
    cues: list[TextCue] = field(default_factory=list)
    # Runtime placeholders ({name}, %s, \N[1]) left without a reading: not read, so the audio
    # says something this reading lacks (see :mod:`.placeholders`).
    placeholders: list[str] = field(default_factory=list)

    @property
    def prosody_tokens(self) -> list[str]:
        return self.prosody.split()


def _kana_from_njd(features: list[dict]) -> str:
    out: list[str] = []
    for f in features:
        pron = f["pron"]
        if f["pos"] == "記号":
            pron = pron.replace("’", "")
            if pron and pron[0] in _PAUSE_PRON:
                out.append("、")
            elif pron and _NOT_KATAKANA.search(pron) is None:
                out.append(pron)  # e.g. a symbol read as a word (％ → パーセント)
            continue
        # An unreadable token (unknown script, stray symbol) keeps its surface as "pron";
        # it has no phonemes, so it has no place in the pronunciation either. (The devoicing
        # mark ’ is not katakana either, so it goes too.)
        out.append(_NOT_KATAKANA.sub("", pron))
    kana = "".join(out)
    while "、、" in kana:
        kana = kana.replace("、、", "、")
    return kana.strip("、")


# Unicode categories of characters that stand for words: letters of any script, numbers and
# math and currency signs. OpenJTalk reads what it cannot say as a pause (한국, Жизнь, ∑: 、), which
# put lines whose audio says a word into the phonemes as silence. Punctuation and decoration
# (dashes ──, brackets, ※) stay pauses or silence.
_WORD_CATEGORIES = ("L", "N", "Sm", "Sc")


def unread_characters(features: list[dict]) -> list[str]:
    """The characters of word-like symbols OpenJTalk left unread (in order, each once)."""
    import unicodedata

    out: list[str] = []
    for f in features:
        if f["pos"] != "記号" or f["mora_size"]:
            continue
        pron = f["pron"].replace("’", "")
        if pron and pron[0] not in _PAUSE_PRON and _NOT_KATAKANA.search(pron) is None:
            continue  # a symbol read as a word (％ → パーセント)
        for ch in f["string"]:
            if ch not in out and unicodedata.category(ch).startswith(_WORD_CATEGORIES):
                out.append(ch)
    return out


def join_okurigana_read_twice(features: list[dict]) -> list[dict]:
    """A dictionary word written without its okurigana keeps it in its reading (一騎討 イッキウチ, 御御御付
    オミオツケ); where the text writes the okurigana too (一騎討ちを, 御御御付け), MeCab left that kana a noun of
    its own and it was said twice (イッキウチチ, オミオツケケ). One hiragana after a word ending in a kanji, analysed
    as a noun and read as the mora the word's reading already ends in, joins the word. In place; returned."""
    i = 1
    while i < len(features):
        f, prev = features[i], features[i - 1]
        if (
            f["pos"] == "名詞"
            and len(f["string"]) == 1
            and is_hiragana(f["string"])
            and prev["pos"] == "名詞"
            and _KANJI_END.search(prev["string"]) is not None
            and f["pron"]
            and prev["pron"].replace("’", "").endswith(f["pron"])
            and len(prev["pron"].replace("’", "")) > len(f["pron"])
        ):
            prev["string"] += f["string"]
            prev["orig"] = prev.get("orig", "") + f.get("orig", f["string"])
            if features[i + 1 : i + 2] and features[i + 1]["chain_flag"] == 1 and f["chain_flag"] != 1:
                features[i + 1]["chain_flag"] = f["chain_flag"]
            del features[i]
            continue
        i += 1
    return features


_KANJI_END = re.compile("[\u4e00-\u9fff々]$")


def read_symbols_alone(features: list[dict], jt: Any) -> list[dict]:
    """A letter symbol OpenJTalk reads alone but left unread in its sentence takes its reading alone.

    After a number NJD turns some symbols into a pause (3γを投与, 0.05γで: γ became 読点 、 while 5γ and
    γを read ガンマ), and the line stopped with "no reading". Each such character is analysed alone
    (cached) and, where that gives a word, the feature takes its reading and accent. In place; returned.
    """
    for f in features:
        if f["pos"] == "記号" and not f["mora_size"] and len(f["string"]) == 1 and f["string"] not in _PAUSE_PRON:
            alone = _alone(f["string"], jt)
            if alone is not None:
                f.update(alone)
    return features


_ALONE: dict[tuple[str, int], dict | None] = {}


def _alone(char: str, jt: Any) -> dict | None:
    """The reading fields of ``char`` analysed alone, or None when it is no word alone either."""
    key = (char, id(jt))
    if key not in _ALONE:
        import unicodedata

        found = None
        if unicodedata.category(char).startswith(_WORD_CATEGORIES):
            words = run_frontend(char, jt)
            if len(words) == 1 and words[0]["mora_size"] and words[0]["string"] == char:
                w = words[0]
                found = {k: w[k] for k in ("pron", "read", "acc", "mora_size", "pos_group1", "chain_rule")}
        _ALONE[key] = found
    return _ALONE[key]


def text_excerpt(text: str, limit: int = 40) -> str:
    """``text`` for an error message: a long line (a whole chapter pasted as one) is cut, not echoed."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _is_katakana(c: str) -> bool:
    return "ァ" <= c <= "ヺ" or c in _KATAKANA_EXTRA


# Everything _is_katakana rejects (ヴヵヶ lie inside ァ-ヺ), as one regex: one C-level pass per word.
_NOT_KATAKANA = re.compile("[^ァ-ヺー]")


# Brackets and quotes are read as a pause (OpenJTalk turns each into 、 itself), but MeCab analyses
# the word beside a 括弧 differently from one beside 、: 「必殺技」炎の剣 read 炎 as the suffix エン
# (胃炎), where 必殺技、炎の剣 reads ホノオ. One character for one keeps every index the stretch and
# cue bookkeeping hold; the phonemes and pauses OpenJTalk makes are the same (a run of 、 is one pause).
_BRACKETS_AS_COMMAS = str.maketrans(dict.fromkeys("「」『』（）《》〈〉【】〔〕［］｛｝()[]{}〝〟“”", "、"))
# Except a closing quote that a particle or auxiliary follows: 「待って」って言った, 『はい』と答えた,
# 「約束の場所」は名作だ, 〝それ〟は. The quotation runs on into it without a pause, and a pause there made
# OpenJTalk start a phrase with って (マッテ、ッテイッタ). A space (one character for one) keeps
# the word boundary for MeCab and adds no pause.
_CLOSE_BEFORE_KANA = re.compile(r"[」』）)】〉》〟”](?=[ぁ-ゖ])")


def _brackets_to_pauses(text: str) -> str:
    return _CLOSE_BEFORE_KANA.sub(" ", text).translate(_BRACKETS_AS_COMMAS)


def japanese_to_phonemized(
    text: str,
    *,
    original: str | None = None,
    user_dic: str | None = None,
    cues: list[TextCue] | None = None,
    readings: list[SpelledReading] | None = None,
    ruby: list[SpelledReading] | None = None,
    phrase_breaks: bool = True,
    romaji: bool | None = None,
) -> Phonemized:
    """Run OpenJTalk over already normalised Japanese text (no romaji left).

    ``readings``: pronunciations the input spelled (romaji words), enforced on OpenJTalk's analysis.
    ``ruby``: the readings of words kept as written under their ruby, enforced after the context
    rules (the author's reading wins over the sentence's). ``phrase_breaks``: pause where a reader
    breaks a long sentence written without commas and where a sentence ends with no mark
    (:mod:`.phrasing`); off, pauses only at punctuation. ``romaji``: ``readings`` are romaji words
    (not the kanji of a kana-only line); None: whenever there are readings.
    """
    romaji = bool(readings) if romaji is None else romaji
    if len(text) > LONG_TEXT_CHARS:
        return _long_text_to_phonemized(
            text,
            original=original,
            user_dic=user_dic,
            cues=cues,
            readings=readings,
            ruby=ruby,
            phrase_breaks=phrase_breaks,
            romaji=romaji,
        )

    jt = jtalk(user_dic)
    try:
        # 行こっか, 休も, 寒っ: analysed in full (行こうか), then clipped back; a guess the analysis
        # does not confirm (私も。 is no 休も。) is analysed again as written.
        # 来やがれ: analysed as 来まくれ (the dictionary has no やがる), then spelled back (yagaru.py).
        not_clipped: frozenset[tuple[int, str]] = frozenset()
        not_yagaru: frozenset[int] = frozenset()
        while True:
            full, contractions = take_contractions(text, not_clipped)
            full, yagaru = take_yagaru(full, not_yagaru)
            features = _analyse(full, jt, romaji=romaji, spelled=bool(readings))
            unconfirmed = restore_contractions(features, contractions)
            wrong_yagaru = restore_yagaru(features, full, yagaru)
            if not unconfirmed and not wrong_yagaru:
                break
            not_clipped |= {(c.start, c.kind) for c in unconfirmed}
            not_yagaru |= frozenset(wrong_yagaru)
        features = read_symbols_alone(features, jt)
        if readings:  # before the accent rules: they count the morae of the spelled readings
            features = force_readings(features, readings)
        features = apply_context_readings(features)  # before the accent rules, like the above
        features = read_coined_compounds(features)  # 水竜 スイリュー, 氷槍 ヒョーソー: MeCab cut them in two
        if ruby:
            features = force_readings(features, ruby)
        features = join_exclaimed_quotes(features)
        features = chain_clipped_words(chain_clipped_exclamations(chain_honorific_prefixes(features)))
        features = chain_copula_after_greetings(chain_suru(features))
        features = split_accent_phrases(features)
        if phrase_breaks:  # after the accent rules: a break goes between accent phrases
            features = insert_phrase_breaks(features, from_latin=romaji)
        # Accent fields straight from the features (no label strings: they cost as much as g2p
        # itself); real labels only when that reconstruction does not line up (see labels.py).
        # JPCommon's phonemes are rebuilt in the same walk; a pronunciation outside the measured mora
        # table asks JPCommon for them (labels.py).
        result = prosody_from_njd(features) or prosody_from_njd(features, jt.extract_phonemes(features))
        if result is None:
            result = labels_to_prosody(jt.make_label(features))
    except (ValueError, RuntimeError) as exc:
        raise TextFrontError(f"OpenJTalk failed on {text_excerpt(text)} ({len(text)} characters): {exc}") from None
    unread = unread_characters(features)
    if unread:
        raise TextFrontError(
            f"no reading for {''.join(unread)!r} in {text_excerpt(original or text)}: a word the audio says but the "
            "phonemes would lack (give it a reading in a user dictionary, or write it in kana)"
        )
    phonemes, prosody = result
    if not (_KNOWN_SYMBOLS.issuperset(phonemes) and _KNOWN_SYMBOLS.issuperset(prosody)):
        check_symbols(phonemes, context=text)
        check_symbols(prosody, context=text)
    return Phonemized(
        text=original if original is not None else text,
        normalized=text,
        kana=_kana_from_njd(features) if phonemes else "",
        phonemes=phonemes,
        prosody=" ".join(prosody),
        cues=list(cues or []),
    )


def _analyse(text: str, jt: object, *, romaji: bool = False, spelled: bool = False) -> list[dict]:
    """OpenJTalk's NJD features of ``text``, with the analysis mended where MeCab's costs alone
    mislead it (counters, は in hiragana, stretched endings). ``romaji``: the text is a romaji line's,
    with the spaces its words were converted with (:func:`_same_words_without_spaces`) and hiragana
    that MeCab may cut inside a word (so no long-えい rule: :func:`mend_cut_readings`). ``spelled``:
    some words carry a reading the input spelled (romaji, a kana-only line's nouns given in kanji),
    which no opening verb nor okurigana cut may take over (:func:`.next_best.mend_with_next_best`).

    OpenJTalk's analysis is pyopenjtalk-plus's ``run_frontend`` (with its reading post-processing),
    run by :func:`.openjtalk_frontend.run_frontend`: the same features in two thirds of the time."""
    # Brackets first: a stretch is found again by the text around it, and 「ただいまー」 lost its
    # ー when that text still held the 」 OpenJTalk was then given as 、.
    analysed, stretches = take_stretches(_brackets_to_pauses(text))
    given = analysed
    features = None
    if romaji and _WORD_SPACE.search(analysed) is not None and _same_words_without_spaces(analysed, jt):
        given = _WORD_SPACE.sub("", analysed)
    elif (
        not romaji
        and (" " in analysed or "\u3000" in analysed)  # (most lines have no space: no regex for them)
        and _SPACED_KANA_LINE.fullmatch(analysed)
        and _HA_WORD_AFTER_SPACE.search(analysed) is not None
        and _WORD_SPACE.search(analysed := analysed.replace("\u3000", " ")) is not None
    ):
        # A line in kana with a space between its words (old RPGs, picture books: はは が わらった) and a word
        # that starts with は or へ: OpenJTalk cut はは before a space into two particles (ハワ), はしった into
        # the particle and しった; without the spaces MeCab reads the word whole. Joined when no word of the
        # joined analysis runs across a writer's space (only such lines: elsewhere the spaced analysis is kept).
        joined = _WORD_SPACE.sub("", analysed)
        features = run_frontend(joined, jt)
        if _keeps_word_starts(analysed, features):
            given = joined
        else:
            features = None
    if features is None:
        features = run_frontend(given, jt)
    if given is not analysed and not _keeps_word_starts(analysed, features):
        given = analysed  # bu buokuhe: NJD joined the fillers ぶ + ぶ across the writer's space
        features = run_frontend(given, jt)
    # HPが100回復した: 回復, not the counter 回 (counters.py); 私はくち: the particle は (topic_wa.py).
    # Spaces are no part of OpenJTalk's words, so a stretch is found again after respacing. They
    # look at the romaji words' spaces too (はやい after a space is no particle は), so they read
    # the text with them, whose words are the features' words either way.
    respaced = None if stretches else respace_false_counters(analysed, features)
    respaced = respace_topic_wa(respaced or analysed, features) or respaced
    respaced = respace_mazegaki(respaced or analysed, features) or respaced  # その左は: 左 + は, not 左派
    if respaced is not None:
        features = run_frontend(respaced, jt)
    # 願いなんだ: 願い + な + ん, not 願 + いなん
    features = mend_with_next_best(respaced or given, features, jt, spelled=spelled)
    # a word after the writer's space is a word of its own: a は before it is no first syllable of it
    spaced = _words_after_a_space(analysed, features) if romaji else frozenset()
    features = say_word_initial_ha(features, spaced)  # だいがくにはいって: UniDic's 入って, not に | は | いって
    # わっはっは: before a stretch looks for its kana
    features = mend_cut_readings(features, long_ei=not romaji, spaced=spaced)
    if stretches:  # お兄ちゃーん: analysed as お兄ちゃん, then stretched back (before the accent rules)
        features = restore_stretches(features, stretches)
    if any(f["string"] in _SMALL_VOWELS for f in features):  # 先生ぇ: the small vowel draws the word out
        features = absorb_small_vowels(features)
    features = join_cut_morae(features)  # ワタ|シキ|ョウ: キョ is one mora
    features = join_okurigana_read_twice(features)  # 一騎討ち: 一騎討 イッキウチ + ち, not イッキウチチ
    # MP: エム (a name) + ピー, one acronym; DEF: one word unknown to the dictionary, an acronym's accent.
    # MeCab cuts a spelled acronym only where its dictionary holds a letter name as a word of its own
    # (エム, オー, ブイ), and keeps it whole only as a word it does not know (no chaining rule).
    names = letter_name_prons()
    if any(f["pron"] in names or unknown_noun(f) for f in features):
        features = join_letter_names(features)
    return features


_FUNCTION_POS = frozenset({"助詞", "助動詞"})
# a word of a spaced kana line that starts with は or へ
_HA_WORD_AFTER_SPACE = re.compile(r"(?:^|[ 　])[はへ][\u3041-\u3096]")
# a line of kana words and spaces, with the marks that end or break its sentences
_SPACED_KANA_LINE = re.compile(r"[\u3041-\u309f\u30a1-\u30ffー 　、。！？!?…‥「」『』]+")
_INFLECTING = frozenset({"動詞", "形容詞"})
# A space between two Japanese characters: only romaji conversion leaves one by now (normalize drops
# the layout spaces around Japanese), one between each two romaji words.
_WORD_SPACE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _same_words_without_spaces(text: str, jt: Any) -> bool:
    """Whether MeCab cuts ``text`` into the same words with the same readings without the spaces
    between its romaji words, and no romaji word that began with a verb or adjective begins with a
    particle or an auxiliary instead; OpenJTalk then analyses it without them.

    Why: the spaces make MeCab cut at the writer's word boundaries (a romaji word is one word), but
    they also change what it makes of the words: 妥協 する の は read の as the particle (連体化) where
    妥協するのは has the formal noun, and the accent phrases came out otherwise than for the same
    sentence in Japanese script (romaji JSUT, even ids: accent-nucleus F1 70.4 against 84 for the
    Japanese text). Where the words are the same without them, the spaces told MeCab nothing that
    it needs, and the sentence is analysed as Japanese text is. Not where a reading changes (勝る所
    read マサルショ, 所 as a suffix) or a verb turns auxiliary (大声 で なきながら: 無き, and the whole
    clause one accent phrase). MeCab alone (no NJD rules) is asked: a fraction of a full analysis."""
    joined = _WORD_SPACE.sub("", text)
    spaced = [line.split(",") for line in jt.run_mecab(text)]
    plain = [line.split(",") for line in jt.run_mecab(joined)]
    if len(spaced) != len(plain) or any(a[0] != b[0] or a[9:10] != b[9:10] for a, b in zip(spaced, plain, strict=True)):
        return False
    starts = _romaji_word_starts(text)
    at = 0
    for a, b in zip(spaced, plain, strict=True):
        if at in starts and a[1] in _INFLECTING and b[1] in _FUNCTION_POS:
            return False
        at += len(a[0])
    return True


def _keeps_word_starts(text: str, features: list[dict]) -> bool:
    """Whether no word of ``features`` (the analysis of ``text`` without the spaces between its
    romaji words) runs across one of those spaces, numbers aside. MeCab's words were checked the
    same with and without the spaces (:func:`_same_words_without_spaces`), but NJD's rules then join
    some of them (two fillers ぶ + ぶ into one ぶぶ), and a word across the writer's boundary takes the
    spelled reading of neither romaji word (bu buokuhe: its へ said as the particle エ). Numbers are
    joined on purpose (nana hyaku: 七百 is one number); a word not found in the text as written (a
    character OpenJTalk rewrote) ends the check there."""
    starts = _romaji_word_starts(text)
    return not any(
        features[k]["pos_group1"] != "数" and any(at < s < end for s in starts)
        for k, at, end in _word_offsets(text, features)
    )


def _words_after_a_space(text: str, features: list[dict]) -> frozenset[int]:
    """The indices of the words of ``features`` (an analysis of ``text``, with or without the spaces
    between its romaji words: OpenJTalk's words never hold one) that begin right after such a space."""
    starts = _romaji_word_starts(text)
    return frozenset(k for k, at, _ in _word_offsets(text, features) if at in starts) if starts else frozenset()


def _word_offsets(text: str, features: list[dict]) -> Iterator[tuple[int, int, int]]:
    """(index, start, end) of each word of ``features`` in ``text`` without the spaces between its
    romaji words; the walk stops at a word not found there as written (a character OpenJTalk rewrote)."""
    joined = _WORD_SPACE.sub("", text)
    at = 0
    for k, f in enumerate(features):
        if not joined.startswith(f["string"], at):
            return
        end = at + len(f["string"])
        yield k, at, end
        at = end


def _romaji_word_starts(text: str) -> set[int]:
    """The offsets, in ``text`` without the spaces between its romaji words, where a romaji word
    starts after such a space."""
    return {m.start() - k for k, m in enumerate(_WORD_SPACE.finditer(text))}


# OpenJTalk refuses a text of more than ~16 KB once it has made it full-width (~5,400 Japanese
# characters: "Input text is too long after normalization"), so a paragraph given as one line
# failed. Longer texts are read in parts of at most this many characters, cut after 。！？ (else
# after 、, else anywhere), and joined with a pause: the accents of a sentence never depend on the
# next one, and a pause is what the joined sentences get anyway.
LONG_TEXT_CHARS = 1000
_SENTENCE_END = re.compile(r"(?<=[。！？])")
_CLAUSE_END = re.compile(r"(?<=、)")


def _long_text_parts(text: str, limit: int = LONG_TEXT_CHARS) -> list[str]:
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in _CLAUSE_END.split(sentence):
            pieces.extend(clause[i : i + limit] for i in range(0, len(clause), limit))
    parts, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) > limit:
            parts.append(current)
            current = ""
        current += piece
    return [p for p in (*parts, current) if p.strip()]


def _long_text_to_phonemized(
    text: str,
    *,
    original: str | None,
    user_dic: str | None,
    cues: list[TextCue] | None,
    readings: list[SpelledReading] | None,
    ruby: list[SpelledReading] | None = None,
    phrase_breaks: bool = True,
    romaji: bool = False,
) -> Phonemized:
    """:func:`japanese_to_phonemized` of each part of a long text (see LONG_TEXT_CHARS), joined."""
    results = []
    for part in _long_text_parts(text):
        mine = [r for r in readings or [] if r.surface in part]
        given = [r for r in ruby or [] if r.surface in part]
        result = japanese_to_phonemized(
            part, user_dic=user_dic, readings=mine, ruby=given, phrase_breaks=phrase_breaks, romaji=romaji
        )
        if result.phonemes:
            results.append(result)
    phonemes: list[str] = []
    for result in results:
        phonemes += (["pau"] if phonemes else []) + result.phonemes
    inner = [r.prosody.removeprefix("^ ").removesuffix(" $") for r in results]
    return Phonemized(
        text=original if original is not None else text,
        normalized=text,
        kana="、".join(r.kana for r in results),
        phonemes=phonemes,
        prosody=f"^ {' _ '.join(inner)} $" if results else "",
        cues=list(cues or []),
    )


# Text that was not decoded right: U+FFFD (what a decoder leaves for bytes it could not read) or a
# lone surrogate (Python's surrogateescape: raw bytes of a Shift-JIS script read as UTF-8). Whisper
# can leave U+FFFD too, for a token cut inside a character. The line's words are lost, so it is an
# error, never a silently shorter reading.
_UNDECODABLE = re.compile("[\ufffd\ud800-\udfff]")


def phonemize(
    text: str,
    *,
    user_dict: str | Path | None = None,
    english: Literal["model", "letters"] = "model",
    placeholders: Mapping[str, str] | None = None,
    phrase_breaks: bool = True,
) -> Phonemized:
    """Kana, phonemes, prosody and non-verbal cues of one line of Japanese (romaji/mixed allowed).

    ``user_dict`` is a user-dictionary CSV (surface, reading, accent type); it is compiled once
    and cached (see :mod:`.userdict`). ``english``: how an English word that the loanword
    table does not hold is read — ``"model"`` (katakana from e2k when it is a pronounceable
    word, see :mod:`.english`) or ``"letters"`` (always letter names). ``placeholders``:
    readings for runtime placeholders by key (``{"name": "ゆうき"}`` reads ``{name}`` and
    ``%name%``); the others are left out and listed in :attr:`Phonemized.placeholders`.
    ``phrase_breaks``: also pause where a reader breaks a long sentence written without commas
    (after its topic or a clause) and where a sentence ends with no mark (:mod:`.phrasing`);
    ``False`` pauses at punctuation only, as OpenJTalk does.
    """
    if not isinstance(text, str):
        raise TextFrontError(f"phonemize expects a str, got {type(text).__name__}")
    if english not in ("model", "letters"):
        raise TextFrontError(f"unknown english mode {english!r}; use model or letters")
    if _UNDECODABLE.search(text) is not None:
        raise TextFrontError(
            f"undecodable characters in {text_excerpt(text.encode('utf-8', 'replace').decode())} (U+FFFD or raw "
            "bytes): characters were lost in decoding (a Shift-JIS or EUC-JP script read as UTF-8, or an ASR "
            "token cut inside a character); convert or correct the text"
        )
    user_dic = compiled_user_dict(user_dict) if user_dict is not None else None
    user_words = user_dict_surfaces(user_dict) if user_dict is not None else frozenset()
    filled, unread = fill_placeholders(text, placeholders)
    spoken, cue_spans = extract_cues(filled)
    if user_dict is not None:  # a character of the game's own dictionary before a colon is the speaker
        spoken = strip_colon_speaker(spoken, user_words)
    # Ruby first: a word kept as written under its ruby has that reading enforced (normalize's own
    # ruby pass then finds nothing left to do)
    read, ruby = apply_ruby_with_readings(spoken, user_dic)
    norm = normalize(read)
    japanese, readings = to_japanese_with_readings(norm, english)
    romaji = bool(readings)
    if not readings:  # ワタシハロボットデス: Japanese written in katakana, read as the hiragana it stands for
        japanese = kanji_katakana_sentences_to_hiragana(katakana_sentences_to_hiragana(japanese))
        japanese = modernize_historical_kana(japanese)  # 言ふ, 言はぬ, ませう: as said today
        japanese = spell_type_numbers(japanese)  # 九七式 キューナナシキ
    japanese = mark_questions(japanese)
    # after the question rules, which read the romaji words' kana (いかが, かな); a word of the user
    # dictionary stays as written, for it to find, and so does a placeholder's value (a name as the
    # user wrote it: ひかり, not 光)
    names = user_words | frozenset(placeholders.values()) if placeholders else user_words
    if readings:
        japanese, readings = spell_in_kanji(japanese, readings, keep=names)
    else:  # a sentence written all in kana: its nouns are given in kanji, their kana reading kept
        japanese, readings = spell_kana_sentences(japanese, keep=names)
    result = japanese_to_phonemized(
        japanese,
        original=text,
        user_dic=user_dic,
        readings=readings,
        ruby=ruby,
        phrase_breaks=phrase_breaks,
        romaji=romaji,
    )
    cues = _place_cues(cue_spans, spoken, result)
    return Phonemized(
        text=text,
        normalized=norm,
        kana=result.kana,
        phonemes=result.phonemes,
        prosody=result.prosody,
        cues=cues,
        placeholders=[ph.text for ph in unread],
    )


def _place_cues(cue_spans: list, spoken: str, result: Phonemized) -> list[TextCue]:
    # A cue's position is estimated from the share of spoken characters before it: the text
    # has no timing, and characters are a good enough proxy for where in the line it falls.
    n = max(len(spoken), 1)
    return [TextCue(kind=c.kind, label=c.label, position=min(1.0, c.offset / n)) for c in cue_spans]

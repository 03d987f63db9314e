"""Kanji spellings for romaji words, looked up by reading in OpenJTalk's own dictionary.

Why: a romaji word becomes hiragana, and OpenJTalk analyses hiragana badly. ``mizu o nomu`` was
given as みず を のむ and MeCab cut みず into み (見る) + ず (the negative ぬ): the reading came out
right (the spelled reading is enforced) but the accent and the accent phrases were those of a
verb. The accent-nucleus F1 of romaji JSUT lines was ~64 against ~84 for the same sentences in
Japanese script. Given 水 instead, OpenJTalk finds the noun, its accent type and its chaining
rule, as it does for Japanese text; the spelled reading is still enforced on it
(:func:`.readings.force_readings`), so only the analysis changes, never the phonemes.

Which words: nouns a romaji writer spells as one word (common nouns, サ変 / 形容動詞 stems,
numerals, adverbial nouns) and plain adverbs that the dictionary writes in kanji (with okurigana:
本当に). Proper nouns are left out: a name's kanji is a guess, and the names a game uses belong in
its user dictionary. UniDic decides what the kana is (:func:`kanji_spelling`): a verb or adjective
form (いた, すんで), a dependent noun (こと, とき) or a loanword (sōsēji ソーセージ, not 双生児)
stays in kana, and homophones go to UniDic's reading where the dictionary has that word (はし 箸,
where the dictionary's own costs put 端 first). The accent of a homophone can still differ from
the writer's word (橋 ハシ], 箸 ハ]シ, 端 ハシ).

Measured (``benchmarks/bench_textfront.py``, JSUT's romaji and mixed sets, held-out odd ids):
accent-nucleus F1 of romaji lines 63.8 → 68.1, of mixed lines 74.2 → 79.9 (the Japanese text:
83.7); the phonemes barely move (they were the spelled reading before too).

The same misreading hits Japanese sentences written without any kanji (a child's lines):
:func:`spell_kana_sentences` gives their nouns and na-adjective stems to OpenJTalk in kanji too,
with the kana's reading kept, where UniDic and OpenJTalk's MeCab agree on the word's edges.

Where the spellings come from: the dictionary's entries (``sys.dic``, MeCab's binary format: a
header, the double-array trie, the token table and the feature strings). Each token names its
part of speech and cost, and its feature string holds the base form and the reading; we read
the tokens and features, never the trie (the reading is all we look up by). The index is built
once (~1.3 s, ~61,000 readings) and cached as JSON in the tsukasa cache folder, keyed by the
dictionary file's size and modification time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import struct
import threading
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import jaconv
import numpy as np

from tsukasa.pipelines.textfront.normalize import KANJI
from tsukasa.pipelines.textfront.readings import SpelledReading, is_hiragana
from tsukasa.pipelines.textfront.resources import DictionaryWord, dictionary_words, unidic_words

# Parts of speech (as pos-id.def names them) whose entries may stand for a romaji word. Pronouns
# too: kare in kana is the verb 枯れ to OpenJTalk's MeCab (カ[レワ for 彼は カ]レワ; romaji JSUT, held
# out: accent-nucleus F1 69.4 -> 70.7); those MeCab reads as pronouns in kana (これ, どこ) stay kana
# (:func:`_dependent_noun`).
_SPELLED_POS = frozenset(
    {
        "名詞,一般,*,*",
        "名詞,サ変接続,*,*",
        "名詞,形容動詞語幹,*,*",
        "名詞,ナイ形容詞語幹,*,*",
        "名詞,副詞可能,*,*",
        "名詞,数,*,*",
        "副詞,一般,*,*",
        "名詞,代名詞,一般,*",
    }
)
_KANJI_SPELLING = re.compile(r"[\u4e00-\u9fff々〆ヶ]+[ぁ-ゖ]*")
_KATAKANA_READING = re.compile(r"[ァ-ヴー]{2,}")
# The MeCab dictionary header: magic (the file size XOR MeCab's dictionary id), version, type,
# lexicon size, left / right context sizes, double-array, token and feature sizes in bytes, a
# dummy word, then 32 bytes of charset name.
_DICTIONARY_ID = 0xEF718F77
_DICTIONARY_VERSION = 102
_HEADER = struct.Struct("<10I")
_HEADER_BYTES = _HEADER.size + 32
_TOKEN = np.dtype([("lc", "<u2"), ("rc", "<u2"), ("posid", "<u2"), ("cost", "<i2"), ("feature", "<u4"), ("c", "<u4")])
# What a word is when UniDic reads its hiragana alone as these only: a verb, adjective or
# auxiliary form with its particles (い|た, すん|で, き|た), not a noun spelled in kana.
_INFLECTING_OR_FUNCTION = frozenset({"動詞", "形容詞", "助動詞", "助詞", "接続詞", "感動詞", "連体詞", "接尾辞"})
_DEPENDENT_NOUNS = frozenset({"非自立", "代名詞", "接尾"})

_log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_INDEX: list[dict[str, tuple[str, ...]]] = []


def build_index(dictionary_dir: str | Path) -> dict[str, tuple[str, ...]]:
    """Reading (hiragana, as the dictionary spells it: とうきょう) → the kanji base forms of the
    entries with that reading among :data:`_SPELLED_POS`, lowest cost first."""
    directory = Path(dictionary_dir)
    pos_ids = set()
    for line in (directory / "pos-id.def").read_text(encoding="utf-8").splitlines():
        name, _, number = line.rpartition(" ")
        if name in _SPELLED_POS:
            pos_ids.add(int(number))
    blob = (directory / "sys.dic").read_bytes()
    header = _HEADER.unpack_from(blob, 0)
    if header[0] ^ len(blob) != _DICTIONARY_ID or header[1] != _DICTIONARY_VERSION or blob[40:45] != b"utf-8":
        raise ValueError(f"{directory / 'sys.dic'} is not a UTF-8 MeCab dictionary of version {_DICTIONARY_VERSION}")
    double_array_bytes, token_bytes, feature_bytes = header[6], header[7], header[8]
    tokens_at = _HEADER_BYTES + double_array_bytes
    tokens = np.frombuffer(blob, dtype=_TOKEN, count=token_bytes // _TOKEN.itemsize, offset=tokens_at)
    features = blob[tokens_at + token_bytes : tokens_at + token_bytes + feature_bytes]
    wanted = tokens[np.isin(tokens["posid"], list(pos_ids))]
    found: dict[str, dict[str, int]] = {}
    for cost, offset in zip(wanted["cost"].tolist(), wanted["feature"].tolist(), strict=True):
        fields = features[offset : features.index(b"\0", offset)].decode("utf-8").split(",")
        if len(fields) < 9:
            continue
        base, reading = fields[6], fields[7]
        if not _KANJI_SPELLING.fullmatch(base) or not _KATAKANA_READING.fullmatch(reading):
            continue
        costs = found.setdefault(jaconv.kata2hira(reading), {})
        costs[base] = min(cost, costs.get(base, cost))
    return {key: tuple(sorted(costs, key=costs.__getitem__)) for key, costs in found.items()}


# Bump when build_index's selection changes: the cached index of an older selection is not read.
_INDEX_FORMAT = 2


def _cache_path(directory: str) -> Path | None:
    """Where the index of this dictionary file is cached (its size and mtime name it)."""
    from tsukasa.pipelines.textfront.userdict import cache_dir

    try:
        st = os.stat(Path(directory) / "sys.dic")
    except OSError:
        return None
    return cache_dir().parent / "kana_kanji" / f"v{_INDEX_FORMAT}-{st.st_size}-{st.st_mtime_ns}.json"


def _load_or_build(directory: str) -> dict[str, tuple[str, ...]]:
    cached = _cache_path(directory)
    if cached is not None and cached.is_file():
        try:
            with open(cached, encoding="utf-8") as fh:
                return {key: tuple(value) for key, value in json.load(fh).items()}
        except (OSError, ValueError):
            pass  # a damaged cache is built again
    built = build_index(directory)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass  # a read-only cache folder: build again next time
    return built


def index() -> dict[str, tuple[str, ...]]:
    """The reading → kanji index of the dictionary pyopenjtalk uses: read from the cache (~0.2 s),
    else built from the dictionary file (~1.3 s) and cached under the tsukasa cache folder.

    A dictionary this reader does not understand (another pyopenjtalk build) gives an empty index
    and one warning: romaji words then stay in kana, as before this module."""
    if not _INDEX:
        with _LOCK:
            if not _INDEX:
                import pyopenjtalk

                directory = pyopenjtalk.OPEN_JTALK_DICT_DIR.decode("utf-8")
                try:
                    built = _load_or_build(directory)
                except (OSError, ValueError, IndexError, UnicodeDecodeError) as exc:
                    _log.warning("romaji words stay in kana: cannot read the dictionary %s (%s)", directory, exc)
                    built = {}
                _INDEX.append(built)
    return _INDEX[0]


def _dependent_noun(hiragana: str) -> bool:
    """Whether OpenJTalk's dictionary reads ``hiragana`` alone as one dependent noun, pronoun or
    suffix (こと, とき, もの, ため): in kana it gets the chaining rules of that use."""
    words = dictionary_words(hiragana)
    return len(words) == 1 and _is_dependent(words[0])


def _is_dependent(word: DictionaryWord) -> bool:
    return word.pos == "名詞" and word.groups[0] in _DEPENDENT_NOUNS


@lru_cache(maxsize=8192)
def kanji_spelling(hiragana: str, pron: str = "") -> str | None:
    """The kanji to give OpenJTalk for a romaji word spelled ``hiragana`` and pronounced ``pron``
    (katakana; 水 for みず / ミズ), or None.

    UniDic (fugashi) reads the word first: it reads kana words far better than OpenJTalk's
    dictionary does (みず 水, いし 石, where MeCab with OpenJTalk's dictionary reads み|ず, a verb
    form, and いし as a form of いい), and its costs come from a balanced corpus.
    * Nothing but inflecting and function words (いた, すんで, きた): a verb or adjective form; it
      stays in kana, as does a word OpenJTalk's dictionary reads as a dependent noun (こと, とき).
    * One word whose lemma OpenJTalk's dictionary holds with this reading: that lemma (はし 箸,
      where the dictionary's own costs put 端 first).
    * The pronunciation is one loanword spelled just so (sōsēji: ソーセージ, not 双生児): kana.
      (UniDic's reading of katakana alone is no guide otherwise: it takes ナカ for a name and
      ヘヤ for hair.)
    * One word the dictionary does not hold so: kana (よう is 良く to UniDic, not 用), unless
      UniDic takes it for a name (けんこう, a given name to UniDic: 健康 by the next rule).
    * UniDic splits it: the lemma of its reading of the pronunciation as one word, if the
      dictionary holds it (ミズ 水), else the dictionary's own first choice for the reading
      (けつ|あつ: 血圧).
    """
    spellings = index().get(hiragana)
    if not spellings:
        return None
    words = unidic_words(hiragana)
    if not words or all(w.pos1 in _INFLECTING_OR_FUNCTION for w in words) or _dependent_noun(hiragana):
        return None
    if len(words) == 1 and words[0].lemma in spellings:
        return words[0].lemma
    heard = unidic_words(pron) if pron else []
    if len(heard) == 1 and heard[0].goshu == "外" and heard[0].lemma.partition("-")[0] == pron:
        return None  # sōsēji: the loanword ソーセージ (a hiragana そうせいじ is そう|青磁 to UniDic)
    if len(words) == 1 and words[0].goshu != "固":
        return None
    if len(heard) == 1 and heard[0].lemma in spellings:
        return heard[0].lemma
    return spellings[0]


def spell_in_kanji(
    text: str, readings: list[SpelledReading], keep: frozenset[str] = frozenset()
) -> tuple[str, list[SpelledReading]]:
    """``text`` with each romaji word that was given in hiragana spelled in kanji where the
    dictionary has it (:func:`kanji_spelling`), and the readings with those surfaces.

    Run after the text-level rules that read the kana (a question ending いかが, かな), so those
    still see what was written. Words in ``keep`` (a user dictionary's surfaces: ひかり as a
    character's name, not 光) stay as they are, for the user dictionary to find. (The romaji
    conversion puts no space between such a word and the Japanese text beside it: the kanji is
    the boundary. Spaces between romaji words stay: they are the writer's word boundaries.)
    """
    if not readings:
        return text, readings
    # (text before the word, the word as written, its kanji or None, its reading)
    pieces: list[tuple[str, str, str | None, SpelledReading]] = []
    pos = 0
    for reading in readings:
        surface = reading.surface
        at = text.find(surface, pos)
        if at < 0:  # not found as given (force_readings skips it too)
            pieces.append(("", "", None, reading))
            continue
        spellable = "ぁ" <= surface[:1] <= "ゖ" and surface not in keep
        kanji = kanji_spelling(surface, reading.pron) if spellable else None
        pieces.append((text[pos:at], surface, kanji, reading))
        pos = at + len(surface)
    rest = text[pos:]
    if any(kanji for _, _, kanji, _ in pieces):
        kept = _keep_kanji_whole(pieces, rest)
        # A word put back in kana had no space beside hiragana (the kanji was to be the boundary): give it the
        # space back, or MeCab glues it to them (wa は meri: わ はめり read はめ + り, ハメリ).
        for n, (old, new) in enumerate(zip(pieces, kept, strict=True)):
            if old[2] and not new[2]:
                before, surface, _, reading = new
                if before and is_hiragana(before[-1]):
                    before += " "
                kept[n] = (before, surface, None, reading)
                after = kept[n + 1][0] if n + 1 < len(kept) else rest
                if after and is_hiragana(after[0]):
                    if n + 1 < len(kept):
                        kept[n + 1] = (" " + kept[n + 1][0], *kept[n + 1][1:])
                    else:
                        rest = " " + rest
        pieces = kept
    out = [f"{before}{kanji or surface}" for before, surface, kanji, _ in pieces]
    spelled = [reading if kanji is None else SpelledReading(kanji, reading.pron) for _, _, kanji, reading in pieces]
    return "".join(out) + rest, spelled


def _keep_kanji_whole(
    pieces: list[tuple[str, str, str | None, SpelledReading]], rest: str
) -> list[tuple[str, str, str | None, SpelledReading]]:
    """The pieces with each kanji spelling that MeCab would cut apart in the spelled line put back
    in kana: 粗粒 (そりゅう) before あ is 粗 | 粒 to it, read アラツブ, and a spelled reading applies to
    one word only (force_readings), so the kana the writer spelled is what OpenJTalk gets."""
    text = "".join(f"{before}{kanji or surface}" for before, surface, kanji, _ in pieces) + rest
    bounds, pos = set(), 0
    for word in dictionary_words(text):  # MeCab skips the spaces between romaji words
        start = text.find(word.surface, pos)
        if start < 0:
            return pieces  # a character MeCab rewrote: nothing to check against
        pos = start + len(word.surface)
        bounds |= {start, pos}
    kept, at = [], 0
    for before, surface, kanji, reading in pieces:
        start = at + len(before)
        end = start + len(kanji or surface)
        whole = kanji is None or (start in bounds and end in bounds and not any(start < b < end for b in bounds))
        kept.append((before, surface, kanji if whole else None, reading))
        at = end
    return kept


# Kana-only sentences (a child's lines, a mascot's, text for young readers): UniDic's words that
# are spelled in kanji when the dictionary has them.
_KANA_LINE_POS = frozenset({"名詞", "形状詞"})  # nouns and na-adjective stems (きれい, しずか)
_HIRAGANA_WORD = re.compile(r"[ぁ-ゖー]{2,}")
_KANJI = re.compile(rf"[{KANJI}]")
# A sentence with its end marks (a run of marks with nothing before them is one too: 。あれ？).
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*|[。！？!?\n]+")


class _MecabReading(NamedTuple):
    """OpenJTalk's MeCab analysis of a kana sentence, as :func:`_kana_sentence_words` checks it."""

    bounds: set[int]  # word boundaries (character offsets)
    said: dict[int, tuple[int, str]]  # word start -> (its end, how the dictionary says it)
    dependent: set[tuple[int, int]]  # spans read as dependent nouns (もの, ため after a verb)
    short: set[int]  # offsets of a い / う said as written, which no later rule lengthens


def _mecab_words(text: str) -> _MecabReading | None:
    """OpenJTalk's MeCab analysis of ``text``; None when its words do not spell ``text`` back (a
    character OpenJTalk rewrites)."""
    bounds, pos, dependent, short, said = {0}, 0, set(), set(), {}
    for word in dictionary_words(text):
        start = pos
        pos += len(word.surface)
        bounds.add(pos)
        said[start] = (pos, word.pron.replace("’", ""))
        if _is_dependent(word):
            dependent.add((start, pos))
        pron = word.pron.replace("’", "")
        if len(pron) == len(word.surface):  # kana said as spelled, one letter for each (ゼイ for ぜい)
            # a noun's or adverb's えい / おう inside it is said long later (context_readings._long_ei);
            # one that starts a word (ぜ | い) or sits in a verb (とう, 問う) is not
            lengthened = word.pos in ("名詞", "副詞")
            short |= {start + i for i, c in enumerate(pron) if c in "イウ" and (i == 0 or not lengthened)}
    return _MecabReading(bounds=bounds, said=said, dependent=dependent, short=short) if pos == len(text) else None


def _long_vowel_lost(surface: str, start: int, pron: str, short: set[int]) -> bool:
    """Whether UniDic says a long vowel (ー) for a い / う of ``surface`` that MeCab's words say as
    written: しんけいしつ cut しんけ | いしつ (シンケ + イシツ) where UniDic reads 神経 シンケー, そうていして as
    そう | て | いし. Only where the letters line up one to one (no ー written, no kana merged). Where
    UniDic cuts the kana apart too (めん | ぜ | い for 免税, え | い for 英) nothing is found."""
    if len(pron) != len(surface):
        return False
    pairs = enumerate(zip(surface, pron, strict=True))
    return any(p == "ー" and c in "いう" and start + i in short for i, (c, p) in pairs)


def _kana_sentence_words(sentence: str, keep: frozenset[str]) -> list[tuple[int, int, str, str]]:
    """``(start, end, kanji, pronunciation)`` for the words of a kana-only sentence to give OpenJTalk
    in kanji (see :func:`spell_kana_sentences`)."""
    seen = _mecab_words(sentence)
    if seen is None:
        return []
    bounds, dependent = seen.bounds, seen.dependent
    out = []
    for w in unidic_words(sentence):
        surface = sentence[w.start : w.end]
        if w.pos1 not in _KANA_LINE_POS or w.pos2 in ("固有名詞", "数詞") or not w.pron:
            continue
        if not _HIRAGANA_WORD.fullmatch(surface) or surface in keep:
            continue
        # MeCab must cut the sentence at the word's edges too (inside it, it may go wrong: み|ず),
        # and not read it as a dependent noun there (もの, ため, ほか after a verb); a Sino-Japanese
        # noun whose long vowel MeCab's cut loses (しんけ | い) is spelled all the same, the reading
        # enforced on it only if MeCab then reads it whole (:func:`_whole_words`). Measured on JSUT
        # written in kana: held-out ids 3 lines closer, tuned 1, none further.
        if (w.start, w.end) in dependent:
            continue
        if (w.start not in bounds or w.end not in bounds) and not (
            w.goshu == "漢" and _long_vowel_lost(surface, w.start, w.pron, seen.short)
        ):
            continue
        kanji = kanji_spelling(surface, w.pron)
        if kanji:
            out.append((w.start, w.end, kanji, w.pron))
    return out


def spell_kana_sentences(text: str, keep: frozenset[str] = frozenset()) -> tuple[str, list[SpelledReading]]:
    """``text`` with the nouns and na-adjective stems of each sentence written without any kanji
    given in kanji, and the readings (UniDic's pronunciation of the kana) to enforce on them.

    Why: a line written all in hiragana (a child speaking, a mascot, text for young readers) is
    analysed by OpenJTalk's MeCab as badly as a romaji line is: its dictionary reads most kana
    nouns as other words (JSUT sentences rewritten in hiragana: accent-nucleus F1 ~74 against ~85
    in Japanese script). UniDic reads them in context; a noun or na-adjective stem it finds, that
    OpenJTalk's dictionary writes in kanji (:func:`kanji_spelling`), is handed over so, with its
    reading kept. Only sentences without a kanji: where a writer uses kanji, a noun left in kana is
    the writer's choice (ごみ, つめ), and spelling those cost more than it gained (measured: 4 JSUT
    sentences closer, 6 further). Conservative where the two analyses disagree: the word's edges
    must be MeCab's word boundaries too, and a word MeCab reads as a dependent noun (もの, ため)
    stays. Words in ``keep`` (a user dictionary's surfaces, a placeholder's value) stay as written.

    Measured (``benchmarks/bench_textfront.py``, the JSUT sentences with every kanji word written in
    its kana, held-out odd ids): phoneme error 0.85 → 0.59, accent-nucleus F1 72.2 → 74.1.
    """
    if not _HIRAGANA_WORD.search(text):
        return text, []
    sentences = SENTENCE.findall(text)
    if all(_KANJI.search(sentence) for sentence in sentences):  # nearly every line: nothing to do
        return text, []
    out: list[str] = []
    readings: list[SpelledReading] = []
    for sentence in sentences:
        words = [] if _KANJI.search(sentence) else _kana_sentence_words(sentence, keep)
        spelled = _spelled(sentence, words)
        # The spelled reading is enforced on whole words only: a kanji word MeCab joins to its
        # neighbour (やまみず as 山水, read サンスイ) would be read as the kanji, so it stays in kana.
        whole = _whole_words(spelled, words)
        if len(whole) < len(words):
            words = whole
            spelled = _spelled(sentence, words)
            if len(_whole_words(spelled, words)) < len(words):
                words, spelled = [], sentence
        out.append(spelled)
        readings += [SpelledReading(kanji, pron) for _, _, kanji, pron in words]
    return "".join(out), readings


def _spelled(sentence: str, words: list[tuple[int, int, str, str]]) -> str:
    out, last = [], 0
    for start, end, kanji, _ in words:
        out += [sentence[last:start], kanji]
        last = end
    out.append(sentence[last:])
    return "".join(out)


def _pieces_say(seen: _MecabReading, start: int, end: int, pron: str) -> bool:
    """Whether MeCab's words from ``start`` to ``end`` do not read a kana twice: a stem that already says
    its okurigana before the okurigana is read again (俄か cut 俄 ニワカ + か: was ニワカカ). Pieces of a
    compound (停戦 + 会談) are fine: the spelled reading is enforced on whole words only."""
    pieces, at = [], start
    while at < end:
        if at not in seen.said:
            return True
        at, said = seen.said[at]
        pieces.append(said)
    joined = "".join(pieces)
    return not (len(pieces) > 1 and joined != pron and joined.startswith(pron))


def _whole_words(spelled: str, words: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The ``words`` that MeCab reads as whole words of the ``spelled`` sentence."""
    if not words:
        return []
    seen = _mecab_words(spelled)
    if seen is None:
        return []
    bounds, shift, out = seen.bounds, 0, []
    for word in words:
        start, end, kanji, pron = word
        at = start + shift
        if at in bounds and at + len(kanji) in bounds and _pieces_say(seen, at, at + len(kanji), pron):
            out.append(word)
        shift += len(kanji) - (end - start)
    return out

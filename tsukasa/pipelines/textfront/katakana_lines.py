"""Japanese written in katakana: a robot's, an alien's or a foreigner's lines (ワタシハロボットデス).

Why: OpenJTalk's MeCab reads a run of katakana it does not know as one unknown noun, so such a
line was read as one flat word with its particles as written (ワタシハ with ハ, not ワ). Games and
manga write this voice often. Each such unknown katakana run of a sentence with no hiragana or kanji
is tried in hiragana (わたしはろぼっとです) and kept so only when the dictionary then reads it as
Japanese: every word known, at least one particle or auxiliary (or one known word alone, or a
greeting: コンニチハ is こんにちは, said コンニチワ), no
one-kana content word or filler (みっしょんこんぷりーと is み|っしょ|ん|…: a loanword, left as
written) but the one-kana forms that carry sentences (い of いた, し / さ / せ of する, れ of られる, き / こ
of くる, the formal nouns の and ん: おぼれかかっていた, すくわれた, するのは, なんです were refused), no final
particle inside the run (ケネ|ス|スター read け|ね|すす: ね ends a sentence), and every word said as
written except a particle は/へ/を (ワ, エ, オ) after a word.
Known katakana words (ゲーム, ワタシ, ロボット where MeCab finds them) are never touched, so a line
of loanwords (ゲームオーバー, ミッションコンプリート) reads as before; but a ハ / ヘ / ヲ that MeCab reads as a
one-kana word of its own right after a word (ガリレオ|ハ、: the noun 葉) is the particle.

A run that fails as a whole because it holds a loanword (ハンバーガーヲタベタイ, ミズヲマレーシアカラ…)
is cut into known katakana words of three letters or more and the loanwords and names UniDic finds in
it, kept, and stretches read as Japanese in hiragana (ハンバーガー|をたべたい, ミック|は), the fewest pieces
that do it. A stretch after a kept word may open on a particle but must end a predicate (a verb, an
adjective, an auxiliary or a final particle: ヲタベタイ, デス) or be a particle alone ending the run
(ミックハ、), so a loanword followed by ハチ or ハエ keeps its ハ; a stretch holding a long-vowel mark, a
small vowel or ヴ (ジーピーティー) or in which UniDic finds a loanword or a name is not tried. Whatever
the path, the sentence as it will be read is checked once more as a whole: every word said as
written but a particle after a word (pieces read alone can be cut otherwise together: はと|ペギー as
は|と|ペギー), else the sentence stays as written. Measured (``bench_textfront.py``, JSUT in katakana,
held out): phoneme error 3.89 (as pyopenjtalk) → 1.55, accent-nucleus F1 22.4 → 66.0; of 1,713 lines
of loanwords and names, 31 change accent (unknown names run together: a guess either way) and none
a phoneme.
"""

from __future__ import annotations

import re

import jaconv

from tsukasa.pipelines.textfront.kana_kanji import SENTENCE
from tsukasa.pipelines.textfront.normalize import KANJI
from tsukasa.pipelines.textfront.readings import matches_spelling
from tsukasa.pipelines.textfront.resources import DictionaryWord, dictionary_words, unidic_words

_KATAKANA_SENTENCE = re.compile(r"[ァ-ヴー・\s、。，．！？!?…‥「」『』（）()]+")
_KATAKANA_RUN = re.compile(r"[ァ-ヴ]{3,}")
_UNKNOWN_CANDIDATE = re.compile(r"[ァ-ヴー]{3,}")
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "副詞"})
_FUNCTION = frozenset({"助詞", "助動詞"})
_ALLOWED = _CONTENT | _FUNCTION | {"接頭詞", "連体詞", "接続詞"}
_PARTICLE_READING = {"は": "ワ", "へ": "エ", "を": "オ"}
_PREDICATE_END = frozenset({"動詞", "形容詞", "助動詞"})
# Verbs with forms of one kana that carry a sentence (い of いた, し / さ of した / された, れ of られた, き of
# きた), and the formal nouns の and ん (するのは, んです): a one-kana content word is no evidence against
# Japanese when it is one of these.
# (form, dictionary form); not す of する, the written style's, which MeCab finds inside names (ケネ|ス).
_ONE_KANA_VERBS = frozenset(
    {("い", "いる"), ("し", "する"), ("さ", "する"), ("せ", "する"), ("れ", "れる"), ("き", "くる"), ("こ", "くる")}
)
_ONE_KANA_NOUNS = frozenset({"の", "ん"})


def _one_kana_word_of_a_sentence(w: DictionaryWord) -> bool:
    if w.pos == "動詞":
        return (w.surface, w.base) in _ONE_KANA_VERBS
    return w.pos == "名詞" and w.groups[:1] == ("非自立",) and w.surface in _ONE_KANA_NOUNS


_CASE_PARTICLES = frozenset("はがをにへとものでや")


def _reads_as_japanese(hiragana: str, after_word: bool = False, at_end: bool = False) -> bool:
    """Whether MeCab reads ``hiragana`` (one converted katakana run) as Japanese words said as
    written (see the module docstring). ``after_word``: a word kept in katakana comes before it
    (ハンバーガー|ヲタベタイ), so it may open on a particle; with ``at_end`` (the run ends after it, at a
    mark or the line's end) it may also be that word's particle alone (ミック|ハ、: the name's topic)."""
    words = dictionary_words(hiragana)
    if not words or "".join(w.surface for w in words) != hiragana:
        return False
    if after_word and at_end and len(words) == 1 and words[0].pos == "助詞" and hiragana in _CASE_PARTICLES:
        return True
    if words[0].pos in _FUNCTION and not after_word:
        return False  # (no phrase opens on a particle: け|ね|すすたー is a name, ケネススター)
    if len(words) == 1 and words[0].pron and words[0].pos == "感動詞":
        return _word_said_as_written(words[0], particle_ok=False)  # a greeting alone (コンニチハ, オハヨウ)
    if len(words) == 1 and words[0].pos in ("フィラー", "接続詞") and len(hiragana) > 1:
        # a set reply or a connective alone (ソウデスネ ソーデスネ, ソレデハ ソレデワ, マタ: its neighbours
        # are read with it); not a one-kana filler (ア of アイラブユー)
        return _word_said_as_written(words[0], particle_ok=False)
    function = False
    for k, w in enumerate(words):
        if not w.pron or w.pos not in _ALLOWED:  # unknown to the dictionary, or a filler / interjection
            return False
        if w.pos in _CONTENT and len(w.surface) < 2 and not _one_kana_word_of_a_sentence(w):
            return False
        function |= w.pos in _FUNCTION
        if not _word_said_as_written(w, particle_ok=k > 0 or after_word):
            return False
        if w.groups[:1] == ("終助詞",) and k + 1 < len(words):
            return False  # a final particle ends its sentence: ケネ|ス|スター's ね inside a run of names
    if after_word and not (words[-1].pos in _PREDICATE_END or words[-1].groups[0] == "終助詞"):
        return False  # after a kept word only a predicate (ヲタベタイ, デス), not ハ|チ or ハ|エ
    return function or len(words) == 1


def _said_as_written(text: str) -> bool:
    """Whether MeCab reads every word of ``text`` as written (katakana, or hiragana said as its
    letters), but a particle は/へ/を after a word."""
    return all(
        w.pos == "記号" or _word_said_as_written(w, particle_ok=k > 0) for k, w in enumerate(dictionary_words(text))
    )


def _word_said_as_written(w: DictionaryWord, particle_ok: bool) -> bool:
    """Whether the dictionary says ``w`` as its letters (katakana, or hiragana read as written) up to
    long vowels spelled ウ/イ; a greeting's final は said ワ (こんにちは); with ``particle_ok``, a
    particle は/へ/を said ワ/エ/オ. An unknown word is read as written."""
    written = jaconv.hira2kata(w.surface)
    said = w.pron.replace("’", "") or written
    if particle_ok and w.pos == "助詞" and _PARTICLE_READING.get(w.surface) == said:
        return True
    final_wa = w.pos in ("感動詞", "接続詞") and written.endswith("ハ") and said == written[:-1] + "ワ"
    return said == written or matches_spelling(written, said) or final_wa


def _plainly_japanese(katakana: str, hiragana: str) -> bool:
    """Whether a run that reads as Japanese does so whatever names UniDic sees in its katakana (ヨウコ,
    キノ in ヨウコソ, キノウ): UniDic finds no loanword of three letters or more in it, and it spells a long vowel as
    Japanese kana do, with ウ / イ (ヨウコソ, キノウ, ホントウ: the dictionary says ヨーコソ, キノー), which a
    loanword writes ー."""
    if any(w.goshu == "外" and w.end - w.start >= _MIN_KNOWN for w in unidic_words(katakana)):
        return False  # UniDic takes short pieces of katakana Japanese for loanwords too (コソ, キノ, スカ)
    for w in dictionary_words(hiragana):
        written, said = jaconv.hira2kata(w.surface), w.pron.replace("’", "")
        if said != written and matches_spelling(written, said):
            return True
    return False


def _holds_a_loanword(katakana: str) -> bool:
    """Whether UniDic finds a loanword or a name in ``katakana`` (ケネス|スター, アブラハム|ガソリン:
    names and loanwords run together, which OpenJTalk's dictionary does not hold as one word)."""
    return any(w.goshu in ("外", "固") for w in unidic_words(katakana))


def katakana_sentences_to_hiragana(text: str) -> str:
    """``text`` with the unknown katakana runs of its all-katakana sentences in hiragana where the
    dictionary reads them as Japanese (see the module docstring)."""
    if not _KATAKANA_RUN.search(text):
        return text
    out = []
    for sentence in SENTENCE.findall(text):
        if not _KATAKANA_SENTENCE.fullmatch(sentence):
            out.append(sentence)
            continue
        pieces: list[str] = []
        for word in dictionary_words(sentence):
            s = word.surface
            if s in _LONE_PARTICLES and pieces and _KATAKANA_WORD_END.search(pieces[-1]):
                pieces.append(jaconv.kata2hira(s))  # ガリレオ|ハ、: MeCab's one-kana noun (葉) after a word
                continue
            candidate = word.accent is None and _UNKNOWN_CANDIDATE.fullmatch(s) and not _a_sound(s)
            hira = jaconv.kata2hira(s)
            if candidate and _reads_as_japanese(hira) and (not _holds_a_loanword(s) or _plainly_japanese(s, hira)):
                pieces.append(hira)
            elif candidate:
                pieces.append(_split_at_known_words(s))
            else:
                pieces.append(s)
        joined = "".join(pieces)
        # the pieces were read alone; in one string MeCab may cut them otherwise (はと|ペギー as
        # は|と|ペギー): the whole must still be said as written
        same = len(joined) == len(sentence) and (joined == sentence or _said_as_written(joined))
        out.append(joined if same else sentence)
    return "".join(out)


# ハ / ヘ / ヲ that MeCab reads as a word of their own (the nouns 葉, 歯; ヲ unknown) right after a word: the
# particle, as は / へ / を; the sentence is checked as a whole afterwards like every other piece.
_LONE_PARTICLES = frozenset("ハヘヲ")
_KATAKANA_WORD_END = re.compile(r"[ァ-ヴーぁ-ゖ]$")


def _a_sound(katakana: str) -> bool:
    """Whether a katakana run is a spoken sound as a whole (ハハハ, フフフ, ゴホッゴホッ: laughter, a cough),
    which is said as written: in hiragana MeCab reads ははは as 母 + the particle は (ハハワ)."""
    from tsukasa.pipelines.textfront.cues import extract_cues

    _, spans = extract_cues(katakana)
    return len(spans) == 1 and spans[0].offset == 0 and spans[0].label.rstrip("っッー") == katakana.rstrip("っッー")


_MIN_KNOWN = 3  # a katakana word kept inside a run has at least this many letters
# and no piece is longer than this: the cut stays linear in the run's length (a line of a thousand
# katakana is a few thousand look-ups, not half a million)
_MAX_PIECE = 24
_KNOWN_PIECE = re.compile(r"[ァ-ヴー]+")
# Letters Japanese written in katakana does not use but loanwords do (ジーピーティー, ティー, ヴァ): a
# stretch holding one is not tried in hiragana
_LOANWORD_LETTERS = re.compile(r"[ーァィゥェォヴ]")


def _known_katakana_word(katakana: str) -> bool:
    words = dictionary_words(katakana)
    return len(words) == 1 and words[0].accent is not None and words[0].surface == katakana


def _split_at_known_words(run: str) -> str:
    """``run`` cut into known katakana words, kept, and stretches read as Japanese in hiragana
    (ハンバーガー|をたべたい), the fewest pieces that do it; the run itself when none does."""
    n = len(run)
    # a loanword or a name UniDic finds in the run (ミック|ハ, リチャード|ト) is kept like a known word
    foreign = {(w.start, w.end) for w in unidic_words(run) if w.goshu in ("外", "固") and w.end - w.start >= 2}
    best: list[tuple[int, list[str], bool] | None] = [None] * (n + 1)  # (pieces, parts, last kept)
    best[0] = (0, [], False)
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        count, parts, last_kept = here
        for j in range(i + 1, min(n, i + _MAX_PIECE) + 1):
            piece = run[i:j]
            if (i, j) in foreign or (j - i >= _MIN_KNOWN and _known_katakana_word(piece)):
                option = (count + 1, [*parts, piece], True)
            elif (
                not _LOANWORD_LETTERS.search(piece)
                and not _holds_a_loanword(piece)
                and _reads_as_japanese(jaconv.kata2hira(piece), after_word=last_kept, at_end=j == n)
            ):
                option = (count + 1, [*parts, jaconv.kata2hira(piece)], False)
            else:
                continue
            if best[j] is None or option[0] < best[j][0]:
                best[j] = option
    done = best[n]
    if done is None or all(_KNOWN_PIECE.fullmatch(part) for part in done[1]):
        return run  # no way through, or nothing read in hiragana
    return "".join(done[1])


# Kanji with katakana endings and particles (漢字カタカナ交じり): the written voice of a ghost, a curse, a machine or an
# old proclamation (次ハ、オマエダ / オ前ヲ、許サナイ / 迎エニ行ク). MeCab reads a kanji before katakana as a word alone
# and the katakana as an unknown word after it: 次ハ was ジハ (the prefix), 許サナイ モトサナイ, 行ク イキク, and the
# particle ハ stayed ハ. A sentence holding kanji and katakana but no hiragana, in which a katakana letter follows a
# kanji, is read with its katakana in hiragana (次は、おまえだ) when (1) MeCab did not read the katakana as written
# words (an unknown run, or a lone letter), (2) it knows every word of the sentence in hiragana and (3) a particle
# or an auxiliary is among the words the katakana became. A katakana word the dictionary holds (ロボット, ゲーム) and a
# run written as loanwords are (ー, small vowels, ヴ) stay as written. Text that is no such voice almost always holds
# hiragana; a line of kanji and loanwords reads as written (初見プレイ, 100億ドル, 7位タイ: known words), and one whose
# unknown loanword spells native words (先攻ワンキル as 湾 + 切る) gains no particle. A key's name (嬰ハ短調, 変ロ長調)
# is a note, not a particle.
_MIXED_SENTENCE = re.compile(rf"[{KANJI}ァ-ヴー・0-9０-９\s、。，．！？!?…‥「」『』（）()]+")
_KANJI_THEN_KATAKANA = re.compile(rf"[{KANJI}][ァ-ヴ]")
_KATAKANA_RUNS = _KNOWN_PIECE  # the same letters: a run of katakana
_MUSICAL_KEY = re.compile(r"[嬰変]?[ハニホヘトイロ][長短]調")


def _run_in_hiragana(m: re.Match[str]) -> str:
    run = m.group(0)
    if _LOANWORD_LETTERS.search(run) or (len(run) >= _MIN_KNOWN and _known_katakana_word(run)):
        return run
    split = _split_at_known_words(run)  # ロボット|ヲ: a known word kept, its particle read
    return split if split != run else jaconv.kata2hira(run)


def _native_katakana(sentence: str) -> bool:
    """Whether some katakana run of ``sentence`` is no loanword or name to UniDic (オマエダ, サナイ, カラ: Japanese
    written in katakana), where 初見プレイ, 100億ドル, 先攻ワンキル hold loanwords only."""
    return any(
        not all(w.goshu in ("外", "固") for w in unidic_words(m.group(0))) for m in _KATAKANA_RUNS.finditer(sentence)
    )


def _reads_with_particles(converted: str, original: str) -> bool:
    """Whether MeCab knows every word of ``converted`` and the katakana of ``original`` became a particle or an
    auxiliary, or the ending of a verb or an adjective written with its kanji (寒イ 寒い, 返シテ 返し)."""
    grammar = False
    at = 0
    for w in dictionary_words(converted):
        start, at = at, at + len(w.surface)
        if w.pos == "記号" or w.surface.isspace():
            continue
        if w.accent is None or not w.pron:
            return False
        written = original[start:at]
        if w.pos in _FUNCTION and _KATAKANA_RUNS.fullmatch(written):
            grammar = True
        elif w.pos in _PREDICATE_END and _KANJI_THEN_KATAKANA.search(written):
            grammar = True
    return grammar


def kanji_katakana_sentences_to_hiragana(text: str) -> str:
    """``text`` with the katakana of its kanji-and-katakana sentences in hiragana where that reads as Japanese
    (see the comment above)."""
    if not _KANJI_THEN_KATAKANA.search(text):
        return text
    out = []
    for sentence in SENTENCE.findall(text):
        if (
            _MIXED_SENTENCE.fullmatch(sentence)
            and _KANJI_THEN_KATAKANA.search(sentence)
            and not _MUSICAL_KEY.search(sentence)
            and _native_katakana(sentence)
        ):
            converted = _KATAKANA_RUNS.sub(_run_in_hiragana, sentence)
            if converted != sentence and _reads_with_particles(converted, sentence):
                sentence = converted
        out.append(sentence)
    return "".join(out)

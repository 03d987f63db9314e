"""Our romaji parser: one romaji word → hiragana, or ``None`` when it is not romaji.

It accepts Hepburn, Kunrei-shiki, Nihon-shiki and wapuro spellings (syllable table in
``data/romaji.tsv``) and applies the rules a letter-by-letter table gets wrong:

* ``n``: ``n'`` and ``n-`` are ん; ``n`` before a consonant or at the end is ん;
  ``nn`` before a vowel/``y`` is ん + na-row (konnichiwa, onna), elsewhere ん (wapuro kannji);
  ``m`` before b/m/p is ん (traditional Hepburn: shimbun, sempai);
* geminates: a doubled consonant (kk, ss, tt, pp, …) and ``tch`` (matcha) are っ;
* long vowels: macrons and circumflexes (ā ī ū ē ō, â … ô) become the vowel + ー (they
  mark the pronunciation, and ē stands for both えい and ええ); doubled vowels (oo, ou, ei,
  ii, uu) are spelled as written; a hyphen after a vowel (wapuro ``ra-men``) is ー, except
  before an honorific (``Tanaka-san``, ``onii-chan``);
* particles are decided by the caller (:mod:`.mixed`), which sees word boundaries;
* words whose English spelling drops a long vowel (Tokyo, judo, Nintendo: ``data/romaji_words.tsv``)
  are taken whole, as the dictionary spells them in kana.

Hiragana (not katakana) is returned on purpose: OpenJTalk analyses hiragana as native
words, so particles, long vowels (とうきょう → トーキョー) and accents come from its dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tsukasa.pipelines.textfront.resources import read_table

_VOWELS = "aiueo"
# A macron marks a long vowel *as pronounced* (Hepburn writes 先生 sensē, 大きい ōkii), so it
# becomes the vowel + ー: spelling it おう/えい made OpenJTalk read unknown hiragana as written
# (オウキイ, テイセン) where the word is said オーキイ, テーセン.
_LONG = {"ā": "a-", "ī": "i-", "ū": "u-", "ē": "e-", "ō": "o-",
         "â": "a-", "î": "i-", "û": "u-", "ê": "e-", "ô": "o-"}  # fmt: skip
# The same long vowels spelled the way a Japanese dictionary writes them in kana (先生 せんせい,
# 東京 とうきょう): used for the *surface* given to OpenJTalk, so that it finds the word; the
# pronunciation (with ー) is enforced afterwards (:mod:`.readings`).
_LONG_AS_KANA = {"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ei", "ō": "ou",
                 "â": "aa", "î": "ii", "û": "uu", "ê": "ei", "ô": "ou"}  # fmt: skip
# ... and the fewer words a dictionary writes with the vowel doubled (大きい おおきい, 通り とおり,
# お姉さん おねえさん): the other spelling a macron can stand for (:func:`doubled_spelling`).
_LONG_DOUBLED_TABLE = str.maketrans({"ē": "ee", "ō": "oo", "ê": "ee", "ô": "oo"})
_GEMINATE_OK = set("kgsztdhbpcfjmrvwy")
# In Hepburn ち/ぢ/つ/づ are chi/ji/tsu/zu, so a Hepburn writer's ti/di/tu/du are the loanword
# sounds ティ/ディ/トゥ/ドゥ (pātī, media); in Kunrei and wapuro they are ち/ぢ/つ/づ.
_HEPBURN_ONLY = {"ti": "てぃ", "di": "でぃ", "tu": "とぅ", "du": "どぅ"}


@lru_cache(maxsize=1)
def syllables() -> tuple[dict[str, str], int]:
    table = {r: k for r, k in read_table("romaji.tsv")}
    return table, max(len(r) for r in table)


_LONG_TABLE = str.maketrans(_LONG)
_LONG_AS_KANA_TABLE = str.maketrans(_LONG_AS_KANA)


def _fold(word: str, dictionary_spelling: bool = False) -> str:
    w = word.lower()
    if w.isascii():
        return w  # no macron, accent or ’ to fold (the common case, without a per-letter pass)
    w = w.translate(_LONG_AS_KANA_TABLE if dictionary_spelling else _LONG_TABLE)
    if not w.isascii():
        # other accents (é in "café" written as romaji is rare): drop the mark
        w = "".join(c if c.isascii() else unicodedata.normalize("NFD", c)[0] for c in w)
    return w.replace("’", "'")


_HEPBURN_SENSITIVE = re.compile(r"[td][iu]")

# Honorifics that romaji writes after a hyphen (Tanaka-san, onii-chan, Sakura-sama): the written
# hyphen joins the name, it draws out no vowel (it was タナカーサン, オニイーチャン).
_HONORIFICS = frozenset(
    ("san", "chan", "sama", "kun", "tan", "han", "dono", "tono", "sensei", "senpai", "sempai", "shi", "senshu")
)


@lru_cache(maxsize=1)
def spelled_words() -> dict[str, tuple[str, str]]:
    """Words whose English spelling drops a long vowel (Tokyo, judo): ``data/romaji_words.tsv``,
    as (kana as the dictionary spells the word, pronunciation with ー), like a macron's two forms."""
    return {w: (k, pron) for w, k, pron in read_table("romaji_words.tsv")}


# Cached as a whole too: a repeated question is then one C-level lookup, not a fold and a key.
@lru_cache(maxsize=8192)
def romaji_to_hiragana(word: str, *, hepburn: bool = False, dictionary_spelling: bool = False) -> str | None:
    """Hiragana for one romaji word, or ``None`` if the word cannot be read as romaji.

    ``hepburn``: the writer uses Hepburn (ti/di/tu/du are then ティ/ディ/トゥ/ドゥ).
    ``dictionary_spelling``: macron long vowels as a dictionary spells them (ō → おう, ē → えい)
    instead of the pronunciation (ō → おー).

    The mixed-text reader asks about each word up to three times with different flags (span mode,
    reading, dictionary surface). The flags only matter for a word with a macron/circumflex
    (``dictionary_spelling``) or one holding ti/di/tu/du (``hepburn``), so every other call of a
    word shares one cache entry of :func:`_parse`: one parse per word instead of three.
    """
    stem, dash, tail = word.rpartition("-")
    if dash and stem and tail.lower() in _HONORIFICS:
        # the written hyphen only: a folded macron (bā → ba-) is a long mark before anything
        head = romaji_to_hiragana(stem, hepburn=hepburn, dictionary_spelling=dictionary_spelling)
        return None if head is None else head + (_parse(tail.lower(), False) or "")
    if word.isascii():
        w = word.lower()  # what _fold does to an ASCII word, whatever the long-vowel table
        spelled = spelled_words().get(w)
        if spelled is not None:  # Tokyo, judo: the long vowel the spelling leaves out
            return spelled[0] if dictionary_spelling else spelled[1]
    else:
        w = _fold(word, dictionary_spelling)
    return _parse(w, hepburn and _HEPBURN_SENSITIVE.search(w) is not None)


def doubled_spelling(word: str, *, hepburn: bool = False) -> str | None:
    """Hiragana for a romaji word whose ō/ē a dictionary writes おお/ええ (ōkii おおきい, tōri とおり,
    onēsan おねえさん), or None when the word has no such long vowel or is no romaji. Which of this
    and :func:`romaji_to_hiragana`'s おう/えい is the word is for the dictionary to say."""
    if "-" in word or not any(c in "ēōêôĒŌÊÔ" for c in word):
        return None
    w = _fold(word.lower().translate(_LONG_DOUBLED_TABLE), True)
    return _parse(w, hepburn and _HEPBURN_SENSITIVE.search(w) is not None)


# Cached on the folded word: short words (particles, desu, masu) recur in every line. Pure function.
@lru_cache(maxsize=8192)
def _parse(w: str, hepburn: bool) -> str | None:
    if not w or not any(c in _VOWELS for c in w) and w not in ("n", "nn", "n'"):
        return None
    table, longest = syllables()
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        if c == "-" or c == "'":
            if c == "-" and out and out[-1] and out[-1][-1] not in "んっ":
                out.append("ー")
            i += 1
            continue
        if c == "n":
            if nxt == "'":
                out.append("ん")
                i += 2
                continue
            if nxt == "n":
                after = w[i + 2] if i + 2 < n else ""
                if after and (after in _VOWELS or after == "y"):
                    out.append("ん")  # Hepburn "onna": ん + な; the second n starts the syllable
                    i += 1
                else:
                    out.append("ん")  # wapuro "nn" = ん
                    i += 2
                continue
            if not nxt or (nxt not in _VOWELS and nxt != "y"):
                out.append("ん")
                i += 1
                continue
        if c == "m" and nxt in ("b", "m", "p"):
            out.append("ん")
            i += 1
            continue
        if c == nxt and c in _GEMINATE_OK:
            out.append("っ")
            i += 1
            continue
        if c == "t" and w.startswith("ch", i + 1):
            out.append("っ")
            i += 1
            continue
        if hepburn and w[i : i + 2] in _HEPBURN_ONLY:
            out.append(_HEPBURN_ONLY[w[i : i + 2]])
            i += 2
            continue
        for size in range(min(longest, n - i), 0, -1):
            kana = table.get(w[i : i + size])
            if kana is not None:
                out.append(kana)
                i += size
                break
        else:
            return None
    return "".join(out)


def is_romaji(word: str) -> bool:
    return romaji_to_hiragana(word) is not None


_HEPBURN_MARK = re.compile(r"shi|chi|tsu|fu|j[aiueo]|sh[auo]|ch[auo]")
_KUNREI_MARK = re.compile(r"si|tu|(?<![sc])hu|zi|sy[auo]|ty[auo]|zy[auo]")


def uses_hepburn(words: list[str]) -> bool:
    """Whether a writer's words show Hepburn spellings (shi, tsu, ja) and no Kunrei ones (si, tu, zya)."""
    # One search over the words joined by spaces: no mark pattern can match across a space, and
    # the lookbehind in (?<![sc])hu sees the space as it saw a word start.
    joined = " ".join(words)
    folded = _fold(joined)  # a per-character map: folding the joined words is folding each word
    macron = not joined.isascii() and any(c in "āīūēō" for c in joined.lower())  # Kunrei marks long vowels with ^
    hepburn = macron or _HEPBURN_MARK.search(folded) is not None
    return hepburn and _KUNREI_MARK.search(folded) is None

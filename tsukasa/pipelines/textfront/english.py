"""English words that the loanword table does not hold: katakana from e2k's character model.

Game and chat text mixes in English freely (今日はgood weatherですね, deadlineまでに): a loanword
table can only ever hold the common words, and spelling the rest with letter names
(ダブリューイーエーティーエイチイーアール for "weather") is what plain pyopenjtalk does and nobody
says. e2k (public domain, numpy only, weights inside the wheel) ships two small models that
cover the rest the way Japanese writes gairaigo:

* ``NGram``: whether a Latin string is *pronounceable* as a word at all (a character n-gram
  score against CMUdict words vs acronyms and random strings). Strings it rejects (xyzzy,
  ussr, nhk) keep their letter names, as the issue asks for unknown non-words.
* ``C2K``: English spelling → katakana (a GRU encoder–decoder trained on Wiktionary and
  JMdict loanwords; greedy decoding, so the result is deterministic).

Accents are left to OpenJTalk: most outputs are dictionary nouns there (ウェザー, デッドライン),
and for the others its unknown-word rule gives a phrase accent in context.

The models load once (~0.4 s) on the first unknown English word; a line without one never
loads them. Each word costs a few milliseconds, so results are cached per word. Inference is
pure numpy with no state between calls, so the shared models are safe across threads.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_MODELS: list[Any] = []  # [C2K, NGram] once loaded
_KATAKANA = re.compile("[ァ-ヺー]+")
_ASCII_WORD = re.compile("[a-z]+(?:['’\\-][a-z]+)*")


def _models() -> tuple[Any, Any]:
    if not _MODELS:
        with _LOCK:
            if not _MODELS:
                from e2k import C2K, NGram

                _MODELS.extend([C2K(), NGram()])
    return _MODELS[0], _MODELS[1]


def _letters(word: str) -> str | None:
    """The lower-case letters e2k reads (don't → dont), or None for anything but an ASCII word."""
    core = word.lower().replace("’", "'")
    if not _ASCII_WORD.fullmatch(core):
        return None
    return core.replace("'", "").replace("-", "")


@lru_cache(maxsize=8192)
def transliterate(word: str) -> str | None:
    """Katakana for an English word, or None when it is not a pronounceable word.

    ``word`` is ASCII letters (with inner apostrophes/hyphens); case is ignored. None also
    for anything the model cannot spell in katakana: the caller then spells letter names.
    """
    letters = _letters(word)
    if letters is None:
        return None
    c2k, ngram = _models()
    if len(letters) < 2 or not ngram(letters):
        return None
    kana = c2k(letters)
    return kana if kana and _KATAKANA.fullmatch(kana) else None


# e2k's n-gram score above which a lone Latin word that also parses as romaji is taken for
# English inside Japanese text (see mixed._english_not_japanese). Chosen on the EVEN JSUT ids
# only (bench_textfront.py): the lowest score at which the mixed set (romaji content nouns in
# Japanese text) reads exactly as well as with no such rule (1.0 already cost it 0.01 PER
# points); the English-mixed set reads 0.25-0.30 PER points better anywhere from 0.8 to 1.4.
# Romaji nouns that MeCab does not know score 0.59 (median), English loanwords 1.59.
CLEARLY_ENGLISH_SCORE = 1.2


def clearly_english(word: str) -> bool:
    """Whether e2k's character n-gram model scores ``word`` well inside English spelling."""
    return english_score(word) >= CLEARLY_ENGLISH_SCORE


def english_score(word: str) -> float:
    """e2k's character n-gram score of ``word`` against English spelling (higher: more English;
    -inf for anything but an ASCII word)."""
    letters = _letters(word)
    if letters is None:
        return float("-inf")
    _, ngram = _models()
    return float(ngram.score(letters))

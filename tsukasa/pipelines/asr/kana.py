"""Reading-level comparison: katakana readings through the text front-end, and CER between them.

Script text and ASR text are compared as *readings* (katakana from
``tsukasa.pipelines.textfront.phonemize``), not as written text: a game script writes 「今日」,
Whisper may write 「きょう」 or 「京」; their readings agree where it matters for TTS data.
Only katakana (and the long-vowel mark) take part in the comparison; punctuation, spaces and
anything the front-end leaves unread are dropped so they cannot cost or hide errors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

KanaFn = Callable[[str], str]


def _hira_to_kata(ch: str) -> str:
    code = ord(ch)
    return chr(code + 0x60) if 0x3041 <= code <= 0x3096 else ch


def normalize_kana(kana: str) -> str:
    """Keep only katakana (ァ..ヴ, ー); hiragana is mapped to katakana first."""
    out = []
    for ch in kana:
        ch = _hira_to_kata(ch)
        if "\u30a1" <= ch <= "\u30f4" or ch == "ー":
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def reading(text: str) -> str:
    """The normalised katakana reading of ``text`` by the project's text front-end."""
    if not text.strip():
        return ""
    from tsukasa.pipelines.textfront import phonemize

    return normalize_kana(phonemize(text).kana)


def distances_to_prefixes(ref: str, hyp: str) -> list[int]:
    """``out[p] = edit_distance(ref, hyp[:p])`` for every ``p``: the last row of one DP table
    (unit costs, two rows of memory). Script matching uses the whole row to find split points."""
    prev = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        cur = [i]
        for p, hc in enumerate(hyp, 1):
            cur.append(min(prev[p] + 1, cur[p - 1] + 1, prev[p - 1] + (rc != hc)))
        prev = cur
    return prev


def edit_distance(ref: str, hyp: str) -> int:
    """Levenshtein distance (unit costs); symmetric, so the shorter string indexes the row."""
    if len(ref) < len(hyp):
        ref, hyp = hyp, ref
    return distances_to_prefixes(ref, hyp)[-1]


def cer(ref: str, hyp: str) -> float:
    """Character error rate of ``hyp`` against ``ref`` (1.0 when ref is empty and hyp is not)."""
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)

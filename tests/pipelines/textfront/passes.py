"""Shared by the property tests of the front-end's reading passes (kanji spelling of romaji and kana
words, katakana read as hiragana): each pass may change how OpenJTalk analyses a line, never what the
line says, so its phonemes are compared with those of the same line with the pass switched off."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

from hypothesis import strategies as st

from tsukasa.corpus.symbols import SYMBOL_TO_ID
from tsukasa.errors import TsukasaError
from tsukasa.pipelines.textfront import frontend, phonemize


def phonemes_with_and_without(line: str, name: str, off: Callable) -> tuple[list[str], list[str]] | None:
    """The phonemes of ``line`` (pauses aside) with the pass ``frontend.<name>`` and with it replaced
    by ``off``; None when the line is refused (a word it cannot read). Checks the symbols on the way."""
    try:
        with_pass = phonemize(line)
    except TsukasaError:
        return None
    assert all(s in SYMBOL_TO_ID for s in with_pass.phonemes + with_pass.prosody_tokens)
    with mock.patch.object(frontend, name, off):
        without = phonemize(line)
    return [p for p in with_pass.phonemes if p != "pau"], [p for p in without.phonemes if p != "pau"]


def same_up_to_long_vowels(said: list[str], written: list[str]) -> bool:
    """Phoneme for phoneme, but a vowel the dictionary says long where the spelling wrote い/う (セイ/セー)."""
    return len(said) == len(written) and all(
        a == b or {a, b} <= {"i", "e", "u", "o"} for a, b in zip(said, written, strict=True)
    )


def lines_of(words: st.SearchStrategy[str], glue: list[str], joiner: str = "") -> st.SearchStrategy[str]:
    """Lines of one to eight words and particles or marks (``glue``), joined by ``joiner``."""
    return st.lists(st.one_of(words, st.sampled_from(glue)), min_size=1, max_size=8).map(joiner.join)

"""Roman numerals as numbers (roman_numerals.py): values, and which ones are left as letters."""

from __future__ import annotations

import pytest

from tsukasa.pipelines.textfront.normalize import normalize
from tsukasa.pipelines.textfront.roman_numerals import read_roman_numerals, roman_value


@pytest.mark.parametrize(
    "numeral,value",
    [("II", 2), ("IV", 4), ("IX", 9), ("XIV", 14), ("XIX", 19), ("XL", 40), ("MCMXCIX", 1999), ("XXXIX", 39)],
)
def test_roman_value(numeral: str, value: int) -> None:
    assert roman_value(numeral) == value


@pytest.mark.parametrize("numeral", ["", "IIII", "VV", "IC", "XXXX", "iv", "ABC"])
def test_not_a_standard_numeral_has_no_value(numeral: str) -> None:
    assert roman_value(numeral) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ロッキーII", "ロッキーツー"),
        ("XIII機関", "13機関"),
        ("第 IV 章", "第 4 章"),
        ("FF XXI", "FF 21"),  # past the English table's 20: a Japanese number
        ("XXの謎", "XXの謎"),  # a placeholder, not 20
        ("I love it", "I love it"),  # single letters are words
        ("VIP", "VIP"),  # inside a word
        ("IIIB", "IIIB"),
        ("Mk-V", "マークファイブ"),
        ("MkVI", "マークシックス"),
        ("ⅩⅢ世", "13世"),
    ],
)
def test_read_roman_numerals(text: str, expected: str) -> None:
    assert read_roman_numerals(text) == expected


def test_normalisation_with_roman_numerals_is_idempotent() -> None:
    for text in ("ロッキーII", "Chapter III", "第Ⅱ章", "Mk-IIとⅡ世", "ⅱ 手順"):
        once = normalize(text)
        assert normalize(once) == once

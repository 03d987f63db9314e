"""Readings of any text, and reading distances: the bit-parallel prefix distances equal the
plain DP table's last row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tsukasa.pipelines.asr.kana import cer, distances_to_prefixes, edit_distance, plain_prefix_distances

# Few letters make repeats and near-matches common; long strings cross 64 bits (one machine word).
_kana = st.text(alphabet="アイウンーッ", max_size=90)


@settings(max_examples=400, deadline=None)
@given(_kana, _kana)
def test_prefix_distances_equal_the_dp_table(ref: str, hyp: str) -> None:
    assert distances_to_prefixes(ref, hyp) == plain_prefix_distances(ref, hyp)
    assert edit_distance(ref, hyp) == edit_distance(hyp, ref) == plain_prefix_distances(ref, hyp)[-1]


def test_known_distances() -> None:
    assert distances_to_prefixes("キョー", "キョーワ") == [3, 2, 1, 0, 1]
    assert distances_to_prefixes("", "アイ") == [0, 1, 2]
    assert distances_to_prefixes("アイ", "") == [2]
    assert edit_distance("コンニチワ", "コンニチハ") == 1
    assert cer("アイウエオ", "アイウ") == 0.4


def test_a_reading_never_fails_and_unreadable_parts_read_as_nothing() -> None:
    """Whisper output the front-end cannot read (Hangul or Greek hallucinated over a sigh, a kanji
    no dictionary holds) stopped match_script, and the run, for the whole dataset."""
    from tsukasa.pipelines.asr.kana import reading

    assert reading("안녕하세요 今日は") == reading("今日は") == "キョーワ"
    assert reading("今日はΩμέγαです") == "キョーワデス"
    assert reading("鿐はね") == "ハネ"  # the kana written in the text still count
    assert reading("ㄱ") == reading("Привет") == ""


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_a_reading_of_any_text_is_katakana(text: str) -> None:
    from tsukasa.pipelines.asr.kana import reading

    assert all("ァ" <= ch <= "ヴ" or ch == "ー" for ch in reading(text))

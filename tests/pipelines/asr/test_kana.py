"""Reading distances: the bit-parallel prefix distances equal the plain DP table's last row."""

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

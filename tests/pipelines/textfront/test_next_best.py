"""MeCab's next-best analysis (next_best.py) keeps every letter of the line, and only where a cut was.

The readings it fixes are table cases in test_textfront_rules.py; here the invariants: whatever
words and endings a line is made of, the analysis taken spells the line exactly (the n-best path is
spliced into MeCab's own best one, never a letter lost or doubled), and a line with no suspect cut
is left exactly as OpenJTalk analysed it.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tsukasa.pipelines.textfront.next_best import mend_with_next_best
from tsukasa.pipelines.textfront.openjtalk_frontend import run_frontend
from tsukasa.pipelines.textfront.resources import jtalk

# Words whose lines MeCab cut (願い, 答え, 天井, 鳴き声, 焼く, 降り, 話し) and plain ones, and the endings
# of speech that made it do so.
WORDS = ["願い", "答え", "考え", "天井", "公平", "鳴き声", "未定", "故障", "焼く", "好む", "降り", "向い", "話し",
         "捨て", "戦い", "殴り書き", "毛繕い", "田中", "水", "学校", "食べ", "読ん", "泳い", "勉強し", "怒り", "笑",
         "しょうが"]  # fmt: skip
ENDINGS = ["なんだ", "なの", "かな", "よね", "じゃん", "みたい", "だし", "し", "ね", "よ", "てる", "ちゃった",
           "でる", "とく", "も", "と", "？", "。", "、", "", "って", "ねえな", "でしょ", "さ"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(ENDINGS)), min_size=1, max_size=3))
@example([("願い", "なんだ")])
@example([("天井", "かな？")])
@example([("降り", "てる"), ("話し", "ちゃった")])
def test_the_analysis_taken_spells_the_line(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + ending for word, ending in parts)
    jt = jtalk(None)
    features = run_frontend(text, jt)
    mended = mend_with_next_best(text, features, jt)
    assert "".join(f["string"] for f in mended) == "".join(f["string"] for f in features)


def test_a_line_without_a_suspect_cut_is_left_as_analysed() -> None:
    jt = jtalk(None)
    for text in ("水をマレーシアから買わなくてはならないのです。", "勉強しちゃった", "田中かな？", "嘘ちゃう？"):
        features = run_frontend(text, jt)
        assert mend_with_next_best(text, features, jt) is features


def test_a_cut_is_taken_back_to_the_dictionarys_words() -> None:
    jt = jtalk(None)
    before = run_frontend("これが私の願いなんだ。", jt)
    after = mend_with_next_best("これが私の願いなんだ。", before, jt)
    assert "いなん" in [f["string"] for f in before]
    assert [f["string"] for f in after][4:8] == ["願い", "な", "ん", "だ"]

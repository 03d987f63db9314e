"""Our run of pyopenjtalk-plus's front-end gives exactly the library's NJD features.

:mod:`tsukasa.pipelines.textfront.openjtalk_frontend` runs the library's ``run_frontend`` steps
itself and calls each context reading rule only for the written forms it can act on (the rules were
two thirds of the library's time). Exactness is the contract: every test here compares with
``pyopenjtalk.run_frontend`` (real OpenJTalk, real dictionaries) on JSUT, on the rules' own examples
(quoted in the library's source), on fuzzed text, and on the inputs that must take the library's
own path.
"""

from __future__ import annotations

import ast
import csv
import inspect
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tsukasa.pipelines.textfront import context_rule_triggers as triggers
from tsukasa.pipelines.textfront import openjtalk_frontend as fast
from tsukasa.pipelines.textfront.resources import jtalk

JSUT = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "jsut_basic5000_dev.tsv"


def _library(text: str, jt: object | None = None) -> list[dict]:
    import pyopenjtalk

    return pyopenjtalk.run_frontend(text, jtalk=jt or jtalk(None), iu_pronunciation="YuuBase")


def _ours(text: str, jt: object | None = None) -> list[dict]:
    return fast.run_frontend(text, jt or jtalk(None))


def _rule_examples() -> list[str]:
    """Every 「quoted」 example in the context rules' source, bare and inside two sentences."""
    import pyopenjtalk._context_reading as m

    quoted = sorted({q for q in re.findall(r"「([^「」]+)」", inspect.getsource(m)) if q.strip()})
    return [s for q in quoted for s in (q, f"{q}。", f"それは{q}です。", f"彼が{q}と言った。")]


def test_the_supported_version_is_installed() -> None:
    # pyproject pins it; with another version every call takes the library's path (slower, same output)
    assert fast._library() is not None


def test_the_rule_order_is_the_installed_librarys() -> None:
    import pyopenjtalk._context_reading as m

    loops = [
        node
        for node in ast.walk(ast.parse(inspect.getsource(m.modify_context_reading)))
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple)
    ]
    assert [tuple(e.id for e in loop.iter.elts) for loop in loops] == [triggers.INDEPENDENT, triggers.EXCLUSIVE]


def test_every_rule_has_a_trigger_entry() -> None:
    import pyopenjtalk._context_reading as m

    assert set(triggers._triggers(m)) == {*triggers.INDEPENDENT, *triggers.EXCLUSIVE}


@pytest.mark.skipif(not JSUT.is_file(), reason="shared dev data (jsut_basic5000_dev.tsv) not present")
def test_same_features_as_the_library_on_jsut() -> None:
    with open(JSUT, encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    differ = [t for t in texts if _ours(t) != _library(t)]
    assert not differ, differ[:5]


def test_same_features_as_the_library_on_the_rules_own_examples() -> None:
    texts = _rule_examples()
    assert len(texts) > 1000  # the library documents its rules with ~400 examples
    changed = 0
    differ = []
    for t in texts:
        ours = _ours(t)
        if ours != _library(t):
            differ.append(t)
        changed += any(f["is_reading_rewritten"] for f in ours)
    assert not differ, differ[:5]
    assert changed > 100  # the examples do fire the rules (not a test of words nothing rewrites)


def test_the_context_rules_alone_match_the_librarys_on_their_own_examples() -> None:
    # the dispatch on its own, on the raw analysis (the full pipeline's other reading fixes can hide
    # a rule that was not called: Sudachi reads 面を上げる オモテ either way)
    import copy

    import pyopenjtalk
    import pyopenjtalk._context_reading as m

    differ, changed = [], 0
    for text in _rule_examples():
        raw = pyopenjtalk.run_frontend(text, use_vanilla=True)
        theirs, ours = m.modify_context_reading(copy.deepcopy(raw)), triggers.modify_context_reading(copy.deepcopy(raw))
        if ours != theirs:
            differ.append(text)
        changed += theirs != raw
    assert not differ, differ[:5]
    assert changed > 100


@pytest.mark.parametrize(
    "text",
    [
        "(^_^)ありがとう",  # a kaomoji: the library's own path (it needs MeCab's morphemes)
        "ｷﾀ━(ﾟ∀ﾟ)━!",
        "叙々苑で々を読む。",  # odoriji expansion changes the number of words
        "Ⅱ章とⅢ型を読んだ。",  # roman numerals
        "髙橋さんと𠮷野さん。",  # variant kanji
        "何をしに来たの？何人いる？",  # 何 reading model
        "博士課程の学生と、先生方が、駆け込み寺へ行った。",
        "",
    ],
)
def test_same_features_as_the_library_on_corner_cases(text: str) -> None:
    assert _ours(text) == _library(text)


_ALPHABET = "".join(sorted({c for t in _rule_examples()[::4] for c in t})) + "、。！？ー々ゝ(^_^)ⅡⅢ０１２３"


@given(st.text(alphabet=_ALPHABET, max_size=30))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example("二十歳の前に、水の面を見た者等は、その他の町へ。")
def test_same_features_as_the_library_on_fuzzed_text(text: str) -> None:
    assert _ours(text) == _library(text)


def test_a_user_dictionary_that_protects_its_readings_takes_the_library_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tsukasa.pipelines.textfront.userdict import compiled_user_dict

    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv_path = tmp_path / "names.csv"
    csv_path.write_text("surface,reading,accent\n司,ツカサ,1\n", encoding="utf-8")
    jt = jtalk(compiled_user_dict(csv_path))
    assert any(jt.userdic_reading_protection)
    text = "司は先生方と来た。"
    assert _ours(text, jt) == _library(text, jt)
    assert any(f["string"] == "司" and f["pron"] == "ツカサ" for f in _ours(text, jt))


def test_another_library_version_takes_the_library_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fast._library.cache_clear()
    monkeypatch.setattr(fast, "SUPPORTED_VERSION", "0.0.0")
    try:
        assert fast._library() is None
        text = "先生方が駆け込み寺へ行った。"
        assert _ours(text) == _library(text)
    finally:
        fast._library.cache_clear()


def test_an_n_best_path_goes_through_the_same_njd_and_post_processing() -> None:
    # run_frontend_choosing feeds MeCab's n-best lines to NJD: choosing the best path must give
    # exactly run_frontend's features (what next_best.py relies on when it picks another path)
    jt = jtalk(None)
    rows = list(csv.DictReader(JSUT.open(encoding="utf-8"), delimiter="\t"))[:200]
    for text in [r["text"] for r in rows] + ["これが私の願いなんだ。", "ｈｐが１００回復した"]:
        assert fast.run_frontend_choosing(text, jt, lambda paths: 0) == _library(text, jt), text


def test_an_n_best_path_is_chosen_by_its_words() -> None:
    jt = jtalk(None)
    seen: list[list[fast.Word]] = []

    def the_one_with_the_noun(paths: list[list[fast.Word]]) -> int:
        seen.extend(paths)
        return next(k for k, words in enumerate(paths) if any(w.surface == "願い" and w.pos == "名詞" for w in words))

    features = fast.run_frontend_choosing("これが私の願いなんだ。", jt, the_one_with_the_noun)
    assert ("願", "名詞", "ネガイ") in [(w.surface, w.pos, w.pron) for w in seen[0]]  # MeCab's best makes the cut
    assert [f["string"] for f in features][4:8] == ["願い", "な", "ん", "だ"]
    assert fast.run_frontend_choosing("願いなんだ", jt, lambda paths: None) is None

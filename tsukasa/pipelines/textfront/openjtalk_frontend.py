"""pyopenjtalk-plus's ``run_frontend``, the same NJD features in two thirds of the time.

Why: ``pyopenjtalk.run_frontend`` was ~80 % of the front-end's time, and two thirds of *that* was
one post-processing step, ``modify_context_reading``: ~60 context rules (駆け込み寺 デラ, 先生方 ガタ,
水の面 ミズノオモテ...), each called for every word of every sentence, although each one can act
only on a few written forms of the word it stands on (寺, 方, 面). This module runs the same
pipeline — the same library functions, in the same order, with the options the front-end always
passes (``iu_pronunciation="YuuBase"``, everything else at its default) — but calls a context rule
only for the words it can act on (:mod:`.context_rule_triggers`: for each rule, the written forms
of the word at its position for which it can change anything; None = every word).

Exactness is the contract, not an approximation: tests compare these features with
``pyopenjtalk.run_frontend``'s on every JSUT dev sentence, on the rules' own examples and on
fuzzed text. The pipeline is pyopenjtalk-plus's private sequence, so it is used only with the
version it was written against (:data:`SUPPORTED_VERSION`); any other version, a user dictionary
that protects its readings, or a line holding a kaomoji (both need MeCab's morphemes, which this
path does not build) goes to the library's own ``run_frontend``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

# The pyopenjtalk-plus release whose run_frontend / apply_postprocessing this module mirrors.
SUPPORTED_VERSION = "0.4.1-post10"
IU_PRONUNCIATION = "YuuBase"


@lru_cache(maxsize=1)
def _library() -> Any:
    """pyopenjtalk when it is the supported version and has every step this path calls, else None."""
    import pyopenjtalk

    if getattr(pyopenjtalk, "__version__", None) != SUPPORTED_VERSION:
        return None
    try:
        from tsukasa.pipelines.textfront.context_rule_triggers import dispatch_tables

        dispatch_tables()  # the rules named in the table exist in this version
    except (ImportError, AttributeError, KeyError):
        return None
    return pyopenjtalk


def library_run_frontend(text: str, jtalk: Any) -> list[dict]:
    """The library's own call, with the options the front-end uses."""
    import pyopenjtalk

    return pyopenjtalk.run_frontend(text, jtalk=jtalk, iu_pronunciation=IU_PRONUNCIATION)


def run_frontend(text: str, jtalk: Any) -> list[dict]:
    """``pyopenjtalk.run_frontend(text, jtalk=jtalk, iu_pronunciation="YuuBase")``, faster."""
    fast = _fast_path(text, jtalk)
    if fast is None:
        return library_run_frontend(text, jtalk)
    p, text = fast
    features = jtalk.run_frontend(text, restore_unknown_katakana=True, modify_numeral_reading=True)
    return _postprocess(p, text, features, jtalk)


def _fast_path(text: str, jtalk: Any) -> tuple[Any, str] | None:
    """(the library, ``text`` as its run_frontend normalises it) where this path may run, else None."""
    p = _library()
    if p is None or any(jtalk.userdic_reading_protection) or p.find_kaomoji_parts(text):
        return None
    # run_frontend: (normalize_mode "None" leaves the text as it is)
    text = p.normalize_unknown_itaiji(text, inference_jtalk=jtalk)
    return p, p.normalize_roman_numerals(text, inference_jtalk=jtalk)


def _postprocess(p: Any, text: str, features: list[dict], jtalk: Any) -> list[dict]:
    """apply_postprocessing with use_vanilla=False, Sudachi and 何 on, no marine, no reading
    protection (its saved readings are then empty), iu_pronunciation="YuuBase", no pron reverts."""
    from tsukasa.pipelines.textfront.context_rule_triggers import modify_context_reading

    p.fill_missing_feature_flags(features)
    before = [(f["read"], f["pron"]) for f in features]
    features = p.modify_filler_accent(features)
    features = p.predict_nani_reading(features)
    features = p.modify_kanji_yomi(text, features, p._MULTI_READ_KANJI_SET_EXCLUDING_NANI, jtalk=jtalk)
    features = p.suppress_unnatural_auxiliary_u_long_vowel(features)
    features = modify_context_reading(features)
    features = p.modify_old_province_yomi(features)
    features = p.restore_loanword_kana(features)
    features = p.read_unknown_kanji(features, text)
    for f, (read, _) in zip(features, before, strict=True):
        if f["read"] != read:
            f["is_reading_rewritten"] = True
    rewritten = [
        i
        for i, (f, was) in enumerate(zip(features, before, strict=True))
        if (f["read"], f["pron"]) != was and f["is_reading_protected"] is False
    ]
    if rewritten:
        # NJD devoiced vowels by the pronunciations before the rules: judge them again after
        for i in rewritten:
            features[i]["pron"] = features[i]["pron"].replace("’", "")
            previous = features[i - 1] if i > 0 else None
            if previous is not None and previous["is_reading_protected"] is False:
                previous["pron"] = previous["pron"].removesuffix("’")
        revoiced = jtalk.set_unvoiced_vowel(features)
        for i in rewritten:
            for j in (i - 1, i):
                if j >= 0 and features[j]["is_reading_protected"] is False:
                    features[j]["pron"] = revoiced[j]["pron"]
    features = p.retreat_acc_nuc(features)
    features = p.modify_acc_after_chaining(features)
    # keyed by id, as the library does: the tuple holds each word, so no id is reused by a new one
    before_odori = {id(f): (f, f["read"]) for f in features}
    features = p.process_odori_features(features, jtalk=jtalk)
    for f in features:
        seen = before_odori.get(id(f))
        if seen is None or seen[1] != f["read"]:
            f["is_reading_rewritten"] = True
    return p.normalize_iu(features, IU_PRONUNCIATION)


def run_frontend_choosing(text: str, jtalk: Any, choose: Any, max_paths: int = 8) -> list[dict] | None:
    """The features of the MeCab analysis of ``text`` that ``choose`` picks among its n-best, or None.

    ``choose(paths)`` gets each n-best path's words (:class:`Word`), best first, and returns the
    index of the one to use (or None). Only the words where that path cuts or tags the text
    otherwise than MeCab's own best analysis are taken from it; the rest are ``run_mecab``'s lines
    as they are (n-best lists the same words under other homographs: 瓢箪 ビョウタン beside
    ヒョウタン), and the whole goes through the same NJD and post-processing as
    :func:`run_frontend` (a test checks that choosing the best path gives exactly its features).
    None when nothing is chosen or the fast path is not available (another library version, a user
    dictionary that protects readings, a kaomoji): the caller keeps what it had."""
    fast = _fast_path(text, jtalk)
    if fast is None:
        return None
    p, text = fast
    paths = [path["features"] for path in p.run_mecab_nbest_features(text, max_paths, jtalk=jtalk)]
    k = choose([[mecab_word(line) for line in lines] for lines in paths])
    if k is None:
        return None
    lines = _splice(jtalk.run_mecab(text), paths[k])
    features = p.run_njd_from_mecab(lines, restore_unknown_katakana=True, modify_numeral_reading=True, jtalk=jtalk)
    return _postprocess(p, text, features, jtalk)


class Word(NamedTuple):
    """One word of an analysis, as the n-best chooser sees it (MeCab line or NJD feature alike)."""

    surface: str
    pos: str
    groups: tuple[str, str, str]  # pos_group1..3: 固有名詞, 人名, 姓 ...
    pron: str  # "" for an unknown word
    cform: str = "*"  # the inflected form: 連用形, 基本形 ...
    ctype: str = "*"  # the inflection class: 一段, 五段・ガ行 ...
    base: str = ""  # the dictionary form


def mecab_word(line: str) -> Word:
    """The :class:`Word` of one MeCab feature line."""
    f = line.split(",")
    if len(f) < 10:  # an unknown word: surface and part of speech only
        return Word(f[0], f[1] if len(f) > 1 else "*", ("*", "*", "*"), "")
    return Word(f[0], f[1], (f[2], f[3], f[4]), f[9], f[6], f[5], f[7])


def feature_word(feature: dict) -> Word:
    """The :class:`Word` of one NJD feature."""
    groups = (feature["pos_group1"], feature["pos_group2"], feature["pos_group3"])
    return Word(
        feature["string"], feature["pos"], groups, feature["pron"], feature["cform"], feature["ctype"], feature["orig"]
    )


def _splice(best: list[str], other: list[str]) -> list[str]:
    """``best`` with the stretch where ``other`` cuts or tags the text otherwise taken from ``other``
    (a word cut and tagged alike — surface, part of speech and its groups, inflection and dictionary
    form — keeps ``best``'s line: 瓢箪 ヒョウタン, not ビョウタン; 降り of 降りる is not 降り of 降る)."""
    words = [line.split(",", 8)[:8] for line in best]
    others = [line.split(",", 8)[:8] for line in other]
    head = 0
    while head < min(len(words), len(others)) and words[head] == others[head]:
        head += 1
    tail = 0
    while tail < min(len(words), len(others)) - head and words[-1 - tail] == others[-1 - tail]:
        tail += 1
    return best[:head] + other[head : len(other) - tail] + best[len(best) - tail :]

"""Accent-phrase corrections applied to OpenJTalk's NJD features before labels are made.

OpenJTalk chains a word into the previous accent phrase by its chain rules; for a few
dependent words that chaining disagrees with careful read speech: the formal noun もの after
a 連体形 and the auxiliary verb ください after a て-form keep a phrase (and accent) of their own
(``ほしい | も[の]だ``, ``おくって | く[ださ]い``). The words, their accent type and the parts
of speech they must follow are a table (``data/accent_phrases.tsv``), measured on the even
JSUT ids and checked on the odd ones (benchmarks/bench_textfront.py).

Rules that did *not* pay off on that split (とき, いけ(ない), し after a particle: more
phrase-boundary errors than nucleus gains) are deliberately absent from the table. Session 2
added rows by a measured search over the even ids (see the table's comments): こと, for
example, keeps a phrase of its own after a particle, an auxiliary or an adjective.

A final-accented (尾高型) common noun loses its nucleus before the genitive の (花]が but
はなの いろ; 町の, 夢の, 橋の): a rule of Tokyo accent that OpenJTalk does not apply
(:func:`_deaccent_before_no`; one-mora nouns and numerals are left alone).

A question word made indefinite by も (何も, 誰も, どこにも: "nothing", "nobody") and the
adnominal 何の are read flat (:func:`_flatten_indefinites`), where OpenJTalk keeps the
question word's own accent (ナ]ニ).

Sentence-final polite ます/です lose their nucleus (:func:`_flatten_final_polite`): in read
speech the fall on ま/で merges into the utterance-final lowering, and the reference marks that
last phrase without a nucleus more often than with one (40 of 65 sentence-final ます phrases on
the even ids; odd ids confirm the gain). A question (？) keeps it.

Verb phrases after a particle (する forms: を|しました; いけ in 〜てはいけない)
split off too and keep OpenJTalk's own nucleus (accent ``-1`` = :data:`INHERIT` in the table).

A second, much smaller table (``data/accent_types.tsv``) corrects the accent type of a word
that heads a phrase where the dictionary and the reference reading disagree (人 ひと: 0 → 2).
"""

from __future__ import annotations

from functools import lru_cache

from tsukasa.pipelines.textfront.resources import read_table

# Table accent meaning "keep the nucleus OpenJTalk placed inside the split-off tail" (else flat).
INHERIT = -1


@lru_cache(maxsize=1)
def _rules() -> dict[tuple[str, str, str], tuple[int, frozenset[str]]]:
    return {
        (surface, pos, group1): (int(accent), frozenset(after.split(",")))
        for surface, pos, group1, accent, after in read_table("accent_phrases.tsv")
    }


@lru_cache(maxsize=1)
def _types() -> dict[tuple[str, str, str, int], int]:
    return {
        (surface, pos, group1, int(old)): int(new) for surface, pos, group1, old, new in read_table("accent_types.tsv")
    }


def split_accent_phrases(features: list[dict]) -> list[dict]:
    """Start a new accent phrase (with the table's accent) at the listed dependent words.

    Works in place on OpenJTalk's feature dicts (``chain_flag`` 1 = chained to the previous
    word, 0 = starts a phrase; the phrase's accent is the ``acc`` of its first word, counted in
    morae over the whole phrase, so it may fall on a later word: しま]した) and returns them.
    The phrase that loses its tail keeps its nucleus only if the nucleus lay before the split;
    otherwise it becomes flat, and a row whose accent is :data:`INHERIT` gives that nucleus to
    the new phrase (を しま]した → を | しま]した: OpenJTalk's chain rules already place the
    nucleus of a verb's inflection right; only the phrase boundary was missing).
    """
    rules = _rules()
    types = _types()
    head: int | None = None
    for i, feat in enumerate(features):
        if feat["chain_flag"] != 1:
            head = i
            fixed = types.get((feat["string"], feat["pos"], feat["pos_group1"], feat["acc"]))
            if fixed is not None:
                feat["acc"] = fixed
            continue
        hit = rules.get((feat["string"], feat["pos"], feat["pos_group1"]))
        if hit is None or head is None or i == 0 or features[i - 1]["pos"] not in hit[1]:
            continue
        accent = hit[0]
        tail = feat["mora_size"]
        for nxt in features[i + 1 :]:
            if nxt["chain_flag"] != 1:
                break
            tail += nxt["mora_size"]
        if accent > tail:
            continue
        before = sum(f["mora_size"] for f in features[head:i])
        inherited = 0
        if features[head]["acc"] > before:
            inherited = features[head]["acc"] - before
            features[head]["acc"] = 0
        feat["chain_flag"] = 0
        # INHERIT: the nucleus OpenJTalk's chain rules put into the tail (し|ま]した) stays there.
        feat["acc"] = inherited if accent == INHERIT else accent
        head = i
    _deaccent_before_no(features)
    _flatten_indefinites(features)
    _flatten_final_polite(features)
    return features


_QUESTION_WORDS = frozenset({"何", "なに", "誰", "だれ", "どこ", "いつ"})


def _flatten_indefinites(features: list[dict]) -> None:
    """何も / 誰も / どこにも (も within two chained words) and 何の head a flat phrase."""
    for i, f in enumerate(features):
        if f["chain_flag"] == 1:
            continue
        if f["string"] == "何の" or (
            f["string"] in _QUESTION_WORDS
            and any(n["string"] == "も" and n["chain_flag"] == 1 for n in features[i + 1 : i + 3])
        ):
            f["acc"] = 0


def _deaccent_before_no(features: list[dict]) -> None:
    """A phrase ``<common noun> の`` whose nucleus is the noun's last mora becomes flat."""
    head: int | None = None
    for i, f in enumerate(features):
        if f["chain_flag"] != 1:
            head = i
            continue
        if head != i - 1 or f["string"] != "の" or f["pos"] != "助詞" or f["pos_group1"] != "連体化":
            continue
        noun = features[head]
        if noun["pos"] == "名詞" and noun["pos_group1"] == "一般" and noun["mora_size"] >= 2:
            if noun["acc"] == noun["mora_size"]:
                noun["acc"] = 0


_FINAL_POLITE = frozenset({"ます", "です"})


def _flatten_final_polite(features: list[dict]) -> None:
    """Drop the nucleus that sits on a sentence-final ます/です (not in a question)."""
    last = len(features) - 1
    while last >= 0 and features[last]["pos"] == "記号":
        if "？" in features[last]["string"] or "?" in features[last]["string"]:
            return
        last -= 1
    if last <= 0 or features[last]["string"] not in _FINAL_POLITE or features[last]["pos"] != "助動詞":
        return
    head = last
    while head > 0 and features[head]["chain_flag"] == 1:
        head -= 1
    before = sum(f["mora_size"] for f in features[head:last])
    if head < last and features[head]["acc"] == before + 1:
        features[head]["acc"] = 0

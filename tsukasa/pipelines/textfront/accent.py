"""Accent-phrase corrections applied to OpenJTalk's NJD features before labels are made.

OpenJTalk chains a word into the previous accent phrase by its chain rules; for a few
dependent words that chaining disagrees with careful read speech: the formal noun もの after
a 連体形 and the auxiliary verb ください after a て-form keep a phrase (and accent) of their own
(``ほしい | も[の]だ``, ``おくって | く[ださ]い``). The words, their accent type and the parts
of speech they must follow are a table (``data/accent_phrases.tsv``), measured on the even
JSUT ids and checked on the odd ones (benchmarks/bench_textfront.py).

Rules that did *not* pay off on that split (こと, とき: more phrase-boundary errors than
nucleus gains) are deliberately absent from the table.
"""

from __future__ import annotations

from functools import lru_cache

from tsukasa.pipelines.textfront.resources import read_table


@lru_cache(maxsize=1)
def _rules() -> dict[tuple[str, str, str], tuple[int, frozenset[str]]]:
    return {
        (surface, pos, group1): (int(accent), frozenset(after.split(",")))
        for surface, pos, group1, accent, after in read_table("accent_phrases.tsv")
    }


def split_accent_phrases(features: list[dict]) -> list[dict]:
    """Start a new accent phrase (with the table's accent) at the listed dependent words.

    Works in place on OpenJTalk's feature dicts (``chain_flag`` 1 = chained to the previous
    word, 0 = starts a phrase; the phrase's accent is the ``acc`` of its first word) and
    returns them.
    """
    rules = _rules()
    prev: dict | None = None
    for feat in features:
        hit = rules.get((feat["string"], feat["pos"], feat["pos_group1"]))
        if hit is not None and prev is not None and prev["pos"] in hit[1] and feat["chain_flag"] == 1:
            accent = hit[0]
            if accent <= feat["mora_size"]:
                feat["chain_flag"] = 0
                feat["acc"] = accent
        prev = feat
    return features

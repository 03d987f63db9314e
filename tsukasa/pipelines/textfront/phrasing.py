"""Pauses a reader makes where the writer put no comma: phrase-break prediction.

OpenJTalk (and plain ``pyopenjtalk.g2p``) pauses only at punctuation. A sentence written with
no comma at all is not read in one breath when it is long: read speech breaks it after the topic
(連邦政府の予算削減は、社会保障の…) or after a subordinate clause (…通って、北海道まで…). A sentence
whose writer placed commas has its pauses marked already, and readers add almost none there.

The rule, over OpenJTalk's analysis after the accent-phrase rules:

* only a sentence (text between 。！？ or the line's ends) with no pause of its own (no 、, bracket,
  quote or other mark that OpenJTalk reads as a pause) and at least :data:`BREATH_MORAE` morae;
* the break goes at an accent-phrase boundary after the topic particle は (は, には, では, とは)
  or a conjunctive particle (て, ので, から, けれど, ば, が "but", ながら…), at the leftmost such
  boundary with at least :data:`SIDE_MORAE` morae on each side; what follows the break is
  looked at again as a stretch of its own, so a very long sentence can get more than one.

Measured on JSUT basic5000 (``benchmarks/bench_textfront.py``): its first ~2,400 sentences are
written with commas and the reader paused beyond them at under 1 % of word boundaries; its
later sentences are written with few commas and she paused at a quarter of them, mostly after
a long topic or clause. The thresholds were set on the even ids only; what the rule adds where
the reader did not pause costs one phoneme each, as a missed pause does.
"""

from __future__ import annotations

from tsukasa.pipelines.textfront.labels import makes_pause

BREATH_MORAE = 28  # a comma-less sentence shorter than this is read in one breath
SIDE_MORAE = 6  # a break leaves at least this many morae on each side

_SENTENCE_ENDS = frozenset("。．！？!?")
_TOPIC = frozenset({"は"})
_CONJUNCTIVE = "接続助詞"


def _ends_clause(f: dict) -> bool:
    """Whether a word closes a topic or a subordinate clause (a break may follow it)."""
    if f["pos"] != "助詞":
        return False
    return (f["string"] in _TOPIC and f["pos_group1"] == "係助詞") or f["pos_group1"] == _CONJUNCTIVE


def _pause_node() -> dict:
    """A 、 node as OpenJTalk's own analysis has one (JPCommon and our label rules pause at it)."""
    return {
        "string": "、", "pos": "記号", "pos_group1": "読点", "pos_group2": "*", "pos_group3": "*",
        "ctype": "*", "cform": "*", "orig": "、", "read": "、", "pron": "、", "acc": 0,
        "mora_size": 0, "chain_rule": "*", "chain_flag": 0,
    }  # fmt: skip


def _breaks(sentence: list[dict]) -> list[int]:
    """Indices (into ``sentence``) of the words a pause goes before."""
    morae = [int(f["mora_size"]) for f in sentence]
    rest = [0] * (len(sentence) + 1)  # rest[i]: the morae from word i to the end
    for i in range(len(sentence) - 1, -1, -1):
        rest[i] = rest[i + 1] + morae[i]
    out: list[int] = []
    start = 0
    while rest[start] >= BREATH_MORAE:
        before, found = 0, None
        for i in range(start, len(sentence) - 1):
            before += morae[i]
            if rest[i + 1] < SIDE_MORAE:
                break
            nxt = sentence[i + 1]
            if before >= SIDE_MORAE and nxt["chain_flag"] != 1 and _ends_clause(sentence[i]):
                found = i + 1
                break
        if found is None:
            break
        out.append(found)
        start = found
    return out


def insert_phrase_breaks(features: list[dict]) -> list[dict]:
    """``features`` with a pause node where a reader breaks a long comma-less sentence."""
    sentences: list[list[dict]] = [[]]
    for f in features:
        sentences[-1].append(f)
        if f["string"] in _SENTENCE_ENDS:
            sentences.append([])
    out: list[dict] = []
    changed = False
    for sentence in sentences:
        if any(makes_pause(f) and f["string"] not in _SENTENCE_ENDS for f in sentence):
            out.extend(sentence)
            continue
        cuts = set(_breaks(sentence))
        for i, f in enumerate(sentence):
            if i in cuts:
                out.append(_pause_node())
                changed = True
            out.append(f)
    return out if changed else features

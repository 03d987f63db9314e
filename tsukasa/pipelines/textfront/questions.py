"""Questions and rising endings written without ``？``.

OpenJTalk flags a phrase as interrogative (a final rise, ESPnet ``?``) only when ``？``
follows it. Japanese writing ends questions and listener-directed sentences with ``。``
(来ますか。 / いいですよ。) or nothing, so a clause whose ending rises (table
``data/question_endings.tsv``, longest ending wins) gets its ``。``/``、`` turned into ``？``.

An alternative question (歩きましょうか、それとも、バスで行きますか) rises on its first
alternative whatever that clause ends with: ``それとも`` ("or else") tells the listener a
second option follows, so the clause before it is itself a question. Only when the sentence asks,
though (its end rises, or it stops at それとも): alternatives inside a statement (何分か経ったのか、
それとも何時間か経ったのか、先生が入ってきた。 / 兄たちか、姉たちか、それとも彼自身が行くべきだ。, JSUT
BASIC5000_1578 / 2056: an indirect question or an either-or read falling) do not rise.

A rising ending counts only when it does not start inside a content word of MeCab's
analysis (:func:`_starts_a_word`): the table matches characters, and a content word written in kana
can end in the same characters as a particle — せかい (世界) in かい, あかい in かい, でんわ in
わ, an imperative 見よ or 〜せよ in よ, and romaji lines, which reach this module as hiragana, are full
of such words. Only clauses that match a rising ending pay for the look-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tsukasa.pipelines.textfront.contractions import take_contractions
from tsukasa.pipelines.textfront.resources import dictionary_words, read_table, unidic_words

_CLOSERS = "」』）)"
_ALTERNATIVE = "それとも"  # 或いは/あるいは also join alternatives in statements (雨、あるいは雪)
_SENTENCE_END = "。．！"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, bool]], int]:
    rows = read_table("question_endings.tsv")
    table = {e: (where, rise == "yes") for e, where, rise in rows}
    return table, max(len(e) for e in table)


# Endings that address the listener rather than ask (よ, ね, わ, ぞ, a request in ないで): they keep their
# rise before ！ (行くよ！, 頑張ってね！), where an asking ending is an exclamation (行くか！ "let's go",
# 誰が行くか！ "like hell I'd go", いいの！, でっか！): a surprised question writes ？ (本当か！？).
_ADDRESS = frozenset({"よ", "ね", "よね", "わ", "ぞ", "ないで"})


def _rises(stem: str, *, final: bool, exclaimed: bool = False) -> bool:
    table, longest = _table()
    spaced = stem.rstrip(_CLOSERS)
    stem = spaced.replace(" ", "")  # romaji words arrive space-separated (mixed.py)
    for n in range(min(longest, len(stem)), 0, -1):
        hit = table.get(stem[-n:])
        if hit is None:
            continue
        where, rise = hit
        if where == "alone" and stem[:-n][-1:] not in _CLAUSE_START:
            continue  # 話そうか is no そうか: the shorter ending (か) decides
        if rise and stem.endswith("よ") and _verb_form_in_yo(stem):
            return False
        if exclaimed and stem[-n:] not in _ADDRESS:
            return False
        if n == 1 and stem[-2:-1] in ("っ", "ッ") and stem[-1] != "か":
            return False  # the last mora of a clipped exclamation (こっわ, かっわ), not a particle; 行こっか asks
        return rise and (final or where == "clause") and _starts_a_word(spaced, n)
    return False


# UniDic's conjugation types whose imperative is written with よ (数えよ, 起きよ, 注意せよ, 来よ), and
# the forms that end in that よ: the imperative, and the volitional clipped in speech (覚えよ, 食べよ
# for 覚えよう, 食べよう)
_YO_IMPERATIVE = ("上一段", "下一段", "サ行変格", "文語")
_YO_FORMS = frozenset({"命令形", "意志推量形"})


@lru_cache(maxsize=4096)
def _verb_form_in_yo(stem: str) -> bool:
    """Whether ``stem`` ends in a verb form written in よ, not the particle よ: the written-style
    imperative (数えよ, 注意せよ: a command, said falling; OpenJTalk's dictionary reads 数えよ as 数 +
    え + the particle よ) or a volitional clipped in speech (覚えよ for 覚えよう). UniDic names the
    form. A colloquial godan imperative + よ (戦えよ, which UniDic reads as one imperative of the
    potential 戦える) is what OpenJTalk's dictionary reads there: 戦え of 戦う + よ, not an ichidan
    stem, and it still rises."""
    tail = stem[-(_CONTEXT + 2) :]
    words = unidic_words(tail)
    if not words:
        return False
    last = words[-1]
    if last.pos1 != "動詞" or last.cform not in _YO_FORMS or not last.ctype.startswith(_YO_IMPERATIVE):
        return False
    if not tail[last.start : last.end].endswith("よ"):
        return False
    read = dictionary_words(tail)
    if len(read) >= 2 and read[-1].surface == "よ" and read[-2].pos == "動詞":
        verb = read[-2]  # 戦え of 戦う is a godan imperative; 覚え of 覚える an ichidan stem
        return verb.surface == verb.base[:-1]
    return True


def rises_at_end(stem: str, *, exclaimed: bool = False) -> bool:
    """Whether a sentence that ends with ``stem`` rises as a question or a listener-directed ending
    would (来ますか, 行くぞ): what :func:`mark_questions` asks of each written sentence (``exclaimed``:
    it ends in ！), and of one whose end is not written (textfront/phrasing.py)."""
    return bool(stem) and _rises(stem, final=True, exclaimed=exclaimed)


# What may stand before an ending that is a clause of its own ("alone" rows: そうか): nothing, or a mark
# (the dashes novels and scripts open a line with: ――そうか。).
_CLAUSE_START = frozenset(("", *"、。！？!?…‥「『（( 　―—─–"))


# Characters of context MeCab gets before a matched ending: enough for the words that end the
# clause to be cut as in the whole sentence, short enough for the look-up to stay cheap (and cached).
_CONTEXT = 6
_FUNCTION_POS = frozenset({"助詞", "助動詞"})


def _starts_a_word(stem: str, n: int) -> bool:
    """False when the last ``n`` characters of ``stem`` (spaces not counted) begin inside a content
    word of MeCab's analysis (せかい, あかい, かねがね; a clipped 行こっか is looked up as 行こうか); an
    ending that begins inside a function word still counts (the dictionary holds だよ as one
    auxiliary, and だよね ends in よね).

    The spaces between romaji words are kept for MeCab: they are the writer's word boundaries
    (iku yo: いく + よ, where いくよ alone could be one word)."""
    tail = stem[-(n + _CONTEXT) :]
    while len(tail) < len(stem) and len(tail) - tail.count(" ") < n + _CONTEXT:
        tail = stem[-(len(tail) + 1) :]
    start = len(tail) - tail.count(" ") - n
    full, _ = take_contractions(tail)  # 行こっか is looked up as 行こうか (a clipped っ is one letter for one)
    pos = 0
    for word in dictionary_words(full if len(full) == len(tail) else tail):
        end = pos + len(word.surface)
        if end > start:
            return pos == start or word.pos in _FUNCTION_POS
        pos = end
    return True


# The particles that take a shout into its sentence (行くぞ！って言った, 行くぞ！と叫んだ, ドンッ！と): its ！
# is no sentence end (phrasing.join_exclaimed_quotes runs it on), so its ending gets no rise either.
QUOTING_PARTICLES = ("って", "と")


def mark_questions(text: str) -> str:
    out = []
    parts = re.split(r"(?<=[。．！？])", text)
    for k, part in enumerate(parts):
        if not part:
            continue
        stem = part.rstrip(_SENTENCE_END)
        exclaimed = part[len(stem) :].startswith("！")
        quoted = exclaimed and k + 1 < len(parts) and parts[k + 1].startswith(QUOTING_PARTICLES)
        if not stem.endswith("？") and not quoted and rises_at_end(stem, exclaimed=exclaimed):
            part = stem + "？"
        asks = part.rstrip(_CLOSERS).endswith(("？", "?")) or stem.rstrip(_CLOSERS).endswith(_ALTERNATIVE)
        # Clauses inside the sentence (before 、) that end in a question ending rise as well.
        clauses = part.split("、")
        for i in range(len(clauses) - 1):
            alternative = asks and clauses[i + 1].startswith(_ALTERNATIVE) and not clauses[i].endswith(_ALTERNATIVE)
            if clauses[i] and (alternative or _rises(clauses[i], final=False)):
                clauses[i] += "？"
        part = "、".join(clauses).replace("？、", "？")
        out.append(part)
    return "".join(out)

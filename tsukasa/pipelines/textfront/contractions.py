"""Clipped word endings after a kanji stem (行こっか, 休も, 寒っ): read the full form, then clip it.

Game and anime dialogue clips the last mora of a verb's volitional and of an adjective:
行こうか → 行こっか ("shall we go?"), 休もう → 休も, 寒い → 寒っ！ MeCab's dictionary holds only
the full forms, and without them the kanji fell back to other words: 行こっか was read ギョーコッカ
(行 + 国家), 話そっか ハナシソッカ, 使おっか ツカイオッカ, 休も キューモ, 寒っ カンッ, 高っ コウッ,
眩しっ マバユシッ. So OpenJTalk analyses the full form (:func:`take_contractions` writes the う or
い back: っ → う, 休も → 休もう, 寒っ → 寒い) and its reading is clipped again
(:func:`restore_contractions`): the volitional's long vowel (the auxiliary う, read ー) becomes the
written ッ or goes, the adjective's final イ becomes ッ. Accents come from the full form.

A candidate is a guess from the letters alone (私も。 looks like 休も。, 待っ… like 寒っ), so it is
kept only when the analysis confirms it: the う is the auxiliary right after a verb that ends on the
written kana, the い is the last letter of an adjective. A line with a candidate the analysis does
not confirm is analysed again without it. Kana-only forms (やろっか, すごっ) need none of this:
OpenJTalk reads them as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tsukasa.pipelines.textfront.resources import unidic_lemma

# A kanji stem, up to two more letters of hiragana (終わろ, 眩し), then the clipped ending:
# a volitional stem's o-row kana with its う clipped to っ or dropped before punctuation or the
# line's end; or an adjective stem with its い clipped to っ at the same places.
_STEM = r"[一-龯々〆ヶ][ぁ-ゖ]{0,2}?"
_BOUNDARY = r"(?=[、。，．！？!?…‥」』）)\s～〜♪]|$)"
_VOLITIONAL = re.compile(_STEM + r"[おこそとのほもろごぞどぼぽ](?:(っ)|" + _BOUNDARY + ")")
_ADJECTIVE = re.compile(_STEM + r"(っ)" + _BOUNDARY)


@dataclass(frozen=True)
class Contraction:
    """At ``start`` of the written text a clipped form; OpenJTalk reads it with ``kana`` written
    back as the last letter of ``context`` (the full form from its kanji on, the ``nth`` such
    string in the analysed text without spaces), and that letter's mora is read ``sound`` (ッ, or
    nothing)."""

    start: int
    kind: str  # "volitional" | "adjective"
    kana: str
    sound: str
    context: str
    nth: int


def take_contractions(text: str, skip: frozenset[int] = frozenset()) -> tuple[str, list[Contraction]]:
    """``text`` with the clipped forms written in full, and the forms in order (those starting at
    an index in ``skip`` are left as written)."""
    if "っ" not in text and not _VOLITIONAL.search(text):
        return text, []
    found: dict[int, tuple[int, int, str, str, str]] = {}  # by the index of the clipped letter
    for m in _VOLITIONAL.finditer(text):
        clipped = m.start(1) if m.group(1) else m.end()
        found[clipped] = (m.start(), clipped, "volitional", "う", "ッ" if m.group(1) else "")
    for m in _ADJECTIVE.finditer(text):
        found.setdefault(m.start(1), (m.start(), m.start(1), "adjective", "い", "ッ"))
    out: list[str] = []
    contractions: list[Contraction] = []
    pos = 0
    for start, clipped, kind, kana, sound in (found[k] for k in sorted(found)):
        if start in skip or start < pos:
            continue
        out.append(text[pos:clipped])
        out.append(kana)
        pos = clipped + (1 if sound else 0)  # a clipped っ is replaced, a dropped う inserted
        expanded = "".join(out)
        context = text[start:clipped] + kana
        squeezed = "".join(expanded.split())
        contractions.append(Contraction(start, kind, kana, sound, context, squeezed.count(context) - 1))
    if not contractions:
        return text, []
    out.append(text[pos:])
    return "".join(out), contractions


def restore_contractions(features: list[dict], contractions: list[Contraction]) -> list[Contraction]:
    """Clip each full form in ``features`` back to how it was written (in place) and return ``[]``;
    or, when the analysis does not confirm some of them, change nothing and return those."""
    if not contractions:
        return []
    word_at: dict[int, int] = {}  # word index by the offset of its first letter
    ends_at: dict[int, int] = {}  # ... and by the offset right after its last
    pos = 0
    for i, f in enumerate(features):
        word_at.setdefault(pos, i)
        pos += len(f["string"])
        ends_at[pos] = i
    joined = "".join(f["string"] for f in features)
    edits: list[tuple[Contraction, int]] = []
    failed: list[Contraction] = []
    for c in contractions:
        at = -1
        for _ in range(c.nth + 1):
            at = joined.find(c.context, at + 1)
            if at < 0:
                break
        letter = at + len(c.context) - 1
        i = _confirmed(features, word_at, ends_at, c, letter) if at >= 0 else None
        if i is None:
            failed.append(c)
        else:
            edits.append((c, i))
    if failed:
        return failed
    for c, i in sorted(edits, key=lambda e: e[1], reverse=True):  # from the end: pops keep indices
        _clip(features, c, i)
    return []


def _confirmed(
    features: list[dict], word_at: dict[int, int], ends_at: dict[int, int], c: Contraction, letter: int
) -> int | None:
    """Index of the word whose reading is clipped, if the analysis is the full form guessed."""
    if c.kind == "volitional":
        i = word_at.get(letter)
        if not i:
            return None
        word, verb = features[i], features[i - 1]
        if word["string"] != "う" or word["pos"] != "助動詞" or word["chain_flag"] != 1:
            return None
        # the verb holds the whole written stem (その方こそ。 is no verb こそ + う after 方)
        if verb["pos"] != "動詞" or not verb["string"].endswith(c.context[:-1]):
            return None
        return i if word["pron"] in ("ー", "ウ") else None
    i = ends_at.get(letter + 1)  # the adjective ends on its い
    if i is None:
        return None
    word = features[i]
    if word["pos"] != "形容詞" or not word["string"].endswith(c.context) or not word["pron"].endswith("イ"):
        return None
    # an adjective under its own spelling (寒い), not a spelling with okurigana left out (切い is
    # 切ない to the dictionary; 切っ… is a verb cut off)
    return i if unidic_lemma(word["string"]) == word["string"] else None


def _clip(features: list[dict], c: Contraction, i: int) -> None:
    word = features[i]
    if c.kind == "adjective" or c.sound:
        word["pron"] = word["read"] = word["pron"][:-1] + c.sound  # same mora count: accents stay
        return
    # A dropped volitional う: the auxiliary goes, and the phrase's nucleus stays inside it.
    del features[i]
    head = i - 1
    while head > 0 and features[head]["chain_flag"] == 1:
        head -= 1
    end = i
    while end < len(features) and features[end]["chain_flag"] == 1:
        end += 1
    morae = sum(int(f["mora_size"]) for f in features[head:end])
    features[head]["acc"] = min(int(features[head]["acc"]), morae)

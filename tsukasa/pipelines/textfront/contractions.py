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

from tsukasa.pipelines.textfront.readings import clean_pron, to_katakana
from tsukasa.pipelines.textfront.resources import unidic_lemma

# A kanji stem and up to two more letters of hiragana (終わろ, 眩し), then the clipped ending at
# punctuation, a closing bracket, a space or the line's end:
_STEM = r"[一-龯々〆ヶ][ぁ-ゖ]{0,2}?"
_END = r"[、。，．！？!?…‥」』）)\s～〜♪]"
_BOUNDARY = rf"(?={_END}|$)"
# ... or, for the forms that ordinary prose also ends on (a particle も/と/の before 、, a noun in え),
# only the end of a sentence:
_SENTENCE_MARKS = r"[。．！？!?…‥」』）)～〜♪]"
_SENTENCE_END = rf"(?={_SENTENCE_MARKS}|$)"
# a volitional (its stem ends on お こ ご そ と の ぼ も ろ) with its う clipped to っ before か, a final
# と or the end (行こっか, 休もっと。, 行こっ！; not もって, 起こった), or dropped at the end of a
# sentence right after a lone kanji (休も。, 急ご。: with more okurigana, 終わろ。 and 頑張ろ。 are read
# right as written, and ordinary endings such as 〜だろ。 〜しろ。 〜こと。 〜の。 would each cost a
# second analysis; after a kanji compound it is a noun and its particle, 希望も。 母親も。, which the
# full form had read マレノゾモ, ハハシタシモ, while 手伝お。 見直そ。 read right as written);
_VOLITIONAL = re.compile(
    _STEM
    + rf"[おこごそとのぼもろ](っ)(?=か|と?{_BOUNDARY})|(?<![一-龯々〆ヶ])[一-龯々〆ヶ][おこごそとぼもろ]{_SENTENCE_END}"
)
# an adjective's い clipped to っ (寒っ！) or written small (寒ぃ);
_ADJECTIVE = re.compile(_STEM + r"(っ|ぃ)" + _BOUNDARY)
# an adjective's last two vowels fused into a long e (凄ぇ スゲー, 痛えー; 高けぇ with the fused mora
# written out, which normalisation has already made 高けー) or a long i after u (熱ぇ アチー). A
# small ぇ may run on into a sentence-final particle (甘ぇな, 怖ぇよ); a full-size え only ends the
# clause (甘えない is no 甘い).
_E_ROW = "けせてねへめれげぜでべぺ"
_FUSED = re.compile(
    _STEM
    + rf"([{_E_ROW}]?)"  # the fused mora, when written out
    + rf"((?:ぇ|え(?=ー|{_SENTENCE_MARKS}|$)|(?<=[{_E_ROW}])ー)ー*)"  # its long vowel
    + rf"(?:{_BOUNDARY}|(?<=[ぇー])(?=[なよねぞわぜさし]))"
)
_ROWS = (
    "アイウエオ", "カキクケコ", "サシスセソ", "タチツテト", "ナニヌネノ", "ハヒフヘホ", "マミムメモ", "ヤイユエヨ",
    "ラリルレロ", "ワイウエヲ", "ガギグゲゴ", "ザジズゼゾ", "ダヂヅデド", "バビブベボ", "パピプペポ",
)  # fmt: skip
# The mora an adjective's stem ends on → what it becomes fused with the い after it: a and o give
# the e of the same consonant (カ, コ → ケ; ヨ, ワ → エ), u the i (ム → ミ, ツ → チ); i and e do not fuse.
_FUSION = {k: v for a, i, u, e, o in reversed(_ROWS) for k, v in ((a, e), (o, e), (u, i))}
_A_ROW = frozenset(row[0] for row in _ROWS)


@dataclass(frozen=True)
class Contraction:
    """At ``start`` of the written text a clipped form of ``kind``; OpenJTalk reads it with ``kana``
    written back as the last letter of ``context`` (the full form from its kanji on, the ``nth``
    such string in the analysed text without spaces). ``sound``: what that letter's mora is read
    (ッ, or nothing for a dropped う; for a fused form, the fused mora when written out)."""

    start: int
    kind: str  # "volitional" | "adjective" | "fused" (凄ぇ) | "noun" (お前ぇ)
    kana: str
    sound: str
    context: str
    nth: int
    extra: int = 0  # long marks written after a fused vowel (凄ぇーー: 2)


def take_contractions(text: str, skip: frozenset[tuple[int, str]] = frozenset()) -> tuple[str, list[Contraction]]:
    """``text`` with the clipped forms written in full, and the forms in order. ``skip`` holds the
    guesses (start, kind) the analysis did not confirm: the next guess for the same letters is
    tried, or they are left as written."""
    if not any(c in text for c in "っぃぇえーおこごそとのぼもろ"):
        return text, []
    # The guesses by the index where the written form departs from the full one, in the order they
    # are tried: (start, that index, the letters written there, kind, the letters of the full form,
    # the sound read for them).
    found: dict[int, list[tuple[int, int, str, str, str, str]]] = {}
    for m in _VOLITIONAL.finditer(text):
        at = m.start(1) if m.group(1) else m.end()
        clipped = m.group(1) or ""
        found.setdefault(at, []).append((m.start(), at, clipped, "volitional", "う", "ッ" if clipped else ""))
    for m in _ADJECTIVE.finditer(text):
        found.setdefault(m.start(1), []).append((m.start(), m.start(1), m.group(1), "adjective", "い", m.group(1)))
    for m in _FUSED.finditer(text):
        written = m.group(1) + m.group(2)
        found.setdefault(m.start(1), []).append((m.start(), m.start(1), written, "fused", "い", m.group(1)))
        if not m.group(1) and written[0] == "ぇ":  # お前ぇ オメー: a noun's a and e fused (no い to write back)
            found[m.start(1)].append((m.start(), m.start(1), written, "noun", "", ""))
    out: list[str] = []
    contractions: list[Contraction] = []
    pos = 0
    for guesses in (found[k] for k in sorted(found)):
        untried = [g for g in guesses if (g[0], g[3]) not in skip]
        if not untried or untried[0][0] < pos:
            continue
        start, at, written, kind, kana, sound = untried[0]
        out.append(text[pos:at])
        out.append(kana)
        pos = at + len(written)  # the written letters are replaced (a dropped う: inserted)
        expanded = "".join(out)
        context = text[start:at] + kana
        squeezed = "".join(expanded.split())
        extra = len(written) - len(sound) - 1 if kind in ("fused", "noun") else 0
        contractions.append(Contraction(start, kind, kana, sound, context, squeezed.count(context) - 1, extra=extra))
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
    i = ends_at.get(letter + 1)  # the adjective ends on its い, the noun on its last letter
    if i is None:
        return None
    word = features[i]
    if c.kind == "noun":  # お前 オマエ: a mora with a, then エ
        pron = clean_pron(word["pron"])
        return i if word["pos"] == "名詞" and pron[-1:] == "エ" and pron[-2:-1] in _A_ROW else None
    if word["pos"] != "形容詞" or not word["string"].endswith(c.context) or not word["pron"].endswith("イ"):
        return None
    if c.kind == "fused":  # the stem must end on a mora that fuses (not 美しい), as written (高けぇ)
        fused = _FUSION.get(clean_pron(word["pron"])[-2:-1])
        if fused is None or (c.sound and to_katakana(c.sound) != fused):
            return None
    # an adjective under its own spelling (寒い, 美味い), not one with okurigana left out (切い is
    # 切ない to the dictionary; 切っ… is a verb cut off)
    lemma = unidic_lemma(word["string"]) or ""
    return None if len(lemma) > len(word["string"]) and lemma.startswith(word["string"][:-1]) else i


def _clip(features: list[dict], c: Contraction, i: int) -> None:
    word = features[i]
    if c.kind in ("fused", "noun"):  # スゴイ → スゲー, オマエ → オメー (two morae for two); 凄ぇーー: ーー more
        pron = clean_pron(word["pron"])
        word["pron"] = word["read"] = pron[:-2] + _FUSION[pron[-2]] + "ー" * (1 + c.extra)
        word["mora_size"] = int(word["mora_size"]) + c.extra
        return
    if c.kind == "adjective" or c.sound:
        sound = to_katakana(c.sound).replace("ィ", "イ")  # 寒ぃ: the full い
        word["pron"] = word["read"] = word["pron"][:-1] + sound  # same mora count: accents stay
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

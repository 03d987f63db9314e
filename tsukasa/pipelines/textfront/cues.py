"""Non-verbal cues written in script text.

Two kinds (table: ``data/cues.tsv``):

* stage directions in brackets — （笑）, (ため息), （息）: not spoken, so they are removed
  from the spoken text and become events;
* spoken interjections — 「はぁ…」, 「ふふっ」, 「んっ」: they *are* spoken, so they stay,
  and an event says a sigh/laugh/breath is heard there;
* directions of *how* a line is delivered — （泣きながら）, （ため息まじりに）, （震える声で） — and
  sound-effect or music labels — （SE：ドアの開く音）, 【BGM：停止】 — are not spoken either: cut
  out, as an event of the sound the direction names (cry, sigh...) or ``other``;
* a pause directed by its length (（3秒間）) is a pause event, and a line that opens with a bare
  sound-effect or music label (【SE】爆発音, SE：ドアの開く音) is the scene's sound, cut out whole;
* long ellipses (……, more than one ``…``) and trailing net laughter (ｗｗ, lol) are cues too: the
  ellipsis becomes a pause event (the spoken text keeps one ``…``, read as a pause), the
  ``w`` run a laugh (removed: nobody reads it as letters).

Emoji that stand for a sound (😂 laugh, 😭 cry, 😮‍💨 sigh) are cues; other emoji are dropped
by normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tsukasa.pipelines.textfront.readings import to_katakana
from tsukasa.pipelines.textfront.resources import read_table


@dataclass(frozen=True)
class CueSpan:
    kind: str
    label: str
    offset: int  # character offset in the spoken text where the cue sits


_EMOJI_CUES = {"😂": "laugh", "🤣": "laugh", "😆": "laugh", "😹": "laugh", "😭": "cry", "😢": "cry",
               "😮\u200d💨": "sigh", "😤": "breath", "😱": "scream", "🤧": "cough", "😷": "cough"}  # fmt: skip
_BOUNDARY_BEFORE = r"(?:(?<=^)|(?<=[「『（(、。！？!?…‥\s　ー～〜」』]))"
_TAIL = r"[っッー〜～…‥。、！？!?]*"
# ♪ ♡ ☆ after a sound are decoration (ふふっ♪, ちゅっ♡): the sound still ends there
_AFTER = r"(?=$|[」』）)、。！？!?…‥\s　♪♫♡♥❤☆★])"
_LONG_ELLIPSIS = re.compile(r"(?:…{2,}|‥{2,}|…‥|‥…|\.{6,}|・{6,})")
_NET_LAUGH = re.compile(
    r"(?:(?<=[^\sA-Za-zＡ-Ｚａ-ｚ0-9０-９])|^)[wWｗＷ]{1,}$"  # 草ｗ at the end of a line (500W is watts)
    r"|(?<=[^\sA-Za-zＡ-Ｚａ-ｚ])[wWｗＷ]{2,}(?=[\s、。！？!?」])"  # ｗｗ before punctuation
    r"|(?<=[ぁ-ゖァ-ヺー一-鿿])[wｗ](?=[、。！？!?」』])"  # a single small ｗ after a Japanese word: 「それなｗ」
    r"|(?<=[^\sA-Za-zＡ-Ｚａ-ｚ][ 　])[wWｗＷ]{2,}(?=$|[\s、。！？!?」])"  # 草 www: a space after Japanese
    r"|[wWｗＷ]{2,}(?=草)"  # wwwww草: the laugh and its kanji (草, "lol")
    # chat's bare 笑 after a kana word or a mark, ending its sentence (それな笑, マジ笑): the (笑) of a script
    # without its brackets, not the noun ワライ it was read as; after a kanji it is a word's end (爆笑, 苦笑)
    r"|(?<=[ぁ-ゖァ-ヺー！？!?…])笑(?=$|[。！？!?、\s」』])"
)
# Yabai w, Mata shinda ww: lower-case w alone at the end after a word in romaji (after an English word,
# hello ww, it stays letters)
_LAUGH_AFTER_ROMAJI = re.compile(r"([A-Za-z]+)[ 　]([wｗ]+)$")


# The brackets scripts put stage directions in: （笑） (笑) ［笑］ [笑] 【笑】.
# Brackets a direction stands in: round, square and lenticular, tortoise-shell 〔〕, angle <> ＜＞,
# and the asterisks of chat and role-play text (*笑*, ＊ため息＊), which open and close alike.
_OPEN, _CLOSE = "（(［[【〔<＜*＊", ")）］]】〕>＞*＊"
_OPEN_SET, _CLOSE_SET = re.escape(_OPEN), re.escape(_CLOSE)  # inside a character class


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str, str, str, str], ...]:
    rows = read_table("cues.tsv")
    directions = sorted((r for r in rows if r[2] == "direction"), key=lambda r: -len(r[1]))
    # "speech" rows (えー) go first: at the same place, the first of two equally long matches is kept,
    # and a speech match is then dropped (it is a word, not a sound).
    spoken = sorted((r for r in rows if r[2] in ("speech", "spoken")), key=lambda r: (-len(r[1]), r[2] == "spoken"))
    # Each pattern comes with a literal that every match contains (the form, or its part before a
    # long mark that may be drawn out) and the regex of the form itself, for the one-search gate.
    pats: list[tuple[re.Pattern[str], str, str, str, str]] = []
    for kind, form, _ in directions:
        # an English direction as subtitles write it: (laughs), [Laughs], [LAUGHS]
        for variant in dict.fromkeys((form, form.capitalize(), form.upper()) if form.isascii() else (form,)):
            literal = re.escape(variant)
            pats.append(
                (re.compile(rf"[{_OPEN_SET}]\s*{literal}\s*[{_CLOSE_SET}]"), kind, "direction", variant, literal)
            )
    for kind, form, mode in spoken:
        # the same sound in katakana (フフッ, ゴホッ), with its last kana drawn out (あははは, ふふふふ)
        # and the whole sound repeated (ゴホッゴホッ, くすくすくす)
        for variant in dict.fromkeys((form, to_katakana(form))):
            core = variant.rstrip("っッ") or variant  # the literal every match contains (くすっ → くす)
            last = re.escape(core[-1])
            # One kana before the っ is a word without it: え？, ええ。, は、はい, ひ、ひどい are speech,
            # えっ, ええっ, はっ, ひっ the sounds. Longer cores are the sound either way (くすくす, ぐす).
            stop = "[っッ]" if len(core) == 1 and core != variant else "[っッ]?"
            body = re.escape(core) if mode == "speech" else _stretchable(core)
            pattern = rf"{_BOUNDARY_BEFORE}(?:{body}{last}*{stop})+{_TAIL}{_AFTER}"
            literal = core if mode == "speech" else core.split("ー")[0] or core
            # the gate: what every match holds — a one-kana sound with its っ (a one-kana gate, は or
            # ん, let through nearly every line: 1,950 of JSUT's 2,500)
            gate = body + stop if stop == "[っッ]" else body
            pats.append((re.compile(pattern), kind, mode, literal, gate))
    return tuple(pats)


# A long mark inside a sound is drawn out as the writer likes, with long marks or the vowel of the
# mora before it: うわーん, うわーーん, うわああああん are one wail, はー is はあああ but never はい. (Only in
# sounds: the filler えー stays as written, or it would shadow the gasp ええっ.)
_VOWEL_KANA = {"a": "あぁアァ", "i": "いぃイィ", "u": "うぅウゥ", "e": "えぇエェ", "o": "おぉオォ"}


def _stretchable(core: str) -> str:
    from tsukasa.pipelines.textfront.readings import kana_vowels

    out = []
    for i, c in enumerate(core):
        if c != "ー" or i == 0:
            out.append(re.escape(c))
            continue
        vowel = kana_vowels().get(to_katakana(core[i - 1]), "")
        out.append(f"[ー〜～{_VOWEL_KANA.get(vowel, '')}]+")
    return "".join(out)


@lru_cache(maxsize=1)
def english_directions() -> frozenset[str]:
    """The table's directions written in English, in lower case ([laughs], (sighs)): placeholders.py
    must not take a bracketed one for a Ren'Py variable."""
    return frozenset(form.lower() for _, form, mode in read_table("cues.tsv") if mode == "direction" and form.isascii())


@lru_cache(maxsize=2)
def _any_form(directions: bool) -> re.Pattern[str]:
    """One search for all the table's directions (or all its sounds): a line with none (most
    lines) skips them. Directions are looked for only where a bracket opens: their forms are
    common words (間, 息, 笑) that a line without brackets holds as words."""
    return re.compile("|".join(gate for _, _, mode, _, gate in _patterns() if (mode == "direction") == directions))


# A delivery direction: a short bracketed phrase ending the way directions say *how* a line is spoken
# (泣きながら, ため息まじりに, 震える声で, 怒ったように). No quotation or sentence punctuation inside:
# a bracketed thought (（どうしよう…）) is inner voice, which scripts have voiced.
_MANNER = re.compile(
    rf"[{_OPEN_SET}]\s*[^{_OPEN_SET}{_CLOSE_SET}「」『』、。！？!?…‥]{{1,12}}?"
    r"(?:ながら|まじりに|交じりに|混じりに|気味に|(?<!の)ように|声で|口調で|調子で)"
    rf"\s*[{_CLOSE_SET}]"
)
# A sound-effect or music label in brackets (SE：ドアの開く音, BGM：停止, 効果音：雷): the sound is the
# scene's, not the voice's, and the label is no line.
_SOUND_NAME = r"(?:[SＳ][EＥ]|[BＢ][GＧ][MＭ]|効果音)\d*"
_SOUND_LABEL = re.compile(rf"[{_OPEN_SET}]\s*{_SOUND_NAME}\s*[：:][^{_OPEN_SET}{_CLOSE_SET}]*[{_CLOSE_SET}]")
# A pause directed by its length ((3秒), （２秒間）, (間5秒)): a pause, not words (サンビョーカン).
_TIMED_PAUSE = re.compile(
    rf"[{_OPEN_SET}]\s*(?:間\s*)?[0-9０-９一二三四五六七八九十.．]+\s*秒(?:間|の間)?\s*[{_CLOSE_SET}]"
)
# A line that opens with a bare sound-effect or music label is the scene's sound, not a line
# (【SE】爆発音, SE：ドアの開く音, ＢＧＭ：停止 — drama-CD scripts write SE lines so): cut out whole.
_SOUND_LINE = re.compile(rf"^\s*(?:[【［\[]\s*{_SOUND_NAME}\s*[】］\]]\s*[：:]?|{_SOUND_NAME}\s*[：:]).*$")
# The sound a delivery direction names (ため息 before 息: the longer name first).
_MANNER_KINDS = (("泣", "cry"), ("涙", "cry"), ("笑", "laugh"), ("ため息", "sigh"), ("溜息", "sigh"),
                 ("溜め息", "sigh"), ("咳", "cough"), ("叫", "scream"), ("息", "breath"), ("鼻歌", "hum"))  # fmt: skip


def _manner_kind(label: str) -> str:
    return next((kind for name, kind in _MANNER_KINDS if name in label), "other")


# 8888…, applause in chat (8 is ぱち: パチパチ): three or more 8s standing alone (888円 is a price, No.888 an
# index; おめでとう888 and a line of 888 are applause: three 8s were read ハッピャクハチジューハチ). Not after a label
# that a number follows (最大コンボ：888, コンボ数888, スコア 888888, ルーム番号：8888, 残り888: were dropped).
_APPLAUSE = re.compile(
    r"(?<![\d.,])(?<![:：=＝数号計値点])(?<![:：=＝][ 　])(?<!残り)(?<!スコア)(?<!コンボ)(?<!スコア )(?<!コンボ )"
    r"[8８]{3,}(?=$|[\s、。！？!?」』）w])"
)
# lol / lmao, net laughter in Latin letters (それな、lol): a word of its own, not read (it was ロール)
_NET_LAUGH_WORD = re.compile(r"(?<![A-Za-z'’])(?:lol|LOL|Lol|lmao|LMAO)(?![A-Za-z'’])")
_SNORE = re.compile(r"(?<![A-Za-zＡ-Ｚａ-ｚ])[zZｚＺ]{3,}(?![A-Za-zＡ-Ｚａ-ｚ])")
# _NET_LAUGH needs a w at the end of the line, two in a row, one before punctuation or a 笑; _LONG_ELLIPSIS
# needs one of these.
_MAY_LAUGH = re.compile(r"[wWｗＷ](?:$|[wWｗＷ、。！？!?」』])|笑")
_MAY_ELLIPSIS = re.compile(r"[…‥]|\.{6}|・{6}")


def _romaji_word(word: str) -> bool:
    """Whether ``word`` reads as romaji and is no word of the English tables (hello, route: letters)."""
    from tsukasa.pipelines.textfront.mixed import function_words, loanwords
    from tsukasa.pipelines.textfront.romaji import romaji_to_hiragana

    lower = word.lower()
    return romaji_to_hiragana(word) is not None and lower not in loanwords() and lower not in function_words()


def extract_cues(text: str) -> tuple[str, list[CueSpan]]:
    """(spoken text, cues). Stage directions are cut out; spoken cues stay in the text."""
    text = unicodedata.normalize("NFC", text)
    cues: list[CueSpan] = []
    if not text.isascii():  # every emoji cue is outside ASCII (romaji lines skip the loop)
        for emo, kind in _EMOJI_CUES.items():
            while emo in text:
                i = text.index(emo)
                cues.append(CueSpan(kind, emo, i))
                text = text[:i] + text[i + len(emo) :]
    if ("E" in text or "Ｅ" in text or "M" in text or "Ｍ" in text or "効果音" in text) and (
        m := _SOUND_LINE.match(text)
    ) is not None:
        cues.append(CueSpan("other", m.group(0).strip(), 0))
        text = ""
    bracketed = any(c in text for c in _OPEN)
    if bracketed:  # cut first, as the table's directions are: the spoken cues
        # around them are found in the text without them (（泣きながら）ぐすっ: ぐすっ starts the line)
        while (
            (m := _MANNER.search(text)) is not None
            or (m := _SOUND_LABEL.search(text)) is not None
            or ("秒" in text and (m := _TIMED_PAUSE.search(text)) is not None)
        ):
            kind = _manner_kind(m.group(0)) if m.re is _MANNER else "pause" if m.re is _TIMED_PAUSE else "other"
            cues.append(CueSpan(kind, m.group(0), m.start()))
            text = text[: m.start()] + text[m.end() :]
    directions = bracketed and _any_form(True).search(text) is not None
    sounds = _any_form(False).search(text) is not None
    for pat, kind, mode, form, _ in _patterns() if directions or sounds else ():
        if not (directions if mode == "direction" else sounds) or form not in text:
            continue  # a substring test is ~50x cheaper than the regex search it saves (issue 5 throughput)
        if mode == "direction":
            while (m := pat.search(text)) is not None:
                cues.append(CueSpan(kind, m.group(0), m.start()))
                text = text[: m.start()] + text[m.end() :]
        else:
            for m in pat.finditer(text):
                cues.append(CueSpan(kind, m.group(0), m.start()))
    sound_text = text  # the text the spoken cues' (and the pauses') offsets refer to
    if _MAY_ELLIPSIS.search(text) is not None:
        for m in _LONG_ELLIPSIS.finditer(text):
            cues.append(CueSpan("pause", m.group(0), m.start()))
        text = _LONG_ELLIPSIS.sub("…", text)
    while _MAY_LAUGH.search(text) is not None and (m := _NET_LAUGH.search(text)) is not None:
        cues.append(CueSpan("laugh", m.group(0), m.start()))
        text = text[: m.start()] + text[m.end() :]
    while ("888" in text or "８８８" in text) and (m := _APPLAUSE.search(text)) is not None:
        cues.append(CueSpan("other", m.group(0), m.start()))  # not read as a number
        text = text[: m.start()] + text[m.end() :]
    if (m := _LAUGH_AFTER_ROMAJI.search(text)) is not None and _romaji_word(m.group(1)):
        cues.append(CueSpan("laugh", m.group(2), m.start(2)))
        text = text[: m.start(2)].rstrip(" 　")
    while ("l" in text or "L" in text) and (m := _NET_LAUGH_WORD.search(text)) is not None:
        cues.append(CueSpan("laugh", m.group(0), m.start()))
        start, end = m.start(), m.end()
        if start and text[start - 1] in " 　":  # the space that set the word apart goes with it
            start -= 1
        elif text[end : end + 1] in (" ", "　"):
            end += 1
        text = text[:start] + text[end:]
    while ("z" in text or "Z" in text or "ｚ" in text or "Ｚ" in text) and (m := _SNORE.search(text)) is not None:
        cues.append(CueSpan("breath", m.group(0), m.start()))  # zzz: sleeping breath, not letters
        text = text[: m.start()] + text[m.end() :]
    # Overlapping spoken forms (はぁ inside はぁはぁ) keep only the longest at one place; a "speech"
    # form kept there (えー) is a word, so it shadows the sound forms and is then dropped itself.
    # A bracketed direction was cut out of the text, so it overlaps nothing spoken: a sound spoken
    # right where it stood is a cue of its own ((泣)ぐすっ: cry, then cry); only a pause written
    # where a pause is directed is the same pause ((間)……).
    cues.sort(key=lambda c: (c.offset, -len(c.label)))
    kept: list[CueSpan] = []
    last: CueSpan | None = None  # the last kept cue that stands in the spoken text
    for c in cues:
        if c.label[:1] in _OPEN:
            kept.append(c)
            continue
        if c.kind == "pause" and any(k.kind == "pause" and k.offset == c.offset for k in kept):
            continue
        if last is not None and last.offset == c.offset and last.kind == c.kind:
            continue
        if last is not None and last.kind != "pause" and c.offset < last.offset + len(last.label):
            if c.label.startswith(last.label) or last.label.startswith(c.label):
                continue
        kept.append(c)
        last = c
    return text.strip(), _panting([c for c in kept if c.kind != "none"], sound_text)


_BREATHY = frozenset({"sigh", "gasp", "breath"})
_PANT_GAP = re.compile(r"[、，,…‥・。\s　]*")


def _panting(cues: list[CueSpan], text: str) -> list[CueSpan]:
    """A sigh or gasp said again right after itself — はぁ、はぁ, ハァ…ハァ…, はっ、はっ — is panting
    (out of breath after a run or a fight), a ``breath``, not two sighs or gasps.

    Only cues standing in ``text`` at their offset take part (stage directions were cut out), and
    only the same sound (its first kana, in either script) with nothing but pauses and marks between.
    """
    sounds = [c for c in cues if c.kind in _BREATHY and text.startswith(c.label, c.offset)]
    pant: set[int] = set()
    for a, b in zip(sounds, sounds[1:], strict=False):
        gap = text[a.offset + len(a.label) : b.offset]
        if to_katakana(a.label[:1]) == to_katakana(b.label[:1]) and _PANT_GAP.fullmatch(gap) is not None:
            pant.update((id(a), id(b)))
    if not pant:
        return cues
    return [CueSpan("breath", c.label, c.offset) if id(c) in pant else c for c in cues]

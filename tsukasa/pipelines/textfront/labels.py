"""HTS full-context labels → phonemes and an ESPnet-style prosody string.

OpenJTalk's labels carry everything a TTS model needs about accent: for each phoneme the
mora position inside its accent phrase (A1, A2, A3), the phrase's mora count (F1) and
whether the phrase is interrogative (E3 on the pause/silence that follows it). We read
those fields ourselves (rather than use a library's formatter) so the mark rules are ours,
documented and tested:

* ``^`` utterance start, ``$`` end, ``?`` end of an interrogative phrase (before a pause too,
  so a mid-sentence question keeps its rise), ``_`` pause;
* ``#`` accent-phrase boundary, ``[`` pitch rise after the first mora, ``]`` accent nucleus
  (the fall after the accented mora).

The fields are the same for every phoneme of a mora, so the marks can only fall after a mora's
last phoneme: :func:`_prosody_from_units` applies the rules once per mora.

Devoiced vowels (upper case in OpenJTalk) are written lower case: devoicing is a
phonetic rule the acoustic model learns from context, and hand-checked references
(JSUT) do not mark it, so keeping it would only add disagreement.

**Two sources of the same fields.** Formatting ~50 label strings of ~300 characters per
sentence in C and parsing them back in Python cost about as much as the whole of
``pyopenjtalk.g2p``. :func:`prosody_from_njd` therefore rebuilds A1-A3, E3 and F1 from the
NJD features directly, following how OpenJTalk's JPCommon groups a sentence (words → morae →
accent phrases, pauses at ``、``/``？``), with the phonemes rebuilt from the same features
(in the same walk, each mora's phonemes measured from OpenJTalk itself; its
``extract_phonemes`` only where a pronunciation falls outside that table) and no label
strings. It checks its mora structure against those phonemes and returns ``None`` when they
disagree; the caller then falls back to real labels (:func:`labels_to_prosody`). Both sources
feed the one mark function, and tests compare them on many sentences.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

_PHONE = re.compile(r"-(.+?)\+")
_A = re.compile(r"/A:(-?\d+|xx)\+(\d+|xx)\+(\d+|xx)/")
_E3 = re.compile(r"!(\d+|xx)_")
_F1 = re.compile(r"/F:(\d+|xx)_")

_VOWEL_LIKE = frozenset("aeiouAEIOU") | {"N", "cl"}  # a mora ends with one of these
_DEVOICED = {"A": "a", "I": "i", "U": "u", "E": "e", "O": "o"}


@dataclass(frozen=True)
class LabelInfo:
    phone: str
    a1: int | None
    a2: int | None
    a3: int | None
    e3: int | None
    f1: int | None


# A unit of an utterance for the mark rules: a mora ``(phonemes, a1, a2, a3, f1)`` or a pause
# ``(None, e3, None, None, None)`` (e3 = 1: the phrase before the pause is interrogative).
Unit = tuple


def _num(value: str) -> int | None:
    return None if value == "xx" else int(value)


# One pass over the fields we need (phone, A1-A3, E3, F1); the per-field regexes below are the
# fallback for labels that do not have the full HTS layout.
_FULL = re.compile(r"^[^-]*-([^+]+)\+.*?/A:(-?\d+|xx)\+(\d+|xx)\+(\d+|xx)/.*?/E:[^!]*!(\d+|xx)_.*?/F:(\d+|xx)_")


def parse_label(label: str) -> LabelInfo:
    m = _FULL.match(label)
    if m is not None:
        a1, a2, a3, e3, f1 = (_num(m.group(i)) for i in range(2, 7))
        return LabelInfo(phone=m.group(1), a1=a1, a2=a2, a3=a3, e3=e3, f1=f1)
    phone_m = _PHONE.search(label)
    if phone_m is None:
        raise ValueError(f"not an HTS full-context label: {label!r}")
    a_m = _A.search(label)
    e_m = _E3.search(label)
    f_m = _F1.search(label)
    a1, a2, a3 = (_num(a_m.group(i)) for i in (1, 2, 3)) if a_m else (None, None, None)
    return LabelInfo(
        phone=phone_m.group(1),
        a1=a1,
        a2=a2,
        a3=a3,
        e3=_num(e_m.group(1)) if e_m else None,
        f1=_num(f_m.group(1)) if f_m else None,
    )


def labels_to_prosody(labels: list[str]) -> tuple[list[str], list[str]]:
    """(phonemes, prosody tokens) from one utterance's full-context labels.

    ``phonemes`` keeps ``pau`` for pauses and drops the surrounding ``sil``; ``prosody`` is the
    same phoneme sequence with the marks inserted.
    """
    infos = [parse_label(lab) for lab in labels]
    units: list[Unit] = []
    mora: list[str] = []
    final_q = False
    for i, info in enumerate(infos):
        if info.phone == "sil":
            if i and i == len(infos) - 1:
                final_q = info.e3 == 1
            continue
        if info.phone == "pau":
            units.append((None, info.e3, None, None, None))
            continue
        mora.append(_DEVOICED.get(info.phone, info.phone))
        nxt = infos[i + 1].phone if i + 1 < len(infos) else "sil"
        if info.phone in _VOWEL_LIKE or nxt in ("sil", "pau"):
            units.append((mora, info.a1, info.a2, info.a3, info.f1))
            mora = []
    if not infos:
        return [], []
    return _prosody_from_units(units, final_q)


def _prosody_from_units(units: Sequence[Unit], final_q: bool) -> tuple[list[str], list[str]]:
    """The mark rules, over morae and pauses from either source (labels or NJD features)."""
    phonemes: list[str] = []
    prosody: list[str] = ["^"]
    n = len(units)
    for i, (ph, a1, a2, a3, f1) in enumerate(units):
        if ph is None:
            if a1 == 1:  # a pause unit carries e3 in the a1 slot
                prosody.append("?")
            prosody.append("_")
            phonemes.append("pau")
            continue
        phonemes.extend(ph)
        prosody.extend(ph)
        if a1 is None or a2 is None or a3 is None or i + 1 >= n:
            continue
        a2_next = units[i + 1][2]  # None after a mora that a pause follows
        if a3 == 1 and a2_next == 1 and ph[-1] in _VOWEL_LIKE:
            prosody.append("#")
        elif a1 == 0 and a2_next == a2 + 1 and a2 != f1:
            prosody.append("]")
        elif a2 == 1 and a2_next == 2:
            prosody.append("[")
    prosody.extend(("?", "$") if final_q else ("$",))
    return phonemes, prosody


# --- label fields straight from NJD features ------------------------------------------------
# JPCommon reads a word's pronunciation as morae by longest match over its mora list: every
# katakana letter ァ..ヶ except ヵ (and not ヷヸヹヺ) is a mora on its own, and these pairs are
# one mora. Measured by feeding each letter and each letter + small kana to OpenJTalk's
# ``extract_phonemes`` (pyopenjtalk-plus 0.4.1); tests re-measure it so an upgrade that changes
# the list fails loudly instead of drifting.
TWO_LETTER_MORAE = frozenset(
    "イェ ウィ ウェ ウォ キェ キャ キュ キョ ギェ ギャ ギュ ギョ クァ クィ クゥ クェ クォ クヮ "
    "グァ グィ グゥ グェ グォ グヮ シィ シェ シャ シュ ショ ジェ ジャ ジュ ジョ スィ ズィ チェ "
    "チャ チュ チョ ヂャ ヂュ ヂョ ツァ ツィ ツェ ツォ ティ テャ テュ テョ ディ デェ デャ デュ "
    "デョ トゥ ドゥ ニェ ニャ ニュ ニョ ヒェ ヒャ ヒュ ヒョ ビェ ビャ ビュ ビョ ピェ ピャ ピュ "
    "ピョ ファ フィ フェ フォ フュ ミェ ミャ ミュ ミョ リェ リャ リュ リョ ヴァ ヴィ ヴェ ヴォ "
    "ヴャ ヴュ ヴョ".split()
)
_SMALL_RE = re.compile("[ァィゥェォャュョヮ]")
# A word's pronunciation as JPCommon reads it: leading long marks / devoicing marks (they belong
# to the previous word), then letters of its mora list (ァ..ヴ and ヶ; not ヵ), long marks and
# devoicing marks. JPCommon stops reading a word at the first other character, and so do we.
_PRON = re.compile("([ー’]*)([ァ-ヴヶー’]*)")
_LONG = "ー"
_LATIN_LETTER = re.compile("[A-Za-zＡ-Ｚａ-ｚ]+")
_UNVOICE = "’"
# JPCommon: a word pronounced 、 (OpenJTalk gives 。「」… etc. that pronunciation) or ！ sets the pause flag
_PAUSE_PRONS = frozenset({"、", "！"})
_QUESTION_PRON = "？"  # … and ？ marks the current accent phrase interrogative, then pauses
_MAX_M = 49  # JPCommon clamps mora positions and counts in A and F to this
# pyopenjtalk-plus marks the 、 of an approximate number (二、三週間) so; JPCommon makes no pause there.
_NUMBER_SEPARATOR = "数の区切り"


def makes_pause(f: dict) -> bool:
    """Whether JPCommon pauses at this NJD word: a 、-like mark or ！ (not an approximate number's
    、), or ？. The one statement of that rule for the label walk and the phrase-break rule."""
    pron = f["pron"]
    if pron == _QUESTION_PRON:
        return True
    return pron in _PAUSE_PRONS and f.get("pos_group3") != _NUMBER_SEPARATOR


def _mora_count(body: str) -> int:
    """Morae in a run of mora letters, long marks and devoicing marks (two-letter morae count once)."""
    n = len(body) - body.count(_UNVOICE)
    if _SMALL_RE.search(body) is not None:
        n -= sum(1 for m in _SMALL_RE.finditer(body) if m.start() and body[m.start() - 1 : m.end()] in TWO_LETTER_MORAE)
    return n


# (long marks before the first mora, morae, the morae's phonemes or None) of each pronunciation
# seen: words recur (particles, auxiliaries), and the regexes were a third of this function's time.
# Bounded: cleared when full.
_PronParts = tuple[int, int, "tuple[str, ...] | None"]
_PRON_PARTS: dict[str, _PronParts] = {}
_PRON_PARTS_MAX = 1 << 16


def _pron_parts(pron: str) -> _PronParts:
    lead, body = _PRON.match(pron).groups()  # type: ignore[union-attr]  # the pattern matches any string
    parts = (lead.count(_LONG) if lead else 0, _mora_count(body) if body else 0, _spell(body))
    if len(_PRON_PARTS) >= _PRON_PARTS_MAX:
        _PRON_PARTS.clear()
    _PRON_PARTS[pron] = parts
    return parts


def prosody_from_njd(
    features: Sequence[dict], phonemes: Sequence[str] | None = None
) -> tuple[list[str], list[str]] | None:
    """(phonemes, prosody tokens) from NJD features (and their ``extract_phonemes`` output, if given).

    Same result as :func:`labels_to_prosody` on ``make_label(features)``, without label strings.
    Without ``phonemes`` they are rebuilt in the same walk from each mora's measured phonemes
    (:func:`_spell`). ``None`` when a pronunciation falls outside that table (ask JPCommon
    for the phonemes and call again), or when the mora structure rebuilt from the features does
    not line up with given ``phonemes`` (an input our model of JPCommon does not cover: use the
    labels then).
    """
    # Walk the words the way JPCommon's push_word does. ``units`` is the utterance as one entry per
    # mora (the index of its accent phrase) and -1 per pause. The latest word always sits in the
    # latest phrase, so a word's phrase is known as soon as its chain flag is read.
    units: list[int] = []
    phrase_acc: list[int] = []
    phrase_q: list[int] = []  # 1: interrogative
    n_morae: list[int] = []
    own: list[str] | None = [] if phonemes is None else None  # the phonemes, when rebuilt here
    pause = False
    prev_pos = ""
    for f in features:
        pron = f["pron"]
        if pron in _PAUSE_PRONS:
            pause = pause or makes_pause(f)
            continue
        if pron == _QUESTION_PRON:
            if units:
                phrase_q[-1] = 1
            pause = True
            continue
        parts = _PRON_PARTS.get(pron)
        if parts is None:
            parts = _pron_parts(pron)
        n_long, count, spelled = parts
        if own is not None and (spelled is None or (n_long and not count and prev_pos == "記号")):
            # A word of long marks alone after a symbol or a letter (Aー0, and 0Aー0, where Ａ is the unit
            # アンペア): JPCommon sometimes drops it (エイゼロ, before a number) and sometimes lengthens the
            # letter (Aー水); found by fuzzing. Its own phonemes decide. (After a word, as the う of だろう,
            # it lengthens.)
            return None
        prev_pos = "記号" if _LATIN_LETTER.fullmatch(f["string"]) else f["pos"]
        if n_long and units and not pause:
            # A long mark before the word's first mora lengthens the previous word (it is dropped at
            # the start of the utterance and right after a pause), repeating its last phoneme.
            units.extend([len(phrase_acc) - 1] * n_long)
            n_morae[-1] += n_long
            if own is not None:
                own.extend([own[-1]] * n_long)
        if count == 0:
            continue  # no mora of its own: JPCommon makes no word (its accent and chain flag are unused)
        if pause:
            if units:
                units.append(-1)
                if own is not None:
                    own.append("pau")
            pause = False
        if not phrase_acc or f["chain_flag"] != 1:
            phrase_acc.append(f["acc"])
            phrase_q.append(0)
            n_morae.append(0)
        units.extend([len(phrase_acc) - 1] * count)
        n_morae[-1] += count
        if own is not None:
            own.extend(spelled)  # type: ignore[arg-type]  # not None: checked above
    if own is not None:
        phonemes = own
    if not units:
        return ([], []) if not phonemes else None

    # Line the morae up with the phonemes (a mora ends with a vowel, N or cl; pau stands alone).
    # k ≥ 1 and count ≥ k, so only the upper clamps (and A1's lower one) can bite.
    out: list[Unit] = []
    u, n_units = 0, len(units)
    k = 0  # mora index inside the current phrase
    prev_ph = -1
    mora: list[str] = []
    for p in phonemes:
        if p in _VOWEL_LIKE:
            if u >= n_units:
                return None
            ph = units[u]
            if ph < 0:
                return None
            mora.append(_DEVOICED.get(p, p))
            k = k + 1 if ph == prev_ph else 1
            prev_ph = ph
            count = n_morae[ph]
            a1 = k - (phrase_acc[ph] or count)
            a1 = -_MAX_M if a1 < -_MAX_M else _MAX_M if a1 > _MAX_M else a1
            a3 = count - k + 1
            out.append((mora, a1, k if k < _MAX_M else _MAX_M, a3 if a3 < _MAX_M else _MAX_M,
                        count if count < _MAX_M else _MAX_M))  # fmt: skip
            mora = []
            u += 1
        elif p == "pau":
            if mora or u >= n_units or units[u] >= 0:
                return None
            out.append((None, phrase_q[prev_ph], None, None, None))
            u += 1
        else:
            mora.append(p)  # a consonant: only vowels are devoiced
    if u != n_units or mora:
        return None
    return _prosody_from_units(out, phrase_q[prev_ph] == 1)


# --- phonemes straight from NJD features -----------------------------------------------------
# ``extract_phonemes`` (NJD → JPCommon in C) took ~34 µs of a sentence's ~490 µs, a third of
# everything the front-end adds to OpenJTalk's own analysis. JPCommon's phonemes are its mora
# list read off each word's pronunciation, so they are rebuilt here from the same walk as the
# accent fields: each mora's phonemes are *measured* from the installed OpenJTalk (one
# ``extract_phonemes`` per mora, once, lazily), a long mark repeats the phoneme before it, and a
# pause falls where :func:`prosody_from_njd` puts one. Devoicing is left out (lower case), as the
# prosody path writes it anyway. Tests compare the result with ``extract_phonemes`` on JSUT,
# corner cases and fuzzed text.
_MORA_PHONEMES: dict[str, tuple[str, ...]] = {}
_TABLE_LOCK = threading.Lock()


def _mora_phonemes() -> dict[str, tuple[str, ...]]:
    if _MORA_PHONEMES:
        return _MORA_PHONEMES
    with _TABLE_LOCK:
        if not _MORA_PHONEMES:
            import pyopenjtalk

            from tsukasa.pipelines.textfront.resources import jtalk

            jt = jtalk(None)
            base = pyopenjtalk.run_frontend("ア", jtalk=jt)[0]
            table = {}
            letters = [chr(c) for c in range(ord("ァ"), ord("ヴ") + 1)] + ["ヶ"]
            for mora in (*letters, *sorted(TWO_LETTER_MORAE)):
                word = {**base, "string": mora, "orig": mora, "read": mora, "pron": mora, "mora_size": 1}
                table[mora] = tuple(p.lower() if p in _DEVOICED else p for p in jt.extract_phonemes([word]))
            _MORA_PHONEMES.update(table)
    return _MORA_PHONEMES


def _spell(body: str) -> tuple[str, ...] | None:
    """The phonemes of a pronunciation's morae (after its leading long marks), read by longest
    match over the measured table; None when a mora is not in it (then JPCommon decides)."""
    table = _mora_phonemes()
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c == _UNVOICE:
            i += 1
            continue
        if c == _LONG:
            if not out:
                return None  # a long mark after a devoicing mark at the word's start: rare, let JPCommon say
            out.append(out[-1])
            i += 1
            continue
        two = table.get(body[i : i + 2]) if i + 1 < n else None  # its two-letter keys: TWO_LETTER_MORAE
        if two is not None:
            out.extend(two)
            i += 2
            continue
        one = table.get(c)
        if one is None:
            return None
        out.extend(one)
        i += 1
    return tuple(out)

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

Devoiced vowels (upper case in OpenJTalk) are written lower case: devoicing is a
phonetic rule the acoustic model learns from context, and hand-checked references
(JSUT) do not mark it, so keeping it would only add disagreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PHONE = re.compile(r"-(.+?)\+")
_A = re.compile(r"/A:(-?\d+|xx)\+(\d+|xx)\+(\d+|xx)/")
_E3 = re.compile(r"!(\d+|xx)_")
_F1 = re.compile(r"/F:(\d+|xx)_")

_VOWEL_LIKE = frozenset("aeiouAEIOU") | {"N", "cl"}


@dataclass(frozen=True)
class LabelInfo:
    phone: str
    a1: int | None
    a2: int | None
    a3: int | None
    e3: int | None
    f1: int | None


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
    phonemes: list[str] = []
    prosody: list[str] = []
    n = len(infos)
    for i, cur in enumerate(infos):
        p = cur.phone
        if p == "sil":
            if i == 0:
                prosody.append("^")
            elif i == n - 1:
                prosody.append("?" if cur.e3 == 1 else "$")
                if cur.e3 == 1:
                    prosody.append("$")
            continue
        if p == "pau":
            if cur.e3 == 1:
                prosody.append("?")
            prosody.append("_")
            phonemes.append("pau")
            continue
        if p in ("A", "I", "U", "E", "O"):
            p = p.lower()
        phonemes.append(p)
        prosody.append(p)
        nxt = infos[i + 1] if i + 1 < n else None
        if cur.a1 is None or cur.a2 is None or cur.a3 is None or nxt is None:
            continue
        a2_next = nxt.a2 if nxt.phone not in ("sil", "pau") else None
        if cur.a3 == 1 and a2_next == 1 and p in _VOWEL_LIKE:
            prosody.append("#")
        elif cur.a1 == 0 and a2_next == cur.a2 + 1 and cur.a2 != cur.f1:
            prosody.append("]")
        elif cur.a2 == 1 and a2_next == 2:
            prosody.append("[")
    return phonemes, prosody

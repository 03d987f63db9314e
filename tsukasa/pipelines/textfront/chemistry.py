"""Chemical formulas in text, said as Japanese classrooms say them: letter names, subscripts in English.

H₂O エイチツーオー, CuO シーユーオー, H2SO4 エイチツーエスオーフォー, Fe2O3 エフイーツーオースリー, 2H2O
ニエイチツーオー (a coefficient is a Japanese number), Cl⁻ シーエルマイナス. Before, a formula was read as whatever
the Latin-word rules made of it: romaji for a two-letter symbol that spells a mora (CuO キュオ, Fe2O3
フェニオースリー), a Japanese number for a subscript after a letter (H2SO4 エイチニソーフォー, 2H2O ニエイチニオー).

What counts as a formula: a run of element symbols (those of school chemistry, up to barium and the heavy metals
a lesson names: Lv of LvUP is no element here) with subscripts of 2 or more, of at least two different symbols
(CoCo is a name). One with a two-letter symbol (NaCl, HCl, CuO, CaCO3) is a formula anywhere; one in capitals
alone (H2SO4, SO2, CH4) only in a line about chemistry (酸, 反応, 分子, イオン…): in capitals a game's and a
shop's names look the same (HP5, PS4, SP3, B3F, MP3), and the acronym rules already say CO2 and H2O right. An
ion (Cl⁻, Na⁺, OH⁻) may be one symbol or capitals alone.
"""

from __future__ import annotations

import re

from tsukasa.pipelines.textfront.readings import english_numeral, letter_names

ELEMENTS = frozenset(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr
    Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba W Pt Au Hg Pb Bi Rn Ra U Pu""".split()
)
# A line about chemistry, where a formula in capitals is one (硫酸 H2SO4, SO2 が発生, CH4 の燃焼).
_CHEMISTRY = re.compile(
    r"酸|塩基|反応|分子|原子|元素|イオン|溶液|溶け|気体|結晶|化合物|化学|電気分解|燃焼|モル|mol|水素|炭素|窒素|硫黄|沈殿|触媒|試薬"
)
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_CHARGES = {"⁺": "プラス", "⁻": "マイナス", "+": "プラス", "−": "マイナス"}
# A coefficient, then symbols with their subscripts, then a charge written as a superscript; not inside a Latin word.
# (An ion's charge: ⁺ / ⁻, or + / − as NFKC leaves them, when no term follows: Na+は, but 2H2+O2 is a sum.)
FORMULA = re.compile(
    r"(?<![A-Za-z0-9])(?P<coef>[1-9]?)(?P<body>(?:[A-Z][a-z]?[0-9₀-₉]*)+)"
    r"(?P<charge>[⁺⁻]|[+−](?![A-Za-z0-9(（]))?(?![A-Za-z0-9])"
)
_SYMBOL = re.compile(r"([A-Z][a-z]?)([0-9₀-₉]*)")


def _symbols(body: str, charged: bool, chemistry: bool) -> list[tuple[str, str]] | None:
    """``body`` as (symbol, subscript) pairs, or None when it is no formula (see the module docstring)."""
    pairs = [(m.group(1), m.group(2).translate(_SUBSCRIPTS)) for m in _SYMBOL.finditer(body)]
    if "".join(s + n for s, n in pairs) != body.translate(_SUBSCRIPTS) or any(s not in ELEMENTS for s, _ in pairs):
        return None
    if any(n and (n == "1" or n.startswith("0")) for _, n in pairs):
        return None  # no formula writes a 1 or a leading 0 (B1F, MP01)
    if charged:
        return pairs
    if len({s for s, _ in pairs}) < 2:
        return None  # CoCo, HH, O2: one symbol (repeated)
    if not any(len(s) == 2 for s, _ in pairs) and not chemistry:
        return None  # HP5, PS4, B3F: capitals alone, outside a line about chemistry
    return pairs


def read_formula(m: re.Match[str]) -> str:
    """The katakana of one :data:`FORMULA` match, or the match itself when it is no formula."""
    pairs = _symbols(m.group("body"), bool(m.group("charge")), _CHEMISTRY.search(m.string) is not None)
    if pairs is None:
        return m.group(0)
    letters = letter_names()
    out = [m.group("coef")]  # a coefficient is said in Japanese by the number rules (2H2O: ニ)
    for symbol, count in pairs:
        out.append("".join(letters[c.lower()] for c in symbol))
        if count:
            out.append(english_numeral(count) or count)
    return "".join(out) + _CHARGES.get(m.group("charge") or "", "")


def read_formulas(text: str) -> str:
    """``text`` with its chemical formulas said (H2SO4 エイチツーエスオーフォー)."""
    return FORMULA.sub(read_formula, text)


def has_formula(text: str) -> bool:
    """Whether :func:`read_formulas` would change ``text``."""
    return any(read_formula(m) != m.group(0) for m in FORMULA.finditer(text))

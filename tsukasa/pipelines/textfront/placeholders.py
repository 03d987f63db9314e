"""Runtime placeholders in game script lines: ``{name}``, ``%s``, ``\\N[1]``, ``[player]``...

A game fills these in when it shows the line (the player's name, a party member, a number of
gold pieces), so the script text does not say what the voice says. Read as text they are
garbage — ``{name}`` was romaji ナメ, ``%s`` パーセントエス, ``\\N[1]`` イチ — and a line that holds
one is a line whose audio and text disagree. So they are found before anything else reads the
line, replaced by a reading when the user gives one for that key (the name the voice actor
says, e.g. ``name=ゆうき``), and otherwise taken out and *reported*: the ``phonemize`` stage
flags such a supervision ``placeholder`` so it can be reviewed or filtered, never silently
trained on with a missing word.

The forms, with the engines that write them:

=====================================  ===========================  =====================
form                                   key                          where from
=====================================  ===========================  =====================
``{name}``, ``{0}``, ``{{user}}``      ``name``, ``0``, ``user``    Python / C# format strings, templates
``${name}``, ``#{name}``               ``name``                     JS / Ruby interpolation (RPG Maker MV/MZ)
``$PLAYER``                            ``PLAYER``                   shell-style, all capitals
``$name``, ``$name$``                  ``name``                     Twine / SugarCube story variables
``%s``, ``%d``, ``%1``, ``%1$s``       ``s``, ``d``, ``1``, ``1``   printf / Windows message strings
``%name%``                             ``name``                     Windows / batch style
``\\N[1]``, ``\\P[2]``, ``\\V[3]``     ``N[1]``, ``P[2]``, ``V[3]`` RPG Maker: actor / party member name, variable
                                                                    (either case: ``\\n[1]`` is ``N[1]``)
``\\G``                               ``G``                        RPG Maker: the currency unit (ゴールド, 円...)
``[player_name]`` (inside a line)      ``player_name``              Ren'Py interpolation
``[emb exp="f.name"]``                 ``f.name``                   KiriKiri KAG / TyranoScript
=====================================  ===========================  =====================

A bracketed ASCII word that is a markup tag (``[color]``, ``[r]``, Ren'Py's ``{b}``, ``{nw}``),
that opens the line as a speaker tag (``[Yui]「…」``, ``[Yui] text``) or that a closing tag of the
same name follows (``[name]春香[/name]``, BBCode style) is not a placeholder: normalisation handles
those.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tsukasa.pipelines.textfront.cues import english_directions
from tsukasa.pipelines.textfront.normalize import BRACKET_TAGS, RENPY_TAGS

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_MARKUP_WORDS = frozenset(BRACKET_TAGS)  # [tags] normalisation strips: not variables
_BRACE_TAGS = frozenset(RENPY_TAGS)  # {tags} likewise (Ren'Py: {b}, {nw}, {p}...)
_PLACEHOLDER = re.compile(
    "|".join(
        (
            rf"\{{\{{\s*(?P<double>{_ID}|\d+)\s*\}}\}}",  # {{user}}
            rf"[$#]\{{\s*(?P<interp>{_ID})\s*\}}",  # ${name}, #{name}
            rf"\{{\s*(?P<brace>{_ID}|\d+)\s*\}}",  # {name}, {0}
            r"\\(?P<rpg>[NPVnpv])\[(?P<rpg_arg>\d+)\]",  # \N[1], \P[2], \V[3] (RPG Maker takes \n[1] too)
            r"\\(?P<gold>G)(?![A-Za-z\[])",  # \G: RPG Maker's currency unit, named in the game's database
            r"\[emb\s+exp\s*=\s*[\"']?(?P<emb>[^\"'\]]+?)[\"']?\s*\]",  # [emb exp="f.name"] (KAG, TyranoScript)
            r"%(?P<pos>\d)(?:\$[sdif]|(?![sdif0-9.]))",  # %1$s, %1 (Windows message strings)
            r"%[-+0 #]*\d*(?:\.\d+)?(?P<printf>[sdif])(?![A-Za-z])",  # %s, %d, %.1f, %3d, %-5s
            rf"%(?P<win>{_ID})%",  # %name%
            r"\$(?P<caps>[A-Z][A-Z0-9_]{2,})(?![A-Za-z0-9_])",  # $PLAYER
            r"\$(?P<story>[a-z_][A-Za-z0-9_]*)\$?(?![A-Za-z0-9_])",  # $name, $name$ (Twine / SugarCube)
            rf"(?<!\[)\[(?P<renpy>{_ID})\](?![(\]])",  # [player_name] inside a line (not [漢字](よみ) ruby)
        )
    )
)


@dataclass(frozen=True)
class Placeholder:
    """One placeholder found in a line: its text as written and the key a reading is given for."""

    text: str
    key: str
    start: int


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in ``text``, in order (see the module docstring for the forms)."""
    out = []
    for m in _PLACEHOLDER.finditer(text):
        key = _key(m)
        if key is None:
            continue
        out.append(Placeholder(m.group(0), key, m.start()))
    return out


def _key(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    if groups["rpg"]:
        return f"{groups['rpg'].upper()}[{groups['rpg_arg']}]"
    if groups["renpy"]:
        if groups["renpy"].lower() in _MARKUP_WORDS:
            return None  # a markup tag
        if groups["renpy"].lower() in english_directions():
            return None  # a subtitle's direction ([laughs], [sighs]): a cue, not a variable
        rest = m.string[m.end() :]
        if not m.string[: m.start()].strip() and (not rest or rest[0].isspace() or rest[0] in "「『"):
            return None  # a speaker tag opening the line: [Yui]「…」, [Yui] text
        if f"[/{groups['renpy'].lower()}]" in rest.lower():
            return None  # a tag pair around text, BBCode style: [name]春香[/name], [ruby]…[/ruby]
        return groups["renpy"]
    if groups["brace"] and groups["brace"] in _BRACE_TAGS:
        return None
    for name in ("double", "interp", "brace", "pos", "win", "printf", "caps", "story", "emb", "gold"):
        if groups[name]:
            return groups[name]
    return None  # pragma: no cover - every alternative has a group


def fill_placeholders(text: str, readings: Mapping[str, str] | None = None) -> tuple[str, list[Placeholder]]:
    """``text`` with each placeholder replaced by ``readings[key]`` when given, else removed;
    and the placeholders left without a reading (the line's audio says something its text does not)."""
    found = find_placeholders(text)
    if not found:
        return text, []
    readings = readings or {}
    parts: list[str] = []
    unresolved: list[Placeholder] = []
    pos = 0
    for ph in found:
        parts.append(text[pos : ph.start])
        value = readings.get(ph.key)
        pos = ph.start + len(ph.text)
        if value is None:
            unresolved.append(ph)
            gap = len(text[pos:]) - len(text[pos:].lstrip(" 　")) if ph.start == 0 else 0  # {player} は…
            suffix, after = text[pos + gap : pos + gap + 1], text[pos + gap + 1 : pos + gap + 2]
            if suffix in _NAME_SUFFIXES and not gap and not _starts_compound(after):
                # The name this stood for is gone; the title after it, read alone, is another word
                # (様 ヨー, 殿 トノ, 君 キミ): write the reading it has after a name.
                parts.append(_NAME_SUFFIXES[suffix])
                pos += 1
            elif suffix in _PARTICLES and ph.start == 0:
                # ... and a topic は / direction へ after it, opening the line now, is still the particle
                # ({player}は強い: was ハツヨイ, a は with no word before it being said as written)
                parts.append(_PARTICLES[suffix])
                pos += gap + 1
        else:
            parts.append(value)
    parts.append(text[pos:])
    return "".join(parts), unresolved


# Titles after a name whose kanji, with no name before them, read as another word.
_NAME_SUFFIXES = {"様": "さま", "殿": "どの", "君": "くん"}
# Particles written as they are not said, after a name that opened the line (written as said: わ, え).
_PARTICLES = {"は": "わ", "へ": "え"}


def _starts_compound(ch: str) -> bool:
    """A kanji (or 々) after the title makes it part of a word: 様子, 君主, 殿下, 様々."""
    return bool(ch) and ("\u3400" <= ch <= "\u9fff" or ch == "々")


def parse_reading_options(options: list[str]) -> dict[str, str]:
    """``KEY=READING`` strings (the CLI's ``--placeholder``) → a mapping; a malformed one is an error."""
    from tsukasa.pipelines.textfront.resources import TextFrontError

    out: dict[str, str] = {}
    for opt in options:
        key, sep, value = opt.partition("=")
        key = key.strip().strip("{}%$#").strip()
        if not sep or not key or not value.strip():
            raise TextFrontError(f"placeholder reading {opt!r}: write KEY=READING, e.g. name=ゆうき")
        out[key] = value.strip()
    return out

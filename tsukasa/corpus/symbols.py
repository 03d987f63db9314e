"""The one symbol table of the package: phonemes, prosody marks and non-verbal tokens.

Both the text front-end (which produces these symbols) and the model (which embeds them)
import this module, so it must stay light: no third-party imports. The table only grows
by appending (ids are positions), so a checkpoint's symbol ids stay valid; a checkpoint
stores ``SYMBOL_TABLE_VERSION`` and the symbol list it was trained with.

An unknown symbol is an error (:class:`UnknownSymbolError`), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

from tsukasa.errors import TsukasaError

SYMBOL_TABLE_VERSION = 2  # 2: fy appended

PAD = "<pad>"
SPECIAL: tuple[str, ...] = (PAD, "<unk>", "<bos>", "<eos>", "<mask>")

# pyopenjtalk's phoneme inventory (``pyopenjtalk.g2p``): vowels, devoiced vowels (upper
# case), moraic nasal N, geminate cl, consonants and palatalised consonants, pause.
PHONEMES: tuple[str, ...] = (
    "pau", "sil",
    "a", "i", "u", "e", "o",
    "A", "I", "U", "E", "O",
    "N", "cl",
    "k", "ky", "kw", "g", "gy", "gw",
    "s", "sh", "z", "zy", "j",
    "t", "ts", "ty", "ch", "d", "dy",
    "n", "ny", "h", "hy", "f", "b", "by", "p", "py",
    "m", "my", "y", "r", "ry", "w", "v",
)  # fmt: skip

# ESPnet-style prosody marks: ^ start, $ end, ? question end, _ pause,
# # accent-phrase boundary, [ pitch rise, ] accent nucleus (fall).
PROSODY_MARKS: tuple[str, ...] = ("^", "$", "?", "_", "#", "[", "]")

# Non-verbal tokens that may appear inline in a training sequence.
NONVERBAL_TOKENS: tuple[str, ...] = (
    "<breath>", "<sigh>", "<laugh>", "<gasp>", "<cough>", "<cry>", "<scream>", "<hum>", "<other>",
)  # fmt: skip

# Phonemes of pyopenjtalk's inventory the first table missed, appended so every id stays put:
# fy (フュ: フュージョン, フューチャー — every line holding one failed as an unknown symbol).
ADDED_PHONEMES: tuple[str, ...] = ("fy",)

SYMBOLS: tuple[str, ...] = SPECIAL + PHONEMES + PROSODY_MARKS + NONVERBAL_TOKENS + ADDED_PHONEMES
ALL_PHONEMES: frozenset[str] = frozenset(PHONEMES + ADDED_PHONEMES)
SYMBOL_TO_ID: dict[str, int] = {s: i for i, s in enumerate(SYMBOLS)}
PAD_ID = SYMBOL_TO_ID[PAD]

assert len(SYMBOL_TO_ID) == len(SYMBOLS), "duplicate symbol in the table"


class UnknownSymbolError(TsukasaError):
    """A symbol outside the table; the message names the symbol and the text it came from."""


def is_symbol(symbol: str) -> bool:
    return symbol in SYMBOL_TO_ID


def check_symbols(symbols: Iterable[str], context: str = "") -> None:
    """Raise :class:`UnknownSymbolError` for the first unknown symbol."""
    for s in symbols:
        if s not in SYMBOL_TO_ID:
            where = f" in {context!r}" if context else ""
            raise UnknownSymbolError(f"unknown symbol {s!r}{where}")


def encode(symbols: Iterable[str], context: str = "") -> list[int]:
    """Symbol strings → ids. Unknown symbols are an error, not ``<unk>``."""
    out = []
    for s in symbols:
        try:
            out.append(SYMBOL_TO_ID[s])
        except KeyError:
            where = f" in {context!r}" if context else ""
            raise UnknownSymbolError(f"unknown symbol {s!r}{where}") from None
    return out


def decode(ids: Iterable[int]) -> list[str]:
    return [SYMBOLS[i] for i in ids]

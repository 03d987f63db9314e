"""What ``tsukasa g2p`` calls: one output line per input line, in order.

The CLI stays thin: it reads stdin lines and prints what :func:`g2p_lines` yields. An empty
input line gives an empty output line (so outputs stay aligned with inputs, e.g. for
``paste``); a line that cannot be processed raises a :class:`TextFrontError` naming the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from tsukasa.errors import TsukasaError
from tsukasa.pipelines.textfront.frontend import phonemize
from tsukasa.pipelines.textfront.resources import TextFrontError

G2PFormat = Literal["phonemes", "kana", "prosody"]


def g2p_lines(
    lines: Iterable[str],
    fmt: G2PFormat,
    *,
    user_dict: str | None = None,
    english: Literal["model", "letters"] = "model",
) -> Iterator[str]:
    """Yield the ``fmt`` rendering of each input line (trailing newline removed).

    ``user_dict`` and ``english`` are passed to :func:`~.frontend.phonemize`.
    """
    if fmt not in ("phonemes", "kana", "prosody"):
        raise TextFrontError(f"unknown g2p format {fmt!r}; use phonemes, kana or prosody")
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            yield ""
            continue
        try:
            p = phonemize(line, user_dict=user_dict, english=english)
        except TsukasaError as exc:
            raise TextFrontError(f"line {number} ({line!r}): {exc}") from None
        if fmt == "phonemes":
            yield " ".join(p.phonemes)
        elif fmt == "kana":
            yield p.kana
        else:
            yield p.prosody

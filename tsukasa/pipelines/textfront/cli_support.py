"""What ``tsukasa g2p`` calls: one output line per input line, in order.

The CLI stays thin: it reads stdin lines and prints what :func:`g2p_lines` yields. An empty
input line gives an empty output line (so outputs stay aligned with inputs, e.g. for
``paste``); a line that cannot be processed raises a :class:`TextFrontError` naming the line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict
from typing import Literal

from tsukasa.errors import TsukasaError
from tsukasa.pipelines.textfront.frontend import Phonemized, phonemize, text_excerpt
from tsukasa.pipelines.textfront.resources import TextFrontError

G2PFormat = Literal["phonemes", "kana", "prosody", "json"]
G2P_FORMATS: tuple[str, ...] = ("phonemes", "kana", "prosody", "json")


def g2p_lines(
    lines: Iterable[str],
    fmt: G2PFormat,
    *,
    user_dict: str | None = None,
    english: Literal["model", "letters"] = "model",
    placeholders: Mapping[str, str] | None = None,
    phrase_breaks: bool = True,
    on_unread: Callable[[int, list[str]], None] | None = None,
    on_error: Callable[[int, str], None] | None = None,
) -> Iterator[str]:
    """Yield the ``fmt`` rendering of each input line (trailing newline removed).

    ``user_dict``, ``english``, ``placeholders`` and ``phrase_breaks`` are passed to :func:`~.frontend.phonemize`;
    ``on_unread(line number, placeholders)`` hears of placeholders left without a reading. A line
    that cannot be read raises, or with ``on_error(line number, message)`` is reported there and
    yields an empty line, so the output keeps one line per input line.
    """
    if fmt not in G2P_FORMATS:
        raise TextFrontError(f"unknown g2p format {fmt!r}; use {', '.join(G2P_FORMATS)}")
    if user_dict is not None:  # checked before the first line: its errors are not the line's
        from tsukasa.pipelines.textfront.userdict import parse_user_dict

        parse_user_dict(user_dict)
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            yield ""
            continue
        try:
            p = phonemize(
                line, user_dict=user_dict, english=english, placeholders=placeholders, phrase_breaks=phrase_breaks
            )
        except TsukasaError as exc:
            if on_error is None:
                raise TextFrontError(f"line {number} ({text_excerpt(line)}): {exc}") from None
            on_error(number, str(exc))
            yield ""
            continue
        if p.placeholders and on_unread is not None:
            on_unread(number, p.placeholders)
        if fmt == "json":
            yield as_json(p)
        elif fmt == "phonemes":
            yield " ".join(p.phonemes)
        elif fmt == "kana":
            yield p.kana
        else:
            yield p.prosody


def as_json(p: Phonemized) -> str:
    """Everything the front-end made of a line, as one line of JSON: the text as given, the
    normalised text OpenJTalk read, kana, phonemes, prosody, the non-verbal cues and the
    placeholders left unread. For finding out *why* a line reads as it does."""
    return json.dumps(asdict(p), ensure_ascii=False)

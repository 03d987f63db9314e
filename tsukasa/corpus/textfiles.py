"""Reading the text files of Japanese game and novel projects whatever their encoding.

Scripts, voice lists and user dictionaries come as UTF-8, UTF-16 (Windows tools) or the legacy
Shift-JIS and EUC-JP encodings; a decoding traceback on the first 0x82 byte helps nobody.
"""

from __future__ import annotations

import re
from pathlib import Path

from tsukasa.errors import ConfigError

# The legacy encodings Japanese game and novel scripts come in besides UTF-8 (see decode_script).
_LEGACY_ENCODINGS = ("cp932", "euc-jp")
_JAPANESE = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]")


def decode_script(data: bytes, path: Path | str = "script") -> tuple[str, str]:
    """The script's text and the encoding it was read with.

    Why not UTF-8 only: scripts extracted from Japanese games are as often Shift-JIS (cp932) as
    UTF-8, and older ones EUC-JP; a traceback on the first 0x82 byte helped nobody. A BOM decides
    (UTF-8, UTF-16); else strict UTF-8 (Shift-JIS text is essentially never valid UTF-8); else
    whichever of cp932 and EUC-JP decodes strictly into more kana and kanji — both can decode the
    other's bytes (EUC-JP kana read as cp932 are half-width katakana), so the count decides.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise ConfigError(f"{path}: not valid {codec} after its byte-order mark ({exc.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = []
    for codec in _LEGACY_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        decoded.append((len(_JAPANESE.findall(text)), codec, text))
    if not decoded:
        raise ConfigError(f"{path}: cannot read the text as UTF-8, UTF-16, Shift-JIS (cp932) or EUC-JP")
    _, codec, text = max(decoded, key=lambda d: d[0])
    return text, codec

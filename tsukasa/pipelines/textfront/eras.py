"""Japanese era names (元号) before a year, read as eras; and terms the dictionary reads kanji by kanji.

OpenJTalk's dictionary holds the modern eras and many old ones, but reads dozens of others as a
given name or with kun readings (元治元年 モトハルガンネン, 元亀二年 モトカメ, 明暦の大火 アカリレキ, 安永
ヤスナガ, 弘化 ヒロシカ): historical fiction and games date events so. Where an era of
``data/eras.tsv`` (only the ones the dictionary misreads) stands before what makes it an era — a
year (元年, 3年, 三年), 年間, 期, 時代, or an event named after it (明暦の大火, 保元の乱, 天保の改革) —
it is written in its reading (ゲンジ元年), as the ruby pass writes a ruby the dictionary does not
read. Not as ruby: the ruby pass keeps a word the dictionary reads as its ruby as written, and MeCab
reads several of these eras right alone but cuts them inside a date (寿永三年 was 寿 + 永三).
Elsewhere the same letters keep the dictionary's reading (治安 is public order, 天文 astronomy,
保安 security).
"""

from __future__ import annotations

import re
from functools import cache

from tsukasa.pipelines.textfront.resources import read_table

# what follows an era name: a year, a span of years, or an event named after the era
_AFTER_ERA = (
    r"(?=元年|[0-9０-９〇一二三四五六七八九十百]+年|年間|期|時代"
    r"|の(?:乱|変|役|大火|改革|改新|大獄|大飢饉|飢饉|大地震|地震|新政|戦い|治))"
)


@cache
def _era_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    readings = dict(read_table("eras.tsv"))
    names = "|".join(sorted(readings, key=len, reverse=True))
    return re.compile(rf"(?<![|｜\u3400-\u9fff々])({names}){_AFTER_ERA}"), readings


_ERA_CONTEXT = re.compile(_AFTER_ERA)


@cache
def _term_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    readings = dict(read_table("terms.tsv"))
    return re.compile("|".join(sorted(readings, key=len, reverse=True))), readings


def term_readings(text: str) -> str:
    """``text`` with each term of ``data/terms.tsv`` (a game's, a hobby's or a field's word the dictionary reads
    kanji by kanji: 跳満, 聴牌, 稍重, 漸新世, 付喪神) written in its reading."""
    pattern, readings = _term_pattern()
    return pattern.sub(lambda m: readings[m.group(0)], text)


def era_readings(text: str) -> str:
    """``text`` with each misread era before a year written in its reading (元治元年 → ゲンジ元年)."""
    if _ERA_CONTEXT.search(text) is None:
        return text  # most lines: nothing an era could stand before (a single short search)
    pattern, readings = _era_pattern()
    return pattern.sub(lambda m: readings[m.group(1)], text)

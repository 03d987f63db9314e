"""Do words keep their reading before the endings of speech? Ours vs plain pyopenjtalk.

Game and novel lines are short and end in particles and colloquial endings (願いなんだ, 答えなの？,
天井かな？, 焼くし, 戦いじゃん), and MeCab's analysis of such a line can take a word apart that
it reads right inside a longer sentence: 願いなんだ was 願 + いなん (ネガイイナンダ), 天井かな？ the
person アマイ カナ. JSUT's hand-checked sentences seldom end that way, so this benchmark makes the
lines: every noun of JSUT basic5000 dev (the nouns OpenJTalk finds, with a kanji, of two letters or
more) before 40 endings (なんだ, なの, かな, よね, じゃん, も, と, ...) and bare before ？, and every
verb and adjective in its dictionary form before 20 (よ, ね, し, んだ, ...).

The reference for a line is the word's own reading, taken from the front-end under test on the
word in a plain frame (``word + です`` for a noun, ``word + 。`` for a verb), followed by the
ending's kana: a line "keeps its reading" when the front-end reads exactly that. It measures
consistency, not truth: a word whose reading really changes with the ending (a name before さん,
十分 じゅっぷん / じゅうぶん) counts as a change for both front-ends alike, so the figures compare
the two, and a change in our count between runs points at the lines to look at (``--show``).

    python benchmarks/bench_textfront_endings.py [--limit N] [--show 40]
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "jsut_basic5000_dev.tsv"
NOUN_ENDINGS = (
    "なんだ:ナンダ なの:ナノ って:ッテ だった:ダッタ なら:ナラ じゃない:ジャナイ でしょ:デショ かな:カナ よね:ヨネ "
    "さ:サ ね:ネ よ:ヨ だし:ダシ だもん:ダモン なんて:ナンテ みたい:ミタイ っぽい:ッポイ とか:トカ しか:シカ "
    "まで:マデ じゃん:ジャン だろ:ダロ だよ:ダヨ かよ:カヨ だけど:ダケド なのに:ナノニ ですか:デスカ さん:サン "
    "ちゃん:チャン たち:タチ ぐらい:グライ こそ:コソ でも:デモ も:モ は:ワ が:ガ を:ヲ に:ニ と:ト の:ノ や:ヤ ？:"
)
VERB_ENDINGS = (
    "よ:ヨ ね:ネ じゃん:ジャン かな:カナ って:ッテ な:ナ わ:ワ ぞ:ゾ ぜ:ゼ さ:サ し:シ の:ノ から:カラ けど:ケド "
    "なら:ナラ だろ:ダロ でしょ:デショ もん:モン んだ:ンダ のに:ノニ"
)
_KANJI = re.compile(r"[\u4e00-\u9fff]")
_NOUN_GROUPS = ("一般", "サ変接続", "形容動詞語幹", "副詞可能")
Changed = list[tuple[str, str, str]]
_MARKS = re.compile(r"[、。？！]")


def _endings(spec: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in spec.split()]  # type: ignore[misc]


def words_of(data: Path, limit: int = 0) -> tuple[list[str], list[str]]:
    """The nouns and the dictionary-form verbs and adjectives of the dev sentences, first seen first."""
    import pyopenjtalk

    nouns: dict[str, None] = {}
    verbs: dict[str, None] = {}
    with data.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            for w in pyopenjtalk.run_frontend(row["text"]):
                s = w["string"]
                if _KANJI.search(s) is None:
                    continue
                if w["pos"] == "名詞" and w["pos_group1"] in _NOUN_GROUPS and len(s) >= 2:
                    nouns[s] = None
                elif w["pos"] in ("動詞", "形容詞") and w["cform"] == "基本形":
                    verbs[s] = None
    n, v = list(nouns), list(verbs)
    return (n[:limit], v[:limit]) if limit else (n, v)


def score(read: Callable[[str], str], nouns: list[str], verbs: list[str]) -> tuple[int, int, Changed]:
    """(lines, lines that keep the word's reading, the others as (line, read, expected))."""
    lines = kept = 0
    changed = []
    for words, frame, endings in ((nouns, "です", _endings(NOUN_ENDINGS)), (verbs, "。", _endings(VERB_ENDINGS))):
        for word in words:
            own = _MARKS.sub("", read(word + frame))
            if frame == "です":
                if not own.endswith("デス"):
                    continue
                own = own[:-2]
            for ending, kana in endings:
                line = word + ending
                got = _MARKS.sub("", read(line))
                lines += 1
                if got == own + kana:
                    kept += 1
                else:
                    changed.append((line, got, own + kana))
    return lines, kept, changed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="only the first N nouns and N verbs")
    ap.add_argument("--show", type=int, default=0, help="print this many of our changed lines")
    args = ap.parse_args()

    import pyopenjtalk

    from tsukasa.pipelines.textfront import phonemize

    nouns, verbs = words_of(args.data, args.limit)
    print(
        f"# {len(nouns)} nouns x {len(_endings(NOUN_ENDINGS))} endings, {len(verbs)} verbs/adjectives x "
        f"{len(_endings(VERB_ENDINGS))} endings, from {args.data.name}"
    )
    results = {}
    for name, read in (
        ("pyopenjtalk", lambda t: pyopenjtalk.g2p(t, kana=True)),
        ("tsukasa", lambda t: phonemize(t).kana),
    ):
        t0 = time.perf_counter()
        lines, kept, changed = score(read, nouns, verbs)
        results[name] = changed
        print(
            f"{name:12s} lines {lines:6d}  keep the word's reading {kept:6d} ({100 * kept / lines:5.2f} %)  "
            f"changed {len(changed):5d}  ({time.perf_counter() - t0:.0f} s)"
        )
    ours, base = len(results["tsukasa"]), len(results["pyopenjtalk"])
    print(f"changed lines, ours / pyopenjtalk: {ours / base:.3f}")
    for line, got, expected in results["tsukasa"][: args.show]:
        print(f"  {line}\t{got}\t(word's own: {expected})")


if __name__ == "__main__":
    main()

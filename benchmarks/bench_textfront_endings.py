"""Do words keep their reading before the endings of speech? Ours vs plain pyopenjtalk.

Game and novel lines are short and end in particles and colloquial endings (願いなんだ, 答えなの？,
天井かな？, 焼くし, 戦いじゃん), and MeCab's analysis of such a line can take a word apart that
it reads right inside a longer sentence: 願いなんだ was 願 + いなん (ネガイイナンダ), 天井かな？ the
person アマイ カナ. JSUT's hand-checked sentences seldom end that way, so this benchmark makes the
lines: every noun of JSUT basic5000 dev (the nouns OpenJTalk finds, with a kanji, of two letters or
more) before 40 endings (なんだ, なの, かな, よね, じゃん, も, と, ...) and bare before ？, every
verb and adjective in its dictionary form before 20 (よ, ね, し, んだ, ...), every verb stem form
(連用形, 音便, 未然形) before the contractions of speech it takes (てる, ちゃう, とく / でる, じゃう, どく,
たい, ます, ない, なきゃ, ねえ ...), and every adjective's stem before its inflections (く, かった, くない,
さ, そう, すぎ ...). A fourth group, "rough", puts every verb's 連用形 before the rough auxiliary やがる
(やがる, やがった, やがれ, やがって: 黙りやがれ, 来やがった), which OpenJTalk's dictionary lacks; it is
counted apart so that the first three stay comparable with runs before it (2026-12-07).

The reference for a line is the word's own reading, taken from the front-end under test on the
word in a plain frame (``word + です`` for a noun, ``word + 。`` for a verb; a stem form's reading in
the JSUT sentence it came from, as OpenJTalk read it there), followed by the ending's kana: a line
"keeps its reading" when the front-end reads exactly that. It measures consistency, not truth: a
word whose reading really changes with the ending (a name before さん, 十分 じゅっぷん / じゅうぶん)
counts as a change for both front-ends alike, so the figures compare the two, and a change in our
count between runs points at the lines to look at (``--show``).

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


# A verb's stem forms before the contracted and colloquial endings of speech: the て / で forms
# (ている → てる, てしまう → ちゃう, ておく → とく; で after a godan verb in ガ/バ/マ/ナ 行), たい, ます, なよ, そう;
# the 未然形 before ない, なきゃ, ねえ, ないで.
TE_ENDINGS = "てる:テル ちゃう:チャウ とく:トク てた:テタ てよ:テヨ ちゃった:チャッタ てく:テク"
DE_ENDINGS = "でる:デル じゃう:ジャウ どく:ドク でた:デタ でよ:デヨ じゃった:ジャッタ"
ICHIDAN_ENDINGS = TE_ENDINGS + " たい:タイ ます:マス なよ:ナヨ"
GODAN_STEM_ENDINGS = "たい:タイ ます:マス なよ:ナヨ そう:ソー"
MIZEN_ENDINGS = "ない:ナイ なきゃ:ナキャ ねえ:ネー ないで:ナイデ なかった:ナカッタ"
_VOICED_ROWS = ("ガ行", "バ行", "マ行", "ナ行")
# An i-adjective's stem (its dictionary form without い) before its inflections and the stem's suffixes.
ADJECTIVE_ENDINGS = (
    "く:ク くて:クテ かった:カッタ くない:クナイ さ:サ そう:ソー すぎ:スギ すぎる:スギル くなる:クナル "
    "ければ:ケレバ かったら:カッタラ くても:クテモ くね:クネ"
)
# The rough auxiliary やがる after a verb's 連用形 (yagaru.py).
ROUGH_ENDINGS = "やがる:ヤガル やがった:ヤガッタ やがれ:ヤガレ やがって:ヤガッテ"
Stem = tuple[str, str, str]  # (stem form, the endings it takes, its reading in its sentence)


def words_of(data: Path, limit: int = 0) -> tuple[list[str], list[str], list[Stem], list[Stem]]:
    """The nouns, the dictionary-form verbs and adjectives, the verb and adjective stem forms, and the
    verbs' 連用形 (before やがる) of the dev sentences."""
    import pyopenjtalk

    from tsukasa.pipelines.textfront.readings import clean_pron

    nouns: dict[str, None] = {}
    verbs: dict[str, None] = {}
    stems: dict[str, tuple[str, str]] = {}
    rough: dict[str, str] = {}
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
                    if w["pos"] == "形容詞" and s.endswith("い") and s[:-1] not in stems:
                        stems[s[:-1]] = (ADJECTIVE_ENDINGS, clean_pron(w["pron"])[:-1])
                elif w["pos"] == "動詞" and w["pos_group1"] == "自立" and s not in stems:
                    endings = _stem_endings(w["ctype"], w["cform"])
                    if endings:
                        stems[s] = (endings, clean_pron(w["pron"]))
                    if w["cform"] == "連用形":
                        rough.setdefault(s, clean_pron(w["pron"]))
    n, v, st = list(nouns), list(verbs), [(s, e, p) for s, (e, p) in stems.items()]
    ro = [(s, ROUGH_ENDINGS, p) for s, p in rough.items()]
    return (n[:limit], v[:limit], st[:limit], ro[:limit]) if limit else (n, v, st, ro)


def _stem_endings(ctype: str, cform: str) -> str:
    godan = ctype.startswith("五段")
    if cform == "連用タ接続" and godan:
        return DE_ENDINGS if any(row in ctype for row in _VOICED_ROWS) else TE_ENDINGS
    if cform == "連用形":
        return ICHIDAN_ENDINGS if not godan else (TE_ENDINGS if "サ行" in ctype else GODAN_STEM_ENDINGS)
    if cform == "未然形":
        return MIZEN_ENDINGS
    return ""


def score(
    read: Callable[[str], str], nouns: list[str], verbs: list[str], stems: list[Stem], rough: list[Stem]
) -> dict[str, tuple[int, int, Changed]]:
    """Per group: (lines, lines that keep the word's reading, the others as (line, read, expected))."""
    out = {}
    groups: tuple[tuple[str, list[tuple[str, str, str | None]], str], ...] = (
        ("nouns", [(w, NOUN_ENDINGS, None) for w in nouns], "です"),
        ("verbs", [(w, VERB_ENDINGS, None) for w in verbs], "。"),
        ("stems", list(stems), ""),
        ("rough", list(rough), ""),
    )
    for name, items, frame in groups:
        lines = kept = 0
        changed = []
        for word, spec, said in items:
            if said is not None:
                own = said  # a stem form alone is no word: its reading in the sentence it came from
            else:
                own = _MARKS.sub("", read(word + frame))
                if frame == "です":
                    if not own.endswith("デス"):
                        continue
                    own = own[:-2]
            for ending, kana in _endings(spec):
                line = word + ending
                got = _MARKS.sub("", read(line))
                lines += 1
                if got == own + kana:
                    kept += 1
                else:
                    changed.append((line, got, own + kana))
        out[name] = (lines, kept, changed)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="only the first N words of each group")
    ap.add_argument("--show", type=int, default=0, help="print this many of our changed lines")
    args = ap.parse_args()

    import pyopenjtalk

    from tsukasa.pipelines.textfront import phonemize

    nouns, verbs, stems, rough = words_of(args.data, args.limit)
    print(
        f"# from {args.data.name}: {len(nouns)} nouns x {len(_endings(NOUN_ENDINGS))} endings, {len(verbs)} "
        f"verbs/adjectives x {len(_endings(VERB_ENDINGS))}, {len(stems)} verb and adjective stems x their endings, "
        f"{len(rough)} verbs' 連用形 x {len(_endings(ROUGH_ENDINGS))} forms of やがる"
    )
    results = {}
    for name, read in (
        ("pyopenjtalk", lambda t: pyopenjtalk.g2p(t, kana=True)),
        ("tsukasa", lambda t: phonemize(t).kana),
    ):
        t0 = time.perf_counter()
        results[name] = score(read, nouns, verbs, stems, rough)
        for group, (lines, kept, changed) in results[name].items():
            print(
                f"{name:12s} {group:6s} lines {lines:6d}  keep the word's reading {kept:6d} "
                f"({100 * kept / lines:5.2f} %)  changed {len(changed):5d}"
            )
        print(f"{name:12s} ({time.perf_counter() - t0:.0f} s)")
    for group in results["tsukasa"]:
        ours, base = len(results["tsukasa"][group][2]), len(results["pyopenjtalk"][group][2])
        print(f"changed lines, {group}: ours {ours} / pyopenjtalk {base} = {ours / max(base, 1):.3f}")
    shown = [c for group in results["tsukasa"].values() for c in group[2]]
    for line, got, expected in shown[: args.show]:
        print(f"  {line}\t{got}\t(word's own: {expected})")


if __name__ == "__main__":
    main()

"""Benchmark: Tsukasa's text front-end against plain pyopenjtalk on hand-checked JSUT readings.

Scores (on sentences whose spoken reading is the text's reading, ``match_text=1``):
phoneme error rate with and without pauses, kana character error rate, sentence accuracy
(phonemes without pauses all right), F1 of the prosody marks ``#`` ``]`` ``[`` ``?`` (matched
by position in the phoneme sequence), and sentences per second. The same sentences are also
scored as romaji (cutlet, Hepburn, native spellings for loanwords) and as mixed text (nouns
replaced by their romaji). The baseline is ``pyopenjtalk.g2p`` / its labels read with the
same ESPnet mark rules, measured in the same run. Prints figures; asserts nothing.

    python benchmarks/bench_textfront.py --limit 300
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "jsut_basic5000_dev.tsv"
MARKS = ("#", "]", "[", "?")


@dataclass
class Output:
    kana: str
    phonemes: list[str]
    prosody: list[str]


def edit_distance(a: list[str] | str, b: list[str] | str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def mark_positions(prosody: list[str], mark: str) -> set[int]:
    """Positions (index of the phoneme the mark follows, pauses excluded) of a mark."""
    out, k = set(), 0
    for t in prosody:
        if t in ("^", "$", "_", "#", "[", "]", "?"):
            if t == mark:
                out.add(k)
            continue
        if t != "pau":
            k += 1
    return out


def _kana_chars(kana: str) -> str:
    return re.sub(r"[、。？！\s]", "", kana)


def _lower(ph: list[str]) -> list[str]:
    return [p.lower() if p in ("A", "I", "U", "E", "O") else p for p in ph]


class Scores:
    def __init__(self) -> None:
        self.err = self.n = self.err_np = self.n_np = self.kerr = self.kn = self.ok = self.count = 0
        self.tp = dict.fromkeys(MARKS, 0)
        self.fp = dict.fromkeys(MARKS, 0)
        self.fn = dict.fromkeys(MARKS, 0)
        self.seconds = 0.0

    def add(self, gold: Output, hyp: Output) -> None:
        g, h = _lower(gold.phonemes), _lower(hyp.phonemes)
        self.err += edit_distance(g, h)
        self.n += len(g)
        g_np, h_np = [p for p in g if p != "pau"], [p for p in h if p != "pau"]
        e_np = edit_distance(g_np, h_np)
        self.err_np += e_np
        self.n_np += len(g_np)
        gk, hk = _kana_chars(gold.kana), _kana_chars(hyp.kana)
        self.kerr += edit_distance(gk, hk)
        self.kn += len(gk)
        self.ok += e_np == 0
        self.count += 1
        if g_np == h_np:  # marks are comparable by position only when the phonemes agree
            for m in MARKS:
                gp, hp = mark_positions(gold.prosody, m), mark_positions(hyp.prosody, m)
                self.tp[m] += len(gp & hp)
                self.fp[m] += len(hp - gp)
                self.fn[m] += len(gp - hp)

    def f1(self, m: str) -> float:
        p = self.tp[m] / max(self.tp[m] + self.fp[m], 1)
        r = self.tp[m] / max(self.tp[m] + self.fn[m], 1)
        return 100 * 2 * p * r / max(p + r, 1e-9)

    def row(self, name: str) -> str:
        rate = self.count / max(self.seconds, 1e-9)
        f1s = "  ".join(f"{m}:{self.f1(m):5.1f}" for m in MARKS)
        per, per_np = 100 * self.err / max(self.n, 1), 100 * self.err_np / max(self.n_np, 1)
        return (f"{name:<24} PER {per:5.2f}  PER-nopau {per_np:5.2f}"
                f"  kanaCER {100 * self.kerr / max(self.kn, 1):5.2f}  sentAcc {100 * self.ok / max(self.count, 1):5.1f}"
                f"  F1 {f1s}  {rate:7.1f} sent/s")  # fmt: skip


def baseline(text: str) -> Output:
    import pyopenjtalk

    from tsukasa.pipelines.textfront.labels import labels_to_prosody

    kana = pyopenjtalk.g2p(text, kana=True)
    phonemes = pyopenjtalk.g2p(text).split()
    _, prosody = labels_to_prosody(pyopenjtalk.extract_fullcontext(text))
    return Output(kana, phonemes, prosody)


def ours(text: str) -> Output:
    from tsukasa.pipelines.textfront import phonemize

    p = phonemize(text)
    return Output(p.kana, p.phonemes, p.prosody_tokens)


def romaji_versions(texts: list[str]) -> tuple[list[str], list[str]]:
    """(romaji sentences, mixed sentences) made with cutlet / fugashi (independent of our parser)."""
    import cutlet
    import fugashi

    katsu = cutlet.Cutlet("hepburn")
    katsu.use_foreign_spelling = False
    tagger = fugashi.Tagger()
    romaji, mixed = [], []
    for t in texts:
        romaji.append(katsu.romaji(t))
        parts = []
        for w in tagger(t):
            pos = w.feature.pos1
            if pos == "名詞" and w.feature.pos2 != "数詞" and re.search(r"[\u4e00-\u9fff\u30a0-\u30ff]", w.surface):
                parts.append(" " + katsu.romaji(w.surface).lower() + " ")
            else:
                parts.append(w.surface)
        mixed.append(re.sub(r"\s+", " ", "".join(parts)).strip())
    return romaji, mixed


def _plain_g2p(text: str) -> object:
    import pyopenjtalk

    return pyopenjtalk.g2p(text)


def _phonemize(text: str) -> object:
    from tsukasa.pipelines.textfront import phonemize

    return phonemize(text)


def run(system: Callable[[str], Output], texts: list[str], golds: list[Output], name: str) -> Scores:
    """Score ``system``; time one plain call per sentence (g2p for the baseline, phonemize for ours)."""
    s = Scores()
    timed = _plain_g2p if system is baseline else _phonemize
    timed(texts[0])  # load resources outside the timing
    t0 = time.perf_counter()
    for t in texts:
        timed(t)
    s.seconds = time.perf_counter() - t0
    outs = [system(t) for t in texts]
    for g, o in zip(golds, outs, strict=True):
        s.add(g, o)
    print(s.row(name), flush=True)
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N usable sentences")
    ap.add_argument("--no-romaji", action="store_true", help="skip the romaji and mixed runs")
    args = ap.parse_args(argv)
    rows = []
    with open(args.data, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["match_text"] == "1":
                rows.append(r)
    if args.limit:
        rows = rows[: args.limit]
    texts = [r["text"] for r in rows]
    golds = [Output(r["kana"], r["phonemes"].split(), r["prosody"].split()) for r in rows]
    print(f"# {len(rows)} sentences from {args.data.name} (match_text=1)")
    b = run(baseline, texts, golds, "pyopenjtalk (baseline)")
    o = run(ours, texts, golds, "tsukasa textfront")
    print(f"ratio PER ours/baseline {o.err / max(b.err, 1):.3f}  PER-nopau {o.err_np / max(b.err_np, 1):.3f}  "
          f"throughput ours/baseline {b.seconds / max(o.seconds, 1e-9):.2f}x")  # fmt: skip
    if not args.no_romaji:
        romaji, mixed = romaji_versions(texts)
        run(baseline, romaji, golds, "pyopenjtalk romaji")
        run(ours, romaji, golds, "tsukasa romaji")
        run(baseline, mixed, golds, "pyopenjtalk mixed")
        run(ours, mixed, golds, "tsukasa mixed")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()

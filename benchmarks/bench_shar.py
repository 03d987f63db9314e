"""Benchmark: reading training batches from our Shar export vs from ``cuts.jsonl.gz`` + the audio files.

Material (built on the fly): the 48 Kokoro utterances of ``/work/shared/data/kokoro_dev`` glued
into long "raw dump" files (``--per-file`` utterances each, 0.3–1.5 s gaps), ingested, run
through the real ``standardize`` stage (24 kHz FLAC under the dataset's ``audio/``), then cut
into one MonoCut per utterance at its known position — what ``segment`` produces — with the
gold JSUT phonemes. ``--repeat`` copies each utterance cut under new ids so the run is long
enough to time (every copy still reads its audio from disk).

Two readers over the same cuts, one run, same process:
  * baseline: ``cuts.jsonl.gz`` → DynamicBucketingSampler → ``TtsDataset`` collation; each cut
    opens its long standardised FLAC and seeks to its span;
  * Shar: ``export_shar`` (flac) → ``load_cuts`` → the same sampler + collation; each cut's
    audio comes from sequential tar shards.
Printed: cuts/s and audio-seconds/s for the full path (sampler + collation: mel + F0) and for
the I/O part alone (sampler + ``load_audio``), and the Shar/baseline ratios. No assertions.

Usage: ``python benchmarks/bench_shar.py --per-file 8 --repeat 4``
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

DATA = Path("/work/shared/data")


def build(root: Path, per_file: int, repeat: int):  # noqa: ANN201 - (Dataset, n cuts, seconds)
    from lhotse import MonoCut, SupervisionSegment

    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest
    from tsukasa.pipelines.base import StageContext, get_stage

    with (DATA / "jsut_basic5000_dev.tsv").open(encoding="utf-8") as f:
        phonemes = {r["id"]: r["phonemes"].split() for r in csv.DictReader(f, delimiter="\t")}
    with (DATA / "kokoro_dev" / "manifest.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    rng = np.random.default_rng(0)
    raw = root / "raw"
    raw.mkdir(parents=True)
    spans: dict[str, list[tuple[float, float, dict]]] = {}
    for k in range(0, len(rows), per_file):
        parts, t, name = [], 0.0, f"dump_{k // per_file:02d}.flac"
        for r in rows[k : k + per_file]:
            x, sr = sf.read(DATA / "kokoro_dev" / r["file"], dtype="float32")
            gap = np.zeros(int(rng.uniform(0.3, 1.5) * sr), dtype=np.float32)
            spans.setdefault(name, []).append((t + len(gap) / sr, len(x) / sr, r))
            parts += [gap, x]
            t += (len(gap) + len(x)) / sr
        sf.write(raw / name, np.concatenate(parts), sr, subtype="PCM_16")
    ds = Dataset.create("bench", root / "data_manifests")
    ingest(raw, ds)
    std = get_stage("standardize")().process(list(ds.cuts()), StageContext(work_dir=ds.path)).kept
    cuts = []
    for rec_cut in std:
        for i, (start, dur, r) in enumerate(spans[rec_cut.custom["source_path"]]):
            for copy in range(repeat):
                cid = f"{rec_cut.id}-{i:03d}-{copy}"
                sup = SupervisionSegment(id=cid, recording_id=rec_cut.recording.id, start=0.0, duration=dur,
                                         text=r["text"], speaker=r["voice"], language="ja",
                                         custom={"phonemes": phonemes[r["id"]], "kana": r["kana"]})  # fmt: skip
                cuts.append(MonoCut(id=cid, start=start, duration=dur, channel=0, recording=rec_cut.recording,
                                    supervisions=[sup], custom=dict(rec_cut.custom)))  # fmt: skip
    ds.write_version(cuts, [], kind="run", description="bench: standardised + utterance cuts")
    return ds, len(cuts), sum(c.duration for c in cuts)


def run(cuts, cfg, speakers, collate: bool) -> tuple[int, float, float]:  # noqa: ANN001
    from tsukasa.modeling.data import TtsDataset, make_sampler

    sampler = make_sampler(cuts, cfg, shuffle=True, seed=0)
    dataset = TtsDataset(cfg, speakers)
    n, secs, t0 = 0, 0.0, time.perf_counter()
    for batch in sampler:
        if collate:
            dataset[batch]
        else:
            for c in batch:
                c.load_audio()
        n += len(batch)
        secs += sum(c.duration for c in batch)
    return n, secs, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-file", type=int, default=8, help="utterances glued into one raw file")
    ap.add_argument("--repeat", type=int, default=4, help="copies of each utterance cut")
    args = ap.parse_args()

    from tsukasa.corpus.shar import export_shar
    from tsukasa.modeling.config import load_config
    from tsukasa.modeling.data import load_cuts, speaker_index

    cfg = load_config("tiny")
    with tempfile.TemporaryDirectory(prefix="bench-shar-") as tmp:
        ds, n, secs = build(Path(tmp), args.per_file, args.repeat)
        t0 = time.perf_counter()
        export = export_shar(ds, Path(tmp) / "shar", shard_size=100)
        t_export = time.perf_counter() - t0
        print(f"bench_shar: {n} cuts, {secs / 60:.1f} min of audio; {len(export.files['cuts'])} shards, "
              f"export {t_export:.1f} s ({secs / t_export:.0f} audio-s/s)")  # fmt: skip
        speakers = speaker_index(ds.cuts())
        for collate in (True, False):
            what = "sampler + TtsDataset collation" if collate else "sampler + load_audio (I/O only)"
            base = run(load_cuts(ds.cuts_path), cfg, speakers, collate)
            shar = run(load_cuts(Path(tmp) / "shar"), cfg, speakers, collate)
            assert base[0] == shar[0] == n
            for label, (k, s, t) in (("cuts.jsonl.gz + FLAC files", base), ("Shar (flac)", shar)):
                print(f"  {what:34s} {label:28s} {k / t:8.1f} cuts/s {s / t:9.1f} audio-s/s ({t:.2f} s)")
            print(f"  {what:34s} ratio Shar/baseline: {base[2] / shar[2]:.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark: reading training batches from our Shar export vs what a trainer reads without it.

Material (built on the fly): the 48 Kokoro utterances of ``/work/shared/data/kokoro_dev`` glued
into long "raw dump" files (``--per-file`` utterances each, 0.3–1.5 s gaps) in the mixed formats a
game dump holds, cycling per file: 44.1 kHz stereo 16-bit WAV, 44.1 kHz stereo MP3, 48 kHz stereo
Ogg Vorbis. They are ingested, run through the real ``standardize`` stage (24 kHz mono FLAC under
the dataset's ``audio/``), then cut into one MonoCut per utterance at its known position — what
``segment`` produces — with the gold JSUT phonemes. ``--repeat`` copies each utterance cut under
new ids so the run is long enough to time (every copy still reads its audio from disk).

Readers over the same utterances, one run, same process, same sampler and ``TtsDataset``:
  * raw sources (the fair baseline: a trainer without our export): ``cuts.jsonl.gz`` whose cuts
    point into the RAW files (both channels); each batch decodes WAV/MP3/Ogg, mixes to mono,
    resamples to 24 kHz with Lhotse (``cut.resample``), then computes mel + F0 (YIN);
  * standardised FLAC (the previous baseline): ``cuts.jsonl.gz`` over the standardised 24 kHz
    FLACs; seek + decode, mel + F0 per batch;
  * Shar flac, no F0: the previous Shar figure (audio from tar shards, mel + F0 per batch);
  * Shar flac / opus + F0: ``export_shar(extra_fields={"f0": ...})`` with F0 precomputed by
    ``tsukasa.modeling.prepare.F0Extractor``; the batch computes only the mel.
Printed: cuts/s and audio-seconds/s for the full path (sampler + collation) and for the I/O part
alone (sampler + ``prepare.load_wav``: decode, mono mix, resample), the ratios to both baselines,
and the one-off export cost. No assertions.

Usage: ``python benchmarks/bench_shar.py --per-file 8 --repeat 1 --rounds 3``
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

DATA = Path("/work/shared/data")
# (suffix, soundfile format, subtype, sample rate): the raw dump's mixed formats, one per file in turn.
RAW_FORMATS = (
    ("wav", "WAV", "PCM_16", 44100),
    ("mp3", "MP3", "MPEG_LAYER_III", 44100),
    ("ogg", "OGG", "VORBIS", 48000),
)


def build(root: Path, per_file: int, repeat: int):  # noqa: ANN201 - (Dataset, raw CutSet, n cuts, seconds)
    import soxr
    from lhotse import CutSet, MonoCut, SupervisionSegment
    from lhotse.utils import fastcopy

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
        suffix, fmt, subtype, rate = RAW_FORMATS[(k // per_file) % len(RAW_FORMATS)]
        parts, t, name = [], 0.0, f"dump_{k // per_file:02d}.{suffix}"
        for r in rows[k : k + per_file]:
            x, sr = sf.read(DATA / "kokoro_dev" / r["file"], dtype="float32")
            gap = np.zeros(int(rng.uniform(0.3, 1.5) * sr), dtype=np.float32)
            spans.setdefault(name, []).append((t + len(gap) / sr, len(x) / sr, r))
            parts += [gap, x]
            t += (len(gap) + len(x)) / sr
        y = soxr.resample(np.concatenate(parts), sr, rate)
        sf.write(raw / name, np.stack([y, 0.8 * y], axis=1), rate, format=fmt, subtype=subtype)  # stereo
    ds = Dataset.create("bench", root / "data_manifests")
    ingest(raw, ds)
    ingested = list(ds.cuts())
    std = get_stage("standardize")().process(ingested, StageContext(work_dir=ds.path)).kept
    raw_recordings = {c.custom["source_path"]: c.recording for c in ingested}
    cuts, raw_cuts = [], []
    for rec_cut in std:
        raw_rec = raw_recordings[rec_cut.custom["source_path"]]
        for i, (start, dur, r) in enumerate(spans[rec_cut.custom["source_path"]]):
            for copy in range(repeat):
                cid = f"{rec_cut.id}-{i:03d}-{copy}"
                sup = SupervisionSegment(id=cid, recording_id=rec_cut.recording.id, start=0.0, duration=dur,
                                         text=r["text"], speaker=r["voice"], language="ja",
                                         custom={"phonemes": phonemes[r["id"]], "kana": r["kana"]})  # fmt: skip
                cuts.append(MonoCut(id=cid, start=start, duration=dur, channel=0, recording=rec_cut.recording,
                                    supervisions=[sup], custom=dict(rec_cut.custom)))  # fmt: skip
                # The same utterance as a trainer without our export sees it: both channels of the raw file.
                raw_sup = fastcopy(sup, recording_id=raw_rec.id)
                raw_cuts.append(MonoCut(id=cid, start=start, duration=dur, channel=raw_rec.channel_ids,
                                        recording=raw_rec, supervisions=[raw_sup]))  # fmt: skip
    ds.write_version(cuts, [], kind="run", description="bench: standardised + utterance cuts")
    raw_manifest = root / "raw_cuts.jsonl.gz"
    CutSet.from_cuts(raw_cuts).to_file(raw_manifest)
    return ds, raw_manifest, len(cuts), sum(c.duration for c in cuts)


def run(cuts, cfg, speakers, collate: bool):  # noqa: ANN001, ANN201 - (cuts, audio s, wall s, F0 sources)
    from tsukasa.modeling.data import TtsDataset, make_sampler
    from tsukasa.modeling.prepare import load_wav

    sampler = make_sampler(cuts, cfg, shuffle=True, seed=0)
    dataset = TtsDataset(cfg, speakers)
    n, secs, t0 = 0, 0.0, time.perf_counter()
    for batch in sampler:
        if collate:
            dataset[batch]
        else:
            for c in batch:
                load_wav(c, cfg.audio.sample_rate)
        n += len(batch)
        secs += sum(c.duration for c in batch)
    return n, secs, time.perf_counter() - t0, dict(dataset.f0_sources)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-file", type=int, default=8, help="utterances glued into one raw file")
    ap.add_argument("--repeat", type=int, default=4, help="copies of each utterance cut")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes per reader (after one warm-up pass)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (DataLoader workers run with 1)")
    args = ap.parse_args()
    import torch

    # One thread, as in a DataLoader worker; two threads on a shared 2-core box thrash unpredictably.
    torch.set_num_threads(args.threads)

    from tsukasa.corpus.shar import ArrayField, export_shar
    from tsukasa.modeling.config import load_config
    from tsukasa.modeling.data import load_cuts, speaker_index
    from tsukasa.modeling.prepare import F0Extractor

    cfg = load_config("tiny")
    extractor = F0Extractor(cfg.audio)
    f0 = {"f0": ArrayField(extractor, meta=extractor.meta)}
    with tempfile.TemporaryDirectory(prefix="bench-shar-") as tmp:
        ds, raw_manifest, n, secs = build(Path(tmp), args.per_file, args.repeat)
        print(f"bench_shar: {n} cuts, {secs / 60:.1f} min of audio, tiny config (24 kHz, hop 300), "
              f"{args.threads} torch thread(s)")  # fmt: skip
        exports = {"Shar flac, no F0": ("flac", None), "Shar flac + F0": ("flac", f0), "Shar opus + F0": ("opus", f0)}
        for label, (audio_format, extra) in exports.items():
            t0 = time.perf_counter()
            export = export_shar(ds, Path(tmp) / label.replace(" ", "_"), shard_size=100,
                                 audio_format=audio_format, extra_fields=extra)  # fmt: skip
            t = time.perf_counter() - t0
            size = sum(Path(p).stat().st_size for v in export.files.values() for p in v) / 2**20
            print(f"  export {label:18s} {len(export.files['cuts'])} shards, {size:6.1f} MiB, "
                  f"{t:6.1f} s ({secs / t:5.0f} audio-s/s, one-off)")  # fmt: skip
        speakers = speaker_index(ds.cuts())
        readers = {
            "raw wav/mp3/ogg + resample": lambda: load_cuts(raw_manifest),
            "standardised FLAC": lambda: load_cuts(ds.cuts_path),
            **{label: (lambda label=label: load_cuts(Path(tmp) / label.replace(" ", "_"))) for label in exports},
        }
        for collate in (True, False):
            what = "sampler + TtsDataset (mel, F0)" if collate else "sampler + load_wav (I/O only)"
            names = list(readers) if collate else [r for r in readers if r != "Shar flac + F0"]
            # The dev box is shared: one untimed warm-up pass per reader (imports, FFT plans, page
            # cache), then --rounds timed passes in turn, and the median of each reader's times.
            times: dict[str, list[float]] = {name: [] for name in names}
            results = {}
            for r in range(args.rounds + 1):
                for name in names:
                    results[name] = run(readers[name](), cfg, speakers, collate)
                    assert results[name][0] == n
                    if r:
                        times[name].append(results[name][2])
            med = {name: statistics.median(ts) for name, ts in times.items()}
            raw_t, std_t = med["raw wav/mp3/ogg + resample"], med["standardised FLAC"]
            print(f"  {what}, median of {args.rounds} rounds:")
            for name, t in med.items():
                sources = results[name][3]
                f0_from = (
                    f" F0 {sources.get('stored', 0)} stored/{sources.get('tracked', 0)} tracked" if collate else ""
                )
                print(f"    {name:28s} {n / t:7.1f} cuts/s {secs / t:8.1f} audio-s/s ({t:6.2f} s)  "
                      f"x{raw_t / t:5.2f} vs raw  x{std_t / t:5.2f} vs std FLAC{f0_from}")  # fmt: skip


if __name__ == "__main__":
    main()

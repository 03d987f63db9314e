"""Ingest throughput vs a bare ``soundfile.info`` loop over the same files.

    python benchmarks/bench_ingest.py [--files 2000] [--workers N] [--parallel-min-files N]
        [--read-ahead N] [--rounds 7] [--cold]

Generates N short files (WAV 16/24-bit and FLAC, 16–48 kHz, mono/stereo, 0.5–3 s of tone +
noise), then in one run times:
  * baseline: ``for f in files: soundfile.info(f)`` (header only, one thread);
  * ours, ``verify="quick"`` (the default): ``tsukasa.corpus.ingest.ingest`` — reads every
    byte once, XXH3-128 content hash, header parse, exact truncation / NaN / silence checks for
    PCM WAV from the bytes, FLAC end verified by CRC and loudness from warm-up samples,
    duplicate detection, ingest index + recordings + cuts manifests written (fsync'd);
  * ours, ``verify="full"``: the same with every sample of every file decoded.
Prints files/s, audio-seconds/s and the ratio ours/baseline (goal ≥ 0.8× for the default):
the median of ``--rounds`` alternating rounds, after both contenders warmed up on a separate
20-file folder (one-off import and first-call costs are not per-file throughput). The process
holds what a ``tsukasa ingest`` process holds: no lhotse, no torch.
The OS page cache is warmed for all by a first untimed read, so disk speed does not decide
the ratio; ``--cold`` drops it before each contender instead (root only), which is what a
raw dump on disk looks like.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import soundfile as sf


def generate(folder: Path, n: int, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    total = 0.0
    kinds = [("wav", "PCM_16"), ("wav", "PCM_24"), ("flac", "PCM_16")]
    for i in range(n):
        sr = int(rng.choice([16000, 22050, 24000, 44100, 48000]))
        dur = float(rng.uniform(0.5, 3.0))
        ch = int(rng.choice([1, 1, 1, 2]))
        t = np.arange(int(sr * dur)) / sr
        x = 0.2 * np.sin(2 * np.pi * rng.uniform(100, 400) * t) + 0.01 * rng.standard_normal(len(t))
        x = np.stack([x] * ch, axis=1) if ch > 1 else x
        ext, subtype = kinds[i % len(kinds)]
        sub = folder / f"char{i % 7}"
        sub.mkdir(exist_ok=True)
        sf.write(sub / f"line_{i:05d}.{ext}", x.astype(np.float32), sr, subtype=subtype)
        total += dur
    return total


def drop_cache(cold: bool) -> None:
    if not cold:
        return
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        raise SystemExit(f"--cold needs root to drop the page cache ({exc})") from None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=None, help="scan processes (default: ingest's own default)")
    ap.add_argument(
        "--parallel-min-files", type=int, default=None, help="files from which processes are used (default: ingest's)"
    )
    ap.add_argument("--read-ahead", type=int, default=None, help="files read ahead (default: ingest's own default)")
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds per contender (median reported)")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="drop the OS page cache before each contender (root only): raw dumps usually sit on disk",
    )
    args = ap.parse_args()

    # Neither lhotse nor torch is imported here: `tsukasa ingest` imports neither (a test checks),
    # and a process holding torch forks ingest's scan processes measurably slower (~3 ms each).
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import IngestConfig, find_files, ingest, scan_processes

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        audio_s = generate(raw, args.files)
        files, _ = find_files(raw)
        for f in files:  # warm the page cache for both contenders (unless --cold drops it)
            f.read_bytes()
        # One-off costs (lazy imports, first calls into libsndfile/pydantic/xxhash)
        # are paid by both contenders on a separate small folder first: a dump of thousands of
        # hours never sees them, and the figure is meant to be per-file throughput.
        warm = Path(tmp) / "warm"
        warm.mkdir()
        generate(warm, 20, seed=1)
        for f in find_files(warm)[0]:
            sf.info(str(f))
        overrides: dict[str, int] = {"read_ahead": args.read_ahead} if args.read_ahead is not None else {}
        if args.workers:
            overrides["workers"] = args.workers
        if args.parallel_min_files:
            overrides["parallel_min_files"] = args.parallel_min_files
        for mode in ("quick", "full"):
            warm_ds = Dataset.create(f"warm-{mode}", Path(tmp) / "dm")
            # with helper processes too (20 files would be scanned in one): their first start
            # imports multiprocessing's modules, a one-off ~20 ms the first timed round paid
            ingest(warm, warm_ds, config=IngestConfig(verify=mode, **{**overrides, "parallel_min_files": 2}))

        # Rounds alternate the contenders (so slow phases of a shared machine hit both) and the
        # median of each is reported.
        base_runs: list[float] = []
        timings: dict[str, list[float]] = {"quick": [], "full": []}
        for r in range(args.rounds):
            drop_cache(args.cold)
            t0 = time.perf_counter()
            for f in files:
                sf.info(str(f))
            base_runs.append(time.perf_counter() - t0)
            for mode in ("quick", "full"):
                ds = Dataset.create(f"bench-{mode}-{r}", Path(tmp) / "dm")
                drop_cache(args.cold)
                t0 = time.perf_counter()
                report = ingest(raw, ds, config=IngestConfig(verify=mode, **overrides))
                timings[mode].append(time.perf_counter() - t0)
                assert report.recordings == len(files), report.rejected[:3]
        base_s = statistics.median(base_runs)
        timings_med = {mode: statistics.median(ts) for mode, ts in timings.items()}

    n = len(files)
    cache = "cold page cache" if args.cold else "warm page cache"
    print(f"# bench_ingest {date.today()} on {platform.node()} ({os.cpu_count()} cores), {n} files, "
          f"{audio_s:.0f} s audio, {cache}")  # fmt: skip
    print(f"baseline soundfile.info loop      : {n / base_s:8.1f} files/s  {audio_s / base_s:9.1f} audio-s/s"
          f"  ({base_s * 1000:.1f} ms)")  # fmt: skip
    for mode, what in (("quick", "hash + checks from the bytes"), ("full", "hash + decode every sample")):
        t = timings_med[mode]
        procs = scan_processes(n, IngestConfig(**overrides))
        print(f"tsukasa ingest --verify {mode:5s} ({procs} p): {n / t:8.1f} files/s  "
              f"{audio_s / t:9.1f} audio-s/s  ({t * 1000:.1f} ms; {what})  ratio {base_s / t:.2f}x")  # fmt: skip
    rounds = ", ".join(f"{b / q:.2f}" for b, q in zip(base_runs, timings["quick"], strict=True))
    ratio = base_s / timings_med["quick"]
    print(f"ratio ours (default, quick)/baseline: {ratio:.2f}x   (goal >= 0.8x); per round: {rounds}")


if __name__ == "__main__":
    main()

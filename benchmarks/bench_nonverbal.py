"""Benchmark: the ``nonverbal`` stage's pauses and breaths against known insertions, and its RTF.

Material (generated on the fly, seeded): utterances of 2–4 phrases (pyopenjtalk's HTS voice,
speed 0.85–1.2, pitch shift -4..+4 half-tones; phrases without punctuation so the voice makes
no pauses of its own), each phrase trimmed to its speech. Between phrases: a pause drawn from
0.2–1.0 s, or a butt join of 0–60 ms (not a pause); before the first phrase and inside half of
the pauses, a breath-like sound (band-passed 400–4000 Hz noise under a rise-and-fall envelope,
0.15–0.5 s, RMS 0.005–0.03, i.e. ~15–30 dB below the speech) followed by 50–200 ms of silence;
then a noise floor (white, RMS 1e-4 to 3e-3: ~60 to ~30 dB SNR).

Ground truth: a pause = the gap between two phrases' speech (breath included); a breath = the
inserted burst. Scoring: one-to-one greedy matching by IoU >= 0.5; precision/recall/F1 and the
median start/end error of matches. RTF = stage seconds / audio seconds (audio loading
included, one process); baseline in the same run: silero-vad's frame probabilities on the same
audio (what the segment stage already pays), and the stage with the optional YAMNet model on.

Usage: ``python benchmarks/bench_nonverbal.py --utts 40``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PHRASES = [
    "今日はとても暑い日です", "海に行きませんか", "冷たいジュースも持っていこう", "明日の朝は早く起きます",
    "駅前の本屋で待っています", "先生に質問してみましょう", "この道をまっすぐ進んでください",
    "雨が降りそうな空ですね", "図書館で本を借りました", "みんなで写真を撮りましょう",
    "新しい靴を買いに行きたい", "夜空に星がたくさん見えます", "お腹がすいてきました", "もう少しだけ頑張ろう",
]  # fmt: skip
SR = 24000


def _speech(text: str, speed: float, half_tone: float) -> np.ndarray:
    import pyopenjtalk
    import soxr

    w, fs = pyopenjtalk.tts(text, speed=speed, half_tone=half_tone)
    w = soxr.resample(np.asarray(w) / 32768.0 * 0.5, fs, SR)
    loud = np.flatnonzero(np.abs(w) > 0.003)
    return w[loud[0] : loud[-1] + 1]


def make_utterance(rng: np.random.Generator, seed: int):
    from tsukasa.demo import breath_burst

    speed, half_tone = float(rng.uniform(0.85, 1.2)), float(rng.uniform(-4, 4))
    n = int(rng.integers(2, 5))
    texts = [PHRASES[i] for i in rng.choice(len(PHRASES), n, replace=False)]
    parts: list[np.ndarray] = []
    pauses, breaths = [], []
    t = 0.0

    def add(x: np.ndarray) -> None:
        nonlocal t
        parts.append(x)
        t += len(x) / SR

    def add_breath() -> None:
        d = float(rng.uniform(0.15, 0.5))
        s = t
        add(breath_burst(SR, d, level=float(rng.uniform(0.005, 0.03)), seed=seed * 100 + len(parts)).astype(float))
        breaths.append((s, t))
        add(np.zeros(int(rng.uniform(0.05, 0.2) * SR)))

    add(np.zeros(int(rng.uniform(0.2, 0.4) * SR)))
    add_breath()
    for i, text in enumerate(texts):
        add(_speech(text, speed, half_tone))
        if i + 1 < n:
            if rng.random() < 0.75:
                start = t
                pause = float(rng.uniform(0.2, 1.0))
                if rng.random() < 0.5 and pause > 0.45:
                    add(np.zeros(int(rng.uniform(0.05, 0.15) * SR)))
                    add_breath()
                else:
                    add(np.zeros(int(pause * SR)))
                pauses.append((start, t))
            else:
                add(np.zeros(int(rng.uniform(0.0, 0.06) * SR)))
    add(np.zeros(int(0.3 * SR)))
    x = np.concatenate(parts)
    x = x + rng.normal(0, float(10 ** rng.uniform(-4, np.log10(3e-3))), len(x))
    return x.astype(np.float32), pauses, breaths


def score(hyp: list[tuple[float, float]], ref: list[tuple[float, float]]) -> tuple[int, int, int, list[float]]:
    pairs = []
    for i, (hs, he) in enumerate(hyp):
        for j, (rs, re_) in enumerate(ref):
            inter = max(0.0, min(he, re_) - max(hs, rs))
            union = max(he, re_) - min(hs, rs)
            if union > 0 and inter / union >= 0.5:
                pairs.append((inter / union, i, j))
    used_h, used_r, errors = set(), set(), []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_h and j not in used_r:
            used_h.add(i)
            used_r.add(j)
            errors += [abs(hyp[i][0] - ref[j][0]), abs(hyp[i][1] - ref[j][1])]
    return len(used_h), len(hyp), len(ref), errors


def report(name: str, tp: int, nh: int, nr: int, errors: list[float]) -> None:
    p = tp / nh if nh else 1.0
    r = tp / nr if nr else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    med = statistics.median(errors) * 1000 if errors else float("nan")
    print(f"{name:8s} refs {nr:4d} hyps {nh:4d}  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  "
          f"median boundary error {med:.0f} ms")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--utts", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    import soundfile as sf
    from lhotse import MonoCut, Recording, SupervisionSegment

    from tsukasa.corpus.schema import read_supervision_custom
    from tsukasa.pipelines.base import StageContext, get_stage
    from tsukasa.pipelines.nonverbal import NonverbalConfig
    from tsukasa.pipelines.vad import load_vad_model, speech_probabilities, to_vad_rate

    rng = np.random.default_rng(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench_nonverbal_"))
    cuts, truth, total = [], [], 0.0
    for k in range(args.utts):
        x, pauses, breaths = make_utterance(rng, k)
        path = tmp / f"u{k:03d}.flac"
        sf.write(path, x, SR)
        rec = Recording.from_file(path, recording_id=f"u{k:03d}")
        sup = SupervisionSegment(id=rec.id, recording_id=rec.id, start=0.0, duration=rec.duration, language="ja")
        cuts.append(MonoCut(id=rec.id, start=0.0, duration=rec.duration, channel=0, recording=rec, supervisions=[sup]))
        truth.append((pauses, breaths))
        total += rec.duration
    print(f"{args.utts} utterances, {total:.1f} s of audio, "
          f"{sum(len(p) for p, _ in truth)} pauses, {sum(len(b) for _, b in truth)} breaths")  # fmt: skip

    ctx = StageContext(work_dir=tmp)
    stage = get_stage("nonverbal")(NonverbalConfig(text_cues=False))
    stage.process(cuts[:1], ctx)  # warm-up (imports)
    t0 = time.perf_counter()
    out = stage.process(cuts, ctx)
    rtf = (time.perf_counter() - t0) / total

    tot = {"pause": [0, 0, 0, []], "breath": [0, 0, 0, []]}
    for cut, (pauses, breaths) in zip(out.kept, truth, strict=True):
        ev = read_supervision_custom(cut.supervisions[0]).nonverbal
        for kind, ref in (("pause", pauses), ("breath", breaths)):
            hyp = [(e.start, e.end) for e in ev if e.kind == kind]
            tp, nh, nr, err = score(hyp, ref)
            acc = tot[kind]
            acc[0] += tp
            acc[1] += nh
            acc[2] += nr
            acc[3] += err
    for kind, (tp, nh, nr, err) in tot.items():
        report(kind, tp, nh, nr, err)

    model = load_vad_model()
    t0 = time.perf_counter()
    for cut in cuts:
        speech_probabilities(to_vad_rate(cut.load_audio(), SR), model)
    base = (time.perf_counter() - t0) / total
    yam = get_stage("nonverbal")(NonverbalConfig(text_cues=False, yamnet=True))
    yam.process(cuts[:1], ctx)
    t0 = time.perf_counter()
    yam.process(cuts, ctx)
    rtf_yam = (time.perf_counter() - t0) / total
    print(f"RTF nonverbal (default, no YAMNet) {rtf:.4f}   baseline silero-vad probabilities {base:.4f} "
          f"(ratio {rtf / base:.2f})   with YAMNet {rtf_yam:.4f} (ratio {rtf_yam / base:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()

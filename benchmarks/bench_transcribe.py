"""Our transcribe (+ match_script) vs faster-whisper's own VAD mode over whole files.

Same audio, one run: the 48 kokoro_dev utterances glued into 3 "raw dump" files (gaps of
0.05-2 s). Ours decodes the utterance cuts (known boundaries, i.e. what a perfect segment stage
gives; the segment stage itself is measured by its own benchmark); the baseline is
``WhisperModel.transcribe(vad_filter=True)`` over each whole file. Printed: RTF of each and
their ratio (goal <= 1.0), pooled kana CER of each against the gold readings, and, with the
folder script given (48 lines + 30% unrecorded ones, shuffled), the transcript CER after
``match_script`` (goal <= 0.5%). Figures only; nothing is asserted.

Run: ``.venv/bin/python benchmarks/bench_transcribe.py``
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

DATA = Path("/work/shared/data")
if not DATA.exists():
    DATA = Path(__file__).resolve().parents[1] / "shared" / "data"


def main() -> None:
    import soxr
    from lhotse import MonoCut, Recording, SupervisionSegment

    from tsukasa.corpus.schema import ScriptLine
    from tsukasa.pipelines.asr.kana import edit_distance, normalize_kana, reading
    from tsukasa.pipelines.asr.match import MatchScriptStage
    from tsukasa.pipelines.asr.models import load_whisper, resolve_model
    from tsukasa.pipelines.asr.transcribe import TranscribeStage
    from tsukasa.pipelines.base import StageContext

    rows = list(csv.DictReader(open(DATA / "kokoro_dev" / "manifest.tsv", encoding="utf-8"), delimiter="\t"))
    rng = np.random.default_rng(0)
    tmp = Path(tempfile.mkdtemp(prefix="bench_transcribe_"))
    files, cuts, gold = [], [], {}
    for f in range(3):
        part = rows[f * 16 : (f + 1) * 16]
        sr = 24000
        pieces, pos, spans = [np.zeros(sr // 2, np.float32)], sr // 2, []
        for r in part:
            a, sr_a = sf.read(DATA / "kokoro_dev" / r["file"], dtype="float32")
            assert sr_a == sr
            spans.append((r, pos / sr, len(a) / sr))
            pieces.append(a)
            pos += len(a)
            gap = int(rng.uniform(0.05, 2.0) * sr)
            pieces.append(np.zeros(gap, np.float32))
            pos += gap
        path = tmp / f"dump{f}.flac"
        sf.write(path, np.concatenate(pieces), sr)
        rec = Recording.from_file(path, recording_id=f"dump{f}")
        files.append((rec, [r for r, _, _ in spans]))
        for k, (r, start, dur) in enumerate(spans):
            cid = f"dump{f}-{k:03d}"
            gold[cid] = r
            sup = SupervisionSegment(id=cid, recording_id=rec.id, start=0, duration=dur, language="ja", text="")
            cuts.append(
                MonoCut(cid, start, dur, 0, recording=rec, supervisions=[sup], custom={"source_path": path.name})
            )
    audio_s = sum(rec.duration for rec, _ in files)
    resolved = resolve_model()
    model = load_whisper(resolved, cpu_threads=2)
    for r in rows:  # warm the text front-end so its start-up is not billed to either side
        reading(r["text"])

    # Baseline: faster-whisper over whole files with its own Silero VAD.
    t0 = time.perf_counter()
    base_err = base_len = 0
    for rec, part in files:
        x = soxr.resample(rec.load_audio()[0], rec.sampling_rate, 16000).astype(np.float32)
        segs, _ = model.transcribe(x, language="ja", vad_filter=True)
        hyp = reading("".join(s.text for s in segs))
        ref = "".join(normalize_kana(r["kana"]) for r in part)
        base_err += edit_distance(ref, hyp)
        base_len += len(ref)
    base_s = time.perf_counter() - t0

    # Ours: the transcribe stage over the utterance cuts.
    stage = TranscribeStage()
    stage.fingerprint()
    t0 = time.perf_counter()
    result = stage.process(cuts, StageContext(work_dir=tmp, num_threads=2))
    ours_s = time.perf_counter() - t0
    ours_err = ours_len = 0
    for c in result.kept:
        ref = normalize_kana(gold[c.id]["kana"])
        ours_err += edit_distance(ref, c.supervisions[0].custom["asr"]["kana"])
        ours_len += len(ref)
    for rej in result.rejected:
        ref = normalize_kana(gold[rej.id]["kana"])
        ours_err += len(ref)
        ours_len += len(ref)

    # With the script: 48 lines + 30% never-recorded lines (JSUT dev), shuffled.
    extra = [r for r in csv.DictReader(open(DATA / "jsut_basic5000_dev.tsv", encoding="utf-8"), delimiter="\t")]
    used = {r["id"] for r in rows}
    distract = [r["text"] for r in extra if r["id"] not in used][: int(0.3 * len(rows)) + 1]
    texts = [(r["id"], r["text"]) for r in rows] + [(f"X{k}", t) for k, t in enumerate(distract)]
    random.Random(0).shuffle(texts)
    script = [ScriptLine(text=t, line_id=i, row=n) for n, (i, t) in enumerate(texts, 1)]
    t0 = time.perf_counter()
    matched = MatchScriptStage().process(result.kept, StageContext(work_dir=tmp, script=script))
    match_s = time.perf_counter() - t0
    strip = re.compile(r"[\s、。，．,.!?！？「」『』…]")
    tr_err = tr_len = wrong_line = 0
    by_parent = {c.id: c for c in matched.kept}
    for cid, r in gold.items():
        ref = strip.sub("", r["text"])
        cut = by_parent.get(cid)
        hyp = strip.sub("", cut.supervisions[0].text) if cut else ""
        src = (cut.supervisions[0].custom.get("source") or {}) if cut else {}
        wrong_line += src.get("line_id") != r["id"]
        tr_err += edit_distance(ref, hyp)
        tr_len += len(ref)

    print(
        "bench_transcribe: 48 kokoro_dev utterances in 3 files, "
        f"{audio_s:.1f} s audio, Whisper {resolved.model_id} int8, 2 threads"
    )
    print("  segments: known utterance boundaries (Lhotse cuts), not the segment stage")
    print(
        f"  baseline faster-whisper transcribe(vad_filter=True): {base_s:.2f} s  RTF {base_s / audio_s:.3f}  "
        f"kana CER {base_err / base_len:.4f}"
    )
    print(
        f"  ours transcribe stage (packed, batched, word timings): {ours_s:.2f} s  RTF {ours_s / audio_s:.3f}  "
        f"kana CER {ours_err / ours_len:.4f}  rejected {len(result.rejected)}"
    )
    print(f"  RTF ratio ours / baseline: {ours_s / base_s:.3f}  (goal <= 1.0)")
    print(
        f"  with script (+{len(distract)} distractors, shuffled): match_script {match_s:.2f} s, "
        f"transcript CER {tr_err / tr_len:.4f} (goal <= 0.005), segments on a wrong line {wrong_line}, "
        f"unmatched lines {len(matched.unmatched_lines)}"
    )


if __name__ == "__main__":
    main()

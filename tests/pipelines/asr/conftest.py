"""Real Whisper base on pyopenjtalk-synthesised Japanese, decoded ONCE per test session.

Everything the ASR tests need is laid out in one 24 kHz recording with known segment
boundaries (what the segment stage would produce), so the model loads once and one batched
``transcribe`` call serves every test (about 30 s of audio: a few seconds on 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

SR = 24000

# Short, everyday sentences (written for these tests) spoken by pyopenjtalk's HTS voice.
SENTENCES = {
    "L01": "今日はとても良い天気ですね。",
    "L02": "駅まで歩いて十分くらいかかります。",
    "L03": "明日の会議は午後三時から始まります。",
    "L04": "この本はとても面白かったです。",
    "L05": "お腹が空いたので何か食べたいな。",
    "L06": "窓を開けてもいいですか。",
    "L07": "ありがとうございました。",
    "L08": "またのお越しをお待ちしております。",
    "L09": "私は昨日、友達と一緒に映画を見に行きました。",
}
# Lines that are in the script but were never recorded (distractors).
DISTRACTORS = {
    "X01": "水をマレーシアから買わなくてはならないのです。",
    "X02": "上院議員は私がデータをゆがめたと告発した。",
    "X03": "そのニュースは本当になった。",
    "X04": "彼女は毎朝早く起きて散歩をします。",
}
WRONG_FILE_LINE = "全く関係のない文章を読み上げています。"


def tts(text: str) -> np.ndarray:
    import pyopenjtalk
    import soxr

    wav, sr = pyopenjtalk.tts(text)
    x = (np.asarray(wav, dtype=np.float64) / 32768.0).astype(np.float32)
    return soxr.resample(x, sr, SR).astype(np.float32)


def trim(x: np.ndarray, thresh: float = 0.01) -> np.ndarray:
    """Drop the HTS voice's leading/trailing silence so segment boundaries are tight."""
    idx = np.flatnonzero(np.abs(x) > thresh)
    return x[max(idx[0] - 1200, 0) : idx[-1] + 1200] if len(idx) else x


@dataclass
class AsrSession:
    recording: Any
    cuts: dict[str, Any]  # role -> cut, before transcription
    kept: dict[str, Any]  # cut id -> transcribed cut
    rejected: dict[str, Any]  # cut id -> RejectedItem
    seconds: float  # transcription wall time
    stage: Any


def _cut(rec: Any, cid: str, start: float, dur: float, text: str = "", source: dict | None = None) -> Any:
    from lhotse import MonoCut, SupervisionSegment

    custom = {"source": source} if source else None
    sup = SupervisionSegment(
        id=cid, recording_id=rec.id, start=0.0, duration=dur, text=text, language="ja", custom=custom
    )
    return MonoCut(
        id=cid,
        start=start,
        duration=dur,
        channel=0,
        recording=rec,
        supervisions=[sup],
        custom={"source_path": "voice/all.flac"},
    )


@pytest.fixture(autouse=True)
def _fixed_blas_threads() -> Iterator[None]:
    """Every transcription test at one BLAS thread count, whatever ran before it in the worker (see
    ``asr_session``: a flow test pins the process to one thread, and Whisper's features move with it)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        yield


@pytest.fixture(scope="session")
def asr_session(tmp_path_factory: pytest.TempPathFactory) -> AsrSession:
    import time

    import soundfile as sf
    from lhotse import Recording
    from threadpoolctl import threadpool_limits

    from tsukasa.pipelines.asr.transcribe import TranscribeConfig, TranscribeStage
    from tsukasa.pipelines.base import StageContext

    gap = np.zeros(int(0.6 * SR), dtype=np.float32)
    short_gap = np.zeros(int(0.35 * SR), dtype=np.float32)
    pieces: list[np.ndarray] = [gap]
    spans: dict[str, tuple[float, float]] = {}
    pos = len(gap)

    def add(role: str, *audio: np.ndarray, inner: np.ndarray = short_gap) -> None:
        nonlocal pos
        start = pos
        for k, a in enumerate(audio):
            if k:
                pieces.append(inner)
                pos += len(inner)
            pieces.append(a)
            pos += len(a)
        spans[role] = (start / SR, (pos - start) / SR)
        pieces.append(gap)
        pos += len(gap)

    for key in ("L01", "L02", "L03", "L04", "L05", "L06"):
        add(key, trim(tts(SENTENCES[key])))
    # Two consecutive script lines in ONE segment.
    add(
        "two_lines", trim(tts(SENTENCES["L07"])), trim(tts(SENTENCES["L08"])), inner=np.zeros(int(0.5 * SR), np.float32)
    )
    # One line cut across TWO segments (the segment stage split it at the comma pause).
    add("join_a", trim(tts("私は昨日、友達と一緒に")))
    add("join_b", trim(tts("映画を見に行きました。")))
    # A repetition that a loop guard must catch.
    add("repeat", *[trim(tts("ごめんなさい"))] * 6, inner=np.zeros(int(0.12 * SR), np.float32))
    # A per-file scripted cut whose script line is wrong.
    add("wrong_file", trim(tts(SENTENCES["L04"])))
    # The same repetition, but with a script line as the reference (flag, not reject).
    add("repeat_scripted", *[trim(tts("ごめんなさい"))] * 6, inner=np.zeros(int(0.12 * SR), np.float32))

    root = tmp_path_factory.mktemp("asr")
    path = Path(root) / "all.flac"
    sf.write(path, np.concatenate(pieces), SR)
    rec = Recording.from_file(path, recording_id="rec-asr")
    # The join halves must be adjacent within max_join_gap (they are: one gap apart).
    cuts = {}
    for role, (start, dur) in spans.items():
        if role == "wrong_file":
            src = {"path": "voice/all.flac", "script_text": WRONG_FILE_LINE, "script_scope": "file", "line_id": "F1"}
            cuts[role] = _cut(rec, f"rec-asr-{role}", start, dur, WRONG_FILE_LINE, src)
        elif role == "repeat_scripted":
            src = {"script_text": "ごめんなさい。", "script_scope": "file", "line_id": "F2"}
            cuts[role] = _cut(rec, f"rec-asr-{role}", start, dur, "ごめんなさい。", src)
        else:
            cuts[role] = _cut(rec, f"rec-asr-{role}", start, dur)

    stage = TranscribeStage(TranscribeConfig())
    t0 = time.perf_counter()
    # BLAS threads fixed for this session: OpenBLAS's float32 products differ across thread counts, and Whisper's
    # log-mel features with them (tsukasa.flows.curate.pin_blas_threads), so a flow test that ran earlier in the same
    # worker (it pins the process to one thread) changed a comma into a full stop here, and the sentence tests failed
    # in some orders of the suite only.
    with threadpool_limits(limits=2, user_api="blas"):
        result = stage.process(list(cuts.values()), StageContext(work_dir=root, num_threads=2))
    seconds = time.perf_counter() - t0
    return AsrSession(
        recording=rec,
        cuts=cuts,
        kept={c.id: c for c in result.kept},
        rejected={r.id: r for r in result.rejected},
        seconds=seconds,
        stage=stage,
    )

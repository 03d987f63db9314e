"""The ``transcribe`` stage: faster-whisper (language ``ja``) on OUR segments, batched.

Why not Whisper's own VAD: the segment stage already decided where utterances are, and a
training example must be exactly one of those cuts, so Whisper decodes our spans and nothing
else.

Why packing: Whisper's encoder always sees a 30 s window, so decoding every 3 s segment in its
own window costs ~10x the encoder work of faster-whisper's VAD mode, which merges speech into
30 s windows (measured on 2 cores: 12 segments alone 7.1 s vs the VAD baseline 5.9 s). So we
do what the VAD mode does, with our boundaries: segments are packed, in order, into windows of
at most ``pack_seconds`` separated by ``pad_seconds`` of silence, the windows are decoded in
batches by ``BatchedInferencePipeline`` (one clip timestamp per window), and every recognised
word goes back to the segment under its midpoint. Per-segment figures then come from the
words (avg log-prob = mean log word probability, compression ratio of the segment's text);
the no-speech probability is the window's. Batched decoding reads each window ONCE (no
seek-and-continue, no temperature fallback), so when Whisper ends a window early the segments
after that point come back empty or cut short. A segment whose batched result is empty, trips a
guard, leaves audible speech that no word covers (:func:`uncovered_speech`), or reads too few
morae for its audible speech (:func:`speaking_rate`: Whisper can stretch the last word's timing
over the part it skipped, which hides the gap from the coverage check) is decoded again *alone*
with Whisper's sequential decoder (seek-and-continue), and that result, with its own figures,
decides: batching can then never be the reason a segment is lost or truncated.
``pack_seconds=0`` decodes every segment alone (batched, one window each).

Why some segments get a second look at their pauses: a segment without a script line that holds
a pause the segment stage was unsure of (``custom.pauses``, boundary probability at least
``solo_pause_probability``) may be two lines merged, and ``sentence_split`` decides that from the
sentence marks in Whisper's text. In a packed window Whisper often writes no mark there (〜良い and
〜いけません with neither 。 nor 、, where the same audio decoded alone gets 。), so when the packed
words show none at such a pause the segment is decoded again alone. Where they show one (a 、 after
ので, a 。) the packed result stands: decoding every such segment alone from the start decoded a
third more segments alone (82 against 56 on kokoro_dev's benchmark sessions) for the same errors.

Hallucination guards (reason codes): ``asr_repetition_loop`` (a unit of 1..N characters
repeated many times in a row), ``asr_compression_ratio`` (gzip ratio of the text above the
threshold, Whisper's own loop signal), ``asr_no_speech`` (no-speech prob above the threshold
AND avg log-prob below the threshold, Whisper's silence rule), ``asr_empty`` (nothing
recognised). Decision (``guard_action="auto"``): when the supervision has no script text the
ASR text *would become the transcript*, and a hallucinated transcript poisons training, so the
cut is rejected (kept in ``rejected`` with the code, its ``custom.asr`` filled). When a script
line is the reference, ASR only verifies it, so the cut is kept and the code is added to
``custom.quality.flags``; ``match_script`` then measures the disagreement.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import Field

from tsukasa.corpus.schema import (
    AsrInfo,
    PauseCandidate,
    QualityFlag,
    QualityInfo,
    SupervisionCustom,
    WordTiming,
    read_supervision_custom,
)
from tsukasa.errors import TsukasaError
from tsukasa.pipelines.asr.kana import reading
from tsukasa.pipelines.asr.models import DEFAULT_MODEL, ResolvedModel, load_whisper, resolve_model
from tsukasa.pipelines.base import Rejection, Stage, StageConfig, StageContext, StageResult, register_stage

WHISPER_SR = 16000
MAX_WINDOW_S = 30.0  # Whisper's fixed input length

GUARD_CODES = ("asr_repetition_loop", "asr_compression_ratio", "asr_no_speech", "asr_empty")


class TranscribeConfig(StageConfig):
    model: str = DEFAULT_MODEL  # "base" (PyPI parts) or a local CTranslate2 Whisper directory
    device: str = "cpu"
    compute_type: str = "int8"
    language: str = "ja"
    beam_size: int = Field(default=5, ge=1)
    batch_size: int = Field(default=8, ge=1)
    # Windows of ~15 s, not 28: measured on kokoro_dev (bench_transcribe, 2026-11-25) 28 s windows
    # held ~6 utterances; Whisper ended windows early (7 of 48 segments empty or cut short, decoded
    # again alone) and carried one utterance's misreading into the next: kana CER 0.072. 15 s: 2
    # re-decodes, CER 0.062 (baseline 0.067), 0.82x the VAD baseline's time; 10 s: 0.068, 0.94x.
    pack_seconds: float = Field(default=15.0, ge=0.0, le=MAX_WINDOW_S)  # 0 = each segment alone
    pad_seconds: float = Field(default=0.4, ge=0.0)
    word_timestamps: bool = True
    guard_action: Literal["auto", "reject", "flag"] = "auto"
    max_compression_ratio: float = 2.4
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    repetition_min_repeats: int = Field(default=3, ge=2)  # unit seen this many times in a row
    repetition_max_unit: int = Field(default=20, ge=1)
    repetition_min_chars: int = Field(default=10, ge=2)  # span length that makes it a loop
    # A packed result that leaves this much audible speech without words is decoded again alone.
    max_uncovered_s: float = Field(default=0.5, gt=0.0)
    # A batched result reading fewer morae per audible second than this is decoded again alone.
    # Measured 2026-11-25 on kokoro_dev's 48 utterances with their gold kana: 8.0-10.3 morae per
    # audible second (:func:`speaking_rate`); a segment missing ~40% of its text falls below 5.
    # A false alarm only costs one solo decode (whose result then decides), so the bound sits
    # well above the ~4 morae/s at which text is surely missing. Only judged on segments with
    # at least ``rate_min_audible_s`` of audible speech: short ones have too few morae to judge.
    min_morae_per_s: float = Field(default=5.0, ge=0.0)
    rate_min_audible_s: float = Field(default=2.0, gt=0.0)
    # ... and more than this: text the audio cannot hold (a packed window's reading repeated into
    # one of its segments: 1.8 s of speech read twice, 21 morae/s). Judged from 0.5 s audible.
    max_morae_per_s: float = Field(default=16.0, gt=0.0)
    # Temperature fallback for solo decodes. Off by default: sampling makes the stage
    # non-deterministic (a stage must be, for resume and fingerprints), and on a genuinely
    # repeated phrase it trades a flagged loop for a different random text.
    temperatures: tuple[float, ...] = (0.0,)
    condition_on_previous_text: bool = False  # solo decodes of long segments only
    # A segment with no script text holding a pause the segment stage scored at least this
    # (``custom.pauses``) where its packed words show no sentence mark is decoded again alone, so
    # Whisper's marks show (see the module docstring); None: never. 0.05 is sentence_split's floor.
    solo_pause_probability: float | None = Field(default=0.05, ge=0.0, le=1.0)

    def problems(self) -> dict[str, str]:
        if self.model == DEFAULT_MODEL:
            return {}  # assembled from the installed parts when the stage first runs
        try:
            resolve_model(self.model)  # a local directory: there, and a CTranslate2 Whisper model
        except TsukasaError as exc:
            return {"model": str(exc)}
        return {}


# --- hallucination guards (pure; tested on their own) -------------------------------------


def compression_ratio(text: str) -> float:
    """Whisper's loop signal: bytes / zlib-compressed bytes of the UTF-8 text."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def repetition_span(text: str, *, min_repeats: int = 3, max_unit: int = 20) -> tuple[str, int] | None:
    """The longest run of one unit (1..max_unit chars) repeated >= min_repeats times, as (unit, repeats)."""
    compact = re.sub(r"[\s、。，．,.!?！？・「」『』…]+", "", text)
    best: tuple[str, int] | None = None
    pattern = re.compile(rf"(.{{1,{max_unit}}}?)\1{{{min_repeats - 1},}}")
    for m in pattern.finditer(compact):
        unit = m.group(1)
        repeats = len(m.group(0)) // len(unit)
        if best is None or len(m.group(0)) > len(best[0]) * best[1]:
            best = (unit, repeats)
    return best


@dataclass
class SegmentAsr:
    """One segment's recognition result, relative to the segment's own start."""

    text: str
    words: list[WordTiming]
    avg_logprob: float | None
    no_speech_prob: float | None
    temperature: float | None
    solo: bool  # decoded in its own window (exact figures) rather than packed
    guards: list[QualityFlag] = field(default_factory=list)
    retried: str | None = None  # why a packed result was replaced by a solo decode
    sequential: bool = False  # decoded by Whisper's sequential decoder (seek-and-continue)


def evaluate_guards(res: SegmentAsr, cfg: TranscribeConfig) -> list[QualityFlag]:
    """The guard flags ``res`` trips (empty list: it looks like a real transcript)."""
    flags: list[QualityFlag] = []
    text = res.text.strip()
    if not text:
        return [QualityFlag(code="asr_empty", detail="nothing recognised")]
    rep = repetition_span(text, min_repeats=cfg.repetition_min_repeats, max_unit=cfg.repetition_max_unit)
    if rep is not None and len(rep[0]) * rep[1] >= cfg.repetition_min_chars:
        flags.append(QualityFlag(code="asr_repetition_loop", value=float(rep[1]), detail=f"{rep[0]!r} x{rep[1]}"))
    ratio = compression_ratio(text)
    if ratio > cfg.max_compression_ratio:
        flags.append(QualityFlag(code="asr_compression_ratio", value=round(ratio, 3)))
    if (
        res.no_speech_prob is not None
        and res.avg_logprob is not None
        and res.no_speech_prob > cfg.no_speech_threshold
        and res.avg_logprob < cfg.logprob_threshold
    ):
        flags.append(
            QualityFlag(
                code="asr_no_speech",
                value=round(res.no_speech_prob, 4),
                detail=f"avg_logprob {res.avg_logprob:.3f}",
            )
        )
    return flags


def _audible_frames(audio: np.ndarray, *, sample_rate: int, frame_s: float, floor_db: float) -> np.ndarray:
    """Per ``frame_s`` frame: is it within ``floor_db`` of the segment's loudest frame."""
    hop = max(int(frame_s * sample_rate), 1)
    n = len(audio) // hop
    if n == 0:
        return np.zeros(0, dtype=bool)
    frames = audio[: n * hop].astype(np.float64).reshape(n, hop)
    db = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    return db >= max(db.max() - floor_db, -60.0)


def uncovered_speech(
    audio: np.ndarray,
    words: list[WordTiming],
    *,
    sample_rate: int = WHISPER_SR,
    frame_s: float = 0.025,
    floor_db: float = 30.0,
    tolerance_s: float = 0.3,
) -> float:
    """Seconds of audible signal in ``audio`` that no recognised word covers.

    Why: batched decoding reads each window once, with no seek-and-continue, so when Whisper
    ends a packed window early the rest of a segment is silently missing from its text (seen
    on kokoro_dev: a 6 s utterance transcribed as its first 3.6 s). No guard sees that, the
    text is fluent. The audio does: frames within ``floor_db`` of the segment's loudest frame
    count as audible, and those farther than ``tolerance_s`` from every word are uncovered.
    """
    audible = _audible_frames(audio, sample_rate=sample_rate, frame_s=frame_s, floor_db=floor_db)
    n = len(audible)
    if n == 0:
        return 0.0
    covered = np.zeros(n, dtype=bool)
    for w in words:
        a = max(int((w.start - tolerance_s) / frame_s), 0)
        b = min(int(np.ceil((w.end + tolerance_s) / frame_s)), n)
        covered[a:b] = True
    return float(np.count_nonzero(audible & ~covered) * frame_s)


_SMALL_KANA = frozenset("ャュョァィゥェォヮ")


def morae(kana: str) -> int:
    """Morae in a katakana reading: every kana but the small ones that join the one before."""
    return sum(1 for ch in kana if ch not in _SMALL_KANA)


def speaking_rate(
    audio: np.ndarray,
    kana: str,
    *,
    sample_rate: int = WHISPER_SR,
    frame_s: float = 0.025,
    floor_db: float = 30.0,
) -> tuple[float, float]:
    """(morae per audible second, audible seconds) of a reading against its audio.

    Why: a transcript cut short can still "cover" the audio when Whisper stretches the last
    word's timing over everything it skipped (kokoro_dev: a 12 s segment of two sentences came
    back as the first one, its last word spanning the second), so :func:`uncovered_speech`
    sees nothing. The reading length cannot be stretched: Japanese is spoken at a fairly
    steady mora rate, so too few morae for the audible speech means text is missing.
    """
    audible = _audible_frames(audio, sample_rate=sample_rate, frame_s=frame_s, floor_db=floor_db)
    seconds = float(np.count_nonzero(audible) * frame_s)
    return (morae(kana) / seconds if seconds > 0 else math.inf), seconds


def pause_reason(res: SegmentAsr, uncertain: tuple[PauseCandidate, ...]) -> str:
    """Why a packed result needs a second look at its pauses ("" when its words mark them all)."""
    pause = unmarked_pause(res.words, uncertain) if res.text else None
    if pause is None:
        return ""
    return f"no sentence mark at the pause {pause.start:.2f}-{pause.end:.2f} s (scored {pause.probability:.2f})"


def second_look_reason(
    audio: np.ndarray, res: SegmentAsr, cfg: TranscribeConfig, uncertain: tuple[PauseCandidate, ...] = ()
) -> str:
    """Why a batched result must be decoded again alone ("" when it can stand)."""
    why = [g.code for g in res.guards]
    pause = pause_reason(res, uncertain)
    if pause:
        why.append(pause)
    missing = uncovered_speech(audio, res.words)
    if missing > cfg.max_uncovered_s:
        why.append(f"uncovered {missing:.2f} s")
    rate, seconds = speaking_rate(audio, reading(res.text) if res.text else "")
    if seconds >= cfg.rate_min_audible_s and rate < cfg.min_morae_per_s:
        why.append(f"{rate:.1f} morae/s over {seconds:.1f} s audible")
    if seconds >= 0.5 and rate > cfg.max_morae_per_s:
        why.append(f"{rate:.1f} morae/s over {seconds:.1f} s audible: more text than the audio holds")
    # Whisper's own fallback criterion: a packed segment read as one unlikely word (明, p = 0.12,
    # stretched over 1.3 s of 今日はいい天気ですね) covers its audio and passes every other check.
    if res.avg_logprob is not None and res.avg_logprob < cfg.logprob_threshold:
        why.append(f"mean log-probability {res.avg_logprob:.2f} < {cfg.logprob_threshold:g}")
    return ",".join(why)


# --- decoding ------------------------------------------------------------------------------


def _clamp(t: float, duration: float) -> float:
    """A word time inside [0, duration] at ms precision (rounded down at the end, never past it)."""
    return min(max(round(t, 3), 0.0), math.floor(duration * 1000) / 1000)


@dataclass
class _Unit:
    """A span to transcribe: one supervision of one cut, as 16 kHz mono audio."""

    cut_index: int
    sup_index: int
    audio: np.ndarray
    uncertain: tuple[PauseCandidate, ...] = ()  # pauses whose sentence marks decide a split


def names_script_line(custom: SupervisionCustom) -> bool:
    """Whether the script names this segment's line(s): its text is the script's, not Whisper's."""
    source = custom.source
    return source is not None and bool(source.script_text or source.script_lines)


def uncertain_pauses(custom: SupervisionCustom, text: str | None, cfg: TranscribeConfig) -> tuple[PauseCandidate, ...]:
    """The pauses of a segment where ``sentence_split`` may cut on Whisper's sentence marks: it has no
    script text, and the segment stage scored them at least ``cfg.solo_pause_probability``."""
    if cfg.solo_pause_probability is None or (text or "").strip() or not custom.pauses:
        return ()
    if names_script_line(custom):
        return ()
    return tuple(p for p in custom.pauses if p.probability >= cfg.solo_pause_probability)


_MARKS = tuple("。？！?!、,，")


def unmarked_pause(words: list[WordTiming], pauses: tuple[PauseCandidate, ...]) -> PauseCandidate | None:
    """The first of ``pauses`` where ``words`` (timed from the same start) show no punctuation: the
    word before it ends without 。？！ or 、. A pause with no word on one side counts as unmarked."""
    for pause in pauses:
        mid = (pause.start + pause.end) / 2
        before = [w for w in words if (w.start + w.end) / 2 < mid]
        if not before or len(before) == len(words) or not before[-1].word.strip().endswith(_MARKS):
            return pause
    return None


def _windows(units: list[_Unit], pack_s: float, pad_s: float) -> list[list[int]]:
    """Greedy, order-preserving packing of unit indices into windows of at most ``pack_s``."""
    windows: list[list[int]] = []
    cur: list[int] = []
    cur_len = 0.0
    for i, u in enumerate(units):
        dur = len(u.audio) / WHISPER_SR
        need = dur + (pad_s if cur else 0.0)
        if cur and (pack_s <= 0 or cur_len + need > pack_s):
            windows.append(cur)
            cur, cur_len = [], 0.0
            need = dur
        cur.append(i)
        cur_len += need
    if cur:
        windows.append(cur)
    return windows


# A word starting this long after the previous word's end follows a pause (its start is unreliable).
AFTER_PAUSE_S = 0.1


def _unit_at(t: float, spans: list[tuple[int, float, float]], *, prefer_later: bool) -> int:
    """The unit whose span holds ``t``, else the nearest one (``t`` in a pad); a tie between the
    units either side of a pad goes to the later one when ``prefer_later``."""

    def key(s: tuple[int, float, float]) -> tuple[float, int]:
        gap = 0.0 if s[1] <= t <= s[2] else min(abs(t - s[1]), abs(t - s[2]))
        return (round(gap, 6), -s[1] if prefer_later else s[1])

    return min(spans, key=key)[0]


class Decoder:
    """Decodes units in packed, batched windows and maps words back to their segments."""

    def __init__(self, model: Any, cfg: TranscribeConfig) -> None:
        self.model = model
        self.cfg = cfg

    def decode(self, units: list[_Unit], *, pack_s: float) -> list[SegmentAsr]:
        from faster_whisper import BatchedInferencePipeline

        cfg = self.cfg
        results: list[SegmentAsr | None] = [None] * len(units)
        long_ids = {i for i, u in enumerate(units) if len(u.audio) / WHISPER_SR > MAX_WINDOW_S - 0.05}
        for i in sorted(long_ids):
            results[i] = self.decode_alone(units[i])
        short = [i for i in range(len(units)) if i not in long_ids]
        windows = [[short[j] for j in w] for w in _windows([units[i] for i in short], pack_s, cfg.pad_seconds)]
        pad = np.zeros(int(round(cfg.pad_seconds * WHISPER_SR)), dtype=np.float32)
        # Decode a bounded number of windows per call so the concatenated audio stays small.
        per_call = cfg.batch_size * 4
        for start in range(0, len(windows), per_call):
            group = windows[start : start + per_call]
            pieces: list[np.ndarray] = []
            clips: list[dict[str, float]] = []
            spans: list[list[tuple[int, float, float]]] = []  # per window: (unit, start, end) in s
            pos = 0
            for win in group:
                w_start = pos
                w_spans = []
                for k, ui in enumerate(win):
                    if k:
                        pieces.append(pad)
                        pos += len(pad)
                    a = units[ui].audio
                    w_spans.append((ui, pos / WHISPER_SR, (pos + len(a)) / WHISPER_SR))
                    pieces.append(a)
                    pos += len(a)
                clips.append({"start": w_start / WHISPER_SR, "end": pos / WHISPER_SR})
                spans.append(w_spans)
                # A little silence between windows keeps clip boundaries off sample edges.
                pieces.append(pad)
                pos += len(pad)
            audio = np.concatenate(pieces).astype(np.float32)
            pipeline = BatchedInferencePipeline(self.model)
            segments, _info = pipeline.transcribe(
                audio,
                language=cfg.language,
                clip_timestamps=clips,
                batch_size=cfg.batch_size,
                beam_size=cfg.beam_size,
                word_timestamps=cfg.word_timestamps,
                without_timestamps=False,
                vad_filter=False,
            )
            # With timestamps on, a window may come back as several Whisper segments; each
            # carries its window's offset in ``seek`` (frames), which maps it home.
            by_seek: dict[int, list[Any]] = {}
            for seg in segments:
                by_seek.setdefault(int(seg.seek), []).append(seg)
            for clip, w_spans in zip(clips, spans, strict=True):
                parts = by_seek.pop(int(clip["start"] * self.model.frames_per_second), [])
                for ui, res in self._split_window(parts, w_spans).items():
                    results[ui] = res
            if by_seek:
                raise RuntimeError(f"faster-whisper returned results for unknown windows {sorted(by_seek)}")
        return [r if r is not None else SegmentAsr("", [], None, None, None, solo=False) for r in results]

    def _split_window(self, parts: list[Any], spans: list[tuple[int, float, float]]) -> dict[int, SegmentAsr]:
        solo = len(spans) == 1
        per_unit: dict[int, list[Any]] = {ui: [] for ui, _, _ in spans}
        prev_end = -math.inf
        for seg in parts:
            for k, w in enumerate(seg.words or []):
                # A word after a pause is stretched back over it: Whisper pins a segment's first
                # word to the segment's start (the end of the one before), and its alignment pulls
                # a word that follows silence back into it. Its midpoint can then fall on the line
                # before the pad (今日は 17.02-17.66 against lines ending 17.14 and starting 17.54;
                # 明 5.00-6.86 spread over a whole line Whisper skipped); its end is aligned.
                after_pause = k == 0 or w.start - prev_end >= AFTER_PAUSE_S
                at = w.end if after_pause else (w.start + w.end) / 2
                per_unit[_unit_at(at, spans, prefer_later=after_pause)].append(w)
                prev_end = w.end
        # Batched decoding gives one log-prob / no-speech figure per window, shared by its parts.
        window_logprob = float(parts[0].avg_logprob) if parts else None
        no_speech = float(parts[0].no_speech_prob) if parts else None
        temperature = float(parts[0].temperature) if parts and parts[0].temperature is not None else None
        out: dict[int, SegmentAsr] = {}
        for ui, s_start, s_end in spans:
            words = per_unit[ui]
            dur = s_end - s_start
            timings = [
                WordTiming(
                    word=w.word,
                    start=_clamp(w.start - s_start, dur),
                    end=_clamp(w.end - s_start, dur),
                    probability=round(float(w.probability), 4),
                )
                for w in words
            ]
            if solo:
                text = "".join(seg.text for seg in parts).strip()
                avg = window_logprob
            else:
                text = "".join(w.word for w in words).strip()
                probs = [max(float(w.probability), 1e-6) for w in words]
                avg = float(np.mean(np.log(probs))) if probs else None
            out[ui] = SegmentAsr(
                text=text,
                words=timings,
                avg_logprob=avg,
                no_speech_prob=no_speech,
                temperature=temperature,
                solo=solo,
            )
        return out

    def decode_alone(self, unit: _Unit) -> SegmentAsr:
        """One segment with Whisper's sequential decoder (no VAD): seek-and-continue over windows
        (and temperature fallback when configured), which the batched pipeline lacks. Used for segments over 30 s
        and for packed results that need a second look."""
        cfg = self.cfg
        segs, _ = self.model.transcribe(
            unit.audio,
            language=cfg.language,
            beam_size=cfg.beam_size,
            word_timestamps=cfg.word_timestamps,
            vad_filter=False,
            temperature=list(cfg.temperatures),
            condition_on_previous_text=cfg.condition_on_previous_text,
            compression_ratio_threshold=cfg.max_compression_ratio,
            log_prob_threshold=cfg.logprob_threshold,
            no_speech_threshold=cfg.no_speech_threshold,
        )
        segs = list(segs)
        dur = len(unit.audio) / WHISPER_SR
        # Whisper's timings may run past the audio's end (30 s frame grid): keep them in the segment.
        words = [
            WordTiming(
                word=w.word,
                start=_clamp(w.start, dur),
                end=_clamp(w.end, dur),
                probability=round(w.probability, 4),
            )
            for s in segs
            for w in (s.words or [])
        ]
        total = sum(len(s.tokens) for s in segs) or 1
        avg = sum(s.avg_logprob * len(s.tokens) for s in segs) / total if segs else None
        return SegmentAsr(
            text="".join(s.text for s in segs).strip(),
            words=words,
            avg_logprob=avg,
            no_speech_prob=max((s.no_speech_prob for s in segs), default=None),
            temperature=max((s.temperature for s in segs), default=None),
            solo=True,
            sequential=True,
        )


def second_look(decoder: Decoder, units: list[_Unit], results: list[SegmentAsr]) -> list[SegmentAsr]:
    """Second chance, alone: batching must never be the reason a segment is lost or cut short.

    A batched result (packed, or alone in a batched window: both read the window once, with
    no seek-and-continue) that trips a guard, leaves audible speech without words, reads
    too few morae for its speech, or shows no sentence mark at an uncertain pause
    (:func:`second_look_reason`) is decoded again with Whisper's sequential decoder, and that
    result decides.

    A packed result whose only fault is an unmarked pause is decoded alone *batched* first (each
    in a window of its own, all in one call), and goes to the sequential decoder only when that
    result fails a check of its own. What the look is for, Whisper's sentence marks without the
    neighbours' context, is the same in either decoder's window; one by one, the sequential
    decoder added 21 % CPU time to the whole stage on bench_transcribe's segments, batched 15 %
    (same transcripts).
    """
    cfg = decoder.cfg
    out = list(results)
    batched: list[tuple[int, str]] = []
    for i, r in enumerate(results):
        if r.sequential:
            continue
        other = second_look_reason(units[i].audio, r, cfg)
        pause = pause_reason(r, units[i].uncertain)
        if not r.solo and pause and not other:
            batched.append((i, pause))
        elif other or pause:
            out[i] = _sequential_look(decoder, units[i], ",".join(w for w in (other, pause) if w))
    if batched:
        alone = decoder.decode([units[i] for i, _ in batched], pack_s=0.0)
        for (i, why), again in zip(batched, alone, strict=True):
            again.guards = evaluate_guards(again, cfg)
            again.retried = why
            failed = second_look_reason(units[i].audio, again, cfg)
            out[i] = _sequential_look(decoder, units[i], f"{why},{failed}") if failed else again
    return out


def _sequential_look(decoder: Decoder, unit: _Unit, why: str) -> SegmentAsr:
    again = decoder.decode_alone(unit)
    again.guards = evaluate_guards(again, decoder.cfg)
    again.retried = why
    return again


# --- the stage -----------------------------------------------------------------------------


def _audio_16k(cut: Any, sup: Any) -> np.ndarray:
    import soxr

    audio = cut.load_audio()
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    sr = cut.sampling_rate
    s0 = max(int(round(sup.start * sr)), 0)
    s1 = min(int(round(sup.end * sr)), mono.shape[-1])
    span = np.ascontiguousarray(mono[s0:s1], dtype=np.float32)
    if sr != WHISPER_SR:
        span = soxr.resample(span, sr, WHISPER_SR).astype(np.float32)
    return span


@register_stage
class TranscribeStage(Stage[TranscribeConfig]):
    """Whisper on our segments: ``custom.asr`` always, ``text`` when no script text exists."""

    name = "transcribe"
    kind = "annotator"
    # 2: the first word of a Whisper segment in a packed window goes by its end, not its midpoint
    # (pinned to the segment's start, it was given to the line before the pad); 3: a packed result
    # with too many morae per second or a mean log-probability under logprob_threshold is decoded
    # again alone; 4: every word after a pause (not only a segment's first) goes by its end;
    # 5: a segment with no script whose packed words show no sentence mark at an uncertain recorded
    # pause is decoded again alone; 6: that look is batched (Whisper's sequential decoder only when its
    # result fails another check)
    version = "6"
    Config = TranscribeConfig

    def resolved(self) -> ResolvedModel:
        return resolve_model(self.config.model)

    def model_versions(self) -> dict[str, str]:
        from importlib.metadata import version

        return {
            "whisper": self.resolved().model_id,
            "faster-whisper": version("faster-whisper"),
            "ctranslate2": version("ctranslate2"),
        }

    def process(self, cuts: Iterable[Any], ctx: StageContext) -> StageResult:
        from lhotse import SupervisionSegment
        from lhotse.utils import fastcopy

        cfg = self.config
        cut_list = []
        for cut in cuts:
            if not cut.supervisions:
                # An unsegmented cut is one utterance: give it the supervision ASR will fill.
                sup = SupervisionSegment(
                    id=cut.id, recording_id=cut.recording_id, start=0.0, duration=cut.duration, language="ja"
                )
                cut = fastcopy(cut, supervisions=[sup])
            cut_list.append(cut)
        units = [
            _Unit(ci, si, _audio_16k(cut, sup), uncertain_pauses(read_supervision_custom(sup), sup.text, cfg))
            for ci, cut in enumerate(cut_list)
            for si, sup in enumerate(cut.supervisions)
        ]
        resolved = self.resolved()
        model = load_whisper(resolved, device=cfg.device, compute_type=cfg.compute_type, cpu_threads=ctx.num_threads)
        decoder = Decoder(model, cfg)
        pack = cfg.pack_seconds if cfg.word_timestamps else 0.0
        results = decoder.decode(units, pack_s=pack)
        for r in results:
            r.guards = evaluate_guards(r, cfg)
        results = second_look(decoder, units, results)

        by_cut: dict[int, dict[int, SegmentAsr]] = {}
        for u, r in zip(units, results, strict=True):
            by_cut.setdefault(u.cut_index, {})[u.sup_index] = r

        out = StageResult()
        for ci, cut in enumerate(cut_list):
            new_cut, rejection = self._apply(cut, by_cut.get(ci, {}), resolved.model_id)
            if rejection is not None:
                out.rejected.append(self.reject(new_cut, rejection))
            else:
                out.kept.append(new_cut)
        return out

    def _apply(self, cut: Any, results: dict[int, SegmentAsr], model_id: str) -> tuple[Any, Rejection | None]:
        from lhotse.utils import fastcopy

        from tsukasa.corpus.schema import with_supervision_custom

        cfg = self.config
        rejection: Rejection | None = None
        sups = []
        for si, sup in enumerate(cut.supervisions):
            res = results[si]
            custom = read_supervision_custom(sup, cut_id=cut.id)
            has_script = bool((sup.text or "").strip())
            asr = AsrInfo(
                model=model_id,
                text=res.text,
                kana=reading(res.text) if res.text else "",
                avg_logprob=None if res.avg_logprob is None else round(res.avg_logprob, 4),
                no_speech_prob=None if res.no_speech_prob is None else round(res.no_speech_prob, 4),
                compression_ratio=round(compression_ratio(res.text), 4),
                temperature=res.temperature,
                words=res.words,
            )
            decisions = ["solo" if res.solo else "packed"]
            if res.retried:
                decisions.append(f"packed result replaced by a solo decode ({res.retried})")
            action = cfg.guard_action
            if action == "auto":
                action = "flag" if has_script else "reject"
            custom = custom.model_copy(update={"asr": asr})
            if res.guards:
                decisions.append(f"guards={','.join(g.code for g in res.guards)}:{action}")
                custom = _add_flags(custom, res.guards)
                if action == "reject" and rejection is None:
                    g = res.guards[0]
                    rejection = Rejection(g.code, f"{g.detail or g.code}; asr text {res.text[:60]!r}", g.value)
            custom = custom.with_provenance(self.provenance(decisions))
            text = sup.text if has_script else res.text
            sups.append(with_supervision_custom(fastcopy(sup, text=text, language=sup.language or "ja"), custom))
        return fastcopy(cut, supervisions=sups), rejection


def _add_flags(custom: SupervisionCustom, flags: list[QualityFlag]) -> SupervisionCustom:
    quality = custom.quality or QualityInfo()
    known = {f.code for f in quality.flags}
    merged = [*quality.flags, *(f for f in flags if f.code not in known)]
    return custom.model_copy(update={"quality": quality.model_copy(update={"flags": merged})})


def guard_codes_of(custom: SupervisionCustom) -> list[str]:
    """The ASR guard codes recorded on a supervision (for filters and reports)."""
    if custom.quality is None:
        return []
    return [f.code for f in custom.quality.flags if f.code in GUARD_CODES]

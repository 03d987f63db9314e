"""Utterance segmentation on a numpy waveform: silero-vad, then our own refinement.

Why not silero alone: raw game dumps hold several lines in one file, butted together with
gaps of 30–150 ms, while a single line often holds comma pauses of 0.3–0.9 s. Silero's
32 ms frames cannot even resolve a 30 ms gap, and any one silence threshold either merges
the butted lines or splits lines at their commas. So silero only says *where speech is*;
we then

1. find every pause >= ``min_pause_s`` on a 10 ms energy contour (the noise floor is
   measured on the frames silero calls non-speech), and snap silero's coarse boundaries to
   that contour (silero's edges are off by up to a frame plus its hangover);
2. score each pause as an utterance boundary from causes that differ between a line break
   and a pause inside a line (see ``FEATURE_NAMES``): the pause length (log) and silero's
   dip; a speaker change (GE2E cosine similarity of up to 1.6 s of speech each side, with
   the encoder weights shipped in the ``resemblyzer`` wheel, and the median pitch, mean
   MFCCs and level of each side, each also as a *contrast*: the change across the pause
   minus the change between the halves of each side); the sentence-final fall (also placed
   in the side's own pitch range) and the pitch reset across the pause; how softly the
   speech ends and restarts, the energy slope of the last 150 ms, a devoiced final mora
   (です/ます end in a hiss) and the last voiced run (final lengthening); and, strongest of
   all, the *sentence-final form*: a small CNN (:mod:`sentence_final`) reads the log-mel and the
   pitch of the last 800 ms before the pause and the first 400 ms after it (each member's
   window is stored with its weights) and says whether what precedes
   sounds like a sentence end (-masu, -ta, final particles) or a continuation (は, が, -te, a
   comma clause). Length alone cannot work: Kokoro and actors pause 0.3-0.9 s at commas,
   while butted lines are 30-150 ms apart.
   Splitting is iterative: every side's context stops at the nearest accepted boundary (at
   first only the pauses of at least ``always_split_pause_s``); the most likely pause above
   the threshold is accepted, the pauses whose context it shortens are rescored, until none
   passes. (With fixed 2 s contexts, a butted pause's sides reach across their neighbours'
   undetected boundaries and look alike.) The score is the mean log-odds of six fits
   (:data:`BOUNDARY_MEMBERS`), each a small gradient-boosted tree ensemble
   (``segment_boundary*.json``) reading its own sentence-final CNN, fitted by
   ``benchmarks/fit_segment_boundary.py`` on sentences the benchmark never uses, with contexts
   bounded at the true boundaries, which is where the iteration converges when it is right;
   evaluated here in numpy. The speaker cues
   cost more than all the others together, so each round scores the cheap cues first and runs
   the encoder only for the pauses whose score, bounded over every value the speaker cues could
   take, can still reach the threshold (about one in eight on the benchmarks): the same
   decisions as scoring every pause in full;
3. enforce ``min_duration_s``/``max_duration_s``: a long utterance is split at its deepest
   pause (the longest silence, so no speech is cut; then the highest boundary score),
   recursively; a piece shorter than the minimum next to an uncertain pause rejoins its
   neighbour, other speech shorter than the minimum is reported, not kept;
4. pad each utterance by up to ``pad_s`` without reaching into a neighbour (at most half
   the gap) or outside the file.

Every decision comes back as a line of text (:attr:`VadResult.decisions`) so the segment
stage can store it in ``custom.provenance``. This module is pure: numpy in, dataclasses out,
no Lhotse, no files.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tsukasa.errors import TsukasaError
from tsukasa.pipelines import sentence_final

VAD_SAMPLE_RATE = 16000
SILERO_FRAME = 512  # samples per silero frame at 16 kHz (32 ms)
HOP_S = 0.01  # energy/feature contour hop
WIN_S = 0.025

# Features of :func:`pause_features`, in this order; the boundary model that scores them is a
# small gradient-boosted tree ensemble fitted by benchmarks/fit_segment_boundary.py on Kokoro
# sessions made from sentences the benchmark never uses, and shipped as BOUNDARY_MODEL_FILE.
# Every feature is a cause of a line break, not an id of a file: see the module docstring.
FEATURE_NAMES = (
    "silero_dip",  # 1 - silero's lowest speech probability across the pause
    "log_pause",  # log(pause / 100 ms)
    "speaker_sim",  # GE2E cosine of up to 1.6 s of speech each side, as two halves each (-1: too little)
    "final_fall_st",  # pitch of the last 150 ms before the pause vs the 2 s before it (semitones)
    "onset_rise_st",  # pitch of the first 150 ms after vs the 2 s after
    "reset_st",  # signed pitch step across the pause (first 150 ms after - last 150 ms before)
    "pitch_shift_st",  # |median pitch 2 s after - 2 s before|: a different voice
    "timbre_dist",  # mean-MFCC distance of the two sides
    "level_shift_db",  # |median speech level after - before|: separately recorded lines
    "decay_db",  # peak of the last 300 ms minus the last 50 ms: a line's final decay
    "onset_db",  # the same at the start of the next stretch
    "tail_db",  # level of the last 50 ms before the pause below the speech level
    "head_db",  # level of the first 50 ms after the pause below the speech level
    "final_run_s",  # length of the last voiced run before the pause: final-mora lengthening
    "final_in_range",  # last 150 ms pitch placed in the side's own range (0 = its 10th pct, 1 = its 90th)
    "final_lengthening",  # last voiced run / median voiced run of the side: lengthening relative to its tempo
    "tail_slope_db",  # energy slope over the last 150 ms (dB per 100 ms): a line fades, a comma stops
    "speaker_contrast",  # GE2E: mean within-side cosine of halves minus the cosine across the pause
    "pitch_contrast_st",  # |pitch step across the pause| minus the mean step between each side's halves
    "timbre_contrast",  # MFCC distance across the pause minus the mean distance between each side's halves
    "tail_tilt",  # MFCC c1 of the last 60 ms minus the side's voiced mean: a devoiced final (です, ます) hisses
    "tail_unvoiced",  # share of audible frames in the last 100 ms without pitch: devoiced final mora
    "final_form",  # logit of the sentence-final-form CNN over log-mel before (and after) the pause
)
BOUNDARY_MODEL_FILE = "segment_boundary.json"
FINAL_COLUMN = FEATURE_NAMES.index("final_form")
# The boundary score is the mean log-odds of independent fits (trees + their own sentence-final
# CNN), each a pair of files shipped beside this module. Why an ensemble: each refit traded
# errors between voice families (more Kokoro voices: better on unseen Kokoro blends, worse on
# HTS; benchmarks/RESULTS.md), and the fits disagree on different pauses, so averaging their
# log-odds removes much of what each gets wrong alone — measured on the benchmark's pauses
# before any change: 46 errors of the first fit, 51 of the second, 31 averaged. The third member
# is a seed replicate of the second (same data and settings, other CNN and tree seeds): chosen on
# the fitting corpus's leave-one-family-out predictions (errors 714 → 635), then measured on both
# benchmark samples (77 → 69 errors over 2,880 utterances; benchmarks/RESULTS.md).
BOUNDARY_MEMBERS: tuple[tuple[str, str], ...] = (
    # since 2026-12-06 (twenty-ninth session): three seeds of one fit (4,927 utterances, pitch track v2,
    # CNN window 80+40 with the pitch); fit_segment_boundary.py --member 0 --fit-seed 3 / --member 1 /
    # --member 2 --fit-seed 7
    (BOUNDARY_MODEL_FILE, sentence_final.MODEL_FILE.name),  # trees v7, CNN v4: seed 3
    ("segment_boundary_b.json", "segment_final_b.npz"),  # trees v8, CNN v5: seed 0
    ("segment_boundary_c.json", "segment_final_c.npz"),  # trees v9, CNN v6: seed 7
    # since the thirtieth session: the same three seeds on the corpus grown to 7,507 utterances (the ten
    # fixed Kokoro voices and the continuation-ending copy synthesized back); --member 3 --fit-seed 3 /
    # --member 4 / --member 5 --fit-seed 7. Alone they made no fewer errors than the three above (52 vs
    # 49 on the validation set, 57 vs 54 on four measurement cells); all six averaged made fewer on the
    # validation set (45) and on five of the six measurement cells (69 vs 80; benchmarks/RESULTS.md,
    # 2026-12-06), and the threshold was then lowered to 0.3 there (VadParams)
    ("segment_boundary_d.json", "segment_final_d.npz"),  # trees v10, CNN v7: seed 3
    ("segment_boundary_e.json", "segment_final_e.npz"),  # trees v11, CNN v8: seed 0
    ("segment_boundary_f.json", "segment_final_f.npz"),  # trees v12, CNN v9: seed 7
)
SPEAKER_COLUMNS = (FEATURE_NAMES.index("speaker_sim"), FEATURE_NAMES.index("speaker_contrast"))
EDGE_GROWTH_S = 0.15  # how far _extend_edges may grow an utterance at each end
BOUND_MARGIN = 1e-9  # log-odds: far above the rounding of a 200-tree sum, far below any decision


@dataclass(frozen=True)
class VadParams:
    """Knobs of the refinement (the segment stage's config maps onto these)."""

    threshold: float = 0.5  # silero speech probability
    min_pause_s: float = 0.03  # shortest pause considered as a possible boundary
    always_split_pause_s: float = 1.0  # longer pauses always separate utterances
    # boundary probability needed to split at a pause. 0.3 since the six-member ensemble (thirtieth
    # session), chosen on the validation set (bench_segment --voices validation-*): errors 45 / 41 / 35 / 35
    # of 960 at 0.5 / 0.4 / 0.3 / 0.2; the higher of the two best, since no later stage undoes a split.
    # Looked at again once sentence_split could join splits back (thirty-second session), on the default
    # recipe's path: validation 10 errors at 0.2 vs 12 at 0.3 (of 960: not separable), the measurement
    # sets 47 vs 41 (worse), so 0.3 stays
    boundary_threshold: float = 0.3
    min_duration_s: float = 0.3
    max_duration_s: float = 20.0
    pad_s: float = 0.1
    script_min_probability: float = 0.05  # a script's line count never splits at a pause less likely than this
    # A pause kept inside an utterance whose bound reaches this gets its exact probability: later
    # stages read it (sentence_split cuts at a pause scoring >= 0.05 where the transcript shows a
    # sentence end; transcribe decodes such a segment alone). None: bounds are recorded as they are.
    exact_from: float | None = 0.05
    floor_margin_db: float = 8.0  # a frame is "quiet" below noise floor + margin ...
    speech_margin_db: float = 35.0  # ... or below the speech level minus this


@dataclass(frozen=True)
class Pause:
    """A pause between two stretches of speech, in seconds, with its boundary probability.

    ``features`` are those behind ``probability``. A pause settled by its bound (see
    :func:`boundary_logit_bounds`) has NaN speaker cues and, as probability, that upper bound,
    which lies below the boundary threshold; :func:`segment_speech` with ``full_scores`` gives
    every pause its exact probability.
    """

    start: float
    end: float
    probability: float
    features: tuple[float, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def middle(self) -> float:
        return 0.5 * (self.start + self.end)


@dataclass(frozen=True)
class Segment:
    """One utterance: ``start``/``end`` are the speech; ``pad_start``/``pad_end`` the padded cut."""

    start: float
    end: float
    pad_start: float
    pad_end: float
    inner_pauses: tuple[Pause, ...] = ()  # pauses inside, not split (candidate split points)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class VadResult:
    segments: list[Segment] = field(default_factory=list)
    too_short: list[Segment] = field(default_factory=list)  # speech below min_duration_s
    decisions: list[str] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)  # every candidate pause with its score
    # ``lines`` given: True when the audio was split into exactly that many utterances; False when
    # it could not be (the segments are then those of the usual, threshold-based split).
    lines_met: bool | None = None


# --- silero ------------------------------------------------------------------------------

_MODEL_LOCK = threading.Lock()
_MODEL: Any = None
_SEQ_MODEL: Any = None


def load_vad_model() -> Any:
    """The silero-vad ONNX model shipped in the ``silero-vad`` wheel, loaded once per process.

    This is silero's streaming wrapper (one 32 ms frame per call, the model ``get_speech_timestamps``
    takes); :func:`speech_probabilities` runs the sequence export of the same network instead.
    Importing silero_vad calls ``torch.set_num_threads(1)`` for the whole process; we put the
    caller's setting back so other stages in the same worker keep their threads.
    """
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            import torch

            threads = torch.get_num_threads()
            from silero_vad import load_silero_vad

            torch.set_num_threads(threads)
            _MODEL = load_silero_vad(onnx=True)
        return _MODEL


def load_vad_sequence_model() -> Any:
    """silero's "sequence" ONNX export (``silero_vad_16k_sequence.onnx``), loaded once per process.

    Why: the streaming wrapper calls ONNX Runtime once per 32 ms frame from a Python loop, and
    the per-call overhead was most of its cost (about 70 %). The sequence export runs the same
    network over up to 512 frames per call, carrying the LSTM state inside the graph; its
    probabilities are bit-identical to the streaming loop's (checked on the benchmark sessions,
    and by ``test_sequence_vad_matches_streaming``).
    """
    global _SEQ_MODEL
    with _MODEL_LOCK:
        if _SEQ_MODEL is None:
            import torch

            threads = torch.get_num_threads()
            from silero_vad import load_silero_vad

            torch.set_num_threads(threads)
            _SEQ_MODEL = load_silero_vad(onnx=True, sequence=True)
        return _SEQ_MODEL


def vad_model_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "silero-vad": version("silero-vad"),
        "onnxruntime": version("onnxruntime"),
        "resemblyzer": version("resemblyzer"),  # GE2E weights
        "segment-boundary": boundary_model_version(),
        "segment-final": final_model_version(),
        "segment-pitch": PITCH_VERSION,
    }


def to_vad_rate(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mono float32 at 16 kHz (silero's rate); soxr keeps the band edge clean."""
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=0)
    if sample_rate != VAD_SAMPLE_RATE:
        import soxr

        x = soxr.resample(x, sample_rate, VAD_SAMPLE_RATE).astype(np.float32)
    return np.ascontiguousarray(x)


def speech_probabilities(audio16k: np.ndarray, model: Any | None = None) -> np.ndarray:
    """Silero's speech probability per 32 ms frame: the same frames ``get_speech_timestamps`` scores.

    By default through the sequence export (:func:`load_vad_sequence_model`); a streaming model
    passed as ``model`` (:func:`load_vad_model`) runs silero's own frame loop instead.
    """
    if len(audio16k) == 0:
        return np.zeros(0, dtype=np.float32)
    if model is None:
        seq = load_vad_sequence_model()
        # stateless between calls (the state is an input), so no lock is needed
        return np.asarray(seq.audio_forward(audio16k, VAD_SAMPLE_RATE), dtype=np.float32).reshape(-1)
    import torch

    with _MODEL_LOCK:  # the streaming wrapper keeps recurrent state: one stream at a time
        probs = model.audio_forward(torch.from_numpy(audio16k), VAD_SAMPLE_RATE)
    return probs.numpy().reshape(-1).astype(np.float32)


def silero_regions(probs: np.ndarray, n_samples: int, threshold: float = 0.5) -> list[tuple[float, float]]:
    """Speech regions (seconds) from silero's own post-processing, kept fine-grained.

    Short silences are *not* bridged here (``min_silence_duration_ms`` small, no padding):
    deciding which pauses separate utterances is the refinement's job.
    """
    from silero_vad.utils_vad import get_speech_timestamps_from_probs

    stamps = get_speech_timestamps_from_probs(
        [float(p) for p in probs],
        sampling_rate=VAD_SAMPLE_RATE,
        threshold=threshold,
        min_speech_duration_ms=30,
        min_silence_duration_ms=30,
        speech_pad_ms=0,
        audio_length_samples=n_samples,
    )
    return [(s["start"] / VAD_SAMPLE_RATE, s["end"] / VAD_SAMPLE_RATE) for s in stamps]


# --- contours ------------------------------------------------------------------------------


@dataclass
class Contours:
    """Frame-level measurements at ``HOP_S``: energy (dB), pitch (Hz, nan unvoiced), MFCCs."""

    db: np.ndarray
    f0: np.ndarray
    mfcc: np.ndarray
    floor_db: float
    speech_db: float
    speech_prob: np.ndarray  # silero's probability mapped onto the 10 ms frames

    @property
    def quiet_db(self) -> float:
        return max(self.floor_db + self.floor_margin, self.speech_db - self.speech_margin)

    floor_margin: float = 8.0
    speech_margin: float = 35.0


def energy_db(x: np.ndarray, sr: int = VAD_SAMPLE_RATE) -> np.ndarray:
    """Frame energy in dB, frame i centred on i * HOP_S."""
    hop = int(round(sr * HOP_S))
    win = int(round(sr * WIN_S))
    n = max(1, int(np.ceil(len(x) / hop)))
    xp = np.pad(x.astype(np.float64), (win // 2, win + hop))
    np.square(xp, out=xp)  # in place, and the running sum written straight into cs: 2 copies, not 4
    cs = np.empty(len(xp) + 1)
    cs[0] = 0.0
    np.cumsum(xp, out=cs[1:])
    del xp
    starts = np.arange(n) * hop
    e = (cs[starts + win] - cs[starts]) / win
    return (10.0 * np.log10(e + 1e-10)).astype(np.float32)


# Peak-to-peak below this in a 10 ms block is digital silence (zeros, ±1 LSB dither of 16-bit
# audio, or a constant offset): no noise, so it says nothing about the recording's floor.
DEAD_PEAK_TO_PEAK = 1e-4


def dead_frames(x: np.ndarray, n: int, sr: int = VAD_SAMPLE_RATE) -> np.ndarray:
    """``(n,)`` bool per 10 ms frame of :func:`energy_db`: True where the samples around the frame
    centre (the 10 ms blocks either side) are digitally silent. Reductions over a block view, so a
    long file costs no whole-file copy."""
    hop = int(round(sr * HOP_S))
    m = len(x) // hop
    blocks = x[: m * hop].reshape(m, hop)
    dead_block = np.ones(n + 1, dtype=bool)  # beyond the samples: silent (the padding energy_db adds)
    dead_block[: min(m, n + 1)] = (blocks.max(axis=1) - blocks.min(axis=1) <= DEAD_PEAK_TO_PEAK)[: n + 1]
    if m < n + 1 and len(x) > m * hop:  # the last, partial block
        tail = x[m * hop :]
        dead_block[m] = float(tail.max() - tail.min()) <= DEAD_PEAK_TO_PEAK
    # frame i is centred on sample i * hop: blocks i - 1 and i cover 10 ms either side
    before = np.concatenate([[True], dead_block[: n - 1]])
    return before & dead_block[:n]


# Frames (10 ms) from the nearest speech frame beyond which a live frame is background noise.
_FLOOR_AWAY = 15


# A sound silero does not call speech (うん, ん, a breath) counts as a sound when its loudest frame
# stands this far above the file's background (10th percentile of its frames), and it lasts this long.
SOUND_RISE_DB = 20.0
SOUND_MIN_S = 0.08


@dataclass(frozen=True)
class Sound:
    """Where a file's sound is, found on energy alone: ``start``/``end`` in seconds."""

    start: float
    end: float
    rise_db: float  # loudest frame above the background


def sound_span(audio: np.ndarray, sample_rate: int) -> Sound | None:
    """The span of the file's sound by energy alone, or None when nothing rises clearly above the
    background. For files silero hears no speech in: a hummed うん or ん and breaths are lines in
    game scripts, and silero-vad gives them no speech frames at its threshold (measured on the
    HTS voice: うん。 ん。 んー。 0 regions)."""
    x16 = to_vad_rate(audio, sample_rate)
    db = energy_db(x16)
    if len(db) < 2:
        return None
    background = float(np.percentile(db, 10))
    peak = float(db.max())
    if peak - background < SOUND_RISE_DB:
        return None
    loud = np.flatnonzero(db > max(background + 10.0, peak - 35.0))
    start, end = loud[0] * HOP_S, min(len(x16) / VAD_SAMPLE_RATE, (loud[-1] + 1) * HOP_S)
    if end - start < SOUND_MIN_S:
        return None
    return Sound(round(float(start), 3), round(float(end), 3), round(peak - background, 1))


_PITCH_BLOCK = 1024  # voiced 10 ms frames per block of _pitch
_PITCH_MAX_HZ = 800  # high game voices: HTS at +5 semitones sits near 550 Hz, and a 500 Hz ceiling halved it
_OCTAVE_SHARE = 0.9  # the shortest lag whose peak reaches this share of the best one is the period
PITCH_VERSION = "2"  # part of the fitted models' inputs: fits name it (fit_segment_boundary's cache key)


def _pitch(x: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """Cheap autocorrelation pitch on voiced frames only (nan elsewhere), 8 kHz, 65–800 Hz.

    Only the frames near pauses need a pitch; a full YIN track would cost more than the VAD.
    Version 2 (2026-12-06): the shortest period that scores nearly as high as the best lag (not
    the best lag, which was often two to five periods), the peak interpolated between lags, a
    ceiling of 800 Hz (was 500), and single-frame dropouts and octave outliers mended. Against
    pYIN (60-1000 Hz) on the 96 validation lines: frames an octave or more off 9.5 % -> 0.7 %
    (HTS 14.3 % -> 0.6 %), median error 0.24 -> 0.13 semitone (benchmarks/RESULTS.md).
    """
    import soxr

    y = soxr.resample(x, VAD_SAMPLE_RATE, 8000).astype(np.float32)
    sr = 8000
    hop = int(sr * HOP_S)
    win = 320  # 40 ms: two periods at 60 Hz... enough for 70 Hz and up
    lag_min, lag_max = sr // _PITCH_MAX_HZ, sr // 65
    f0 = np.full(len(voiced), np.nan, dtype=np.float32)
    idx = np.flatnonzero(voiced)
    if len(idx) == 0:
        return f0
    yp = np.pad(y, (win // 2, win + hop))
    view = np.lib.stride_tricks.sliding_window_view(yp, win)
    taper = (1.0 - np.arange(lag_max + 1) / win)[None, :]
    # In blocks of frames: each frame's autocorrelation is its own, so the result is the same,
    # but memory no longer grows with the file (a 5-minute file peaked at ~350 MB here, a drama
    # track of an hour would have needed ~4 GB; now ~12 MB a block).
    for start in range(0, len(idx), _PITCH_BLOCK):
        part = idx[start : start + _PITCH_BLOCK]
        frames = view[part * hop]  # the voiced frames, copied once
        frames = frames - frames.mean(axis=1, keepdims=True)
        spec = np.fft.rfft(frames, n=2 * win, axis=1)
        ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, : lag_max + 1]
        ac0 = ac[:, :1] + 1e-9
        norm = ac / ac0 / taper
        seg = norm[:, lag_min : lag_max + 1]
        strength = seg.max(axis=1)
        lag = _shortest_period(seg, strength, lag_min)
        f0[part] = np.where(strength > 0.45, sr / _refine_lag(norm, lag, lag_max), np.nan)
    return _mend_pitch(f0)


def _shortest_period(seg: np.ndarray, strength: np.ndarray, lag_min: int) -> np.ndarray:
    """The shortest lag whose autocorrelation peak reaches ``_OCTAVE_SHARE`` of the best one.

    A steady vowel repeats at every multiple of its period, and the taper that undoes the
    autocorrelation's fall with lag lifts the long lags most, so the best-scoring lag was sometimes
    two to five periods (88-131 Hz picks inside a 267 Hz voice) while the true period scored almost
    as high. ``seg`` is the normalised autocorrelation from ``lag_min`` on, one row per frame.
    """
    inner = seg[:, 1:-1]
    peak = (inner >= seg[:, :-2]) & (inner >= seg[:, 2:]) & (inner >= _OCTAVE_SHARE * strength[:, None])
    first = peak.argmax(axis=1)
    best = seg.argmax(axis=1)
    return np.where(peak.any(axis=1), first + 1, best) + lag_min


def _refine_lag(norm: np.ndarray, lag: np.ndarray, lag_max: int) -> np.ndarray:
    """Parabolic interpolation of the autocorrelation peak: the integer lag at 8 kHz quantises f0
    to ~0.57-semitone steps near 270 Hz, so a line's last 150 ms and the 2 s before it could share
    one median and its final fall read as exactly 0."""
    rows = np.arange(len(lag))
    c = np.clip(lag, 1, lag_max - 1)
    y0, y1, y2 = norm[rows, c - 1], norm[rows, c], norm[rows, c + 1]
    den = y0 - 2.0 * y1 + y2
    shift = np.where(den < -1e-9, 0.5 * (y0 - y2) / np.where(den < -1e-9, den, -1.0), 0.0)
    return c + np.clip(shift, -0.5, 0.5)


def _mend_pitch(f0: np.ndarray) -> np.ndarray:
    """Single-frame dropouts and octave outliers inside a voiced run, mended from the neighbours.

    One unvoiced frame just before a pause cut the final voiced run (the final lengthening cue) to a
    frame or two; one frame at half or double its neighbours moved a 150 ms median.
    """
    out = f0.copy()
    if len(f0) < 3:
        return out
    left, mid, right = f0[:-2], f0[1:-1], f0[2:]
    both = np.isfinite(left) & np.isfinite(right)
    # a gap of one frame between two voiced frames
    gap = both & ~np.isfinite(mid)
    out[1:-1][gap] = np.sqrt(left[gap] * right[gap])
    # a frame an octave (or more) away from two neighbours that agree with each other
    with np.errstate(invalid="ignore"):
        agree = both & (np.abs(np.log2(left / right)) < 0.25)
        off = agree & np.isfinite(mid) & (np.abs(np.log2(mid / np.sqrt(left * right))) > 0.7)
    out[1:-1][off] = np.sqrt(left[off] * right[off])
    return out


_FRAME_BLOCK = 4096  # STFT frames per block in _framewise (41 s of audio at a 10 ms hop)


def _framewise(x: np.ndarray, n_fft: int, hop: int, compute: Any) -> np.ndarray:
    """``compute(segment)`` (a frame-wise feature of a ``center=False`` STFT, bands x frames) over
    blocks of frames, joined: the frames of librosa's default ``center=True`` (zero-padded by
    ``n_fft // 2``), each computed from exactly the samples it would see in one call.

    Why: one call keeps the whole file's complex STFT in memory (~75 MB a minute of audio
    across the two features here), which for an hour-long drama track ran to gigabytes.
    """
    pad = n_fft // 2
    n_frames = 1 + len(x) // hop
    blocks = []
    for f0 in range(0, n_frames, _FRAME_BLOCK):
        f1 = min(n_frames, f0 + _FRAME_BLOCK)
        lo, hi = f0 * hop - pad, (f1 - 1) * hop + n_fft - pad
        seg = x[max(lo, 0) : min(hi, len(x))]
        if lo < 0 or hi > len(x):
            seg = np.pad(seg, (max(-lo, 0), max(hi - len(x), 0)))
        blocks.append(compute(seg))
    return np.concatenate(blocks, axis=1)


def _mfcc(x: np.ndarray) -> np.ndarray:
    import librosa

    hop = int(VAD_SAMPLE_RATE * HOP_S)
    mel = _framewise(x, 512, hop, lambda seg: librosa.feature.melspectrogram(
        y=seg, sr=VAD_SAMPLE_RATE, n_fft=512, hop_length=hop, n_mels=40, center=False))  # fmt: skip
    # librosa.feature.mfcc(y=...) is power_to_db of that mel, then the DCT: the dB floor (80 dB
    # below the loudest frame) is the whole file's, so it is taken on the joined mel.
    m = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=13)
    return m[1:].astype(np.float32)  # c0 is loudness, already in db


def measure(x16: np.ndarray, probs: np.ndarray, params: VadParams) -> Contours:
    """Energy, noise floor and speech level; pitch and MFCCs for the speech frames."""
    db = energy_db(x16)
    n = len(db)
    # silero frame of each 10 ms frame: the floor is measured where silero hears no speech.
    sil_idx = np.minimum((np.arange(n) * HOP_S * VAD_SAMPLE_RATE / SILERO_FRAME).astype(int), len(probs) - 1)
    speechy = probs[sil_idx] >= params.threshold if len(probs) else np.zeros(n, bool)
    nonspeech = db[~speechy]
    speech = db[speechy]
    speech_db = float(np.percentile(speech, 95)) if len(speech) else float(np.percentile(db, 95))
    # The floor is the noise the recording holds around its speech. Digital silence (zero padding
    # an editor or the game added, or faded-out ends) is no part of it when the take has noise of
    # its own: with 1 s of zeros each side of a noisy take the 20th percentile was -100 dB, and the
    # edges grew 150 ms into the noise. That noise is measured away from speech (>= 150 ms), where
    # no speech tail is: in a clean file whose only silence is digital, the live frames beside
    # speech are its faint edges, and the floor stays the digital one.
    dead = dead_frames(x16, n)
    if np.any(dead & ~speechy):
        near = np.convolve(speechy.astype(np.int8), np.ones(2 * _FLOOR_AWAY + 1, np.int8), mode="same") > 0
        live = ~near & ~dead
        if np.count_nonzero(live) >= 10:
            nonspeech = db[live]
    if len(nonspeech) >= 10:
        floor_db = float(np.percentile(nonspeech, 20))
    else:  # no silence in the file: the quietest speech frames bound the floor from above
        floor_db = float(np.percentile(db, 3))
    voiced = db > speech_db - 30.0
    f0 = _pitch(x16, voiced)
    mfcc = _mfcc(x16)[:, :n]
    if mfcc.shape[1] < n:
        mfcc = np.pad(mfcc, ((0, 0), (0, n - mfcc.shape[1])), mode="edge")
    prob10 = probs[sil_idx] if len(probs) else np.zeros(n, np.float32)
    return Contours(db, f0, mfcc, floor_db, speech_db, prob10, params.floor_margin_db, params.speech_margin_db)


# --- pauses and their scores -------------------------------------------------------------


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index runs where mask is True (pauses, voiced stretches, quiet frames)."""
    if len(mask) == 0:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _median(v: np.ndarray) -> Any:
    """``np.median`` of a non-empty 1-D float array without NaN, as the same numpy scalar type.

    The same partition and the same float arithmetic (the mean of the two middle values in the
    array's dtype), without np.median's generic axis handling, which cost more than the
    partition itself on these short arrays (pause_features takes over 10 medians per pause).
    """
    h = len(v) // 2
    if len(v) % 2:
        return np.partition(v, h)[h]
    p = np.partition(v, (h - 1, h))
    return (p[h - 1] + p[h]) / 2


def _median_st(f0: np.ndarray) -> float:
    v = f0[np.isfinite(f0)]
    return float(12.0 * np.log2(_median(v) / 100.0)) if len(v) >= 3 else float("nan")


def _step_st(a: float, b: float) -> float:
    """Median pitch ``a`` relative to median pitch ``b`` (semitones, from :func:`_median_st`; 0 when unknown)."""
    return a - b if np.isfinite(a) and np.isfinite(b) else 0.0


def _halves_contrast(pre: np.ndarray, post: np.ndarray, dist: Any) -> float:
    """Change across the pause (last half before vs first half after) minus the mean change
    between the halves of each side: how much more the voice changes *at* the pause than within
    a line of the same voice. ``pre``/``post`` are per-frame rows; 0 when a side is too short."""
    if len(pre) < 10 or len(post) < 10:
        return 0.0
    p0, p1 = pre[: len(pre) // 2], pre[len(pre) // 2 :]
    q0, q1 = post[: len(post) // 2], post[len(post) // 2 :]
    return float(dist(p1, q0) - 0.5 * (dist(p0, p1) + dist(q0, q1)))


def _mfcc_dist(u: np.ndarray, v: np.ndarray) -> float:
    return float(np.linalg.norm(u.mean(axis=0) - v.mean(axis=0)) / np.sqrt(u.shape[1]))


def _pitch_dist(u: np.ndarray, v: np.ndarray) -> float:
    return abs(float(_median(u) - _median(v)))


def pause_features(
    c: Contours,
    a: int,
    b: int,
    lo: int,
    hi: int,
    speaker: tuple[float, float] = (-1.0, 0.0),
    final_form: float = 0.0,
) -> tuple[float, ...]:
    """Features of the pause at frames [a, b) between speech [lo, a) and [b, hi) (see FEATURE_NAMES).

    ``lo``/``hi`` bound the context: the nearest long pause (or file edge) on each side, so a
    side never reaches into another line across a pause that is certainly a boundary.
    """
    ctx = 30  # 300 ms of context for the energy shape
    pre = c.db[max(lo, a - ctx) : a]
    post = c.db[b : min(hi, b + ctx)]
    tail = c.db[max(lo, a - 5) : a]
    decay = float(pre.max() - tail.mean()) if len(pre) else 0.0
    onset = float(post.max() - c.db[b : min(hi, b + 5)].mean()) if len(post) else 0.0
    tail_db = float(c.speech_db - tail.mean()) if len(tail) else 0.0
    head = c.db[b : min(hi, b + 5)]
    head_db = float(c.speech_db - head.mean()) if len(head) else 0.0
    near = 15  # 150 ms: about one mora
    far = 200  # up to 2 s each side: long enough for a voice's pitch and timbre to average out
    side_pre = slice(max(lo, a - far), a)
    side_post = slice(b, min(hi, b + far))
    f_pre, f_post = c.f0[side_pre], c.f0[side_post]
    near_pre, near_post = c.f0[max(lo, a - near) : a], c.f0[b : min(hi, b + near)]
    # each median once: the steps below share them
    m_pre, m_post = _median_st(f_pre), _median_st(f_post)
    m_near_pre, m_near_post = _median_st(near_pre), _median_st(near_post)
    final_fall = _step_st(m_near_pre, m_pre)
    onset_rise = _step_st(m_near_post, m_post)
    reset = _step_st(m_near_post, m_near_pre)
    shift = abs(m_post - m_pre) if np.isfinite(m_pre) and np.isfinite(m_post) else 0.0
    voiced_pre = c.db[side_pre] > c.speech_db - 25.0
    voiced_post = c.db[side_post] > c.speech_db - 25.0
    sel_pre = c.mfcc[:, side_pre][:, voiced_pre]  # MFCCs of each side's voiced frames, once
    sel_post = c.mfcc[:, side_post][:, voiced_post]
    if voiced_pre.sum() >= 5 and voiced_post.sum() >= 5:
        mf_pre = sel_pre.mean(axis=1)
        mf_post = sel_post.mean(axis=1)
        timbre = float(np.linalg.norm(mf_pre - mf_post) / np.sqrt(len(mf_pre)))
        # separately recorded lines rarely share a level; one speaker within a line does
        level = abs(float(_median(c.db[side_pre][voiced_pre]) - _median(c.db[side_post][voiced_post])))
    else:
        timbre = level = 0.0
    mf_rows_pre = sel_pre.T if voiced_pre.any() else np.zeros((0, c.mfcc.shape[0]))
    mf_rows_post = sel_post.T if voiced_post.any() else np.zeros((0, c.mfcc.shape[0]))
    timbre_contrast = _halves_contrast(mf_rows_pre, mf_rows_post, _mfcc_dist)
    st_rows_post = 12.0 * np.log2(f_post[np.isfinite(f_post)] / 100.0)
    # the last voiced run before the pause: Japanese lengthens a line's final mora
    run = 0
    for v in np.isfinite(c.f0[max(lo, a - 60) : a])[::-1]:
        if not v:
            break
        run += 1
    # Relative to the speaker's own range and tempo within the bounded context: a low voice's
    # comma and a high voice's line end can sit at the same absolute pitch step.
    st_pre = 12.0 * np.log2(f_pre[np.isfinite(f_pre)] / 100.0)
    st_near = 12.0 * np.log2(near_pre[np.isfinite(near_pre)] / 100.0)
    if len(st_pre) >= 10 and len(st_near) >= 3:
        p10, p90 = np.percentile(st_pre, [10, 90])
        in_range = float(np.clip((_median(st_near) - p10) / max(p90 - p10, 1.0), -1.0, 2.0))
    else:
        in_range = 0.5
    voiced_runs = [e - s for s, e in true_runs(np.isfinite(f_pre)) if e - s >= 3]
    lengthening = float(np.clip(run / np.median(voiced_runs), 0.0, 5.0)) if voiced_runs and run else 1.0
    last = c.db[max(lo, a - near) : a].astype(np.float64)
    slope = float(np.polyfit(np.arange(len(last)), last, 1)[0] * 10.0) if len(last) >= 5 else 0.0
    pitch_contrast = _halves_contrast(st_pre, st_rows_post, _pitch_dist)
    # Japanese lines end in です/ます/た far more than phrases before a comma, and the final
    # close vowel of す is usually devoiced: the line ends in a hiss, not a vowel.
    t0 = max(lo, a - 6)
    tilt = 0.0
    if a > t0 and voiced_pre.any():
        tilt = float(c.mfcc[0, t0:a].mean() - sel_pre[0].mean())
    last10 = slice(max(lo, a - 10), a)
    audible = c.db[last10] > c.speech_db - 35.0
    unvoiced = float((audible & ~np.isfinite(c.f0[last10])).sum() / max(1, audible.sum()))
    log_pause = float(np.log((b - a) * HOP_S / 0.1))
    # silero is recurrent: inside a line it holds its belief through a closure, between
    # lines it lets go even when the gap is shorter than one of its frames
    dip = 1.0 - float(c.speech_prob[max(0, a - 3) : b + 3].min())
    return (
        dip,
        log_pause,
        float(speaker[0]),
        float(np.clip(final_fall, -12, 12)),
        float(np.clip(onset_rise, -12, 12)),
        float(np.clip(reset, -12, 12)),
        min(shift, 12.0),
        timbre,
        min(level, 20.0),
        decay,
        onset,
        tail_db,
        head_db,
        run * HOP_S,
        in_range,
        lengthening,
        float(np.clip(slope, -30.0, 30.0)),
        float(speaker[1]),
        float(np.clip(pitch_contrast, -12.0, 12.0)),
        timbre_contrast,
        float(np.clip(tilt, -100.0, 100.0)),
        unvoiced,
        float(np.clip(final_form, -12.0, 12.0)),
    )


# --- speaker similarity (GE2E) -------------------------------------------------------------

_SPK_LOCK = threading.Lock()
_SPK: Any = None
SPK_FRAMES = 160  # GE2E partial utterance: 1.6 s of 10 ms mel frames
SPK_MIN_FRAMES = 30


def speaker_encoder_path() -> Path:
    """The GE2E weights (``pretrained.pt``) shipped in the ``resemblyzer`` wheel.

    We only read the weights file: importing resemblyzer pulls webrtcvad, which needs
    ``pkg_resources``; the network (3-layer LSTM over 40 power-mel bands, linear, ReLU, L2
    norm) is small enough to define here.
    """
    import importlib.util

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise SegmentModelError("segment needs the resemblyzer package for its speaker encoder weights")
    path = Path(list(spec.submodule_search_locations)[0]) / "pretrained.pt"
    if not path.is_file():
        raise SegmentModelError(f"speaker encoder weights not found at {path}")
    return path


def load_speaker_encoder() -> Any:
    """The GE2E speaker encoder (eval mode, CPU), loaded once per process."""
    global _SPK
    with _SPK_LOCK:
        if _SPK is None:
            import torch

            class _GE2E(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
                    self.linear = torch.nn.Linear(256, 256)

                def forward(self, packed: Any) -> Any:
                    _, (hidden, _) = self.lstm(packed)
                    e = torch.relu(self.linear(hidden[-1]))
                    return e / (e.norm(dim=1, keepdim=True) + 1e-9)

            state = torch.load(speaker_encoder_path(), map_location="cpu", weights_only=True)["model_state"]
            model = _GE2E()
            model.load_state_dict({k: v for k, v in state.items() if k.startswith(("lstm.", "linear."))})
            _SPK = model.eval()
        return _SPK


def _power_mel(x16: np.ndarray) -> np.ndarray:
    """GE2E's input: 40-band power mel, 25 ms window, 10 ms hop, frame i centred on i * HOP_S."""
    import librosa

    m = _framewise(x16, 400, 160, lambda seg: librosa.feature.melspectrogram(
        y=seg, sr=VAD_SAMPLE_RATE, n_fft=400, hop_length=160, n_mels=40, center=False))  # fmt: skip
    return m.T.astype(np.float32)


def speaker_similarities(
    x16: np.ndarray,
    active: np.ndarray,
    pairs: list[tuple[np.ndarray, np.ndarray]],
    num_threads: int = 1,
    mel: np.ndarray | None = None,
) -> list[float]:
    """GE2E cosine similarity of each (frames before, frames after) pair (see :func:`speaker_cues`)."""
    return [sim for sim, _ in speaker_cues(x16, active, pairs, num_threads, mel)]


def speaker_cues(
    x16: np.ndarray,
    active: np.ndarray,
    pairs: list[tuple[np.ndarray, np.ndarray]],
    num_threads: int = 1,
    mel: np.ndarray | None = None,
    cache: dict[tuple[int, int, int], np.ndarray] | None = None,
) -> list[tuple[float, float]]:
    """(similarity, contrast) of each (frames before, frames after) pair of speech-frame indices.

    Each side is embedded as two halves (GE2E averages partial windows the same way); the
    similarity is the cosine of the two sides' mean embeddings. Similar voices (Kokoro's four
    female voices score 0.6-0.8 against each other, as high as one voice with other words),
    so the *contrast* compares the change across the pause with the change within each
    side: the nearest halves' cosine minus the mean of the within-side cosines. A voice that
    changes at the pause changes more there than inside either side. Each half is scaled to
    -30 dBFS first (as the encoder was trained); a side with fewer than SPK_MIN_FRAMES speech
    frames gives similarity -1 ("no evidence"), a side too short to halve contrast 0.
    ``cache`` keeps embeddings by window across calls: when the iterative split shortens one
    side of a pause, the other side's windows are not run through the LSTM again.
    """
    import torch

    if not pairs:
        return []
    mel = _power_mel(x16) if mel is None else mel  # the iterative split passes it once per file
    n = min(len(mel), len(active))
    cache = {} if cache is None else cache
    seqs, keys, owners = [], [], []
    for k, (pre, post) in enumerate(pairs):
        for s_i, side in enumerate((pre, post)):
            side = side[side < n]
            if len(side) >= 2 * SPK_MIN_FRAMES:
                halves = [side[: len(side) // 2], side[len(side) // 2 :]]
            elif len(side) >= SPK_MIN_FRAMES:
                halves = [side]
            else:
                halves = []
            for h_i, part in enumerate(halves):
                key = (int(part[0]), int(part[-1]), len(part))
                owners.append((k, s_i, h_i, key))
                if key in cache or key in keys:
                    continue
                m = mel[part]
                power = float(m.sum(axis=1).mean()) / 200.0 + 1e-12  # ~ mean square of the waveform
                seqs.append(torch.from_numpy(m * (10 ** (-30 / 10) / power)))
                keys.append(key)
    out = [(-1.0, 0.0)] * len(pairs)
    if seqs:
        cache.update(zip(keys, _embed(seqs, num_threads), strict=True))
    parts: dict[int, dict[int, list[np.ndarray]]] = {}
    for k, s_i, _, key in owners:
        parts.setdefault(k, {}).setdefault(s_i, []).append(cache[key])
    for k, sides in parts.items():
        if len(sides) < 2:
            continue
        pre, post = sides[0], sides[1]
        e_pre, e_post = np.sum(pre, axis=0), np.sum(post, axis=0)
        sim = float(np.dot(e_pre, e_post) / (np.linalg.norm(e_pre) * np.linalg.norm(e_post) + 1e-9))
        contrast = 0.0
        if len(pre) == 2 and len(post) == 2:
            within = 0.5 * (float(np.dot(pre[0], pre[1])) + float(np.dot(post[0], post[1])))
            contrast = within - float(np.dot(pre[1], post[0]))
        out[k] = (sim, contrast)
    return out


def _embed(seqs: list[Any], num_threads: int) -> np.ndarray:
    """GE2E embeddings of mel sequences (torch tensors, frames x 40), one row each."""
    import torch

    model = load_speaker_encoder()
    # Equal-length windows (the common case) run as one dense batch; only the others go
    # through a packed batch, which torch runs step by step and is several times slower.
    common = max({len(q) for q in seqs}, key=lambda L: sum(len(q) == L for q in seqs))
    full = [i for i, q in enumerate(seqs) if len(q) == common]
    rest = [i for i, q in enumerate(seqs) if len(q) != common]
    emb = np.zeros((len(seqs), 256), dtype=np.float32)
    # Threads: the flow already runs one worker per core, and torch's OpenMP threads spin-wait;
    # on an oversubscribed 2-core box a 2-thread LSTM ran 30x slower than a 1-thread one
    # (16 s vs 0.47 s for a 37 s session). So the encoder uses the stage's thread budget.
    before = torch.get_num_threads()
    with _SPK_LOCK, torch.inference_mode():
        torch.set_num_threads(max(1, num_threads))
        if full:
            emb[full] = model(torch.stack([seqs[i] for i in full])).numpy()
        if rest:
            lengths = torch.tensor([len(seqs[i]) for i in rest])
            padded = torch.nn.utils.rnn.pad_sequence([seqs[i] for i in rest], batch_first=True)
            packed = torch.nn.utils.rnn.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
            emb[rest] = model(packed).numpy()
        torch.set_num_threads(before)
    return emb


def speech_frames_before(active: np.ndarray, a: int, lo: int, count: int = SPK_FRAMES) -> np.ndarray:
    idx = np.flatnonzero(active[lo:a]) + lo
    return idx[-count:]


def speech_frames_after(active: np.ndarray, b: int, hi: int, count: int = SPK_FRAMES) -> np.ndarray:
    idx = np.flatnonzero(active[b:hi]) + b
    return idx[:count]


# --- the boundary model ----------------------------------------------------------------------

_BM: list[BoundaryMember] | None = None


class SegmentModelError(TsukasaError):
    """A model file the segment stage needs is missing or does not match this code."""


def _load_trees(name: str) -> dict[str, Any]:
    path = Path(__file__).with_name(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SegmentModelError(f"cannot read the boundary model {path.name}: {exc}") from None
    if tuple(data["feature_names"]) != FEATURE_NAMES:
        raise SegmentModelError(f"{path.name} was fitted on other features: refit with benchmarks/")
    return _as_arrays(data)


def boundary_model() -> dict[str, Any]:
    """The first shipped tree ensemble (JSON: init log-odds, learning rate, trees as flat arrays)."""
    return boundary_members()[0].trees


@dataclass(frozen=True)
class BoundaryMember:
    """One fit of the boundary score: its trees and the sentence-final CNN whose logit they read."""

    trees: dict[str, Any]
    final: dict[str, np.ndarray] | None


def boundary_members() -> list[BoundaryMember]:
    """The shipped fits (:data:`BOUNDARY_MEMBERS`), loaded once per process."""
    global _BM
    with _MODEL_LOCK:
        if _BM is None:
            _BM = [
                BoundaryMember(_load_trees(trees), sentence_final.load_weights(final))
                for trees, final in BOUNDARY_MEMBERS
            ]
        return _BM


def boundary_model_version() -> str:
    """The members' versions, e.g. ``4+5`` (part of the segment stage's fingerprint)."""
    return "+".join(str(m.trees["version"]) for m in boundary_members())


def final_model_version() -> str:
    return "+".join(sentence_final.model_version(final) for _, final in BOUNDARY_MEMBERS)


def export_tree_ensemble(clf: Any, note: str = "", version: str = "2") -> dict[str, Any]:
    """A fitted scikit-learn ``GradientBoostingClassifier`` (binary, log-loss) as plain arrays.

    Why not pickle: a pickle is tied to the scikit-learn version and runs code on load; the
    arrays are a few kB of JSON and :func:`boundary_probabilities` evaluates them in numpy.
    """
    from importlib.metadata import version as pkg_version

    prior = float(clf.init_.class_prior_[1])
    trees = []
    for est in clf.estimators_[:, 0]:
        t = est.tree_
        trees.append(
            {
                "feature": t.feature.tolist(),
                "threshold": [float(v) for v in t.threshold],
                "left": t.children_left.tolist(),
                "right": t.children_right.tolist(),
                "value": [float(v) for v in t.value[:, 0, 0]],
            }
        )
    return {
        "version": version,
        "feature_names": list(FEATURE_NAMES),
        "init": float(np.log(prior / (1 - prior))),
        "learning_rate": float(clf.learning_rate),
        "trees": trees,
        "fitted_on": note,
        "sklearn": pkg_version("scikit-learn"),
    }


def _as_arrays(data: dict[str, Any]) -> dict[str, Any]:
    for t in data["trees"]:
        for key in ("feature", "threshold", "left", "right", "value"):
            t[key] = np.asarray(t[key])
    return data


def _flat_trees(m: dict[str, Any]) -> dict[str, Any]:
    """All trees' nodes in one set of arrays (children and roots as global node indices), so one
    numpy pass per depth level walks every tree at once instead of one loop per tree."""
    trees = m["trees"]
    sizes = [len(t["feature"]) for t in trees]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)

    def children(key: str) -> np.ndarray:
        # a leaf's child is -1 in every tree: keep it negative, shift the others
        return np.concatenate([np.where(t[key] < 0, -1, t[key] + o) for t, o in zip(trees, offsets, strict=True)])

    left, right = children("left"), children("right")
    # depth of every node (a parent's index is below its children's: scikit-learn builds depth first)
    depth = np.zeros(len(left), dtype=np.int64)
    for n in np.flatnonzero(left >= 0):
        depth[left[n]] = depth[right[n]] = depth[n] + 1
    internal = left >= 0
    return {
        "roots": offsets,
        "feature": np.maximum(np.concatenate([t["feature"] for t in trees]), 0),
        "threshold": np.concatenate([t["threshold"] for t in trees]).astype(np.float64),
        "left": left,
        "right": right,
        "value": np.concatenate([t["value"] for t in trees]).astype(np.float64),
        "leaves": np.flatnonzero(~internal),
        "levels": [np.flatnonzero(internal & (depth == d)) for d in range(int(depth.max()), -1, -1)],
    }


def boundary_probabilities(features: np.ndarray, model: dict[str, Any] | None = None) -> np.ndarray:
    """P(line boundary) for each row of ``features`` (n_pauses x len(FEATURE_NAMES)), by one fit."""
    return 1.0 / (1.0 + np.exp(-boundary_log_odds(features, model)))


def boundary_log_odds(features: np.ndarray, model: dict[str, Any] | None = None) -> np.ndarray:
    """The log-odds behind :func:`boundary_probabilities`."""
    m = _as_arrays(model) if model is not None else boundary_model()
    x = np.asarray(features, dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    z = np.full(len(x), float(m["init"]))
    if not m["trees"]:
        return z
    if "_flat" not in m:
        m["_flat"] = _flat_trees(m)
    f = m["_flat"]
    rows = np.arange(len(x))[:, None]
    node = np.broadcast_to(f["roots"], (len(x), len(f["roots"]))).copy()  # n_pauses x n_trees
    while True:
        leaf = f["left"][node] < 0
        if leaf.all():
            break
        go_left = x[rows, f["feature"][node]] <= f["threshold"][node]
        node = np.where(leaf, node, np.where(go_left, f["left"][node], f["right"][node]))
    # summed tree by tree, in order, as the per-tree loop did: the same float64 rounding
    step = float(m["learning_rate"]) * f["value"][node]
    for t in range(step.shape[1]):
        z += step[:, t]
    return z


def boundary_logit_bounds(
    features: np.ndarray, unknown: tuple[int, ...], model: dict[str, Any] | None = None
) -> np.ndarray:
    """An upper bound of the ensemble's log-odds for each row, whatever the ``unknown`` columns hold.

    Each tree contributes the largest leaf it can reach: at a split on a known feature the row
    goes its own way, at a split on an unknown one both ways count (computed bottom-up, one
    depth level of all trees at a time). Without unknown splits on its path a tree gives its
    exact leaf, so a row whose path meets none gets its exact log-odds. Why: most candidate
    pauses (closures inside words, clear commas) stay far below the threshold whatever the
    speaker cues say, and those cues (the GE2E encoder) cost most of the stage's time.
    """
    m = _as_arrays(model) if model is not None else boundary_model()
    x = np.asarray(features, dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    z = np.full(len(x), float(m["init"]))
    if not m["trees"] or not len(x):
        return z
    if "_flat" not in m:
        m["_flat"] = _flat_trees(m)
    f = m["_flat"]
    best = np.empty((len(x), len(f["value"])))
    best[:, f["leaves"]] = f["value"][f["leaves"]]
    for nodes in f["levels"]:
        feat = f["feature"][nodes]
        lo, hi = best[:, f["left"][nodes]], best[:, f["right"][nodes]]
        known = np.where(x[:, feat] <= f["threshold"][nodes], lo, hi)
        best[:, nodes] = np.where(np.isin(feat, unknown)[None, :], np.maximum(lo, hi), known)
    step = float(m["learning_rate"]) * best[:, f["roots"]]
    for t in range(step.shape[1]):
        z += step[:, t]
    return z


# --- the whole refinement ----------------------------------------------------------------


def _fmt(t: float) -> str:
    return f"{t:.2f}"


def _speech_stretches(
    audio: np.ndarray, sample_rate: int, params: VadParams, model: Any | None, result: VadResult
) -> tuple[np.ndarray, Contours, np.ndarray, list[tuple[int, int]], float] | None:
    """Silero, the contours, and the stretches of speech (10 ms frame runs) between candidate pauses."""
    x16 = to_vad_rate(audio, sample_rate)
    total = len(x16) / VAD_SAMPLE_RATE
    probs = speech_probabilities(x16, model)
    regions = silero_regions(probs, len(x16), params.threshold)
    result.decisions.append(f"silero: {len(regions)} speech region(s) at threshold {params.threshold}")
    if not regions:
        return None
    c = measure(x16, probs, params)
    n = len(c.db)
    quiet = c.db < c.quiet_db
    result.decisions.append(
        f"energy: noise floor {c.floor_db:.1f} dB, speech level {c.speech_db:.1f} dB, quiet below {c.quiet_db:.1f} dB"
    )

    # Speech frames = silero's regions (widened by one silero frame each side, since its edges
    # are coarse) intersected with "not quiet" energy frames.
    in_region = np.zeros(n, dtype=bool)
    slack = SILERO_FRAME / VAD_SAMPLE_RATE
    for s, e in regions:
        i0 = max(0, int((s - slack) / HOP_S))
        i1 = min(n, int(np.ceil((e + slack) / HOP_S)))
        in_region[i0:i1] = True
    active = in_region & ~quiet
    stretches = true_runs(active)
    if not stretches:
        result.decisions.append("energy: silero's regions hold no frame above the quiet level")
        return None

    # Fill pauses shorter than min_pause_s: they are not candidates at all.
    min_gap = max(1, int(round(params.min_pause_s / HOP_S)))
    merged: list[list[int]] = [list(stretches[0])]
    for a, b in stretches[1:]:
        if a - merged[-1][1] < min_gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    # Drop isolated blips shorter than 30 ms (clicks) that sit far from other speech.
    groups = [(a, b) for a, b in merged if b - a >= 3]
    if not groups:
        result.decisions.append("energy: only blips shorter than 30 ms")
        return None

    return x16, c, active, groups, total


CONTEXT_REACH = 400  # frames: a side's context never reaches further than 4 s from its pause


class PauseTable:
    """The candidate pauses between speech stretches, with features under a given set of cuts.

    ``cut`` holds the indices of the pauses taken as boundaries: the context of pause k on
    each side stops at the nearest cut pause (and at ``CONTEXT_REACH``). Features are cached
    by their effective context, so rescoring after a new cut only recomputes the pauses whose
    context it actually shortened.
    """

    def __init__(
        self,
        x16: np.ndarray,
        c: Contours,
        active: np.ndarray,
        groups: list[tuple[int, int]],
        params: VadParams,
        num_threads: int = 1,
        final_weights: list[dict[str, np.ndarray] | None] | dict[str, np.ndarray] | None | bool = True,
        window_geometry: sentence_final.Geometry | None = None,
    ) -> None:
        self.x16, self.c, self.active, self.groups = x16, c, active, groups
        self.params, self.num_threads = params, num_threads
        self.bounds = [(a, b) for (_, a), (b, _) in zip(groups, groups[1:], strict=False)]
        self._cache: dict[tuple[int, int, int], tuple[float, ...]] = {}
        self._partial: dict[tuple[int, int, int], tuple[float, ...]] = {}  # speaker cues still NaN
        self._mel: np.ndarray | None = None
        self._frames: sentence_final.MelFrames | None = None
        self._emb: dict[tuple[int, int, int], np.ndarray] = {}
        # True: every shipped member's sentence-final CNN (see BOUNDARY_MEMBERS); a dict: that one
        # CNN; None/False: none (the feature is 0, for fitting). The features' own final_form
        # column holds the first CNN's logit; the others' are kept aside (member_rows).
        if final_weights is True:
            self.finals = [m.final for m in boundary_members()]
        elif isinstance(final_weights, dict):
            self.finals = [final_weights]
        else:
            self.finals = list(final_weights or [])
        self._member_finals: dict[tuple[int, int, int], np.ndarray] = {}
        # ``windows`` keeps each pause's CNN input in one geometry: ``window_geometry`` (fitting asks
        # for the one it fits), else the first CNN's; each CNN reads its own (sentence_final.Geometry)
        self.geometries = [sentence_final.LEGACY if w is None else sentence_final.geometry(w) for w in self.finals]
        self.window_geometry = window_geometry or (self.geometries[0] if self.geometries else sentence_final.LEGACY)
        self.windows: dict[tuple[int, int, int], np.ndarray] = {}

    @property
    def size(self) -> int:
        return len(self.bounds)

    def long_pauses(self) -> list[int]:
        """Pauses of at least ``always_split_pause_s``: boundaries whatever the model says."""
        return [k for k, (a, b) in enumerate(self.bounds) if (b - a) * HOP_S >= self.params.always_split_pause_s]

    def context(self, k: int, cut: set[int]) -> tuple[int, int]:
        a, b = self.bounds[k]
        left = max((j for j in cut if j < k), default=-1)
        right = min((j for j in cut if j > k), default=len(self.groups) - 1)
        lo = self.groups[left + 1][0]
        hi = self.groups[right][1]
        return max(lo, a - CONTEXT_REACH), min(hi, b + CONTEXT_REACH)

    def context_changes(self, k: int, cut: set[int]) -> bool:
        key = (k, *self.context(k, cut))
        return key not in self._cache and key not in self._partial

    def partial_features(self, ks: list[int], cut: set[int]) -> np.ndarray:
        """Every feature but the two speaker cues (NaN in their columns): all of them cheap.

        The CNN runs here, on the same batches :meth:`features` would give it."""
        keys = [(k, *self.context(k, cut)) for k in ks]
        missing = sorted({key for key in keys if key not in self._cache and key not in self._partial})
        if missing:
            finals = self._final_form(missing)
            for (k, lo, hi), fin in zip(missing, finals, strict=True):
                a, b = self.bounds[k]
                self._partial[(k, lo, hi)] = pause_features(self.c, a, b, lo, hi, (np.nan, np.nan), float(fin))
        rows = [self._cache[key] if key in self._cache else self._partial[key] for key in keys]
        return np.array(rows, dtype=np.float64).reshape(len(ks), len(FEATURE_NAMES))

    def features(self, ks: list[int], cut: set[int]) -> np.ndarray:
        """All features, the speaker cues (the GE2E encoder, most of the stage's time) included."""
        keys = [(k, *self.context(k, cut)) for k in ks]
        missing = sorted({key for key in keys if key not in self._cache})
        if missing:
            pairs = [
                (
                    speech_frames_before(self.active, self.bounds[k][0], lo),
                    speech_frames_after(self.active, self.bounds[k][1], hi),
                )
                for k, lo, hi in missing
            ]
            sims = speaker_cues(self.x16, self.active, pairs, self.num_threads, self._mel_once(), self._emb)
            fresh = [key for key in missing if key not in self._partial]
            finals = dict(zip(fresh, self._final_form(fresh), strict=True)) if fresh else {}
            for (k, lo, hi), sim in zip(missing, sims, strict=True):
                key = (k, lo, hi)
                if key in finals:
                    a, b = self.bounds[k]
                    self._cache[key] = pause_features(self.c, a, b, lo, hi, sim, float(finals[key]))
                else:  # the speaker cues enter only their own two columns
                    row = list(self._partial.pop(key))
                    row[SPEAKER_COLUMNS[0]], row[SPEAKER_COLUMNS[1]] = float(sim[0]), float(sim[1])
                    self._cache[key] = tuple(row)
        return np.array([self._cache[key] for key in keys], dtype=np.float64).reshape(len(ks), len(FEATURE_NAMES))

    def _mel_once(self) -> np.ndarray:
        if self._mel is None:
            self._mel = _power_mel(self.x16)
            self._frames = sentence_final.MelFrames(self._mel, self.active, self.c.f0)
        return self._mel

    def window(self, key: tuple[int, int, int], geom: sentence_final.Geometry) -> np.ndarray:
        """The sentence-final CNN input of pause ``key[0]`` in the context ``key[1:]``, in ``geom``."""
        self._mel_once()
        assert self._frames is not None
        k, lo, hi = key
        return self._frames.window(*self.bounds[k], lo, hi, geom)

    def _final_form(self, keys: list[tuple[int, int, int]]) -> np.ndarray:
        """The first sentence-final CNN's logit for each (pause, lo, hi), its input (in
        ``window_geometry``) kept in ``windows`` and every member's logit in ``_member_finals``."""
        by_geometry: dict[sentence_final.Geometry, np.ndarray] = {}

        def wins(g: sentence_final.Geometry) -> np.ndarray:
            if g not in by_geometry:  # members of one geometry share their windows
                by_geometry[g] = np.stack([self.window(key, g) for key in keys])
            return by_geometry[g]

        self.windows.update(zip(keys, wins(self.window_geometry), strict=True))
        if not self.finals:
            return np.zeros(len(keys))
        per = np.stack(
            [
                np.zeros(len(keys)) if w is None else sentence_final.logits(wins(g), w)
                for w, g in zip(self.finals, self.geometries, strict=True)
            ],
            axis=1,
        )
        self._member_finals.update(zip(keys, np.clip(per, -12.0, 12.0), strict=True))
        return per[:, 0]

    def member_rows(self, ks: list[int], cut: set[int], rows: np.ndarray) -> list[np.ndarray]:
        """``rows`` (features of ``ks`` under ``cut``, as :meth:`features` or
        :meth:`partial_features` gave them) once per member CNN: each copy's ``final_form`` is
        that member's logit. One CNN (or none): just ``[rows]``."""
        if len(self.finals) <= 1:
            return [rows]
        if not ks:
            return [rows for _ in self.finals]
        finals = np.array([self._member_finals[(k, *self.context(k, cut))] for k in ks])
        out = []
        for m in range(len(self.finals)):
            r = rows.copy()
            r[:, FINAL_COLUMN] = finals[:, m]
            out.append(r)
        return out


def pause_table(
    audio: np.ndarray,
    sample_rate: int,
    boundary_times: list[float],
    params: VadParams | None = None,
    tolerance_s: float = 0.03,
    final_weights: dict[str, np.ndarray] | None | bool = True,
    windows: list[np.ndarray] | None = None,
    window_geometry: sentence_final.Geometry | None = None,
) -> list[Pause]:
    """Every candidate pause with features computed as the iterative split converges when right.

    For fitting: contexts are cut at the pauses holding one of ``boundary_times`` (the true
    line boundaries, within ``tolerance_s``) and at the long pauses, so the training features
    are those :func:`segment_speech` sees once it has found the other boundaries. ``probability``
    is 1.0 for a pause holding a boundary time, else 0.0 (the label). ``windows``, when given,
    receives each pause's sentence-final CNN input (see :mod:`sentence_final`), in pause order,
    read in ``window_geometry`` (default: the first CNN's).
    """
    params = params or VadParams()
    setup = _speech_stretches(audio, sample_rate, params, None, VadResult())
    if setup is None:
        return []
    x16, c, active, groups, _ = setup
    table = PauseTable(x16, c, active, groups, params, final_weights=final_weights, window_geometry=window_geometry)
    hits = {
        k
        for k, (a, b) in enumerate(table.bounds)
        if any(a * HOP_S - tolerance_s <= t <= b * HOP_S + tolerance_s for t in boundary_times)
    }
    cut = hits | set(table.long_pauses())
    feats = table.features(list(range(table.size)), cut) if table.size else np.zeros((0, len(FEATURE_NAMES)))
    if windows is not None:
        windows.extend(table.windows[(k, *table.context(k, cut))] for k in range(table.size))
    return [
        Pause(a * HOP_S, b * HOP_S, 1.0 if k in hits else 0.0, tuple(f))
        for k, ((a, b), f) in enumerate(zip(table.bounds, feats, strict=True))
    ]


def load_models() -> None:
    """Everything the refinement loads on first use, loaded now: silero, the speaker encoder, the
    boundary trees, the sentence-final CNN, and librosa's lazily imported feature modules (their
    import took 1.2 s here, as long as 4 % of the whole run on 20 benchmark sessions). Once per
    worker process; the benchmark calls it so that one-time loads stay out of its RTF."""
    load_vad_sequence_model()
    load_speaker_encoder()
    boundary_members()
    silence = np.zeros(VAD_SAMPLE_RATE // 10, dtype=np.float32)
    _mfcc(silence)  # imports librosa.feature's modules
    _power_mel(silence)


def segment_speech(
    audio: np.ndarray,
    sample_rate: int,
    params: VadParams | None = None,
    model: Any | None = None,
    boundary: dict[str, Any] | None = None,
    num_threads: int = 1,
    full_scores: bool = False,
    lines: int | None = None,
) -> VadResult:
    """Split a waveform into utterances; see the module docstring for the steps.

    ``lines``: how many utterances the file is known to hold (a script names it on that many
    rows). Instead of every pause above the threshold, the most likely pauses are accepted, one
    at a time with the others rescored after each (:func:`_split_by_count`), until there are
    that many pieces of at least ``min_duration_s``; a pause below ``script_min_probability``
    is never taken. Pieces are neither rejoined nor split for length, so utterance *i* is line
    *i*. When the audio cannot be cut that way (too few pauses, more pieces beyond pauses of
    ``always_split_pause_s`` than lines, or a needed pause too unlikely), the usual split is
    made and ``lines_met`` is False.

    ``boundary`` replaces the shipped boundary model (the fitting script passes an empty
    one to collect pause features before any model exists). ``full_scores`` runs the speaker
    encoder for every pause instead of only for those whose bound reaches the threshold: the
    same utterances and decisions, slower; every pause then gets its exact probability.
    """
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn, which librosa needs

    # BLAS threads capped at the stage's budget: every product here is small (the CNN's im2col,
    # the mel filterbank), and after each call OpenBLAS's helper threads spin-wait on the other
    # core. On the 2-core box that spinning cost more than the products themselves: the
    # process's CPU time for 20 benchmark sessions fell from 25.8 s to 16.5 s with one thread,
    # and wall time fell too. The encoder's torch threads are set in :func:`_embed`.
    with threadpool_limits(limits=max(1, num_threads), user_api="blas"):
        return _segment_speech(audio, sample_rate, params, model, boundary, num_threads, full_scores, lines)


def _segment_speech(
    audio: np.ndarray,
    sample_rate: int,
    params: VadParams | None,
    model: Any | None,
    boundary: dict[str, Any] | None,
    num_threads: int,
    full_scores: bool,
    lines: int | None = None,
) -> VadResult:
    params = params or VadParams()
    result = VadResult()
    setup = _speech_stretches(audio, sample_rate, params, model, result)
    if setup is None:
        return result
    x16, c, active, groups, total = setup
    # Score the pauses, splitting iteratively: a side's context (pitch, timbre, speaker) stops
    # at the nearest accepted boundary, never reaching across it. Contexts start bounded only at
    # the certain (long) pauses; the most likely boundary is accepted, the pauses whose context
    # it cuts are rescored, and so on until no pause passes the threshold. Without this, the 2 s
    # contexts of a butted pause reach into the lines beyond their neighbours' undetected
    # boundaries, and both sides look alike.
    if boundary is None:
        members = [m.trees for m in boundary_members()]
        table = PauseTable(x16, c, active, groups, params, num_threads)
    else:  # one given fit, read with the first shipped CNN (as it was fitted)
        members = [boundary]
        table = PauseTable(x16, c, active, groups, params, num_threads, sentence_final.load_weights())
    cut = set(table.long_pauses())
    probs_b = np.ones(table.size)
    accepted: dict[int, float] = {}
    scored: dict[int, np.ndarray] = {}  # each pause's latest features, those behind probs_b
    bounded: set[int] = set()  # pauses whose probs_b is only an upper bound
    forced = False
    if lines is not None and lines > 1:
        forced = _split_by_count(table, members, params, lines, cut, probs_b, accepted, scored, result, full_scores)
        result.lines_met = forced
        if not forced:  # back to the usual split, from the long pauses alone
            cut, accepted, scored = set(table.long_pauses()), {}, {}
            probs_b[:] = 1.0
    todo = [] if forced else [k for k in range(table.size) if k not in cut]
    # Contexts never cross a cut, so the stretches between cuts evolve independently: each round
    # accepts the most likely pause of *every* stretch at once (the same cuts one-at-a-time
    # greedy would reach, in fewer rounds, with the rescoring batched through the encoder).
    # Each round scores the cheap features first; a pause whose log-odds cannot reach the
    # threshold whatever its speaker cues say (most of them: closures inside words, clear commas)
    # is settled without the GE2E encoder. Only the others run through it: the same decisions
    # as scoring every pause in full, at a fraction of the encoder time. Such a pause's
    # probability is that upper bound (below the threshold) and its speaker cues stay NaN.
    logit_threshold = float(np.log(params.boundary_threshold / (1.0 - params.boundary_threshold)))
    while todo:
        feats = table.partial_features(todo, cut)
        z_max = _mean_log_odds(table, todo, cut, feats, members, bound=True)
        probs_b[todo] = 1.0 / (1.0 + np.exp(-z_max))
        # BOUND_MARGIN: the bound and the exact score round their sums differently
        rows = [i for i, z in enumerate(z_max) if full_scores or z >= logit_threshold - BOUND_MARGIN]
        full = [todo[i] for i in rows]
        if full:
            feats[rows] = table.features(full, cut)
            probs_b[full] = _sigmoid(_mean_log_odds(table, full, cut, feats[rows], members))
        bounded.difference_update(full)
        bounded.update(set(todo) - set(full))
        scored.update(zip(todo, feats, strict=True))
        edges = [-1, *sorted(cut), table.size]
        new = []
        for left, right in zip(edges, edges[1:], strict=False):
            cands = [k for k in range(left + 1, right) if probs_b[k] >= params.boundary_threshold]
            if cands:
                new.append(max(cands, key=lambda k: probs_b[k]))
        if not new:
            break
        for best in new:
            accepted[best] = float(probs_b[best])
            cut.add(best)
        todo = []
        for best in new:
            prev = max([k for k in cut if k < best], default=-1)
            nxt = min([k for k in cut if k > best], default=table.size)
            # an accepted pause is not rescored: its probability is the one it was accepted with
            todo += [k for k in range(prev + 1, nxt) if k not in cut and table.context_changes(k, cut)]
        todo = sorted(set(todo))
    pauses: list[Pause] = []
    # The record: each pause keeps the features behind its probability (an accepted boundary
    # those it was accepted on: recomputing them under its neighbours' later cuts cost 7 % of the
    # encoder's time, for a record only); the long pauses, never scored, get theirs now.
    unscored = [k for k in range(table.size) if k not in scored]  # the long pauses
    record = dict(zip(unscored, table.features(unscored, cut), strict=True)) if unscored else {}
    record.update(scored)
    for k, (a, b) in enumerate(table.bounds):
        p = 1.0 if k in cut and k not in accepted else accepted.get(k, float(probs_b[k]))
        pauses.append(Pause(a * HOP_S, b * HOP_S, p, tuple(record[k])))
    result.pauses = pauses

    # Utterances: split at pauses whose probability passes the threshold ...
    split = [k in cut for k in range(len(pauses))]
    # ... except where a split would leave a piece shorter than min_duration_s next to a pause
    # that is not certain: such a piece is far more often a syllable cut off at a closure than
    # a line of its own, and rejecting it as too short would lose speech. It rejoins the
    # neighbour across the less likely of its two pauses.
    changed = not forced  # forced: every piece is a script line, and none is below the minimum
    while changed:
        changed = False
        edges = [-1, *[k for k, sp in enumerate(split) if sp], len(groups) - 1]
        for left, right in zip(edges, edges[1:], strict=False):
            g0, g1 = left + 1, right
            if (groups[g1][1] - groups[g0][0]) * HOP_S >= params.min_duration_s:
                continue
            cands = [k for k in (left, right) if 0 <= k < len(pauses) and pauses[k].probability < 1.0]
            if cands:
                k = min(cands, key=lambda i: pauses[i].probability)
                split[k] = False
                result.decisions.append(
                    f"rejoined a {(groups[g1][1] - groups[g0][0]) * HOP_S * 1000:.0f} ms piece across "
                    f"{_fmt(pauses[k].start)}-{_fmt(pauses[k].end)} s (p={pauses[k].probability:.2f})"
                )
                changed = True
                break

    def score_exactly(ks: list[int], cuts: set[int]) -> None:
        """Replace the bounds of pauses ``ks`` by their exact probabilities, contexts stopping at ``cuts``."""
        feats = table.features(ks, cuts)
        probs = _sigmoid(_mean_log_odds(table, ks, cuts, feats, members))
        for k, f, p in zip(ks, feats, probs, strict=True):
            pauses[k] = Pause(pauses[k].start, pauses[k].end, float(p), tuple(f))
        bounded.difference_update(ks)

    # An utterance that may exceed max_duration_s is split at its longest pause, ties broken by
    # probability (_enforce_max): its inner pauses need exact probabilities, not bounds.
    cuts_at = [k for k, sp in enumerate(split) if sp]
    for g0, g1 in zip([0, *[k + 1 for k in cuts_at]], [*cuts_at, len(groups) - 1], strict=True):
        if (groups[g1][1] - groups[g0][0]) * HOP_S + 2 * EDGE_GROWTH_S <= params.max_duration_s:
            continue
        ks = [k for k in range(g0, g1) if k in bounded]
        if ks:
            score_exactly(ks, cut)
    # The pauses kept inside utterances whose bound may matter to a later stage get their exact
    # probability, under the final splits. No decision changes (the exact score is at most the
    # bound, and the bound is under the threshold), but a bound of 0.3 is often 0.001 in truth:
    # on 12 HTS sessions 79 of 682 inner pauses had a bound >= 0.05, 20 an exact score that high.
    if params.exact_from is not None:
        ks = [k for k in sorted(bounded) if not split[k] and pauses[k].probability >= params.exact_from]
        if ks:
            score_exactly(ks, set(cuts_at))
    utts: list[tuple[int, int, list[Pause]]] = []  # (first group, last group, inner pauses)
    first = 0
    inner: list[Pause] = []
    for k, pz in enumerate(pauses):
        if split[k]:
            result.decisions.append(
                f"split at {_fmt(pz.start)}-{_fmt(pz.end)} s (pause {pz.duration * 1000:.0f} ms, "
                f"p={pz.probability:.2f})"
            )
            utts.append((first, k, inner))
            first, inner = k + 1, []
        else:
            inner.append(pz)
    utts.append((first, len(groups) - 1, inner))
    kept_pauses = sum(len(u[2]) for u in utts)
    result.decisions.append(f"kept {kept_pauses} pause(s) inside utterances (p < {params.boundary_threshold})")

    spans: list[tuple[float, float, list[Pause]]] = [
        (groups[g0][0] * HOP_S, min(groups[g1][1] * HOP_S, total), ps) for g0, g1, ps in utts
    ]
    spans = _extend_edges(spans, c, total)
    if not forced:  # a script line longer than max_duration_s is still one line
        spans = _enforce_max(spans, params, c, result.decisions)

    speech: list[tuple[float, float, list[Pause]]] = []
    for s, e, ps in spans:
        if e - s < params.min_duration_s:
            result.decisions.append(
                f"too short: {_fmt(s)}-{_fmt(e)} s ({(e - s) * 1000:.0f} ms < {params.min_duration_s * 1000:.0f} ms)"
            )
            result.too_short.append(Segment(s, e, s, e))
        else:
            speech.append((s, e, ps))
    result.segments = _pad(speech, total, params.pad_s)
    if forced and len(result.segments) != lines:  # never hand the caller a count it did not ask for
        result.lines_met = False
        result.decisions.append(f"script gives {lines} lines, but {len(result.segments)} utterance(s) came out")
    return result


def _split_by_count(
    table: PauseTable,
    members: list[dict[str, Any]],
    params: VadParams,
    lines: int,
    cut: set[int],
    probs: np.ndarray,
    accepted: dict[int, float],
    scored: dict[int, np.ndarray],
    result: VadResult,
    full_scores: bool = False,
) -> bool:
    """Cut the speech into ``lines`` pieces of at least ``min_duration_s`` at the most likely
    pauses (``cut``'s long pauses among them), in place.

    A piece shorter than the minimum beyond a long pause (a click, a breath, a stray syllable
    before the first line) is no line: it is not counted, and the stage reports it as too short.

    The same greedy search as the threshold split — the most likely pause is accepted, the
    pauses whose context it cuts are rescored — but it stops at a count instead of a
    probability. Ranking needs exact scores only near the top: every pause gets its cheap upper
    bound (:func:`boundary_logit_bounds`), and the encoder runs for the best-bounded pauses
    until one's exact score beats every other bound (the same picks as scoring all in full,
    which ``full_scores`` does).
    A pause is eligible only if both pieces it would leave hold at least ``min_duration_s`` of
    speech, and it is taken only if its probability is at least ``script_min_probability``: a
    pause inside a line scores near 0 (0.00–0.03 on the test sessions, where line breaks score
    ≥ 0.98), so a script that lists more lines than the file holds is caught rather than obeyed
    by cutting a line at a closure. False (``cut`` and the scores then mean nothing) when the
    count cannot be met.
    """
    groups = table.groups

    def pieces() -> int:  # pieces between the cuts that are long enough to be a line
        edges = [-1, *sorted(cut), len(groups) - 1]
        spans = ((groups[a + 1][0], groups[b][1]) for a, b in zip(edges, edges[1:], strict=False))
        return sum(1 for lo, hi in spans if (hi - lo) * HOP_S >= params.min_duration_s)

    if pieces() > lines:
        result.decisions.append(
            f"script gives {lines} lines, but {pieces()} pieces are separated by pauses of at least "
            f"{params.always_split_pause_s:g} s: split as usual"
        )
        return False

    def long_enough(k: int) -> bool:
        left = max((j for j in cut if j < k), default=-1)
        right = min((j for j in cut if j > k), default=len(groups) - 1)
        before = (groups[k][1] - groups[left + 1][0]) * HOP_S
        after = (groups[right][1] - groups[k + 1][0]) * HOP_S
        return min(before, after) >= params.min_duration_s

    exact: set[int] = set()  # pauses whose probs are exact; the others hold an upper bound
    todo = [k for k in range(table.size) if k not in cut]
    while True:
        if todo and full_scores:
            _score_exactly(table, members, todo, cut, probs, scored, exact)
        elif todo:  # cheap bounds first, as in the threshold split: the encoder runs only where it can matter
            feats = table.partial_features(todo, cut)
            probs[todo] = _sigmoid(_mean_log_odds(table, todo, cut, feats, members, bound=True))
            exact.difference_update(todo)
            scored.update(zip(todo, feats, strict=True))
        if pieces() >= lines:
            break
        legal = [k for k in range(table.size) if k not in cut and long_enough(k)]
        if not legal:
            result.decisions.append(
                f"script gives {lines} lines, but the speech splits into at most {pieces()} pieces of "
                f"at least {params.min_duration_s:g} s: split as usual"
            )
            return False
        while True:  # the best exact score beats every other pause's bound: the same pick as full scoring
            best = max(legal, key=lambda k: probs[k])
            if best in exact:
                break
            _score_exactly(table, members, [best], cut, probs, scored, exact)
        if probs[best] < params.script_min_probability:
            result.decisions.append(
                f"script gives {lines} lines, but after {pieces()} piece(s) the most likely pause left "
                f"({_fmt(table.bounds[best][0] * HOP_S)} s) has p={probs[best]:.3f} < "
                f"{params.script_min_probability:g}: split as usual"
            )
            return False
        accepted[best] = float(probs[best])
        cut.add(best)
        prev = max((k for k in cut if k < best), default=-1)
        nxt = min((k for k in cut if k > best), default=table.size)
        todo = [k for k in range(prev + 1, nxt) if k not in cut and table.context_changes(k, cut)]
    # A pause left inside a line keeps its bound as probability (speaker cues NaN), as in the
    # threshold split, where every bound lies below the threshold; here one may not, and a
    # bound is no probability to flag a reviewer with: those few get their exact score.
    loose = [k for k in range(table.size) if k not in cut and k not in exact and probs[k] >= params.boundary_threshold]
    if loose:
        _score_exactly(table, members, loose, cut, probs, scored, exact)
    result.decisions.append(
        f"script gives {lines} lines: split at the most likely pause(s), down to p={params.script_min_probability:g}"
    )
    return True


def _score_exactly(
    table: PauseTable,
    members: list[dict[str, Any]],
    ks: list[int],
    cut: set[int],
    probs: np.ndarray,
    scored: dict[int, np.ndarray],
    exact: set[int],
) -> None:
    feats = table.features(ks, cut)
    probs[ks] = _sigmoid(_mean_log_odds(table, ks, cut, feats, members))
    scored.update(zip(ks, feats, strict=True))
    exact.update(ks)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _mean_log_odds(
    table: PauseTable,
    ks: list[int],
    cut: set[int],
    rows: np.ndarray,
    members: list[dict[str, Any]],
    bound: bool = False,
) -> np.ndarray:
    """The boundary score of pauses ``ks``: the members' log-odds averaged, each member reading its
    own CNN's ``final_form``. ``bound``: each member's upper bound over the speaker cues
    (:func:`boundary_logit_bounds`) instead, whose mean bounds the mean."""
    per = table.member_rows(ks, cut, rows)
    if bound:
        zs = [boundary_logit_bounds(r, SPEAKER_COLUMNS, m) for r, m in zip(per, members, strict=True)]
    else:
        zs = [boundary_log_odds(r, m) for r, m in zip(per, members, strict=True)]
    return zs[0] if len(zs) == 1 else np.mean(zs, axis=0)


def _extend_edges(
    spans: list[tuple[float, float, list[Pause]]], c: Contours, total: float
) -> list[tuple[float, float, list[Pause]]]:
    """Grow each utterance over its weak edges: frames between the quiet level and the noise floor.

    Weak onsets (s, h, devoiced vowels) and breathy line ends sit below the quiet level but
    above the floor; the quiet level alone puts starts 30–60 ms late. Growth stops at 150 ms,
    at the first frame within 3 dB of the floor, and half-way to the neighbour.
    """
    edge_db = c.floor_db + 4.0
    limit = int(round(EDGE_GROWTH_S / HOP_S))
    out = []
    for k, (s, e, ps) in enumerate(spans):
        lo_bound = 0.5 * (spans[k - 1][1] + s) if k > 0 else 0.0
        hi_bound = 0.5 * (e + spans[k + 1][0]) if k + 1 < len(spans) else total
        i = int(round(s / HOP_S))
        steps = 0
        while steps < limit and i - 1 >= 0 and (i - 1) * HOP_S >= lo_bound and c.db[i - 1] > edge_db:
            i -= 1
            steps += 1
        j = int(round(e / HOP_S))
        steps = 0
        while steps < limit and j < len(c.db) and (j + 1) * HOP_S <= hi_bound and c.db[j] > edge_db:
            j += 1
            steps += 1
        out.append((i * HOP_S, min(total, j * HOP_S), ps))
    return out


def _enforce_max(
    spans: list[tuple[float, float, list[Pause]]], params: VadParams, c: Contours, decisions: list[str]
) -> list[tuple[float, float, list[Pause]]]:
    """Split spans longer than max_duration_s at their deepest (longest) pause, recursively."""
    out: list[tuple[float, float, list[Pause]]] = []
    todo = list(spans)
    while todo:
        s, e, ps = todo.pop(0)
        if e - s <= params.max_duration_s:
            out.append((s, e, ps))
            continue
        legal = [p for p in ps if p.start - s >= params.min_duration_s and e - p.end >= params.min_duration_s]
        if legal:
            # the longest silence cuts no speech; the boundary score breaks ties
            best = max(legal, key=lambda p: (round(p.duration, 2), p.probability))
            cut_a, cut_b = best.start, best.end
            why = f"pause {best.duration * 1000:.0f} ms, p={best.probability:.2f}"
        else:  # no pause at all: the quietest 10 ms frame away from the edges
            i0 = int((s + params.min_duration_s) / HOP_S)
            i1 = int((e - params.min_duration_s) / HOP_S)
            i = i0 + int(np.argmin(c.db[i0:i1]))
            cut_a = cut_b = i * HOP_S
            why = f"no pause; quietest frame {c.db[i]:.1f} dB"
        decisions.append(f"max duration: split {_fmt(s)}-{_fmt(e)} s at {_fmt(cut_a)} s ({why})")
        left = [p for p in ps if p.end <= cut_a]
        right = [p for p in ps if p.start >= cut_b]
        todo[:0] = [(s, cut_a, left), (cut_b, e, right)]
    return out


def _pad(speech: list[tuple[float, float, list[Pause]]], total: float, pad_s: float) -> list[Segment]:
    """Pad each side by pad_s, at most half the gap to the neighbour and within the file."""
    segs: list[Segment] = []
    for i, (s, e, ps) in enumerate(speech):
        left_room = s - speech[i - 1][1] if i > 0 else s
        right_room = speech[i + 1][0] - e if i + 1 < len(speech) else total - e
        left = min(pad_s, left_room / 2 if i > 0 else left_room)
        right = min(pad_s, right_room / 2 if i + 1 < len(speech) else right_room)
        segs.append(Segment(s, e, max(0.0, s - left), min(total, e + right), tuple(ps)))
    return segs

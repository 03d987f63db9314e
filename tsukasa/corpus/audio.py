"""Audio I/O: probe, decode and scan raw files of any rate, bit depth and channel count.

soundfile (libsndfile 1.2: wav/flac/ogg-vorbis/opus/mp3/aiff...) is the primary backend
— it is what lhotse's own backends use for these formats and it needs no system
libraries. Other containers (m4a/aac, wma, webm...) go through torchcodec + the system
FFmpeg libraries when both are present; otherwise the file is rejected with a clear
reason. torchaudio is deliberately not used (see DESIGN.md: no CPU build).

``scan_file`` is what ingest runs on every file: one pass that hashes the bytes and
decodes the whole signal in blocks, so truncation, NaN/inf samples and silence are found
without holding a long file in memory.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from tsukasa.errors import TsukasaError

SOUNDFILE_EXTENSIONS = {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".caf"}
FFMPEG_EXTENSIONS = {".m4a", ".aac", ".mp4", ".wma", ".webm", ".mka", ".ac3", ".amr", ".3gp"}
AUDIO_EXTENSIONS = SOUNDFILE_EXTENSIONS | FFMPEG_EXTENSIONS

# Magic bytes of audio containers; used to tell "not audio at all" from "corrupt audio".
_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"RIFF"), (0, b"RIFX"), (0, b"RF64"), (0, b"fLaC"), (0, b"OggS"), (0, b"ID3"), (0, b"FORM"),
    (0, b"caff"), (4, b"ftyp"), (0, b"\x1a\x45\xdf\xa3"), (0, b"\x30\x26\xb2\x75"), (0, b"#!AMR"),
)  # fmt: skip


class AudioError(TsukasaError):
    """A file that cannot be used as audio, with a stable reason code for ``rejected``."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class AudioInfo(BaseModel):
    """What a probe learns about a file without decoding it all."""

    model_config = ConfigDict(frozen=True)

    format: str  # container, e.g. WAV, FLAC, OGG, MP3, or the FFmpeg codec name
    subtype: str  # encoding, e.g. PCM_16, FLOAT, VORBIS, OPUS, MPEG_LAYER_III
    sample_rate: int
    channels: int
    frames: int
    backend: str  # "soundfile" or "torchcodec"

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    @property
    def bit_depth(self) -> int | None:
        for bits in (8, 16, 24, 32, 64):
            if self.subtype.endswith(f"_{bits}"):
                return bits
        return {"FLOAT": 32, "DOUBLE": 64}.get(self.subtype)


def looks_like_audio(head: bytes) -> bool:
    """True when the first bytes carry a known audio container signature (or an MPEG frame sync)."""
    for offset, magic in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return True
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0  # raw MPEG audio frame


def ffmpeg_available() -> bool:
    """torchcodec imports only when the FFmpeg shared libraries are present."""
    try:
        import torchcodec.decoders  # noqa: F401
    except Exception:  # torchcodec raises RuntimeError/OSError variants when FFmpeg is missing
        return False
    return True


def probe(path: str | Path) -> AudioInfo:
    """Header-level facts about ``path`` (soundfile first, torchcodec for other containers)."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(16)
    return _probe(path, str(path), head)


def _probe(path: Path, source: object, head: bytes) -> AudioInfo:
    """Probe ``source`` (a path or an in-memory buffer of ``path``'s bytes)."""
    import soundfile as sf

    try:
        info = sf.info(source)
        return AudioInfo(
            format=info.format,
            subtype=info.subtype,
            sample_rate=int(info.samplerate),
            channels=int(info.channels),
            frames=int(info.frames),
            backend="soundfile",
        )
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        sf_error = str(exc)
    # A soundfile-family extension that soundfile rejects is corrupt, unless its bytes say it
    # is really another container (an .m4a renamed .wav happens in dumps).
    other_container = head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"
    if path.suffix.lower() in SOUNDFILE_EXTENSIONS and not other_container:
        raise AudioError("corrupt", f"soundfile cannot open it ({_short(sf_error)})")
    return _probe_torchcodec(path, sf_error)


def _probe_torchcodec(path: Path, sf_error: str) -> AudioInfo:
    if not ffmpeg_available():
        raise AudioError(
            "unsupported_format",
            f"{path.suffix or 'this'} container needs FFmpeg (torchcodec) and it is not installed",
        )
    from torchcodec.decoders import AudioDecoder

    try:
        dec = AudioDecoder(str(path))
        meta = dec.metadata
        samples = dec.get_all_samples()
    except Exception as exc:  # torchcodec raises plain RuntimeError/ValueError for bad streams
        raise AudioError("corrupt", f"neither soundfile nor FFmpeg can decode it ({_short(str(exc))})") from None
    return AudioInfo(
        format=str(getattr(meta, "codec", None) or path.suffix.lstrip(".").upper()),
        subtype=str(getattr(meta, "sample_format", None) or "unknown"),
        sample_rate=int(samples.sample_rate),
        channels=int(samples.data.shape[0]),
        frames=int(samples.data.shape[1]),
        backend="torchcodec",
    )


def decode(path: str | Path, *, info: AudioInfo | None = None) -> tuple[np.ndarray, int]:
    """The whole file as float32 ``(channels, samples)`` and its sample rate."""
    path = Path(path)
    info = info or probe(path)
    if info.backend == "soundfile":
        import soundfile as sf

        try:
            data, sr = sf.read(str(path), dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise AudioError("truncated", f"decoding stopped early ({_short(str(exc))})") from None
        return np.ascontiguousarray(data.T), int(sr)
    from torchcodec.decoders import AudioDecoder

    samples = AudioDecoder(str(path)).get_all_samples()
    return samples.data.numpy().astype(np.float32, copy=False), int(samples.sample_rate)


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """High-quality resampling (soxr) along the last axis."""
    if sr_in == sr_out:
        return x
    import soxr

    if x.ndim == 1:
        return soxr.resample(x, sr_in, sr_out, quality="HQ").astype(np.float32, copy=False)
    return np.stack([soxr.resample(ch, sr_in, sr_out, quality="HQ") for ch in x]).astype(np.float32, copy=False)


@dataclass(frozen=True)
class ScanResult:
    """Everything ingest needs from one pass over a file."""

    sha256: str
    size: int
    info: AudioInfo
    peak: float  # max |sample| over all channels
    rms_dbfs: float


def scan_file(path: str | Path, *, block_frames: int = 1 << 18) -> ScanResult:
    """Hash, probe and fully decode ``path``; raise :class:`AudioError` with a reason code.

    Reason codes: ``empty`` (zero bytes or zero frames), ``not_audio`` (no audio
    signature and no decoder accepts it), ``corrupt``, ``truncated`` (the header promises
    more than the file holds), ``unsupported_format``, ``non_finite`` (NaN/inf samples).
    Silence and length are judged by the caller from ``peak`` and ``info.duration``.
    """
    path = Path(path)
    raw = path.read_bytes()
    size = len(raw)
    digest = hashlib.sha256(raw).hexdigest()
    if size == 0:
        raise AudioError("empty", "file has zero bytes")
    is_audio_signature = looks_like_audio(raw[:16])
    try:
        info = _probe(path, io.BytesIO(raw), raw[:16])
    except AudioError as exc:
        if not is_audio_signature and exc.reason in ("corrupt", "unsupported_format"):
            raise AudioError("not_audio", f"no audio signature ({_describe_head(raw)})") from None
        raise
    if info.frames == 0:
        raise AudioError("empty", "audio stream has zero frames")
    declared = _wav_declared_frames(raw) if info.format in ("WAV", "WAVEX", "RF64") else None
    if declared is not None and declared > info.frames:
        raise AudioError("truncated", f"header declares {declared} frames, file holds {info.frames}")
    peak, sumsq, frames_read = _decode_stats(path, raw, info, block_frames)
    if frames_read < info.frames * 0.99 - 1:
        raise AudioError("truncated", f"header declares {info.frames} frames, decoded {frames_read}")
    n = max(frames_read * info.channels, 1)
    rms = math.sqrt(sumsq / n)
    rms_dbfs = 20 * math.log10(rms) if rms > 0 else -math.inf
    return ScanResult(sha256=digest, size=size, info=info, peak=peak, rms_dbfs=rms_dbfs)


def _decode_stats(path: Path, raw: bytes, info: AudioInfo, block_frames: int) -> tuple[float, float, int]:
    """Peak, sum of squares and frames actually decoded; raises on NaN/inf or mid-stream errors."""
    peak = 0.0
    sumsq = 0.0
    frames = 0
    if info.backend == "soundfile":
        import soundfile as sf

        try:
            with sf.SoundFile(io.BytesIO(raw)) as f:
                while True:
                    block = f.read(block_frames, dtype="float32", always_2d=True)
                    if block.shape[0] == 0:
                        break
                    peak, sumsq = _accumulate(block, peak, sumsq, frames, info)
                    frames += block.shape[0]
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise AudioError(
                "truncated", f"decoding stopped after {frames} of {info.frames} frames ({_short(str(exc))})"
            ) from None
        return peak, sumsq, frames
    data, _ = decode(path, info=info)
    peak, sumsq = _accumulate(data.T, peak, sumsq, 0, info)
    return peak, sumsq, data.shape[1]


def _accumulate(block: np.ndarray, peak: float, sumsq: float, offset: int, info: AudioInfo) -> tuple[float, float]:
    finite = np.isfinite(block)
    if not finite.all():
        bad = int(np.argmin(finite.all(axis=1)))
        raise AudioError("non_finite", f"NaN/inf sample at {(offset + bad) / info.sample_rate:.3f} s")
    peak = max(peak, float(np.abs(block).max(initial=0.0)))
    return peak, sumsq + float(np.square(block, dtype=np.float64).sum())


def _wav_declared_frames(raw: bytes) -> int | None:
    """Frames the RIFF ``data`` chunk claims (libsndfile silently trusts the file length instead)."""
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        return None
    pos, block_align = 12, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos : pos + 4], struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        if cid == b"fmt " and pos + 22 <= len(raw):
            block_align = struct.unpack("<H", raw[pos + 20 : pos + 22])[0]
        if cid == b"data":
            if not block_align or size in (0, 0xFFFFFFFF):  # streaming writers leave 0 / -1
                return None
            return size // block_align
        pos += 8 + size + (size & 1)
    return None


def _describe_head(raw: bytes) -> str:
    head = raw[:12]
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return f"starts with text {head.decode('ascii', 'replace')!r}"
    return f"starts with bytes {head.hex()}"


def _short(msg: str, limit: int = 120) -> str:
    msg = re.sub(r"Error opening .*?: (Error : )?", "", " ".join(msg.split()))
    return msg if len(msg) <= limit else msg[: limit - 1] + "…"

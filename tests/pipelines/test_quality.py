"""Quality metrics on synthetic signals whose answer is known, and the stage on a real cut."""

from __future__ import annotations

import numpy as np
import pytest

from tsukasa.pipelines import quality as q

SR = 24000


def _tone_in_noise(snr: float, seed: int = 0) -> np.ndarray:
    """1 s of silence, 1 s of a 0.3-amplitude 440 Hz tone, 1 s of silence, all in white noise."""
    t = np.arange(3 * SR) / SR
    sig = 0.3 * np.sin(2 * np.pi * 440 * t)
    sig[:SR] = 0
    sig[2 * SR :] = 0
    noise_power = 0.3**2 / 2 / 10 ** (snr / 10)
    return sig + np.random.default_rng(seed).normal(0, np.sqrt(noise_power), len(t))


@pytest.mark.parametrize("snr", [5.0, 15.0, 30.0])
def test_snr_of_a_tone_in_noise(snr: float) -> None:
    assert q.snr_db(_tone_in_noise(snr), SR) == pytest.approx(snr, abs=0.5)


def test_snr_is_unknown_without_background() -> None:
    stationary = np.random.default_rng(1).normal(0, 0.1, 2 * SR)
    assert q.snr_db(stationary, SR) is None


def test_clipping_ratio_of_a_clipped_sine() -> None:
    t = np.arange(SR) / SR
    clipped = 0.5 * np.clip(2.0 * np.sin(2 * np.pi * 220 * t), -1, 1)  # then scaled, as standardize does
    # |2 sin| > 1 for 2/3 of the time
    assert q.clipping_ratio(clipped) == pytest.approx(2 / 3, abs=0.01)
    assert q.clipping_ratio(0.5 * np.sin(2 * np.pi * 220 * t)) < 1e-3


def test_loudness_of_a_known_sine() -> None:
    # BS.1770: a full-scale 1 kHz sine in one channel reads -3.01 LUFS; at -20 dBFS peak, -23.01
    t = np.arange(2 * 48000) / 48000
    assert q.integrated_loudness(0.1 * np.sin(2 * np.pi * 1000 * t), 48000) == pytest.approx(-23.01, abs=0.1)
    assert q.integrated_loudness(np.zeros(48000), 48000) is None
    assert q.peak_dbfs(0.1 * np.sin(2 * np.pi * 1000 * t)) == pytest.approx(-20.0, abs=0.01)


def test_bandwidth_detects_16k_audio_upsampled_to_48k() -> None:
    import soxr

    noise = np.random.default_rng(2).normal(0, 0.1, 2 * 16000)
    upsampled = soxr.resample(noise, 16000, 48000)
    assert q.effective_bandwidth(upsampled, 48000) == pytest.approx(8000, abs=400)
    full = np.random.default_rng(3).normal(0, 0.1, 2 * 48000)
    assert q.effective_bandwidth(full, 48000) > 22000
    info = q.measure(upsampled, 48000, q.QualityConfig(dnsmos=False))
    assert "band_limited" in [f.code for f in info.flags]


def test_dc_offset_and_morae() -> None:
    info = q.measure(_tone_in_noise(30) + 0.05, SR, q.QualityConfig(dnsmos=False))
    assert info.dc_offset == pytest.approx(0.05, abs=1e-3)
    assert "dc_offset" in [f.code for f in info.flags]
    assert q.count_morae("キョーモイイテンキダネ") == 10  # キョ ー モ イ イ テ ン キ ダ ネ
    assert q.count_morae("ガッコー") == 4


def test_quality_stage_fills_every_measurement(tmp_path) -> None:
    from tests.pipelines.test_nonverbal import LAYOUT, TEXT, build_utterance, make_cut
    from tsukasa.corpus.schema import read_supervision_custom
    from tsukasa.pipelines.base import StageContext, get_stage

    x, _ = build_utterance(LAYOUT)
    cut = make_cut(tmp_path, x, TEXT)
    out = get_stage("quality")().process([cut], StageContext(work_dir=tmp_path))
    assert not out.rejected

    info = read_supervision_custom(out.kept[0].supervisions[0]).quality
    assert info is not None and info.dnsmos is not None
    assert 1.0 <= info.dnsmos.ovrl <= 5.0
    assert info.snr_db is not None and info.snr_db > 20  # clean synthetic speech
    assert 3.0 < info.speech_rate < 14.0
    assert info.loudness_lufs is not None and info.duration == pytest.approx(cut.supervisions[0].duration)


@pytest.mark.parametrize("seconds", [1.3, 4.0, 11.5])  # doubled to 10.4 s, doubled to 16 s, three hops as it is
def test_dnsmos_scores_are_speechmos_own(seconds: float) -> None:
    """dnsmos_p835 runs speechmos's P.835 model over speechmos's windows without the P.808 model
    it does not keep: the scores must be exactly those of ``speechmos.dnsmos.run``."""
    from speechmos import dnsmos

    from tests.pipelines.test_nonverbal import LAYOUT, build_utterance
    from tests.pipelines.test_nonverbal import SR as sr
    from tsukasa.pipelines.vad import to_vad_rate

    x, _ = build_utterance(LAYOUT)
    x = np.tile(x, int(np.ceil(seconds * sr / len(x))))[: int(seconds * sr)]
    x = x + 0.003 * np.random.default_rng(0).standard_normal(len(x)).astype(np.float32)
    ours = q.dnsmos_p835(x, sr)
    ref = dnsmos.run(np.clip(to_vad_rate(x, sr), -1.0, 1.0).astype(np.float32), q.DNSMOS_RATE)
    assert (ours.sig, ours.bak, ours.ovrl) == tuple(round(float(ref[k]), 3) for k in ("sig_mos", "bak_mos", "ovrl_mos"))


def test_clipping_in_a_resampled_source_is_still_found(tmp_path) -> None:
    """Resampling rounds flat tops off: a 48 kHz file with a third of its samples clipped measured
    0 after ``standardize`` took it to 24 kHz. The clipped stretches are found on the source
    samples, kept with the cut, and counted for the part of the recording each cut covers."""
    from lhotse import MonoCut, Recording

    from tests.audio_fixtures import write_audio
    from tsukasa.pipelines.base import StageContext, get_stage

    sr = 48000
    t = np.arange(2 * sr) / sr
    x = 0.3 * np.sin(2 * np.pi * 220 * t)
    x[sr:] = np.clip(2.5 * np.sin(2 * np.pi * 220 * t[sr:]), -1, 1)  # the second half clips
    path = write_audio(tmp_path / "clipped.wav", x, sr)
    rec = Recording.from_file(path, recording_id="clipped")
    cut = MonoCut(id="clipped", start=0, duration=rec.duration, channel=0, recording=rec)
    (std,) = get_stage("standardize")().process([cut], StageContext(work_dir=tmp_path)).kept
    assert q.clipping_ratio(std.load_audio()[0]) < 1e-3  # what the quality stage used to see
    assert std.custom["source_clipping"]["ratio"] == pytest.approx(q.clipping_ratio(x), abs=0.01)
    assert q.clipping_ratio(x) > 0.2
    assert any("source clipped" in d for d in std.custom["provenance"][-1]["decisions"])

    from lhotse import SupervisionSegment
    from lhotse.utils import fastcopy

    from tsukasa.corpus.schema import read_supervision_custom

    def part(offset: float) -> MonoCut:  # what segment makes: a cut over part of the recording
        sup = SupervisionSegment(id=f"u{offset}", recording_id="clipped", start=offset, duration=1.0, text="あー")
        return fastcopy(std, id=f"u{offset}", start=offset, duration=1.0, supervisions=[sup])

    stage = q.QualityStage(q.QualityConfig(dnsmos=False))
    kept = stage.process([part(0.0), part(1.0)], StageContext(work_dir=tmp_path)).kept
    clean, clipped = (read_supervision_custom(c.supervisions[0]).quality for c in kept)
    assert clean.clipping_ratio < 1e-3 and "clipping" not in [f.code for f in clean.flags]
    assert clipped.clipping_ratio == pytest.approx(2 * q.clipping_ratio(x), abs=0.02)
    assert "clipping" in [f.code for f in clipped.flags]


def test_clean_source_has_no_clipping_record(tmp_path) -> None:
    from lhotse import MonoCut, Recording

    from tests.audio_fixtures import tone, write_audio
    from tsukasa.pipelines.base import StageContext, get_stage

    path = write_audio(tmp_path / "clean.wav", tone(1.0, 48000, freq=110, amp=0.5), 48000)  # a wide crest
    rec = Recording.from_file(path, recording_id="clean")
    cut = MonoCut(id="clean", start=0, duration=rec.duration, channel=0, recording=rec)
    (std,) = get_stage("standardize")().process([cut], StageContext(work_dir=tmp_path)).kept
    assert "source_clipping" not in std.custom

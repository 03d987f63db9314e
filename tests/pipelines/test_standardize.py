"""standardize: input → expected examples, run through the stage on real files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from lhotse import MonoCut, Recording

from tests.audio_fixtures import tone, write_audio
from tsukasa.pipelines.base import Rejection, StageContext
from tsukasa.pipelines.standardize import Standardize, StandardizeConfig, integrated_loudness, to_mono


def _cut(path: Path) -> MonoCut:
    rec = Recording.from_file(path, recording_id=path.stem)
    return MonoCut(id=path.stem, start=0, duration=rec.duration, channel=0, recording=rec,
                   custom={"source_path": path.name})  # fmt: skip


def _stereo(left: float, right: float, sr: int = 44100) -> np.ndarray:
    x = tone(2.0, sr, freq=330, amp=1.0)
    return np.stack([left * x, right * x], axis=1)


# (name, signal maker → (array, sr), config, check on the standardised mono signal)
EXAMPLES = [
    ("stereo-44k1-to-24k-mix", lambda: (_stereo(0.2, 0.1), 44100), StandardizeConfig(loudness_lufs=None),
     lambda y, sr: sr == 24000 and np.abs(y).max() == pytest.approx(0.15, rel=0.02)),
    # a channel in opposite polarity (a mis-wired master): a plain mean was silence, then no_speech
    ("inverted-channel-flipped-before-mix", lambda: (_stereo(0.2, -0.1), 44100), StandardizeConfig(loudness_lufs=None),
     lambda y, sr: np.abs(y).max() == pytest.approx(0.15, rel=0.02)),
    ("louder-channel-kept", lambda: (_stereo(0.02, 0.3), 44100), StandardizeConfig(mono="louder", loudness_lufs=None),
     lambda y, sr: np.abs(y).max() == pytest.approx(0.3, rel=0.02)),
    ("48k-option", lambda: (tone(1.0, 16000), 16000), StandardizeConfig(sample_rate=48000, loudness_lufs=None),
     lambda y, sr: sr == 48000 and len(y) == 48000),
    ("dc-removed", lambda: (tone(2.0, 24000, amp=0.2) + 0.1, 24000), StandardizeConfig(loudness_lufs=None),
     lambda y, sr: abs(float(np.mean(y))) < 1e-3),
    ("loudness-to-target", lambda: (tone(3.0, 24000, amp=0.02), 24000), StandardizeConfig(loudness_lufs=-23.0),
     lambda y, sr: integrated_loudness(y, sr) == pytest.approx(-23.0, abs=0.3)),
    # quieter than BS.1770's -70 LUFS gate (peak -70 dBFS): was left as it was, now normalised too
    ("quiet-below-the-gate", lambda: (tone(3.0, 24000, amp=0.0003), 24000), StandardizeConfig(loudness_lufs=-23.0),
     lambda y, sr: integrated_loudness(y, sr) == pytest.approx(-23.0, abs=0.3)),
    ("peak-limited", lambda: (tone(3.0, 24000, amp=0.5) * np.r_[np.full(24000, 0.05), np.full(48000, 1.0)], 24000),
     StandardizeConfig(loudness_lufs=-10.0, peak_limit_dbfs=-3.0),
     lambda y, sr: 20 * np.log10(np.abs(y).max()) <= -3.0 + 0.05),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "config", "check"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_standardize_examples(tmp_path: Path, name: str, make, config: StandardizeConfig, check) -> None:
    x, sr = make()
    path = write_audio(tmp_path / f"{name}.flac", x, sr, subtype="PCM_24")
    stage = Standardize(config)
    result = stage.process([_cut(path)], StageContext(work_dir=tmp_path / "ds"))
    assert not result.rejected
    (cut,) = result.kept
    y, out_sr = sf.read(cut.recording.sources[0].source, dtype="float32")
    assert cut.recording.sampling_rate == out_sr == config.sample_rate
    assert cut.duration == pytest.approx(len(x) / sr, abs=1e-3)
    assert check(y, out_sr)
    assert cut.load_audio().shape == (1, len(y))
    prov = cut.custom["provenance"][-1]
    assert prov["stage"] == "standardize" and prov["fingerprint"] == stage.fingerprint() and prov["decisions"]
    assert cut.custom["source_path"] == path.name  # the raw source stays named


def test_missing_source_is_rejected_with_reason(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "gone.wav", tone(1.0, 16000), 16000)
    cut = _cut(path)
    path.unlink()
    result = Standardize().process([cut], StageContext(work_dir=tmp_path))
    assert [r.reason for r in result.rejected] == ["source_missing"]
    assert result.rejected[0].item["id"] == cut.id  # the whole cut is kept in rejected


def test_fingerprint_follows_config() -> None:
    assert Standardize().fingerprint() == Standardize(StandardizeConfig()).fingerprint()
    assert Standardize().fingerprint() != Standardize(StandardizeConfig(sample_rate=48000)).fingerprint()


def test_config_rejects_unknown_keys() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        StandardizeConfig(sample_rte=24000)
    assert isinstance(Rejection("x"), Rejection)


def test_mix_flips_only_a_channel_in_opposite_polarity() -> None:
    t = np.arange(24000) / 24000
    left, right = np.sin(2 * np.pi * 220 * t), 0.5 * np.sin(2 * np.pi * 347 * t)  # two unrelated sounds
    y, what = to_mono(np.stack([left, right]).astype(np.float32), "mix")
    np.testing.assert_allclose(y, (left + right) / 2, atol=1e-6)
    assert what == "mixed 2 channels"
    y, what = to_mono(np.stack([left, -0.8 * left, left]).astype(np.float32), "mix")
    np.testing.assert_allclose(y, (left + 0.8 * left + left) / 3, atol=1e-6)
    assert "polarity of channel 1 (correlation -1.00 with channel 0) inverted" in what
    silent_side = np.stack([left, np.zeros_like(left)]).astype(np.float32)  # one channel empty
    assert to_mono(silent_side, "mix")[1] == "mixed 2 channels"


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_wav_whose_data_chunk_declares_zero_bytes_is_read_as_ingest_counted_it(tmp_path: Path, subtype: str) -> None:
    """A streaming writer that never filled in the sizes (game rippers, live recorders): ingest
    counts the frames that follow the data chunk, libsndfile (and so lhotse) reads none, and the
    file was rejected decode_failed. It is read to its end now, exactly as libsndfile reads the
    same samples under a proper header."""
    import io
    import struct

    from tsukasa.corpus.audio import read_unsized_pcm_wav
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest

    x = np.stack([tone(1.0, 16000, amp=0.5), tone(1.0, 16000, freq=220, amp=0.3)], axis=1)
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="WAV", subtype=subtype)
    raw = bytearray(buf.getvalue())
    at = raw.find(b"data")
    raw[4:8] = struct.pack("<I", 0)
    raw[at + 4 : at + 8] = struct.pack("<I", 0)
    path = tmp_path / "raw" / "unsized.wav"
    path.parent.mkdir()
    path.write_bytes(raw)
    expected, _ = sf.read(io.BytesIO(buf.getvalue()), dtype="float32", always_2d=True)
    assert sf.info(path).frames == 0  # the case: libsndfile reads nothing
    got, sr = read_unsized_pcm_wav(path)
    assert sr == 16000 and got.shape == (2, 16000)
    np.testing.assert_array_equal(got, expected.T)
    (proper := tmp_path / "proper.wav").write_bytes(buf.getvalue())
    assert read_unsized_pcm_wav(proper) is None  # a sized file goes through libsndfile as before

    report = ingest(path.parent, Dataset.create("u", tmp_path / "ds"))
    assert report.recordings == 1 and not report.rejected
    (cut,) = Dataset.open("u", tmp_path / "ds").cuts()
    assert cut.recording.num_samples == 16000
    result = Standardize(StandardizeConfig(loudness_lufs=None)).process([cut], StageContext(work_dir=tmp_path / "w"))
    assert not result.rejected
    (out,) = result.kept
    assert out.duration == pytest.approx(1.0)
    assert "declares 0 bytes" in out.custom["provenance"][-1]["decisions"][0]


def test_a_codec_lhotse_reads_otherwise_is_decoded_as_ingest_did(tmp_path: Path) -> None:
    """WAV with NMS ADPCM (libsndfile ≥ 1.1): ingest probes and scans it with libsndfile and
    accepts it; lhotse's backends read another length and refused the cut at standardize
    (decode_failed, "please report this issue in Lhotse"). The stage now decodes such a file as
    ingest did, when that gives the declared length, and says so in its provenance."""
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest

    if not sf.check_format("WAV", "NMS_ADPCM_16"):
        pytest.skip("this libsndfile has no NMS ADPCM codec (added in libsndfile 1.1)")
    path = tmp_path / "raw" / "nms.wav"
    path.parent.mkdir()
    sf.write(path, tone(1.0, 16000, amp=0.5), 16000, format="WAV", subtype="NMS_ADPCM_16")
    report = ingest(path.parent, Dataset.create("n", tmp_path / "ds"))
    assert report.recordings == 1 and not report.rejected
    (cut,) = Dataset.open("n", tmp_path / "ds").cuts()
    result = Standardize(StandardizeConfig(loudness_lufs=None)).process([cut], StageContext(work_dir=tmp_path / "w"))
    assert not result.rejected, result.rejected
    (out,) = result.kept
    assert out.duration == pytest.approx(1.0)
    decoded = out.recording.load_audio()
    assert decoded.shape[-1] == out.recording.num_samples and np.abs(decoded).max() > 0.1  # the tone, not silence
    try:
        cut.recording.load_audio()
    except Exception:  # noqa: BLE001 - lhotse 1.x: AudioLoadingError; the case this test is about
        assert "decoded as ingest did" in out.custom["provenance"][-1]["decisions"][0]

"""Probe/decode through real decoders: every format, rate, depth and channel count we accept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.audio import AudioError, decode, ffmpeg_available, probe, scan_file

CASES = [
    ("wav", 44100, 2, {"subtype": "PCM_16"}),
    ("wav", 16000, 1, {"subtype": "PCM_24"}),
    ("wav", 22050, 1, {"subtype": "FLOAT"}),
    ("wav", 8000, 6, {"subtype": "PCM_U8"}),
    ("flac", 48000, 1, {"subtype": "PCM_24"}),
    ("flac", 96000, 2, {"subtype": "PCM_16"}),
    ("ogg", 44100, 2, {"format": "OGG", "subtype": "VORBIS"}),
    ("opus", 48000, 1, {"format": "OGG", "subtype": "OPUS"}),
    ("mp3", 44100, 1, {"format": "MP3"}),
]


@pytest.mark.parametrize(("ext", "sr", "channels", "kw"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}ch" for c in CASES])
def test_probe_and_decode_formats(tmp_path: Path, ext: str, sr: int, channels: int, kw: dict) -> None:
    path = write_audio(tmp_path / f"a.{ext}", tone(1.0, sr, channels=channels), sr, **kw)
    info = probe(path)
    assert (info.sample_rate, info.channels) == (sr, channels)
    assert info.duration == pytest.approx(1.0, abs=0.08)  # lossy codecs pad a little
    data, rate = decode(path)
    assert rate == sr and data.shape[0] == channels and data.dtype == np.float32
    rms = float(np.sqrt(np.mean(data[0, len(data[0]) // 4 : -len(data[0]) // 4] ** 2)))
    assert rms == pytest.approx(0.3 / np.sqrt(2), rel=0.1)  # the 0.3-amplitude tone came back
    scan = scan_file(path)
    assert scan.peak == pytest.approx(np.abs(data).max(), rel=0.02)


def test_bit_depth_is_reported(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "a.wav", tone(0.5, 16000), 16000, subtype="PCM_24")
    assert probe(path).bit_depth == 24


@pytest.mark.skipif(not ffmpeg_available(), reason="FFmpeg libraries not installed (make installs ffmpeg)")
def test_other_containers_go_through_ffmpeg(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("ffmpeg") is None:
        pytest.skip("the ffmpeg command is needed to create an m4a test file")
    wav = write_audio(tmp_path / "a.wav", tone(1.0, 44100), 44100)
    m4a = tmp_path / "a.m4a"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    info = probe(m4a)
    assert info.backend == "torchcodec" and info.sample_rate == 44100
    assert info.duration == pytest.approx(1.0, abs=0.1)
    data, sr = decode(m4a)
    assert 0.2 < np.abs(data).max() < 0.4


def test_unknown_container_without_decoder_names_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "a.m4a"
    path.write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(200))
    with pytest.raises(AudioError) as exc:
        scan_file(path)
    assert exc.value.reason in ("corrupt", "unsupported_format")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("just some notes, not audio"), "not_audio"),
        (lambda p: p.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt garbage"), "corrupt"),
    ],
    ids=["empty", "text", "broken-header"],
)
def test_bad_files_raise_with_reason(tmp_path: Path, make, reason: str) -> None:
    path = tmp_path / "bad.wav"
    make(path)
    with pytest.raises(AudioError) as exc:
        scan_file(path)
    assert exc.value.reason == reason


def test_truncated_files_are_detected(tmp_path: Path) -> None:
    for ext, kw in (("wav", {}), ("flac", {}), ("mp3", {"format": "MP3"})):
        full = write_audio(tmp_path / f"full.{ext}", tone(2.0, 44100), 44100, **kw)
        data = full.read_bytes()
        cut = tmp_path / f"cut.{ext}"
        cut.write_bytes(data[: len(data) // 2])
        with pytest.raises(AudioError) as exc:
            scan_file(cut)
        assert exc.value.reason == "truncated", ext


def test_nan_samples_are_found(tmp_path: Path) -> None:
    x = tone(1.0, 16000)
    x[8000] = np.inf
    path = write_audio(tmp_path / "nan.wav", x, 16000, subtype="FLOAT")
    with pytest.raises(AudioError, match=r"0\.500 s") as exc:
        scan_file(path, block_frames=1000)
    assert exc.value.reason == "non_finite"

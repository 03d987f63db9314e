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
    true_peak = float(np.abs(data).max())
    assert scan_file(path, mode="full").peak == pytest.approx(true_peak, rel=0.02)
    quick = scan_file(path)  # the peak of the samples it read: exact when it read them all
    if quick.coverage == "all":
        assert quick.peak == pytest.approx(true_peak, rel=0.02)
    else:
        assert 1e-3 <= quick.peak <= true_peak * 1.02


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


@pytest.mark.skipif(not ffmpeg_available(), reason="FFmpeg libraries not installed (make installs ffmpeg)")
def test_cri_adx_game_voice_is_ingested_through_ffmpeg(tmp_path: Path, dataset_root: Path) -> None:
    """CRIWARE ADX, as Japanese game dumps hold it (FFmpeg has an ADX encoder, so the test makes one)."""
    import shutil
    import subprocess

    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest

    if shutil.which("ffmpeg") is None:
        pytest.skip("the ffmpeg command is needed to create an ADX test file")
    wav = write_audio(tmp_path / "src.wav", tone(1.5, 44100), 44100)
    raw = tmp_path / "raw"
    raw.mkdir()
    adx = raw / "VO_001.adx"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(wav), "-c:a", "adpcm_adx", str(adx)], check=True)
    report = ingest(raw, Dataset.create("t", dataset_root))
    assert report.recordings == 1 and not report.rejected
    (cut,) = Dataset.open("t", dataset_root).cuts()
    assert cut.duration == pytest.approx(1.5, abs=0.05) and cut.recording.sampling_rate == 44100
    assert 0.2 < np.abs(cut.load_audio()).max() < 0.4


def _hca_header(cipher: int, *, masked: bool = False) -> bytes:
    """A CRI HCA header (chunk layout as the format has it): fmt, comp, ciph, pad."""
    chunks = [
        (b"fmt\x00", bytes([1]) + (44100).to_bytes(3, "big") + (4).to_bytes(4, "big") + bytes(4)),
        (b"comp", (0x0100).to_bytes(2, "big") + bytes(10)),
        (b"ciph", cipher.to_bytes(2, "big")),
        (b"pad\x00", b""),
    ]

    def name(n: bytes) -> bytes:
        return bytes(c | 0x80 if c else 0 for c in n) if masked else n

    body = b"".join(name(n) + payload for n, payload in chunks)
    size = 8 + len(body) + 2
    return name(b"HCA\x00") + (0x0200).to_bytes(2, "big") + size.to_bytes(2, "big") + body + b"\x00\x00"


@pytest.mark.parametrize("masked", [False, True], ids=["plain", "masked-header"])
def test_key_encrypted_hca_is_rejected_as_encrypted(tmp_path: Path, masked: bool) -> None:
    # FFmpeg would decode it into noise without the game's key: it must not pass as audio
    path = tmp_path / "VO_002.hca"
    path.write_bytes(_hca_header(56, masked=masked) + bytes(4 * 256))
    with pytest.raises(AudioError) as exc:
        scan_file(path)
    assert exc.value.reason == "encrypted" and "key" in exc.value.detail


def test_hca_without_a_key_is_not_called_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "VO_003.hca"
    path.write_bytes(_hca_header(0) + bytes(4 * 256))  # a header with empty blocks: no real audio in it
    try:
        scan_file(path)
    except AudioError as exc:
        assert exc.reason != "encrypted"


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


# --- quick mode: what ingest runs by default --------------------------------------------------


def _signal(kind: str, sr: int, channels: int, seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Speech-like test signals: tone+noise throughout, a late burst after silence, or near-silence."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    if kind == "loud":
        x = 0.3 * np.sin(2 * np.pi * 220 * np.arange(n) / sr) + 0.02 * rng.standard_normal(n)
    elif kind == "late_burst":  # silent for 2.8 s, then 0.2 s of sound: not a silent file
        x = np.zeros(n)
        x[-sr // 5 :] = 0.2 * rng.standard_normal(sr // 5)
    else:  # "hiss": noise 70 dB below full scale, a silent file by the -60 dBFS rule
        x = 10 ** (-70 / 20) * np.clip(rng.standard_normal(n), -3, 3) / 3
    x = x.astype(np.float32)
    if channels == 1:
        return x
    other = x[::-1].copy() if kind == "loud" else x * 0.5  # decorrelated channels: FLAC picks side coding
    return np.stack([x, other], axis=1)


QUICK_CASES = [
    ("wav", "PCM_16", 1), ("wav", "PCM_24", 2), ("wav", "PCM_32", 1), ("wav", "PCM_U8", 1),
    ("wav", "FLOAT", 2), ("wav", "DOUBLE", 1), ("flac", "PCM_16", 1), ("flac", "PCM_16", 2),
    ("flac", "PCM_24", 2), ("ogg", "VORBIS", 1),
]  # fmt: skip


@pytest.mark.parametrize(("ext", "subtype", "channels"), QUICK_CASES, ids=[f"{e}-{s}-{c}ch" for e, s, c in QUICK_CASES])
@pytest.mark.parametrize("kind", ["loud", "late_burst", "hiss"])
def test_quick_scan_agrees_with_a_full_decode(tmp_path: Path, ext: str, subtype: str, channels: int, kind: str) -> None:
    import soundfile as sf

    sr = 24000
    fmt = {"ogg": "OGG"}.get(ext)
    path = write_audio(tmp_path / f"a.{ext}", _signal(kind, sr, channels), sr, subtype=subtype, format=fmt)
    data, _ = sf.read(path, dtype="float64", always_2d=True)
    true_peak = float(np.abs(data).max())
    full, quick = scan_file(path, mode="full"), scan_file(path)
    info = sf.info(str(path))  # the header facts come from our own parsers for WAV/FLAC: they must match libsndfile
    for scan in (full, quick):
        assert (scan.info.format, scan.info.subtype, scan.info.sample_rate, scan.info.channels, scan.info.frames) == (
            info.format, info.subtype, info.samplerate, info.channels, info.frames)  # fmt: skip
        assert scan.content_hash == full.content_hash and scan.size == path.stat().st_size
    assert full.coverage == "all" and full.peak == pytest.approx(true_peak, rel=0.01, abs=1e-4)
    silent = true_peak < 1e-3
    assert (quick.peak < 1e-3) == silent  # the silence verdict never differs from a full decode
    if quick.coverage == "all":
        assert quick.peak == pytest.approx(true_peak, rel=0.01, abs=1e-4)
    else:
        assert not silent and 1e-3 <= quick.peak <= true_peak * 1.01 + 1e-4


def test_quick_scan_finds_truncated_flac_wherever_it_was_cut(tmp_path: Path) -> None:
    import soundfile as sf

    x = _signal("loud", 44100, 2, seconds=2.0)
    whole = write_audio(tmp_path / "whole.flac", x, 44100).read_bytes()
    assert scan_file(tmp_path / "whole.flac").info.frames == len(x)
    for keep in (0.2, 0.5, 0.9, 0.99, 0.999):
        cut = tmp_path / f"cut{keep}.flac"
        cut.write_bytes(whole[: int(len(whole) * keep)])
        with pytest.raises(AudioError) as exc:
            scan_file(cut)
        assert exc.value.reason == "truncated", keep
    cut = tmp_path / "last_bytes.flac"  # inside the final frame: only its CRC-16 tells
    cut.write_bytes(whole[:-5])
    with pytest.raises(AudioError) as exc:
        scan_file(cut)
    assert exc.value.reason == "truncated"
    tagged = tmp_path / "tagged.flac"  # trailing ID3v1 tag: not truncated, and libsndfile still reads it
    tagged.write_bytes(whole + b"TAG" + bytes(125))
    assert scan_file(tagged).info.frames == sf.info(str(tagged)).frames


def test_flac_crc16_matches_a_bitwise_reference() -> None:
    from tsukasa.corpus.audio import _flac_crc16

    def reference(data: bytes) -> int:
        crc = 0
        for byte in data:
            crc ^= byte << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        return crc

    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 63, 64, 65, 1000, 20000, 70000):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert _flac_crc16(data) == reference(data), n


def test_flac_crc8_matches_a_bitwise_reference() -> None:
    from tsukasa.corpus.audio import _crc8

    def reference(data: bytes) -> int:
        crc = 0
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        return crc

    rng = np.random.default_rng(2)
    for n in (0, 1, 5, 16, 300):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert _crc8(data) == reference(data), n


def test_quick_and_full_ingest_agree(tmp_path: Path) -> None:
    """Same recordings, same rejections with the same reasons, whichever verify mode runs."""
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import IngestConfig, ingest

    raw = tmp_path / "raw"
    for i, (kind, ext, subtype) in enumerate(
        [("loud", "wav", "PCM_16"), ("late_burst", "flac", "PCM_16"), ("hiss", "flac", "PCM_24"),
         ("hiss", "wav", "PCM_24"), ("loud", "flac", "PCM_24"), ("loud", "ogg", "VORBIS")]
    ):  # fmt: skip
        write_audio(raw / f"{i}.{ext}", _signal(kind, 24000, 1, seed=i), 24000, subtype=subtype)
    whole = (raw / "4.flac").read_bytes()
    (raw / "cut.flac").write_bytes(whole[: len(whole) // 2])
    results = {}
    for mode in ("quick", "full"):
        ds = Dataset.create(mode, tmp_path / "dm")
        ingest(raw, ds, config=IngestConfig(verify=mode))
        results[mode] = (sorted(c.id for c in ds.cuts()), sorted((r.path, r.reason) for r in ds.rejected()))
    assert results["quick"] == results["full"]
    assert sorted(reason for _, reason in results["quick"][1]) == ["silent", "silent", "truncated"]


def test_read_whole_reads_every_byte_whatever_the_measured_size_says(tmp_path: Path) -> None:
    """Ingest passes the size it measured to save a stat; a file that grew or shrank since (a dump
    still being copied) must still be read whole, never cut at the old size."""
    import os

    from tsukasa.corpus.audio import read_whole

    f = tmp_path / "line.wav"
    data = os.urandom(300_000)
    f.write_bytes(data)
    assert read_whole(str(f)) == data
    assert read_whole(str(f), size_hint=1000) == data  # grew since measured
    assert read_whole(str(f), size_hint=900_000) == data  # shrank since measured
    fd = os.open(f, os.O_RDONLY)
    assert read_whole(str(f), fd=fd, size_hint=len(data)) == data
    with pytest.raises(OSError):
        os.fstat(fd)  # the descriptor it was given is closed
    f.write_bytes(b"")
    assert read_whole(str(f)) == b""
    with pytest.raises(IsADirectoryError):
        read_whole(str(tmp_path))

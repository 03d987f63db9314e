"""The embedded sample: a small, deterministic "raw game voice dump" built offline.

Lines are synthesised with pyopenjtalk's bundled HTS voice; each "character" gets its own
speed and pitch. The dump mixes what real dumps mix: 44.1 kHz stereo WAV, 48 kHz FLAC,
Ogg Vorbis and MP3; some files hold two or three lines separated by pauses of 0.05–1.5 s;
a script TSV names most files (one line per file), names one multi-line scene on a row per
line, and lists the other scenes as a folder-level script; and a few files are deliberately
broken so the report shows what happens to bad input. A few lines carry non-verbal sounds for
the ``nonverbal`` stage to find (:data:`NONVERBAL_EXTRAS`): a breath-like burst of shaped
noise before the line, a laugh-like syllable train ("あははは", synthesised higher and faster)
before it, or a pause of 0.45 s inside it (the line synthesised in two halves).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_TITLE = "つかさの夏 (demo)"

# (character, pyopenjtalk speed, half-tone shift)
CHARACTERS: dict[str, tuple[float, float]] = {
    "sakura": (1.1, 3.0),
    "takeru": (0.95, -3.0),
    "yui": (1.0, 0.0),
}

# One line per file: (file stem, character, text, format)
SINGLE_LINES: list[tuple[str, str, str, str]] = [
    ("sakura_001", "sakura", "おはよう、たけるくん。今日もいい天気だね。", "wav"),
    ("sakura_002", "sakura", "ねえ、放課後に一緒に帰らない？", "wav"),
    ("sakura_003", "sakura", "ふふっ、それは秘密です。", "wav"),
    ("sakura_004", "sakura", "もう、遅刻しちゃうよ！", "ogg"),
    ("takeru_001", "takeru", "ああ、おはよう。昨日は三時間しか寝てないんだ。", "flac"),
    ("takeru_002", "takeru", "別にいいけど、どこに行くんだ？", "flac"),
    ("takeru_003", "takeru", "はぁ……仕方ないな。", "flac"),
    ("takeru_004", "takeru", "この問題、全然わからない。", "mp3"),
    ("yui_001", "yui", "二人とも、待ってください。", "ogg"),
    ("yui_002", "yui", "図書館で本を借りてきました。", "ogg"),
    ("yui_003", "yui", "先輩、これを読んでみてください。", "mp3"),
    ("yui_004", "yui", "明日の午後三時に駅前で会いましょう。", "mp3"),
]

# Several lines in one file: (file stem, [(character, text)], pauses between lines in seconds)
SCENES: list[tuple[str, list[tuple[str, str]], list[float]]] = [
    ("scene_01", [("sakura", "あれ、ゆいちゃんだ。"), ("yui", "こんにちは、さくら先輩。")], [0.6]),
    (
        "scene_02",
        [("takeru", "雨が降ってきたな。"), ("sakura", "傘、持ってる？"), ("takeru", "いや、忘れた。")],
        [0.12, 1.5],
    ),  # fmt: skip
    ("scene_03", [("yui", "それでは、また明日。"), ("sakura", "うん、またね！")], [0.05]),
]
# Scenes whose lines the script names against the file (one row per line, in order), as game
# scripts often do; the other scenes' lines are a folder-level script, matched by reading.
PER_FILE_SCENES = frozenset({"scene_02"})


# Non-verbal extras per file stem: "breath" (shaped noise burst + 0.12 s before the line),
# "laugh" ("あははは" + 0.3 s before the line), "pause:<text before>" (0.45 s pause after that text).
NONVERBAL_EXTRAS: dict[str, list[str]] = {
    "takeru_003": ["breath"],
    "sakura_003": ["laugh"],
    "yui_004": ["breath", "pause:明日の午後三時に"],
}


@dataclass
class SampleInfo:
    raw_dir: Path
    script: Path
    good_files: int
    bad_files: dict[str, str]  # file → the reason ingest should give


def _tts(text: str, character: str) -> tuple[np.ndarray, int]:
    import pyopenjtalk

    speed, half_tone = CHARACTERS[character]
    wav, sr = pyopenjtalk.tts(text, speed=speed, half_tone=half_tone)
    return (np.asarray(wav, dtype=np.float32) / 32768.0 * 0.8), int(sr)


def breath_burst(sr: int, seconds: float = 0.32, level: float = 0.02, seed: int = 0) -> np.ndarray:
    """A breath-like sound: band-passed (400–4000 Hz) noise under a rise-and-fall envelope."""
    from scipy.signal import butter, sosfilt

    n = int(seconds * sr)
    noise = np.random.default_rng(seed).standard_normal(n)
    band = sosfilt(butter(4, [400, min(4000, 0.45 * sr)], btype="band", fs=sr, output="sos"), noise)
    envelope = np.sin(np.pi * np.arange(n) / n) ** 1.5
    y = band * envelope
    return (level * y / (np.sqrt(np.mean(y**2)) + 1e-12)).astype(np.float32)


def _line_audio(stem: str, character: str, text: str) -> tuple[np.ndarray, int]:
    """The line's audio with its non-verbal extras (deterministic: fixed seeds)."""
    extras = NONVERBAL_EXTRAS.get(stem, [])
    pause = next((e.split(":", 1)[1] for e in extras if e.startswith("pause:")), None)
    if pause and text.startswith(pause):
        a, sr = _tts(pause, character)
        b, _ = _tts(text[len(pause) :], character)
        x = np.concatenate([a, np.zeros(int(0.45 * sr), dtype=np.float32), b])
    else:
        x, sr = _tts(text, character)
    head: list[np.ndarray] = []
    if "breath" in extras:
        silence = np.zeros(int(0.12 * sr), np.float32)
        head += [silence[: int(0.1 * sr)], breath_burst(sr, seed=len(stem)), silence]
    if "laugh" in extras:
        import pyopenjtalk

        speed, half_tone = CHARACTERS[character]
        laugh, _ = pyopenjtalk.tts("あははは", speed=speed * 1.2, half_tone=half_tone + 4.0)
        head += [np.asarray(laugh, dtype=np.float32) / 32768.0 * 0.6, np.zeros(int(0.3 * sr), np.float32)]
    return (np.concatenate([*head, x]) if head else x), sr


def _ogg_crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_OGG_CRC = _ogg_crc_table()


def fix_ogg_serial(path: Path, serial: int = 0x7473_6B61) -> None:
    """Give every page of an Ogg file the stream serial ``serial`` (CRCs recomputed), in place.

    libsndfile draws a random serial number for each Ogg stream it writes, so the sample's .ogg
    files had new bytes, and so new content hashes and recording ids, on every ``make demo``;
    with it fixed the same demo gives the same dataset, byte for byte."""
    data = bytearray(path.read_bytes())
    pos = 0
    while pos + 27 <= len(data) and data[pos : pos + 4] == b"OggS":
        n_segments = data[pos + 26]
        end = pos + 27 + n_segments + sum(data[pos + 27 : pos + 27 + n_segments])
        data[pos + 14 : pos + 18] = serial.to_bytes(4, "little")
        data[pos + 22 : pos + 26] = b"\0\0\0\0"
        crc = 0
        for byte in data[pos:end]:
            crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[(crc >> 24) ^ byte]
        data[pos + 22 : pos + 26] = crc.to_bytes(4, "little")
        pos = end
    if pos != len(data):
        raise ValueError(f"{path}: not a sequence of Ogg pages at byte {pos}")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(bytes(data))
    tmp.replace(path)


def _write(path: Path, x: np.ndarray, sr: int, fmt: str) -> None:
    """Write in the sample's mixed formats (resampled/duplicated to mimic real dumps)."""
    import soundfile as sf

    from tsukasa.corpus.audio import resample

    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "wav":  # 44.1 kHz stereo, slightly different channel gains
        y = resample(x, sr, 44100)
        sf.write(path, np.stack([y, 0.9 * y], axis=1), 44100, subtype="PCM_16")
    elif fmt == "flac":
        sf.write(path, x, sr, subtype="PCM_24")
    elif fmt == "ogg":
        sf.write(path, resample(x, sr, 44100), 44100, format="OGG", subtype="VORBIS")
        fix_ogg_serial(path)
    elif fmt == "mp3":
        sf.write(path, resample(x, sr, 44100), 44100, format="MP3")
    else:
        raise ValueError(fmt)


def build_sample(out_dir: str | Path) -> SampleInfo:
    """(Re)build the sample dump in ``out_dir``; deterministic for a given library version."""
    out = Path(out_dir)
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    rows = ["file\ttext\tline_id\tspeaker\ttitle"]
    for stem, character, text, fmt in SINGLE_LINES:
        x, sr = _line_audio(stem, character, text)
        rel = f"{character}/{stem}.{fmt}"
        _write(raw / rel, x, sr, fmt)
        rows.append(f"{rel}\t{text}\t{stem}\t{character}\t{SAMPLE_TITLE}")
    for stem, lines, pauses in SCENES:
        parts = []
        sr = 48000
        for i, (character, text) in enumerate(lines):
            x, sr = _tts(text, character)
            parts.append(x)
            if i < len(pauses):
                parts.append(np.zeros(int(pauses[i] * sr), dtype=np.float32))
            named = f"scenes/{stem}.flac" if stem in PER_FILE_SCENES else ""
            rows.append(f"{named}\t{text}\t{stem}_{i + 1}\t{character}\t{SAMPLE_TITLE}")
        _write(raw / "scenes" / f"{stem}.flac", np.concatenate(parts), sr, "flac")
    good = len(SINGLE_LINES) + len(SCENES)
    bad = _write_bad_files(raw)
    script = out / "script.tsv"
    script.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return SampleInfo(raw_dir=raw, script=script, good_files=good, bad_files=bad)


def _write_bad_files(raw: Path) -> dict[str, str]:
    import soundfile as sf

    bad = raw / "broken"
    bad.mkdir()
    rng = np.random.default_rng(7)
    (bad / "empty.wav").write_bytes(b"")
    (bad / "corrupt.flac").write_bytes(b"fLaC" + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes())
    (bad / "readme_not_audio.wav").write_text("this is a text file with a .wav name\n", encoding="utf-8")
    tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(24000) / 24000)).astype(np.float32)
    sf.write(bad / "full.wav", tone, 24000, subtype="PCM_16")
    data = (bad / "full.wav").read_bytes()
    (bad / "truncated.wav").write_bytes(data[: len(data) // 2])
    (bad / "full.wav").unlink()
    sf.write(bad / "silent.wav", np.zeros(24000, dtype=np.float32), 24000, subtype="PCM_16")
    sf.write(bad / "click.wav", tone[:1200], 24000, subtype="PCM_16")
    nan = tone.copy()
    nan[5000] = np.nan
    sf.write(bad / "nan.wav", nan, 24000, subtype="FLOAT")
    shutil.copyfile(raw / "yui" / "yui_002.ogg", bad / "yui_002_copy.ogg")
    return {
        "broken/empty.wav": "empty",
        "broken/corrupt.flac": "corrupt",
        "broken/readme_not_audio.wav": "not_audio",
        "broken/truncated.wav": "truncated",
        "broken/silent.wav": "silent",
        "broken/click.wav": "too_short",
        "broken/nan.wav": "non_finite",
        "broken/yui_002_copy.ogg": "duplicate",
    }


def demo_dir() -> Path:
    return Path(os.environ.get("TSUKASA_DEMO_DIR", "demo_raw"))

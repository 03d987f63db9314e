"""Tiny real audio for tests, written on the fly (no committed binaries)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def tone(seconds: float = 1.0, sr: int = 24000, freq: float = 220.0, amp: float = 0.3, channels: int = 1) -> np.ndarray:
    """A sine (``(samples,)`` or ``(samples, channels)``) — real signal for real decoders."""
    t = np.arange(int(seconds * sr)) / sr
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return x if channels == 1 else np.stack([x * (1 - 0.1 * c) for c in range(channels)], axis=1)


def write_audio(path: Path, x: np.ndarray, sr: int, **kwargs) -> Path:
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, x, sr, **kwargs)
    return path


def shared_data_dir() -> Path:
    """The development data folder: $TSUKASA_SHARED_DATA, else ``shared/data`` beside the checkout."""
    import os

    env = os.environ.get("TSUKASA_SHARED_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[1]
    for candidate in (repo.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "data"


SHARED_DATA = shared_data_dir()

"""Per-cut targets computed once, at Shar export, instead of in every training batch.

F0 tracking (``features.track_f0``, YIN in torch) is most of the cost of building a batch, and its
result depends only on the audio and the audio config — the same every epoch. StyleTTS 2 also
precomputes F0. :class:`F0Extractor` is the function ``tsukasa.corpus.shar.export_shar`` calls per
cut (``extra_fields={"f0": ArrayField(f0, meta=f0.meta)}``); ``TtsDataset`` uses the stored array
when its ``meta`` equals :func:`f0_meta` of the training config and its length is the cut's frame
count, and tracks F0 on the fly otherwise. Both paths load the audio with :func:`load_wav`, so the
stored F0 is the one the dataset would have computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tsukasa.modeling.config import AudioConfig
from tsukasa.modeling.features import track_f0

# Bump when track_f0's algorithm changes: stored F0 made by an older tracker is then not trusted.
F0_METHOD = "yin-torch-1"
F0_THRESHOLD = 0.2
F0_SILENCE_DB = -50.0


def load_wav(cut: Any, sample_rate: int) -> torch.Tensor:
    """A cut's audio as a mono float32 tensor (S,) at ``sample_rate``: resampled by Lhotse, channels mixed."""
    if cut.sampling_rate != sample_rate:
        cut = cut.resample(sample_rate)
    audio = cut.load_audio()
    # Lhotse hands back a transposed (channels, n) view; a mean over a single channel of that layout
    # costs more than decoding it, so a mono cut is just made contiguous.
    wav = audio[0] if audio.shape[0] == 1 else audio.mean(axis=0)
    return torch.from_numpy(np.ascontiguousarray(wav, dtype=np.float32))


def f0_meta(audio: AudioConfig) -> dict[str, Any]:
    """Everything the F0 frames depend on; stored beside the array and compared before it is used."""
    return {
        "method": F0_METHOD,
        "sample_rate": audio.sample_rate,
        "hop_length": audio.hop_length,
        "frame_shift": audio.hop_length / audio.sample_rate,
        "f0_min": float(audio.f0_min),
        "f0_max": float(audio.f0_max),
        "threshold": F0_THRESHOLD,
        "silence_db": F0_SILENCE_DB,
    }


class F0Extractor:
    """``cut -> float32 F0 (n // hop + 1,)`` in Hz (0 = unvoiced), exactly as ``TtsDataset`` tracks it."""

    def __init__(self, audio: AudioConfig):
        self.audio = audio
        self.meta = f0_meta(audio)

    def __call__(self, cut: Any) -> np.ndarray:
        wav = load_wav(cut, self.audio.sample_rate)
        f0 = track_f0(wav, self.audio, threshold=F0_THRESHOLD, silence_db=F0_SILENCE_DB)
        return f0.numpy().astype(np.float32)

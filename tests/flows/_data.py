"""A small ingested dataset of noise files: enough for flow tests that check caching, not audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.audio_fixtures import write_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest


def noise_dataset(tmp_path: Path, files: int, seed: int, *, samples: int = 12000) -> Dataset:
    """Dataset ``d`` under ``tmp_path/dm``, ingested from ``files`` 8 kHz noise WAVs in ``tmp_path/raw``."""
    raw = tmp_path / "raw"
    rng = np.random.default_rng(seed)
    for i in range(files):
        write_audio(raw / f"l{i}.wav", (0.1 * rng.standard_normal(samples)).astype(np.float32), 8000)
    ds = Dataset.create("d", tmp_path / "dm")
    ingest(raw, ds)
    return ds

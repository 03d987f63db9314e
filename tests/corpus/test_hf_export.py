"""Hugging Face export: written to disk / parquet and loaded back offline with the same audio and fields."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.corpus.processed import build_processed
from tsukasa.corpus.hf import export_hf, load_hf
from tsukasa.corpus.splits import split_dataset
from tsukasa.errors import DatasetError


@pytest.mark.parametrize("fmt", ["disk", "parquet"])
def test_export_loads_back_offline(
    tmp_path: Path, dataset_root: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    ds = build_processed(dataset_root, tmp_path, n=6)
    split_dataset(ds, by="speaker", ratios=(0.5, 0.25, 0.25))
    result = export_hf(ds, tmp_path / "hf", format=fmt)
    assert result.rows == 6
    data = load_hf(tmp_path / "hf", cache_dir=tmp_path / "hf_cache")
    assert len(data) == 6
    assert {"audio", "text", "kana", "phonemes", "speaker", "nonverbal", "quality", "split"} <= set(data.column_names)
    source = {c.id: c for c in ds.cuts()}
    for row in data:
        cut = source[row["id"]]
        sup, custom = cut.supervisions[0], cut.supervisions[0].custom
        audio, sr = sf.read(io.BytesIO(row["audio"]["bytes"]), dtype="float32")
        assert sr == row["sampling_rate"] == cut.sampling_rate
        assert np.array_equal(audio, cut.load_audio()[0])  # 16-bit standardised audio, lossless FLAC
        assert row["text"] == sup.text and row["speaker"] == sup.speaker and row["kana"] == custom["kana"]
        assert row["phonemes"] == custom["phonemes"] and row["prosody"] == custom["prosody"]
        assert json.loads(row["quality"]) == custom["quality"]
        assert row["split"] == cut.custom["split"] and row["title"] == custom["source"]["title"]
        assert [(e["kind"], e["source"]) for e in row["nonverbal"]] == [
            (e["kind"], e["source"]) for e in custom.get("nonverbal", [])
        ]
    assert any(row["nonverbal"] for row in data)


def test_split_export_and_refusals(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path, n=6)
    with pytest.raises(DatasetError, match="tsukasa dataset split"):
        export_hf(ds, tmp_path / "hf", split="train")
    split_dataset(ds, by="speaker", ratios=(0.5, 0.25, 0.25))
    test_ids = sorted(c.id for c in ds.cuts() if c.custom["split"] == "test")
    result = export_hf(ds, tmp_path / "hf", split="test", format="disk")
    assert sorted(load_hf(result.out)["id"]) == test_ids
    with pytest.raises(DatasetError, match="already holds files"):
        export_hf(ds, tmp_path / "hf")
    with pytest.raises(DatasetError, match="not a Tsukasa Hugging Face export"):
        load_hf(tmp_path)

"""Precomputed F0 in the Shar export: stored losslessly, used by TtsDataset only when it fits the config."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import torch
from lhotse import CutSet

from tests.corpus.processed import build_processed
from tsukasa.corpus.shar import ArrayField, export_shar, read_shar
from tsukasa.errors import ConfigError, DatasetError
from tsukasa.modeling.config import load_config
from tsukasa.modeling.data import TtsDataset, speaker_index
from tsukasa.modeling.prepare import F0Extractor

CFG = load_config("tiny")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - (Dataset, Shar CutSet, report)
    tmp = tmp_path_factory.mktemp("f0")
    ds = build_processed(tmp / "data_manifests", tmp, n=5)
    f0 = F0Extractor(CFG.audio)
    report = export_shar(ds, tmp / "shar", shard_size=3, extra_fields={"f0": ArrayField(f0, meta=f0.meta)})
    return ds, CutSet.from_cuts(read_shar(tmp / "shar")), report


def test_f0_round_trips_exactly(exported) -> None:  # noqa: ANN001
    ds, shar, report = exported
    assert report.arrays == ("f0",) and len(report.files["f0"]) == len(report.files["cuts"]) == 2
    assert "+ f0" in report.summary()
    f0 = F0Extractor(CFG.audio)
    source = {c.id: c for c in ds.cuts()}
    assert sorted(shar.ids) == sorted(source)
    hop = CFG.audio.hop_length
    for cut in shar:
        stored = cut.load_custom("f0")
        assert stored.dtype == np.float32 and stored.shape == (cut.num_samples // hop + 1,)
        assert np.array_equal(stored, f0(source[cut.id])), cut.id  # recomputed from the dataset's own FLAC
        assert (stored > 0).mean() > 0.3  # real speech: mostly voiced
        assert cut.custom["f0_meta"] == f0.meta


def test_batches_with_stored_f0_equal_batches_tracked_on_the_fly(exported) -> None:  # noqa: ANN001
    ds, shar, _ = exported
    speakers = speaker_index(ds.cuts())
    stored, tracked = TtsDataset(CFG, speakers), TtsDataset(CFG, speakers, use_stored_f0=False)
    a, b = stored[shar], tracked[shar]
    assert stored.f0_sources == {"stored": len(shar), "tracked": 0}
    assert tracked.f0_sources == {"stored": 0, "tracked": len(shar)}
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "f0":
            torch.testing.assert_close(x, y, atol=1e-3, rtol=1e-5)  # batched vs per-cut FFT rounding
        elif isinstance(x, torch.Tensor):
            assert torch.equal(x, y), f.name
        else:
            assert x == y
    assert (a.f0 > 0).float().mean() > 0.3


def test_stored_f0_for_another_config_is_tracked_instead(exported) -> None:  # noqa: ANN001
    ds, shar, _ = exported
    other = CFG.model_copy(update={"audio": CFG.audio.model_copy(update={"f0_max": 600.0})})
    dataset = TtsDataset(other)
    with pytest.warns(UserWarning, match="stored F0 was made with"):
        batch = dataset[shar]
    assert dataset.f0_sources == {"stored": 0, "tracked": len(shar)}
    assert float(batch.f0.max()) <= 600.0


def test_stored_f0_of_the_wrong_length_is_not_used(exported) -> None:  # noqa: ANN001
    _, shar, _ = exported
    cut = shar[0]
    short = cut.attach_tensor("f0", cut.load_custom("f0")[:-1])  # meta still matches, frames do not
    dataset = TtsDataset(CFG)
    with pytest.warns(UserWarning, match="frames"):
        dataset[CutSet.from_cuts([short])]
    assert dataset.f0_sources == {"stored": 0, "tracked": 1}


def test_bad_extra_fields_are_named_errors(exported, tmp_path: Path) -> None:  # noqa: ANN001
    ds, _, _ = exported
    for name in ("recording", "split", "f0_meta", "no-dash"):  # Shar's own, a Cut method, our meta key, not a name
        with pytest.raises(ConfigError, match="extra field name"):
            export_shar(ds, tmp_path / "a", extra_fields={name: F0Extractor(CFG.audio)})
    with pytest.raises(DatasetError, match="numeric"):
        export_shar(ds, tmp_path / "b", extra_fields={"notes": lambda cut: np.array(["x"])})
    with pytest.raises(DatasetError, match="already has a custom field 'source_path'"):
        export_shar(ds, tmp_path / "c", extra_fields={"source_path": lambda cut: np.zeros(3)})
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()

"""The filter stage moves failing cuts to rejected with the reason code and the measured value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pipelines.test_nonverbal import make_cut
from tsukasa.corpus.schema import DnsmosScores, QualityFlag, QualityInfo, SupervisionCustom
from tsukasa.pipelines.base import StageContext, get_stage
from tsukasa.pipelines.filters import FilterConfig


def _cut(tmp: Path, name: str, quality: QualityInfo):
    d = tmp / name
    d.mkdir()
    x = (0.1 * np.sin(2 * np.pi * 220 * np.arange(12000) / 24000)).astype(np.float32)
    cut = make_cut(d, x, "テスト", custom=SupervisionCustom(quality=quality).to_custom())
    return cut.with_id(name) if hasattr(cut, "with_id") else cut


def test_failing_cuts_are_rejected_with_reason_and_value(tmp_path: Path) -> None:
    good = _cut(tmp_path, "good", QualityInfo(duration=0.5, snr_db=30.0, clipping_ratio=0.0))
    noisy = _cut(tmp_path, "noisy", QualityInfo(duration=0.5, snr_db=4.2, clipping_ratio=0.0))
    clipped = _cut(tmp_path, "clipped", QualityInfo(duration=0.5, snr_db=3.0, clipping_ratio=0.05))
    config = FilterConfig(min_snr_db=10.0, max_clipping_ratio=0.01)
    out = get_stage("filter")(config).process([good, noisy, clipped], StageContext(work_dir=tmp_path))
    assert [c.supervisions[0].custom["provenance"][-1]["stage"] for c in out.kept] == ["filter"]
    by_reason = {r.reason: r for r in out.rejected}
    assert set(by_reason) == {"low_snr", "clipping"}
    assert by_reason["low_snr"].value == pytest.approx(4.2) and by_reason["low_snr"].stage == "filter"
    # clipping is checked first; the detail names every failed check
    assert by_reason["clipping"].value == pytest.approx(0.05)
    assert "low_snr" in by_reason["clipping"].detail
    assert by_reason["clipping"].item is not None  # the whole cut is kept in rejected


def test_missing_measurements_and_flags(tmp_path: Path) -> None:
    bare = _cut(tmp_path, "bare", QualityInfo(duration=1.0))
    music = _cut(
        tmp_path,
        "music",
        QualityInfo(
            duration=1.0,
            dnsmos=DnsmosScores(sig=3.5, bak=1.4, ovrl=2.0),
            music_prob=0.9,
            flags=[QualityFlag(code="background_music", value=0.9)],
        ),
    )
    ctx = StageContext(work_dir=tmp_path)
    lenient = get_stage("filter")(FilterConfig(min_snr_db=10.0)).process([bare], ctx)
    assert len(lenient.kept) == 1  # no measurement is no failure by default
    strict = get_stage("filter")(FilterConfig(min_snr_db=10.0, on_missing="reject")).process([bare], ctx)
    assert strict.rejected[0].reason == "missing_snr_db"
    out = get_stage("filter")(FilterConfig(min_dnsmos_bak=2.0, reject_flags=["background_music"])).process([music], ctx)
    assert out.rejected[0].reason == "low_dnsmos_bak" and out.rejected[0].value == pytest.approx(1.4)
    assert "background_music" in out.rejected[0].detail


def test_recipe_config_rejects_unknown_threshold() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        FilterConfig(min_snr=10.0)

"""The dataset report: self-contained HTML + JSON, rendered in headless Chromium without console errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.corpus.processed import build_processed
from tsukasa.corpus.report import write_report
from tsukasa.corpus.splits import split_dataset


def test_report_numbers_and_plots(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path)
    split_dataset(ds, by="speaker")
    paths = write_report(ds)
    assert paths.html == ds.report_dir / "report.html"
    summary = json.loads(paths.json.read_text(encoding="utf-8"))
    assert summary["version"] == 3 and summary["cuts"] == 10 and summary["speakers"] == 5
    assert set(summary["hours_by_split"]) == {"train", "valid", "test"}
    assert set(summary["hours_by_title"]) == {"夏の章", "冬の章", "春の章"}
    assert summary["hours"] == pytest.approx(ds.version(3).counts.duration_s / 3600, abs=1e-3)
    for key in ("snr_db", "loudness_lufs", "cer", "speech_rate"):
        assert summary[key]["measured"] == 10, key
    assert 3 < summary["speech_rate"]["median"] < 12  # morae per second of real speech
    assert summary["nonverbal_counts"] == {"breath": 3}
    empty = {"reason": "empty", "count": 1, "stages": ["ingest"], "examples": ["broken__empty.wav"]}
    assert summary["rejections"] == [empty]
    page = paths.html.read_text(encoding="utf-8")
    # 3 hours bars + 5 histograms + non-verbal + rejections, all inline; nothing fetched from anywhere
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 10
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "not measured yet" not in page.split("<table>")[-1]


def test_unmeasured_fields_say_so(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path, n=3)
    paths = write_report(ds, version=1, out_dir=tmp_path / "v1report")  # ingest only: nothing measured
    summary = paths.summary
    assert summary["snr_db"] == {"measured": 0, "note": "not measured yet"} and summary["cer"]["measured"] == 0
    page = paths.html.read_text(encoding="utf-8")
    assert "SNR: not measured yet" in page and "ASR vs script CER: not measured yet" in page


def test_report_renders_in_headless_chromium(tmp_path: Path, dataset_root: Path, browser) -> None:
    ds = build_processed(dataset_root, tmp_path, n=6)
    paths = write_report(ds)
    errors: list[str] = []
    page = browser.new_page()
    try:
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
        page.goto(paths.html.resolve().as_uri(), wait_until="load")
        assert page.title() == f"{ds.name} v2 report"
        sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        heading = page.inner_text("h1")
    finally:
        page.close()
    assert errors == []
    assert len(sizes) >= 8 and all(done and width > 100 for done, width in sizes), sizes
    assert heading == f"Dataset report: {ds.name} v2"

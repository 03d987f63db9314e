"""A small real processed dataset for the dataset-tooling tests (diff, splits, Shar, HF, report).

Kokoro-spoken JSUT sentences (5 voices, /work/shared/data/kokoro_dev) with a script naming every
file, plus one broken file, go through the real ``ingest`` → ``standardize`` → ``phonemize``.
Then the measurements a quality/ASR stage would store are computed on the standardised audio
(loudness with pyloudnorm, a frame-energy SNR estimate) and the reading is scored against the
gold kana (labelled as such, model ``gold-kana``), so the report has real numbers to plot.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.corpus.schema import (
    AsrInfo,
    NonverbalEvent,
    QualityInfo,
    ReviewInfo,
    read_supervision_custom,
    with_supervision_custom,
)
from tsukasa.pipelines.base import StageContext, get_stage

DATA = Path(os.environ.get("TSUKASA_SHARED_DATA", "/work/shared/data"))
TITLES = ("夏の章", "冬の章", "春の章")


def kokoro_rows(n: int) -> list[dict[str, str]]:
    manifest = DATA / "kokoro_dev" / "manifest.tsv"
    if not manifest.is_file():
        pytest.skip(f"shared dev data not found at {manifest.parent}")
    with manifest.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))[:n]


def snr_estimate(x: np.ndarray, sr: int) -> float:
    """Loud frames vs quiet frames (95th / 10th percentile of 20 ms frame energy), in dB."""
    hop = sr // 50
    frames = x[: len(x) // hop * hop].reshape(-1, hop)
    energy = np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-10
    return float(10 * np.log10(np.percentile(energy, 95) / np.percentile(energy, 10)))


def build_processed(root: Path, raw_parent: Path, name: str = "tiny", n: int = 10) -> Dataset:
    """Ingest ``n`` kokoro files (+1 broken) into ``root/name`` and run the real stages; returns the dataset."""
    from lhotse.utils import fastcopy

    from tsukasa.pipelines.asr.kana import cer
    from tsukasa.pipelines.standardize import integrated_loudness

    rows = kokoro_rows(n)
    raw = raw_parent / f"raw-{name}"
    lines = ["file\ttext\tline_id\tspeaker\ttitle"]
    gold = {}
    for i, r in enumerate(rows):
        rel = f"{r['voice']}/{r['file']}"
        (raw / r["voice"]).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / "kokoro_dev" / r["file"], raw / rel)
        lines.append(f"{rel}\t{r['text']}\t{r['id']}\t{r['voice']}\t{TITLES[i % len(TITLES)]}")
        gold[rel] = r["kana"]
    (raw / "broken").mkdir(parents=True, exist_ok=True)
    (raw / "broken" / "empty.wav").write_bytes(b"")
    script = raw_parent / f"script-{name}.tsv"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")

    ds = Dataset.create(name, root, licence="test")
    ingest(raw, ds, script=script)
    ctx = StageContext(work_dir=ds.path)
    cuts = list(ds.cuts())
    rejected = list(ds.rejected())
    for stage in ("standardize", "phonemize"):
        result = get_stage(stage)().process(cuts, ctx)
        cuts, rejected = list(result.kept), rejected + list(result.rejected)
    measured = []
    for i, cut in enumerate(cuts):
        x = cut.load_audio()[0]
        sup = cut.supervisions[0]
        custom = read_supervision_custom(sup)
        reading = gold[custom.source.path]
        update = {
            "quality": QualityInfo(
                duration=cut.duration,
                snr_db=round(snr_estimate(x, cut.sampling_rate), 2),
                loudness_lufs=round(integrated_loudness(x, cut.sampling_rate), 2),
            ),
            "asr": AsrInfo(model="gold-kana", kana=reading, cer=round(cer(reading, custom.kana or ""), 4)),
        }
        if i % 4 == 0:
            update["nonverbal"] = [NonverbalEvent(start=0.0, end=0.2, kind="breath", source="human")]
        if i == 1:
            update["review"] = ReviewInfo(status="accepted", reviewer="tester", version=1)
        new_sup = with_supervision_custom(sup, custom.model_copy(update=update))
        measured.append(fastcopy(cut, supervisions=[new_sup]))
    ds.write_version(measured, rejected, kind="run", description="standardize + phonemize + measurements")
    return ds

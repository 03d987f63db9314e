"""Real speech for the modeling tests: Kokoro-spoken JSUT sentences with their gold phonemes.

The FLACs (24 kHz) and the JSUT phoneme column come from /work/shared/data (see its README); the
cuts are cropped to short utterances so tiny models train in seconds on 2 cores.
"""

from __future__ import annotations

import csv

import pytest
from lhotse import CutSet, MonoCut, Recording, SupervisionSegment

from tests.audio_fixtures import SHARED_DATA

DATA = SHARED_DATA


def kokoro_cuts(n: int = 6, max_duration: float = 2.0) -> CutSet:
    """The first n kokoro_dev files as cuts with phonemes; audio cut to at most max_duration s.

    Phonemes are cropped in proportion to the kept duration (enough for alignment to be learnable
    on a crop: the tests need real speech with plausible symbol counts, not exact transcripts).
    """
    root = DATA / "kokoro_dev"
    if not (root / "manifest.tsv").is_file():
        pytest.skip(f"shared dev data not found at {root}")
    with (DATA / "jsut_basic5000_dev.tsv").open(encoding="utf-8") as f:
        phonemes = {r["id"]: r["phonemes"].split() for r in csv.DictReader(f, delimiter="\t")}
    with (root / "manifest.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))[:n]
    cuts = []
    for r in rows:
        rec = Recording.from_file(root / r["file"], recording_id=r["id"] + "_" + r["voice"])
        dur = min(max_duration, rec.duration)
        ph = phonemes[r["id"]]
        ph = ph[: max(4, int(len(ph) * dur / rec.duration))]
        sup = SupervisionSegment(
            id=rec.id,
            recording_id=rec.id,
            start=0.0,
            duration=dur,
            text=r["text"],
            speaker=r["voice"],
            language="ja",
            custom={"phonemes": ph},
        )
        cuts.append(MonoCut(id=rec.id, start=0.0, duration=dur, channel=0, recording=rec, supervisions=[sup]))
    return CutSet.from_cuts(cuts)


@pytest.fixture(scope="session")
def cuts() -> CutSet:
    return kokoro_cuts()

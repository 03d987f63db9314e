"""Hugging Face ``datasets`` export: one row per utterance, loadable offline.

Columns: ``id``, ``audio`` (the cut's standardised audio as FLAC bytes, ``Audio(decode=False)``
so loading needs neither FFmpeg nor torchcodec: decode the bytes with soundfile), ``sampling_rate``,
``duration``, ``text``, ``kana``, ``phonemes`` (list of str), ``prosody``, ``romaji``, ``speaker``,
``title``, ``split``, ``nonverbal`` (list of structs) and ``quality`` (JSON text: its nested,
optional fields would otherwise force a brittle Arrow schema; ``json.loads`` gives the
``custom.quality`` dict back exactly).

``format="disk"`` writes ``save_to_disk`` (reload with ``datasets.load_from_disk``);
``format="parquet"`` writes ``data.parquet`` (reload with
``datasets.load_dataset("parquet", data_files=...)`` or pandas).
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tsukasa.corpus.audio import require_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.splits import filter_split
from tsukasa.errors import ConfigError, DatasetError, TsukasaError

HfFormat = Literal["disk", "parquet"]


def hf_features():  # noqa: ANN201 - datasets.Features
    from datasets import Audio, Features, List, Value

    event = {
        "start": Value("float32"),
        "end": Value("float32"),
        "kind": Value("string"),
        "source": Value("string"),
        "confidence": Value("float32"),
        "label": Value("string"),
    }
    return Features(
        {
            "id": Value("string"),
            "audio": Audio(decode=False),
            "sampling_rate": Value("int32"),
            "duration": Value("float32"),
            "text": Value("string"),
            "kana": Value("string"),
            "phonemes": List(Value("string")),
            "prosody": Value("string"),
            "romaji": Value("string"),
            "speaker": Value("string"),
            "title": Value("string"),
            "split": Value("string"),
            "nonverbal": List(event),
            "quality": Value("string"),
        }
    )


def _flac_bytes(cut: Any) -> bytes:
    import soundfile as sf

    require_audio(cut)
    buf = io.BytesIO()
    sf.write(buf, cut.load_audio()[0], cut.sampling_rate, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


def cut_rows(cuts: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """One row per supervision; the audio is the supervision's span of the cut."""
    for cut in cuts:
        for sup in cut.supervisions:
            piece = cut if len(cut.supervisions) == 1 else cut.truncate(offset=sup.start, duration=sup.duration)
            custom = sup.custom or {}
            quality = custom.get("quality")
            yield {
                "id": sup.id,
                "audio": {"bytes": _flac_bytes(piece), "path": f"{sup.id}.flac"},
                "sampling_rate": int(piece.sampling_rate),
                "duration": float(piece.duration),
                "text": sup.text or "",
                "kana": custom.get("kana"),
                "phonemes": custom.get("phonemes") or [],
                "prosody": custom.get("prosody"),
                "romaji": custom.get("romaji"),
                "speaker": sup.speaker,
                "title": (custom.get("source") or {}).get("title"),
                "split": (cut.custom or {}).get("split"),
                "nonverbal": [
                    {k: e.get(k) for k in ("start", "end", "kind", "source", "confidence", "label")}
                    for e in custom.get("nonverbal") or []
                ],
                "quality": json.dumps(quality, ensure_ascii=False, sort_keys=True) if quality is not None else None,
            }


def _rows_from_manifest(manifest: str, split: str | None) -> Iterator[dict[str, Any]]:
    # Takes the manifest *path* (not a CutSet) so `datasets` can fingerprint the generator's arguments.
    from tsukasa.corpus.manifests import read_cuts

    cuts: Iterable[Any] = read_cuts(manifest)
    if split is not None:
        cuts = filter_split(cuts, split)
    yield from cut_rows(cuts)


@dataclass
class HfExport:
    out: Path
    rows: int
    format: str

    def summary(self) -> str:
        return f"{self.rows} rows → {self.out} ({self.format})"


def export_hf(
    ds: Dataset,
    out: str | Path | None = None,
    *,
    version: int | None = None,
    split: str | None = None,
    format: HfFormat = "disk",  # noqa: A002 - the CLI option's name
    overwrite: bool = False,
) -> HfExport:
    """Write a version (default current) of ``ds`` as a Hugging Face dataset at ``out`` (default ``<dataset>/hf``)."""
    import datasets

    if format not in ("disk", "parquet"):
        raise ConfigError(f"format must be 'disk' or 'parquet', got {format!r}")
    number = version if version is not None else ds.current_version
    if number is None:
        raise DatasetError(f"dataset {ds.name!r} has no version yet (run `tsukasa ingest`)")
    ds.require_playable(number)
    manifest = str(ds.version_dir(number) / "cuts.jsonl.gz")
    # Fail here with our message, not wrapped inside the datasets builder: an unknown split, a
    # missing audio file, or no rows at all (`datasets` raised "Instruction 'train' corresponds to
    # no data" on an empty generator).
    if next(_rows_from_manifest(manifest, split), None) is None:
        raise DatasetError(f"nothing to export: v{number}{f' split {split!r}' if split else ''} has no utterances")
    target = Path(out) if out is not None else ds.path / ("hf" if split is None else f"hf-{split}")
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise DatasetError(f"{target} already holds files: choose another --out or pass --overwrite")
    staging = target.with_name(f".{target.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    # Rows stream through the generator into Arrow files in a private temp cache (never
    # ~/.cache), so the export never holds the audio of the whole dataset in memory.
    with tempfile.TemporaryDirectory(prefix="tsukasa-hf-") as cache:
        try:
            data = datasets.Dataset.from_generator(
                _rows_from_manifest,
                features=hf_features(),
                cache_dir=cache,
                gen_kwargs={"manifest": manifest, "split": split},
            )
        except datasets.exceptions.DatasetGenerationError as exc:
            # `datasets` wraps what the generator raised; a named problem (a missing audio file)
            # is ours to say in one line, not a traceback.
            if isinstance(exc.__cause__, TsukasaError):
                raise exc.__cause__ from None
            raise
        n = len(data)
        if n == 0:
            raise DatasetError(f"nothing to export: v{number}{f' split {split!r}' if split else ''} has no utterances")
        if format == "disk":
            data.save_to_disk(str(staging))
        else:
            staging.mkdir(parents=True)
            data.to_parquet(str(staging / "data.parquet"))
        del data
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return HfExport(out=target, rows=n, format=format)


def load_hf(path: str | Path, cache_dir: str | Path | None = None):  # noqa: ANN201 - datasets.Dataset
    """Load an export written by :func:`export_hf` (either format), offline."""
    import datasets

    path = Path(path)
    if (path / "data.parquet").is_file():
        return datasets.load_dataset(
            "parquet",
            data_files=str(path / "data.parquet"),
            split="train",
            cache_dir=str(cache_dir) if cache_dir else None,
        )
    if (path / "dataset_info.json").is_file():
        return datasets.load_from_disk(str(path))
    raise DatasetError(f"{path}: not a Tsukasa Hugging Face export (no data.parquet or dataset_info.json)")

"""Lhotse Shar export: the shards training reads, to a local folder or any fsspec URL.

Shar keeps each cut's audio (re-encoded, only the cut's own span) in tar shards beside the cut
manifests, so a trainer reads big sequential files instead of seeking into thousands of long
recordings; ``tsukasa.modeling.data.load_cuts`` + a ``DynamicBucketingSampler`` read it as is.

What goes in: the *standardised* audio (the recordings the ``standardize`` stage wrote under the
dataset's ``audio/`` folder), never the raw dump — training must hear what the report measured.
Every ``cut.custom`` and ``supervision.custom`` field travels inside the cut manifests.

``flac`` is lossless for our 16-bit standardised audio (Lhotse encodes Shar FLAC at 16 bits, so
the round trip is sample-exact; 24-bit standardised audio would be rounded to 16 bits). ``opus``
is ~10× smaller (what fits the 64 MiB carried to a GPU machine) and lossy.

Precomputed arrays (``extra_fields``): training recomputes nothing that is the same every epoch.
F0 tracking costs more than reading the audio, so an export can store a per-cut array (F0, from
``tsukasa.modeling.prepare.F0Extractor``) in its own ``<name>.NNNNNN.tar`` beside the audio. The
corpus only calls the function it is given, so it never imports the model. Arrays are stored as
plain Lhotse ``Array`` (numpy ``.npy``, lossless; ``lilcom`` would need an extra package and is
lossy), not ``TemporalArray``: Lhotse cuts a temporal array to ``round(duration / frame_shift)``
frames when writing Shar, which drops the last of our centred frames (``n // hop + 1``) for about
half the cuts. What the frames mean (frame shift, sample rate, tracker settings) goes beside the
array in ``cut.custom["<name>_meta"]``, and the reader checks it before trusting the array.

Remote URLs (``s3://…``, ``gs://…``, ``memory://…``): Lhotse writes shards with plain ``open``, so
the export is written to a local staging folder and uploaded file by file with fsspec; a local
export is staged beside its target and renamed into place, so a half-written export never looks
like a finished one.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tsukasa.corpus.audio import require_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.splits import filter_split
from tsukasa.errors import ConfigError, DatasetError

AudioFormat = Literal["flac", "opus"]
# Keys Lhotse's Shar reader adds to cut.custom on load (where the cut came from).
SHAR_READER_KEYS = ("shard_origin", "shar_epoch")
# Shar field names Lhotse uses itself: an extra array may not take them.
_RESERVED_FIELDS = ("cuts", "recording", "features")


@dataclass(frozen=True)
class ArrayField:
    """A per-cut array computed at export time and stored losslessly in its own Shar tar.

    ``compute(cut)`` gets the cut as exported (standardised audio) and returns a numeric numpy
    array; ``meta`` (JSON-able) is stored in ``cut.custom["<name>_meta"]`` so a reader can check
    the array was made the way it expects (e.g. F0's frame shift and tracker settings).
    """

    compute: Callable[[Any], Any]
    meta: dict[str, Any] | None = None


@dataclass
class SharExport:
    """What an export wrote: where, how many cuts/seconds, and every shard file (URLs for remote)."""

    out: str
    cuts: int = 0
    duration_s: float = 0.0
    audio_format: str = "flac"
    version: int | None = None
    split: str | None = None
    files: dict[str, list[str]] = field(default_factory=dict)
    arrays: tuple[str, ...] = ()

    def summary(self) -> str:
        shards = len(self.files.get("cuts", []))
        part = f" ({self.split})" if self.split else ""
        extra = f" + {', '.join(self.arrays)}" if self.arrays else ""
        return (
            f"v{self.version}{part}: {self.cuts} cuts, {self.duration_s / 3600:.2f} h → {shards} shard(s) "
            f"of {self.audio_format}{extra} at {self.out}"
        )


def is_remote(url: str) -> bool:
    return "://" in str(url) and not str(url).startswith("file://")


def _standardised(cuts: Iterable[Any], audio_dir: Path) -> Iterable[Any]:
    """Pass cuts through, refusing any whose audio is not a standardised file of this dataset."""
    root = audio_dir.resolve()
    for cut in cuts:
        sources = [s.source for s in cut.recording.sources] if cut.has_recording else []
        if not sources or any(not Path(str(s)).resolve().is_relative_to(root) for s in sources):
            where = sources[0] if sources else "no recording"
            raise DatasetError(
                f"cut {cut.id}: audio is not standardised ({where}); run a recipe with the standardize stage first"
            )
        require_audio(cut)  # was Lhotse's load error with the whole cut printed twice
        yield cut


def _check_fields(extra_fields: Mapping[str, ArrayField | Callable[[Any], Any]] | None) -> dict[str, ArrayField]:
    from lhotse import MonoCut

    checked: dict[str, ArrayField] = {}
    for name, spec in (extra_fields or {}).items():
        # A custom array is read back as ``cut.<name>``: a name Lhotse already uses would be shadowed.
        if not name.isidentifier() or name in _RESERVED_FIELDS or name.endswith("_meta") or hasattr(MonoCut, name):
            raise ConfigError(f"extra field name {name!r} must be an identifier that is not a Lhotse cut attribute, "
                              f"{'/'.join(_RESERVED_FIELDS)} or *_meta")  # fmt: skip
        checked[name] = spec if isinstance(spec, ArrayField) else ArrayField(compute=spec)
    return checked


def _with_arrays(cuts: Iterable[Any], fields: dict[str, ArrayField]) -> Iterable[Any]:
    """Attach each extra field's array (in memory) so the Shar writer stores it in its own tar."""
    import numpy as np
    from lhotse.utils import fastcopy

    for cut in cuts:
        for name, spec in fields.items():
            if cut.has_custom(name) or cut.has_custom(f"{name}_meta"):
                raise DatasetError(f"cut {cut.id}: already has a custom field {name!r}; choose another name")
            array = np.asarray(spec.compute(cut))
            if array.dtype.kind not in "biuf" or array.size == 0:
                raise DatasetError(f"cut {cut.id}: extra field {name!r} gave a {array.dtype} array of shape "
                                   f"{array.shape}; expected a non-empty numeric array")  # fmt: skip
            cut = cut.attach_tensor(name, array)
            if spec.meta is not None:
                cut = fastcopy(cut, custom={**cut.custom, f"{name}_meta": dict(spec.meta)})
        yield cut


def export_shar(
    ds: Dataset,
    out: str | Path | None = None,
    *,
    version: int | None = None,
    split: str | None = None,
    shard_size: int = 1000,
    audio_format: AudioFormat = "flac",
    overwrite: bool = False,
    storage_options: dict[str, Any] | None = None,
    extra_fields: Mapping[str, ArrayField | Callable[[Any], Any]] | None = None,
) -> SharExport:
    """Write version ``version`` (default current) of ``ds`` as Lhotse Shar at ``out``.

    ``out`` defaults to ``<dataset>/shar`` (``<dataset>/shar-<split>`` for one split), where
    ``tsukasa.modeling.data.load_cuts(<dataset>)`` finds it. ``extra_fields`` maps a field name to
    an :class:`ArrayField` (or a bare ``cut -> array`` function): arrays computed once here and
    read back as ``cut.load_custom(name)``, e.g. ``{"f0": ArrayField(F0Extractor(cfg.audio), ...)}``.
    """
    if audio_format not in ("flac", "opus"):
        raise ConfigError(f"audio format must be 'flac' or 'opus', got {audio_format!r}")
    if shard_size < 1:
        raise ConfigError(f"shard size must be at least 1, got {shard_size}")
    number = version if version is not None else ds.current_version
    cuts: Iterable[Any] = ds.cuts(number)
    if number is not None:
        ds.require_playable(number)
    if split is not None:
        cuts = filter_split(cuts, split)
    if out is None:
        out = ds.path / ("shar" if split is None else f"shar-{split}")
    out = str(out)
    arrays = _check_fields(extra_fields)
    report = SharExport(out=out, audio_format=audio_format, version=number, split=split, arrays=tuple(arrays))

    def counted(items: Iterable[Any]) -> Iterable[Any]:
        for c in items:
            report.cuts += 1
            report.duration_s += float(c.duration)
            yield c

    stream = counted(_with_arrays(_standardised(cuts, ds.audio_dir), arrays))
    if is_remote(out):
        with tempfile.TemporaryDirectory(prefix="tsukasa-shar-") as tmp:
            files = _write_local(stream, Path(tmp) / "shar", shard_size, audio_format, arrays)
            _require_cuts(report)
            report.files = _upload(Path(tmp) / "shar", files, out, overwrite, storage_options or {})
    else:
        target = Path(out.removeprefix("file://"))
        if target.exists() and any(target.iterdir()) and not overwrite:
            raise DatasetError(f"{target} already holds files: choose another --out or pass --overwrite")
        staging = target.with_name(f".{target.name}.staging")
        if staging.exists():
            shutil.rmtree(staging)
        files = _write_local(stream, staging, shard_size, audio_format, arrays)
        if report.cuts == 0:
            shutil.rmtree(staging)
        _require_cuts(report)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        report.files = {k: [str(target / Path(p).name) for p in v] for k, v in files.items()}
    report.duration_s = round(report.duration_s, 3)
    return report


def _require_cuts(report: SharExport) -> None:
    if report.cuts == 0:
        part = f" split {report.split!r}" if report.split else ""
        raise DatasetError(f"nothing to export: v{report.version}{part} has no cuts")


def _write_local(
    cuts: Iterable[Any], folder: Path, shard_size: int, audio_format: str, arrays: Mapping[str, ArrayField]
) -> dict[str, list[str]]:
    from lhotse import CutSet

    folder.mkdir(parents=True, exist_ok=True)
    fields = {"recording": audio_format, **{name: "numpy" for name in arrays}}
    written = CutSet(cuts).to_shar(folder, fields=fields, shard_size=shard_size)
    return {k: [str(p) for p in v] for k, v in written.items()}


def _upload(
    local: Path, files: dict[str, list[str]], url: str, overwrite: bool, storage_options: dict[str, Any]
) -> dict[str, list[str]]:
    import fsspec

    fs, root = fsspec.core.url_to_fs(url, **storage_options)
    if fs.exists(root) and fs.ls(root) and not overwrite:
        raise DatasetError(f"{url} already holds files: choose another --out or pass --overwrite")
    protocol = url.split("://", 1)[0]
    uploaded: dict[str, list[str]] = {}
    # Cut manifests go last: a reader that sees a cuts shard can rely on its audio shard being there.
    for key in sorted(files, key=lambda k: k == "cuts"):
        for path in files[key]:
            name = Path(path).name
            fs.put_file(str(local / name), f"{root.rstrip('/')}/{name}")
            uploaded.setdefault(key, []).append(f"{protocol}://{root.rstrip('/')}/{name}")
    return uploaded


def read_shar(source: str | Path, storage_options: dict[str, Any] | None = None, *, cache_dir: Path | None = None):  # noqa: ANN201 - lhotse.CutSet
    """A lazy CutSet over an exported Shar folder; a remote URL is first copied into ``cache_dir``.

    Lhotse opens remote shards only through smart_open; copying with fsspec keeps one code path
    for every filesystem fsspec knows (the S3-compatible test server included).
    """
    from lhotse import CutSet

    source = str(source)
    if is_remote(source):
        import fsspec

        fs, root = fsspec.core.url_to_fs(source, **(storage_options or {}))
        if not fs.exists(root):
            raise DatasetError(f"{source}: no such Shar export")
        local = Path(cache_dir or tempfile.mkdtemp(prefix="tsukasa-shar-"))
        local.mkdir(parents=True, exist_ok=True)
        for remote in fs.ls(root, detail=False):
            fs.get_file(remote, str(local / Path(remote).name))
        source = str(local)
    path = Path(source.removeprefix("file://"))
    if not any(path.glob("cuts.*.jsonl*")):
        raise DatasetError(f"{source}: no Shar cut shards (cuts.NNNNNN.jsonl.gz) found")
    return CutSet.from_shar(in_dir=path)


def strip_reader_keys(custom: dict[str, Any] | None) -> dict[str, Any]:
    """``cut.custom`` without the keys Lhotse's Shar reader adds, for comparing with the source."""
    return {k: v for k, v in (custom or {}).items() if k not in SHAR_READER_KEYS}

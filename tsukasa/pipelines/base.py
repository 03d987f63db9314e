"""The stage contract: small typed classes that turn a batch of cuts into (kept, rejected).

A stage is deterministic for a given config and model, never imports Prefect, and never
drops anything silently: every drop is a :class:`Rejection` with a reason code, which the
flow writes to ``rejected.jsonl.gz``. ``fingerprint()`` (stage name + stage version +
config + model versions) is half of the flow's cache key; bump ``version`` when the
stage's behaviour changes so cached shards are recomputed.

Per-item stages implement :meth:`Stage.process_cut`; stages that need the whole batch at
once (batched ASR, script matching) override :meth:`Stage.process`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from tsukasa.corpus.schema import (
    ProvenanceEntry,
    RejectedItem,
    ScriptLine,
    SupervisionCustom,
    read_supervision_custom,
    with_supervision_custom,
)
from tsukasa.errors import ConfigError, TsukasaError


class StageConfig(BaseModel):
    """Base for every stage's config: frozen, and a misspelled key is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self) -> dict[str, str]:
        """What makes this configuration unusable beyond its types, by key (a file it names is
        missing or broken). A recipe is checked for them with everything else, before any audio
        is read; the model itself stays free of file access (workers rebuild it from dicts)."""
        return {}


C = TypeVar("C", bound=StageConfig)


@dataclass(frozen=True)
class Rejection:
    """Why a cut was dropped: a stable reason code, a human detail, the measured value if any."""

    reason_code: str
    detail: str = ""
    value: float | None = None


@dataclass
class StageContext:
    """What a stage may need from its surroundings (the flow builds it; tests build their own).

    ``work_dir`` is where a stage may write derived audio (e.g. standardised files);
    ``script`` holds the script lines attached at ingest: folder-level ones (``file`` unset) and
    the rows that name a file.
    """

    work_dir: Path
    script: Sequence[ScriptLine] = ()
    num_threads: int = 1

    def __post_init__(self) -> None:
        self.work_dir = Path(self.work_dir)


@dataclass
class StageResult:
    kept: list[Any] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)


StageKind = Literal["transform", "filter", "annotator"]


class Stage(Generic[C]):
    """Base class. Subclasses set ``name``, ``kind``, ``Config`` and implement ``process_cut``."""

    name: ClassVar[str]
    kind: ClassVar[StageKind] = "transform"
    version: ClassVar[str] = "1"
    Config: ClassVar[type[StageConfig]] = StageConfig
    # "shard": runs independently on each shard (the default, parallel); "dataset": needs every
    # cut at once (e.g. matching segments to a folder script) — the flow merges shards for it.
    scope: ClassVar[Literal["shard", "dataset"]] = "shard"
    # True when ``process`` reads ``StageContext.script`` (the dataset's script lines): its
    # output then depends on that script too, and a cache of it must be keyed by the script.
    reads_script: ClassVar[bool] = False
    # True when ``process`` writes audio files into the dataset (``audio/``) that its output cuts
    # name: a cached output is only whole while those files exist.
    writes_audio: ClassVar[bool] = False

    def __init__(self, config: C | None = None) -> None:
        self.config: C = config if config is not None else self.Config()  # type: ignore[assignment]

    # --- identity -----------------------------------------------------------------------
    def model_versions(self) -> dict[str, str]:
        """Versions of the models/tools this stage uses (part of the fingerprint). Override."""
        return {}

    def fingerprint(self) -> str:
        cached = self.__dict__.get("_fingerprint")
        if cached is not None:
            return cached
        payload = {
            "stage": self.name,
            "stage_version": self.version,
            "config": self.config.model_dump(mode="json"),
            "models": self._models(),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        self.__dict__["_fingerprint"] = fp = hashlib.sha256(blob).hexdigest()[:16]
        return fp

    def _models(self) -> dict[str, str]:
        """:meth:`model_versions`, looked up once per stage instance (its config is frozen). Each
        package-version look-up reads installed metadata (~0.4 ms), and provenance is written for
        every supervision: a nonverbal or phonemize stage spent 2.5–3.7 ms a cut on it, hours over a
        million cuts. A new instance (a new task, a changed model on disk) looks again."""
        cached = self.__dict__.get("_model_versions")
        if cached is None:
            self.__dict__["_model_versions"] = cached = self.model_versions()
        return cached

    def provenance(self, decisions: Iterable[str] = ()) -> ProvenanceEntry:
        return ProvenanceEntry(
            stage=self.name,
            fingerprint=self.fingerprint(),
            tool_versions=dict(self._models()),
            decisions=list(decisions),
        )

    # --- work ---------------------------------------------------------------------------
    def process(self, cuts: Iterable[Any], ctx: StageContext) -> StageResult:
        """Run the stage over a batch. The default calls ``process_cut`` per cut."""
        result = StageResult()
        for cut in cuts:
            try:
                out = self.process_cut(cut, ctx)
            except TsukasaError as exc:
                # An expected problem with this one input (bad audio, unknown symbol...): it is
                # named and skipped, and the run goes on. Bugs (other exceptions) still fail loudly.
                out = Rejection(getattr(exc, "reason", None) or "stage_error", str(exc)[:500])
            self._collect(cut, out, result)
        return result

    def process_manifest(self, input_path: str | Path, ctx: StageContext, cuts_path: Path, rejected_path: Path) -> int:
        """Run the stage over a manifest file and write its outputs atomically; returns the cuts kept.

        The rejected items are written first: the cuts file, written last, marks the work done.
        This default reads the whole manifest into memory, which is right for a shard. A
        dataset-scope stage sees every cut of the dataset, so it overrides this to stream.
        """
        from tsukasa.corpus.manifests import read_cuts, write_jsonl, write_manifest

        result = self.process(read_cuts(input_path, lazy=False), ctx)
        write_jsonl((r.to_dict() for r in result.rejected), rejected_path)
        return write_manifest(result.kept, cuts_path)

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        """Return a cut, a list of cuts (e.g. segments), or a :class:`Rejection`."""
        raise NotImplementedError(f"stage {self.name!r} implements neither process nor process_cut")

    def _collect(self, cut: Any, out: Any, result: StageResult) -> None:
        if isinstance(out, Rejection):
            result.rejected.append(self.reject(cut, out))
        elif isinstance(out, list):
            for item in out:
                if isinstance(item, Rejection):
                    result.rejected.append(self.reject(cut, item))
                else:
                    result.kept.append(item)
        else:
            result.kept.append(out)

    def reject(self, cut: Any, why: Rejection) -> RejectedItem:
        """The rejected-manifest line for ``cut``: the whole cut is kept so nothing is lost."""
        return RejectedItem(
            id=cut.id,
            kind="cut",
            reason=why.reason_code,
            detail=why.detail,
            value=why.value,
            stage=self.name,
            path=source_path_of(cut),
            item=cut.to_dict(),
        )


# --- helpers stages share -----------------------------------------------------------------


def source_path_of(cut: Any) -> str | None:
    """The raw source file of a cut (kept in ``cut.custom`` from ingest onwards)."""
    custom = getattr(cut, "custom", None) or {}
    return custom.get("source_path")


def update_supervisions(cut: Any, fn: Callable[[Any, SupervisionCustom], SupervisionCustom]) -> Any:
    """A new cut whose supervisions' custom fields are ``fn(supervision, custom)``."""
    from lhotse.utils import fastcopy

    sups = []
    for sup in cut.supervisions:
        custom = read_supervision_custom(sup, cut_id=cut.id)
        sups.append(with_supervision_custom(sup, fn(sup, custom)))
    return fastcopy(cut, supervisions=sups)


# --- registry -----------------------------------------------------------------------------

_REGISTRY: dict[str, type[Stage]] = {}


def register_stage(cls: type[Stage]) -> type[Stage]:
    """Class decorator: make a stage available to recipes by its ``name``."""
    name = cls.name
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ConfigError(f"two stages are registered as {name!r}: {_REGISTRY[name]} and {cls}")
    _REGISTRY[name] = cls
    return cls


def _load_builtin_stages() -> None:
    # Importing the modules registers their stages; done lazily so `import tsukasa` stays fast.
    import importlib

    for module in BUILTIN_STAGE_MODULES:
        importlib.import_module(module)


BUILTIN_STAGE_MODULES: list[str] = [
    "tsukasa.pipelines.standardize",
    "tsukasa.pipelines.segment",
    "tsukasa.pipelines.textfront.stages",
    "tsukasa.pipelines.asr.transcribe",
    "tsukasa.pipelines.asr.sentences",
    "tsukasa.pipelines.asr.match",
    "tsukasa.pipelines.quality",
    "tsukasa.pipelines.nonverbal",
    "tsukasa.pipelines.filters",
    "tsukasa.pipelines.denoise",
]


def get_stage(name: str) -> type[Stage]:
    _load_builtin_stages()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "(none)"
        raise ConfigError(f"unknown stage {name!r}; known stages: {known}") from None


def registered_stages() -> dict[str, type[Stage]]:
    _load_builtin_stages()
    return dict(sorted(_REGISTRY.items()))

"""Typed models for every field Tsukasa keeps in Lhotse manifests.

Lhotse is the format; our own fields live in ``supervision.custom`` (and a few in
``cut.custom``). They are defined once, here, so every stage, the review app, the
exports and the model agree on names and types. ``to_custom``/``from_custom`` are
exact round trips: ``from_custom(to_custom(x)) == x`` and, for data written by
``to_custom``, ``to_custom(from_custom(d)) == d``.

Validation errors name the cut and the field (``SchemaError``), because a data
engineer looking at a 100k-line manifest needs to know *where*, not just *what*.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tsukasa.errors import TsukasaError

SCHEMA_VERSION = 1


class _Model(BaseModel):
    """Base: strict field names (a typo is an error), immutable, JSON-friendly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


NonverbalKind = Literal[
    "pause", "breath", "sigh", "laugh", "gasp", "cough", "cry", "scream", "hum", "music", "noise", "other"
]
EventSource = Literal["text", "audio", "vad", "asr", "model", "human"]


class NonverbalEvent(_Model):
    """A non-verbal event inside an utterance, in seconds relative to the supervision start.

    ``source`` says where the event came from (script text cue, audio detector, VAD,
    ASR word timings, a sound-event model, or a human), ``confidence`` how sure the
    detector is (``None`` for text cues and human edits, which have no score).
    """

    start: float = Field(ge=0.0)
    end: float = Field(ge=0.0)
    kind: NonverbalKind
    source: EventSource
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    label: str | None = None  # original cue text or model class, e.g. "（笑）", "Giggle"

    @model_validator(mode="after")
    def _ordered(self) -> NonverbalEvent:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class WordTiming(_Model):
    """One ASR word (or token group) with times relative to the supervision start."""

    word: str
    start: float
    end: float
    probability: float | None = None


class AsrInfo(_Model):
    """What the recogniser said and how sure it was; kept so reviewers and filters can use it."""

    model: str
    text: str | None = None
    kana: str | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    temperature: float | None = None
    cer: float | None = Field(default=None, ge=0.0)  # ASR kana vs script kana, when a script exists
    words: list[WordTiming] = Field(default_factory=list)


class QualityFlag(_Model):
    """A reason code with the value that triggered it (e.g. ``low_snr`` at 8.5 dB)."""

    code: str
    value: float | None = None
    detail: str | None = None


class DnsmosScores(_Model):
    sig: float
    bak: float
    ovrl: float


class QualityInfo(_Model):
    """Per-cut audio measurements; every filter decision can be traced back to one of these."""

    duration: float | None = None
    snr_db: float | None = None
    clipping_ratio: float | None = Field(default=None, ge=0.0, le=1.0)
    loudness_lufs: float | None = None
    peak_dbfs: float | None = None
    dc_offset: float | None = None
    bandwidth_hz: float | None = None
    speech_rate: float | None = None  # morae per second, from the kana
    dnsmos: DnsmosScores | None = None
    music_prob: float | None = Field(default=None, ge=0.0, le=1.0)
    flags: list[QualityFlag] = Field(default_factory=list)

    @field_validator("snr_db", "loudness_lufs", "peak_dbfs")
    @classmethod
    def _finite_or_none(cls, v: float | None) -> float | None:
        # -inf LUFS (digital silence) is meaningful but not JSON: store it as None + a flag.
        if v is not None and not math.isfinite(v):
            raise ValueError("must be finite (store silence as None with a flag)")
        return v


class ScriptLineRef(_Model):
    """One of several script lines that name the same file (a voice file holding a short exchange)."""

    text: str
    line_id: str | None = None
    character: str | None = None


class SourceInfo(_Model):
    """Where the utterance came from: the raw file and, when known, the game/novel script line.

    A file the script names on several rows holds that many lines, in row order: before
    segmentation its one supervision carries them all in ``script_lines`` (``script_text`` is
    their concatenation); the ``segment`` stage splits the file into that many utterances and
    gives each its own line, with ``line_index`` saying which one it is.
    """

    path: str | None = None  # source file, relative to the ingested folder
    title: str | None = None
    character: str | None = None
    line_id: str | None = None
    licence: str | None = None
    script_text: str | None = None  # the script line as given (before normalisation)
    script_scope: Literal["file", "folder"] | None = None
    script_lines: list[ScriptLineRef] | None = None  # every line of a multi-line file, in script order
    line_index: int | None = Field(default=None, ge=0)  # which of the file's script lines this utterance is

    def for_line(self, i: int) -> SourceInfo:
        """The source of the utterance that is line ``i`` of this multi-line file."""
        assert self.script_lines is not None
        line = self.script_lines[i]
        update = {"character": line.character, "line_id": line.line_id, "script_text": line.text}
        return self.model_copy(update={**update, "script_lines": None, "line_index": i})


ReviewStatus = Literal["pending", "accepted", "rejected", "edited"]


class ReviewInfo(_Model):
    """The derived current review state (the events themselves live in the review store)."""

    status: ReviewStatus = "pending"
    reviewer: str | None = None
    time: datetime | None = None
    version: int | None = None
    reason: str | None = None


class PauseCandidate(_Model):
    """A pause the segment stage found inside an utterance and did not split at: where it is
    (seconds from the supervision's start) and how much it sounded like a line break (the
    boundary probability; for a pause settled by its bound, that upper bound). Later evidence —
    the transcript's sentence ends (``sentence_split``) — may still cut there."""

    start: float
    end: float
    probability: float = Field(ge=0.0, le=1.0)


class ProvenanceEntry(_Model):
    """One stage's mark on a supervision: which stage, which exact config/model, what it decided."""

    stage: str
    fingerprint: str
    tool_versions: dict[str, str] = Field(default_factory=dict)
    decisions: list[str] = Field(default_factory=list)


class SupervisionCustom(_Model):
    """Everything Tsukasa stores in ``SupervisionSegment.custom``.

    ``text`` itself is the supervision's own field (script text when known, else ASR).
    """

    kana: str | None = None
    phonemes: list[str] | None = None
    prosody: str | None = None
    romaji: str | None = None
    nonverbal: list[NonverbalEvent] = Field(default_factory=list)
    asr: AsrInfo | None = None
    quality: QualityInfo | None = None
    source: SourceInfo | None = None
    review: ReviewInfo | None = None
    pauses: list[PauseCandidate] | None = None  # segment: the pauses inside (None: not recorded)
    # segment: the pause it split at after this utterance (seconds from the supervision's start),
    # with its boundary probability; None for a recording's last utterance or when not recorded.
    # ``sentence_split`` may join the two back when the transcript says the clause goes on.
    pause_after: PauseCandidate | None = None
    provenance: list[ProvenanceEntry] = Field(default_factory=list)

    def to_custom(self) -> dict[str, Any]:
        """The dict stored in Lhotse (JSON-safe; empty/None fields left out to keep manifests small)."""
        return self.model_dump(mode="json", exclude_none=True, exclude_defaults=True)

    @classmethod
    def from_custom(cls, data: dict[str, Any] | None, *, cut_id: str | None = None) -> SupervisionCustom:
        """Parse a ``custom`` dict; errors name the cut and the dotted field path."""
        try:
            return cls.model_validate(data or {})
        except ValidationError as exc:
            raise SchemaError.from_validation(exc, cut_id=cut_id, prefix="custom") from None

    def with_provenance(self, entry: ProvenanceEntry) -> SupervisionCustom:
        return self.model_copy(update={"provenance": [*self.provenance, entry]})


class SchemaError(TsukasaError):
    """A manifest field does not match the schema. The message names cut and field."""

    def __init__(self, message: str, *, cut_id: str | None = None, field: str | None = None):
        super().__init__(message)
        self.cut_id = cut_id
        self.field = field

    @classmethod
    def from_validation(cls, exc: ValidationError, *, cut_id: str | None, prefix: str) -> SchemaError:
        err = exc.errors()[0]
        field = ".".join([prefix, *(str(p) for p in err["loc"])])
        where = f"cut {cut_id!r}: " if cut_id else ""
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return cls(f"{where}{field}: {err['msg']}{more}", cut_id=cut_id, field=field)


# --- Items that never became cuts ---------------------------------------------------------

RejectionKind = Literal["file", "recording", "cut", "supervision"]


class RejectedItem(_Model):
    """A dropped item with its reason: one line of ``rejected.jsonl.gz``.

    ``item`` keeps the Lhotse manifest dict when one existed (so nothing is lost and a
    later version can restore it); files that never decoded keep only their path.
    """

    id: str
    kind: RejectionKind
    reason: str
    detail: str = ""
    stage: str
    path: str | None = None
    value: float | None = None
    item: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


# --- Script lines (game/novel scripts attached at ingest) ---------------------------------


class ScriptLine(_Model):
    """One line of a script file. ``file`` set → the expected text of that file; unset → folder script."""

    text: str
    file: str | None = None
    line_id: str | None = None
    speaker: str | None = None
    title: str | None = None
    row: int  # 1-based row in the script file (for error messages and ordering)


def read_supervision_custom(supervision: Any, cut_id: str | None = None) -> SupervisionCustom:
    """The typed custom fields of a Lhotse ``SupervisionSegment``."""
    return SupervisionCustom.from_custom(supervision.custom, cut_id=cut_id or supervision.id)


def with_supervision_custom(supervision: Any, custom: SupervisionCustom) -> Any:
    """A new supervision carrying ``custom`` (manifest objects are never modified in place)."""
    from lhotse.utils import fastcopy

    return fastcopy(supervision, custom=custom.to_custom() or None)

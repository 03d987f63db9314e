"""Label Studio interop through its JSON task format (the server itself conflicts with our pins).

Export: one task per cut with ``data.audio`` (a URL Label Studio can fetch; optionally the cut's
clip written as WAV), ``data.cut_id`` and ``data.revision``, and a *prediction* holding the
current transcript (``TextArea`` ``transcription``), kana (``kana``) and the non-verbal events as
audio regions (``Labels`` ``nonverbal``). :func:`labeling_config` is the matching project config.

Import: Label Studio's JSON export (tasks with ``annotations``) becomes review events. The
revision exported with each task is the base revision of the imported save, so a cut changed in
Tsukasa meanwhile is reported as a conflict instead of being overwritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from tsukasa.annotation.store import CutState, ReviewConflict, ReviewError, ReviewStore
from tsukasa.corpus.manifests import atomic_path
from tsukasa.errors import TsukasaError

NONVERBAL_KINDS = (
    "pause",
    "breath",
    "sigh",
    "laugh",
    "gasp",
    "cough",
    "cry",
    "scream",
    "hum",
    "music",
    "noise",
    "other",
)
DEFAULT_AUDIO_URL = "/data/local-files/?d={cut_id}.wav"
_TIME_TOL = 1e-3


def labeling_config() -> str:
    """The Label Studio project XML matching the exported tasks."""
    labels = "\n".join(f"    <Label value={quoteattr(k)}/>" for k in NONVERBAL_KINDS)
    return f"""<View>
  <Header value="$cut_id"/>
  <Audio name="audio" value="$audio" hotkey="space"/>
  <Labels name="nonverbal" toName="audio">
{labels}
  </Labels>
  <TextArea name="transcription" toName="audio" rows="2" editable="true" maxSubmissions="1"/>
  <TextArea name="kana" toName="audio" rows="1" editable="true" maxSubmissions="1"/>
  <Choices name="decision" toName="audio" choice="single">
    <Choice value="accept"/>
    <Choice value="reject"/>
  </Choices>
  <TextArea name="reason" toName="audio" rows="1" maxSubmissions="1"/>
</View>
"""


def task_for(state: CutState, audio_url: str = DEFAULT_AUDIO_URL) -> dict[str, Any]:
    cur = state.current
    sup_start = float(state.audio.get("supervision_start", 0.0))
    result: list[dict[str, Any]] = [
        {"id": "t", "from_name": "transcription", "to_name": "audio", "type": "textarea",
         "value": {"text": [cur.get("text") or ""]}},
    ]  # fmt: skip
    if cur.get("kana"):
        result.append(
            {"id": "k", "from_name": "kana", "to_name": "audio", "type": "textarea", "value": {"text": [cur["kana"]]}}
        )
    for i, ev in enumerate(cur.get("nonverbal") or []):
        result.append(
            {
                "id": f"nv{i}",
                "from_name": "nonverbal",
                "to_name": "audio",
                "type": "labels",
                "original_length": state.duration,
                "value": {
                    "start": ev["start"] + sup_start,
                    "end": ev["end"] + sup_start,
                    "channel": 0,
                    "labels": [ev["kind"]],
                },
            }  # fmt: skip
        )
    return {
        "id": state.position + 1,
        "data": {
            "audio": audio_url.format(cut_id=state.cut_id),
            "cut_id": state.cut_id,
            "revision": state.revision,
            "speaker": state.speaker,
            "status": state.status,
        },
        "predictions": [{"model_version": f"tsukasa-v{state.dataset_version}-r{state.revision}", "result": result}],
    }


def export_labelstudio(
    store: ReviewStore,
    path: str | Path,
    *,
    audio_url: str = DEFAULT_AUDIO_URL,
    clips_dir: str | Path | None = None,
    roots: list[Path] | None = None,
    status: str | None = None,
) -> int:
    """Write Label Studio tasks (JSON list) for the store's cuts; returns how many.

    With ``clips_dir`` (and the dataset's audio ``roots``) each cut's audio is written there as
    ``<cut_id>.wav`` without context, so region times match the cut.
    """
    from tsukasa.annotation.app import audio_clip

    if clips_dir is not None:
        if roots is None:
            raise ReviewError("writing clips needs the dataset's audio roots")
        clips_dir = Path(clips_dir)
        clips_dir.mkdir(parents=True, exist_ok=True)
    tasks = []
    offset = 0
    while True:
        page, _ = store.list_cuts(status=status, limit=1000, offset=offset)
        if not page:
            break
        for state in page:
            tasks.append(task_for(state, audio_url))
            if clips_dir is not None:
                wav, _, _ = audio_clip(state, roots or [], context=0.0)
                (clips_dir / f"{state.cut_id}.wav").write_bytes(wav)
        offset += len(page)
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    config = Path(path).with_suffix(".config.xml")
    config.write_text(labeling_config(), encoding="utf-8")
    return len(tasks)


@dataclass
class ImportReport:
    applied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tasks without a usable annotation

    def summary(self) -> str:
        return (
            f"{len(self.applied)} imported, {len(self.unchanged)} without changes, "
            f"{len(self.conflicts)} conflicts (changed in Tsukasa since export), {len(self.skipped)} skipped"
        )


def _annotator(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    return f"labelstudio:{who if who not in (None, '') else 'unknown'}"


def _latest(annotations: list[dict[str, Any]]) -> dict[str, Any] | None:
    usable = [a for a in annotations if not a.get("was_cancelled")]
    if not usable:
        return None
    return max(usable, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))


def annotation_changes(state: CutState, result: list[dict[str, Any]]) -> tuple[dict[str, Any], str, str | None]:
    """(field changes, decision, reason) from one Label Studio annotation's ``result`` list."""
    changes: dict[str, Any] = {}
    decision, reason = "accept", None
    sup_start = float(state.audio.get("supervision_start", 0.0))
    events: list[dict[str, Any]] = []
    saw_regions = False
    for item in result:
        kind, name, value = item.get("type"), item.get("from_name"), item.get("value") or {}
        if kind == "textarea" and name in ("transcription", "kana", "reason"):
            text = "".join(value.get("text") or [])
            if name == "transcription":
                changes["text"] = text
            elif name == "kana":
                changes["kana"] = text or None
            else:
                reason = text or None
        elif kind == "choices" and name == "decision":
            decision = "reject" if "reject" in (value.get("choices") or []) else "accept"
        elif kind == "labels" and name == "nonverbal":
            saw_regions = True
            for label in value.get("labels") or []:
                if label not in NONVERBAL_KINDS:
                    raise ReviewError(f"cut {state.cut_id!r}: unknown non-verbal label {label!r} from Label Studio")
                start = max(0.0, round(float(value["start"]) - sup_start, 3))
                end = max(start, round(float(value["end"]) - sup_start, 3))
                events.append({"start": start, "end": end, "kind": label, "source": "human"})
    current_events = state.current.get("nonverbal") or []
    if saw_regions or current_events:
        # An unchanged region keeps its original source and confidence (it is not a human edit).
        merged = []
        for ev in events:
            same = next(
                (c for c in current_events if c["kind"] == ev["kind"]
                 and abs(c["start"] - ev["start"]) < _TIME_TOL and abs(c["end"] - ev["end"]) < _TIME_TOL),
                None,
            )  # fmt: skip
            merged.append(same if same is not None else ev)
        changes["nonverbal"] = merged
    if decision == "reject" and not reason:
        reason = "rejected in Label Studio"
    return changes, decision, reason


def import_labelstudio(store: ReviewStore, path: str | Path) -> ImportReport:
    """Record the annotations of a Label Studio JSON export as review events."""
    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"cannot read Label Studio export {path}: {exc}") from None
    if not isinstance(tasks, list):
        raise ReviewError(f"{path}: expected a JSON list of tasks (Label Studio's JSON export)")
    report = ImportReport()
    for task in tasks:
        data = task.get("data") or {}
        cut_id = data.get("cut_id")
        ann = _latest(task.get("annotations") or [])
        if not cut_id or ann is None:
            report.skipped.append(str(cut_id or task.get("id")))
            continue
        state = store.get_cut(cut_id)
        changes, decision, reason = annotation_changes(state, ann.get("result") or [])
        base = int(data.get("revision", state.revision))
        try:
            event = store.record(
                cut_id, _annotator(ann), base_revision=base, decision=decision, changes=changes, reason=reason
            )
        except ReviewConflict:
            report.conflicts.append(cut_id)
            continue
        except TsukasaError as exc:
            raise ReviewError(f"Label Studio task {task.get('id')} (cut {cut_id!r}): {exc}") from None
        (report.applied if event.changes or event.status == "rejected" else report.unchanged).append(cut_id)
    return report

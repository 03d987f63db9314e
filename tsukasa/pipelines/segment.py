"""The ``segment`` stage: one cut per utterance, found by silero-vad plus our refinement.

The algorithm lives in :mod:`tsukasa.pipelines.vad` (pure numpy); this module turns its
result into Lhotse cuts. Each utterance becomes a MonoCut ``<parent id>-<index:03d>`` over the
padded span, with one supervision (same id) over the speech itself, so training can use the
padding as context while timing-sensitive stages know where speech starts and ends. Every
decision the refinement made lands in the supervision's ``custom.provenance``.

A file the script names (``source.script_scope == "file"``, one line per file) stays ONE
utterance spanning all its speech, with the script text: the script is the reference, and
splitting it would orphan the text. Speech shorter than the minimum is part of that line (はい),
and when silero hears no speech at all the sound found on energy is (a hummed うん, a breath;
flagged ``no_vad_speech``). It is still checked: if the refinement would have split
it, the supervision gets a ``multiple_lines`` quality flag with the line count, and the
candidate split points are written to provenance for a reviewer.

A file the script names on N rows (``source.script_lines``) holds N lines: it is split into
exactly N utterances at the N − 1 most likely pauses (:func:`vad.segment_speech` with
``lines``), and utterance *i* gets line *i*'s text, speaker and line id (``source.line_index``
= *i*). Knowing the count turns the hardest case — lines butted together with a 50 ms gap, or
a line break no louder than a comma — into picking the best candidates, which the threshold
alone can miss. A boundary accepted below the usual threshold is flagged ``uncertain_split`` on
both pieces; when the audio cannot hold N lines the file stays one utterance with all its
lines and a ``line_count_mismatch`` flag, so a reviewer decides and nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from tsukasa.corpus.schema import (
    PauseCandidate,
    QualityFlag,
    QualityInfo,
    RejectedItem,
    ScriptLineRef,
    SourceInfo,
    SupervisionCustom,
    read_supervision_custom,
)
from tsukasa.pipelines import vad
from tsukasa.pipelines.base import Rejection, Stage, StageConfig, StageContext, register_stage


class SegmentConfig(StageConfig):
    """Segmentation knobs (see :class:`tsukasa.pipelines.vad.VadParams` for what each does)."""

    threshold: float = Field(0.5, gt=0.0, lt=1.0, description="silero speech probability")
    min_pause_s: float = Field(0.03, ge=0.01, description="shortest pause that may separate utterances")
    always_split_pause_s: float = Field(1.0, gt=0.0, description="pauses at least this long always split")
    boundary_threshold: float = Field(  # one default, vad's: it was chosen with the shipped members
        vad.VadParams.boundary_threshold, gt=0.0, lt=1.0, description="boundary probability to split"
    )
    min_duration_s: float = Field(0.3, ge=0.0, description="shorter speech is rejected as too_short")
    max_duration_s: float = Field(20.0, gt=0.0, description="longer utterances split at the deepest pause")
    pad_s: float = Field(0.1, ge=0.0, description="padding each side, never into a neighbour")
    script_min_probability: float = Field(
        0.05,
        gt=0.0,
        lt=1.0,
        description="a file the script names on N rows is split at its N-1 most likely pauses, none below this",
    )
    exact_pause_from: float | None = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="a pause kept inside an utterance whose score bound reaches this gets its exact probability "
        "recorded (custom.pauses), for sentence_split and transcribe; null records bounds",
    )

    def vad_params(self) -> vad.VadParams:
        return vad.VadParams(
            threshold=self.threshold,
            min_pause_s=self.min_pause_s,
            always_split_pause_s=self.always_split_pause_s,
            boundary_threshold=self.boundary_threshold,
            min_duration_s=self.min_duration_s,
            max_duration_s=max(self.max_duration_s, 2 * self.min_duration_s + 0.01),
            pad_s=self.pad_s,
            script_min_probability=self.script_min_probability,
            exact_from=self.exact_pause_from,
        )


@dataclass(frozen=True)
class FragmentRejection(Rejection):
    """A rejected piece of a cut (e.g. speech too short to keep): rejected under its own id."""

    fragment: Any = None


@register_stage
class SegmentStage(Stage[SegmentConfig]):
    name = "segment"
    kind = "transform"
    # 5: sentence-final CNN cue + refitted trees; 6: multi-line script files split by count; 7: a file
    # the script names keeps its speech shorter than the minimum (a one-word line was no_speech), and
    # the noise floor leaves digital silence out; 8: the pauses inside each utterance are recorded
    # (custom.pauses) for sentence_split; 9: those whose bound reaches exact_pause_from get their exact
    # probability (a bound of 0.3 was often 0.001, and sent the segment to a solo Whisper decode); 10: the
    # pitch track v2 (no subharmonic picks, 800 Hz ceiling, interpolated lag) and members refitted on it,
    # whose CNNs read the pitch over a longer window; 11: three more members (the same seeds on a larger
    # corpus), six averaged, and the boundary threshold 0.5 -> 0.3; 12: the pause each utterance was
    # split from the next at is recorded (custom.pause_after) for sentence_split's rejoin
    version = "12"
    Config = SegmentConfig

    def model_versions(self) -> dict[str, str]:
        return vad.vad_model_versions()

    def reject(self, cut: Any, why: Rejection) -> RejectedItem:
        if isinstance(why, FragmentRejection) and why.fragment is not None:
            return super().reject(why.fragment, why)
        return super().reject(cut, why)

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        audio = cut.load_audio()
        parent = _parent_custom(cut)
        source = parent.source
        named = source is not None and source.script_scope == "file"  # the script names this file
        script_lines = source.script_lines if named else None
        expected = len(script_lines) if script_lines and len(script_lines) > 1 else None  # lines it holds
        result = vad.segment_speech(
            audio,
            cut.sampling_rate,
            self.config.vad_params(),
            num_threads=getattr(ctx, "num_threads", 1),
            lines=expected,
        )
        if not result.segments and not (named and result.too_short):
            detail = "; ".join(result.decisions[-2:]) or "no speech"
            if result.too_short:
                longest = max(s.duration for s in result.too_short)
                why = f"only speech shorter than the minimum ({self.config.min_duration_s:g} s, `min_duration_s`)"
                return Rejection("too_short", f"{why}: {detail}", round(longest, 3))
            sound = vad.sound_span(audio, cut.sampling_rate)
            if sound is not None and named:  # the script says this sound is its line (うん, a breath)
                return [self._one_line_cut(cut, parent, result, expected=expected, sound=sound)]
            if sound is not None:
                detail += (
                    f"; a sound {sound.rise_db:.0f} dB above the background at {sound.start:.2f}-{sound.end:.2f} s "
                    "(not speech to silero: a hum, a breath, music or an effect) "
                    "is kept when a script row names the file"
                )
            return Rejection("no_speech", detail, 0.0)
        if not result.segments:  # the script names the file: its short speech is the line (はい, え？)
            return [self._one_line_cut(cut, parent, result, expected=expected)]
        if expected:
            if result.lines_met:
                return [
                    *self._script_line_cuts(cut, parent, result, script_lines),
                    *self._too_short(cut, parent, result),
                ]
            return [self._one_line_cut(cut, parent, result, expected=expected)]
        if named:
            return [self._one_line_cut(cut, parent, result)]
        out: list[Any] = []
        after = _pauses_between(result)
        for i, seg in enumerate(result.segments):
            notes = [*result.decisions, _span_note(seg)]
            out.append(self._child(cut, i, seg, parent, notes, pauses=seg.inner_pauses, pause_after=after[i]))
        return [*out, *self._too_short(cut, parent, result)]

    def _too_short(self, cut: Any, parent: SupervisionCustom, result: vad.VadResult) -> list[FragmentRejection]:
        """Speech too short to keep (a click, a stray syllable), rejected under its own id after the utterances."""
        base = len(result.segments)
        out = []
        for j, seg in enumerate(result.too_short):
            child = self._child(cut, base + j, seg, parent, result.decisions)
            out.append(
                FragmentRejection(
                    "too_short",
                    f"speech {seg.start:.2f}-{seg.end:.2f} s of {cut.id} is {seg.duration * 1000:.0f} ms",
                    round(seg.duration, 3),
                    fragment=child,
                )
            )
        return out

    # --- building cuts -------------------------------------------------------------------

    def _child(
        self,
        cut: Any,
        index: int,
        seg: vad.Segment,
        parent: SupervisionCustom,
        decisions: list[str],
        *,
        text: str | None = None,
        custom: SupervisionCustom | None = None,
        speaker: str | None = None,
        pauses: Sequence[vad.Pause] | None = None,
        pause_after: vad.Pause | None = None,
    ) -> Any:
        """``pauses``: those inside the utterance that were not split at, recorded (relative to its
        speech start) with their boundary probabilities for later stages (``sentence_split``);
        ``pause_after``: the one it was split from the next utterance at, recorded the same way."""
        from lhotse import MonoCut, SupervisionSegment

        cid = f"{cut.id}-{index:03d}"
        start = cut.start + seg.pad_start
        duration = seg.pad_end - seg.pad_start
        custom = custom or SupervisionCustom(source=parent.source, provenance=list(parent.provenance))
        if pauses is not None:
            inside = [_relative(p, seg.start) for p in pauses]
            custom = custom.model_copy(update={"pauses": inside})
        if pause_after is not None:
            custom = custom.model_copy(update={"pause_after": _relative(pause_after, seg.start)})
        custom = custom.with_provenance(self.provenance(decisions))
        first = cut.supervisions[0] if cut.supervisions else None
        sup = SupervisionSegment(
            id=cid,
            recording_id=cut.recording_id,
            start=round(seg.start - seg.pad_start, 4),
            duration=round(seg.end - seg.start, 4),
            channel=cut.channel if isinstance(cut.channel, int) else 0,
            text=text if text is not None else "",  # filled by transcription / script matching
            language="ja",
            speaker=speaker if speaker is not None else (first.speaker if first is not None else None),
            custom=custom.to_custom() or None,
        )
        return MonoCut(
            id=cid,
            start=round(start, 4),
            duration=round(duration, 4),
            channel=cut.channel if isinstance(cut.channel, int) else 0,
            recording=cut.recording,
            supervisions=[sup],
            custom=dict(cut.custom or {}),
        )

    def _script_line_cuts(
        self, cut: Any, parent: SupervisionCustom, result: vad.VadResult, lines: list[ScriptLineRef]
    ) -> list[Any]:
        """One utterance per script line (``result`` holds exactly ``len(lines)`` segments)."""
        assert parent.source is not None
        inside = {id(p) for seg in result.segments for p in seg.inner_pauses}
        between = [p for p in result.pauses if id(p) not in inside]
        # the accepted boundary between each two lines (a too-short piece may lie beyond a long pause)
        splits = [
            next((p for p in between if a.end - 1e-6 <= p.middle <= b.start + 1e-6), None)
            for a, b in zip(result.segments, result.segments[1:], strict=False)
        ]
        out = []
        for i, (seg, line) in enumerate(zip(result.segments, lines, strict=True)):
            source = parent.source.for_line(i)
            flags = []
            neighbours = (("previous", splits[i - 1] if i else None), ("next", splits[i] if i < len(splits) else None))
            for side, pause in neighbours:
                if pause is not None and pause.probability < self.config.boundary_threshold:
                    flags.append(
                        QualityFlag(
                            code="uncertain_split",
                            value=round(pause.probability, 3),
                            detail=(
                                f"split from the {side} line at {pause.middle:.2f} s with p={pause.probability:.2f} "
                                f"because the script gives {len(lines)} lines"
                            ),
                        )
                    )
            quality = parent.quality
            if flags:
                base = quality or QualityInfo()
                quality = base.model_copy(update={"flags": [*base.flags, *flags]})
            custom = parent.model_copy(update={"source": source, "quality": quality})
            decisions = [*result.decisions, f"script line {i + 1} of {len(lines)}", _span_note(seg)]
            out.append(
                self._child(
                    cut,
                    i,
                    seg,
                    parent,
                    decisions,
                    text=line.text,
                    custom=custom,
                    speaker=line.character,
                    pauses=seg.inner_pauses,
                )
            )
        return out

    def _one_line_cut(
        self,
        cut: Any,
        parent: SupervisionCustom,
        result: vad.VadResult,
        expected: int | None = None,
        sound: vad.Sound | None = None,
    ) -> Any:
        """The whole speech as one utterance; flag it when it sounds like several lines.

        ``expected``: the script gives this file that many lines, but the audio could not be
        split into them (``line_count_mismatch``).

        Speech shorter than the minimum is part of the line here, not a scrap to reject: the
        script says the file is its line(s), so a one-word line (はい, 260 ms) or a short word
        after a long pause stays in the utterance. ``sound``: silero heard no speech at all, and
        the sound found on energy (a hummed うん, a breath) is the line, flagged ``no_vad_speech``."""
        heard = [vad.Segment(sound.start, sound.end, sound.start, sound.end)] if sound else []
        pieces = sorted([*result.segments, *result.too_short, *heard], key=lambda seg: seg.start)
        start, end = pieces[0].start, max(seg.end for seg in pieces)
        pad = self.config.pad_s
        span = vad.Segment(start, end, max(0.0, start - pad), min(cut.duration, end + pad))
        splits = [p for p in result.pauses if p.probability >= self.config.boundary_threshold]
        splits = [p for p in splits if span.start < p.start and p.end < span.end]
        what = f"script gives this file {expected} lines" if expected else "script names this file (one line per file)"
        decisions = [f"{what}: kept as one utterance", *result.decisions]
        if result.too_short:
            decisions.append(f"{len(result.too_short)} piece(s) of speech shorter than the minimum kept in the line")
        decisions.append(_span_note(span))
        quality = parent.quality or QualityInfo()
        if sound is not None:
            note = f"silero heard no speech; the sound {sound.rise_db:.0f} dB above the background is the line"
            decisions.insert(-1, note)
            flag = QualityFlag(code="no_vad_speech", value=sound.rise_db, detail=note)
            quality = quality.model_copy(update={"flags": [*quality.flags, flag]})
        if expected:
            flag = QualityFlag(
                code="line_count_mismatch",
                value=float(len(splits) + 1),
                detail=f"the script gives {expected} lines; the audio sounds like {len(splits) + 1}",
            )
            quality = quality.model_copy(update={"flags": [*quality.flags, flag]})
        elif splits:
            points = [(p.middle, p.probability) for p in splits]
            flag = multiple_lines_flag(points)
            decisions.append(f"candidate split points: {_split_points(points)}")
            quality = quality.model_copy(update={"flags": [*quality.flags, flag]})
        custom = parent.model_copy(update={"quality": quality if quality != QualityInfo() else parent.quality})
        text = cut.supervisions[0].text if cut.supervisions else ""
        inside = [p for p in result.pauses if span.start < p.start and p.end < span.end]
        return self._child(cut, 0, span, parent, decisions, text=text or "", custom=custom, pauses=inside)


# How a multiple_lines flag lists its candidate splits (recording time, s): written above, read
# back by candidate_split_times (match_script clears the flag when the words say it is one line).
_SPLITS_AT = "candidate splits at"
_SPLIT_TIME = re.compile(r"(\d+(?:\.\d+)?) s \(p=")


def multiple_lines_flag(splits: list[tuple[float, float]]) -> QualityFlag:
    """The flag of a one-line file whose pauses at these (recording time s, probability) sound
    like line breaks."""
    lines = len(splits) + 1
    detail = f"sounds like {lines} lines; {_SPLITS_AT} {_split_points(splits)}"
    return QualityFlag(code="multiple_lines", value=float(lines), detail=detail)


def _split_points(splits: list[tuple[float, float]]) -> str:
    return ", ".join(f"{t:.2f} s (p={p:.2f})" for t, p in splits)


def candidate_split_times(flag: QualityFlag) -> list[float]:
    """The recording times (s) of a ``multiple_lines`` flag's candidate splits."""
    detail = flag.detail or ""
    at = detail.find(_SPLITS_AT)
    return [float(t) for t in _SPLIT_TIME.findall(detail, at)] if at >= 0 else []


def _parent_custom(cut: Any) -> SupervisionCustom:
    """What each utterance inherits: the file's supervision fields and, first in its provenance,
    the decisions stages made on the whole recording before utterances existed (``standardize``)."""
    from tsukasa.pipelines.standardize import cut_provenance

    if cut.supervisions:
        custom = read_supervision_custom(cut.supervisions[0], cut_id=cut.id)
    else:
        path = (cut.custom or {}).get("source_path")
        custom = SupervisionCustom(source=SourceInfo(path=path) if path else None)
    carried = [p for p in cut_provenance(cut) if p not in custom.provenance]
    return custom.model_copy(update={"provenance": [*carried, *custom.provenance]}) if carried else custom


def _span_note(seg: vad.Segment) -> str:
    return (
        f"utterance speech {seg.start:.3f}-{seg.end:.3f} s, cut {seg.pad_start:.3f}-{seg.pad_end:.3f} s of the parent"
    )


def _relative(pause: vad.Pause, origin: float) -> PauseCandidate:
    """A pause as recorded on an utterance: seconds from its speech start, probability clipped to [0, 1]."""
    return PauseCandidate(
        start=round(pause.start - origin, 3),
        end=round(pause.end - origin, 3),
        probability=round(min(max(pause.probability, 0.0), 1.0), 4),
    )


def _pauses_between(result: vad.VadResult) -> list[vad.Pause | None]:
    """For each utterance, the one pause it was split from the next at (None for the last, and where
    speech too short to keep, now rejected, lay between: that is no plain split)."""
    segs = result.segments
    out: list[vad.Pause | None] = []
    for a, b in zip(segs, segs[1:], strict=False):
        between = [p for p in result.pauses if a.end - 1e-6 <= p.middle <= b.start + 1e-6]
        out.append(between[0] if len(between) == 1 else None)
    return [*out, None] if segs else []

"""The ``sentence_split`` stage: a segment whose transcript holds two sentences is cut in two, and
two neighbouring segments whose first stops mid-clause are joined back into one.

Why after ASR: the segment stage decides from sound alone, and a pause of 0.3-0.9 s is as long
as a comma pause. There only the sentence's ending and the voice tell a line break from a comma,
and on voices its models were never fitted on it misreads a few endings as continuations
(faint devoiced ません, a low creaky 良い): every remaining error on the unseen-voice benchmarks is
such a merge (benchmarks/RESULTS.md). The transcript carries the other half of the evidence:
Whisper writes 。 where it heard a sentence end, and the words say it even where Whisper chose 、
— a clause ending in a finite form (良い, いけません, お願いします, 来いよ) is a sentence in speech.

A segment is split between two of its ASR words when

* the words leave a pause of at least ``min_pause_s`` between them (any gap will do where the
  segment stage recorded its pauses, as Whisper's word timings around a short pause are loose:
  the recorded pause is the evidence then), and the segment stage found
  a pause there (``custom.pauses``) that did not sound clearly like the same line (boundary
  probability at least ``min_boundary_probability``; pauses inside a line score 0.00-0.03): the
  cut goes exactly at that pause's edges. For a cut no segment stage made (``custom.pauses``
  unset) the pause is found on frame energy instead;
* the word before it ends with 。？！ (Whisper's sentence end), or the transcript up to it ends in
  a finite form (MeCab: a verb, adjective or auxiliary in its plain form, a request (ください), or a
  sentence-final particle; not a te-form, a conjunctive particle, a noun, another imperative or
  って, where speech goes on) with Whisper's 、 or a new Whisper segment after it. Where the
  segment stage recorded its pauses, a form that only ends sentences (the copula, a polite form, a
  request, a final particle: もうすぐです, 見えます) needs no mark, as Whisper's packed windows drop the
  marks at butted line breaks, and nor does a plain i-adjective (おいしい; ``unmarked_adjectives``); a
  plain verb does (it also ends a relative clause: 検査する | 必要がある, where a Kokoro voice pauses);
* each piece keeps at least ``min_duration_s`` of speech.

**Rejoin, first.** The same evidence works the other way. A long comma pause (0.4-0.7 s in some
voices) sounds like a line break, and the segment stage splits a few lines there (鳥の声で目を覚ますと、
| 外はもう明るかった, a validation line; the HTS benchmark's errors at segment v11 were all such
splits). Two neighbouring segments of one recording are joined when the pause the segment stage
split them at (``custom.pause_after``) scored below ``rejoin_below`` and the first one's transcript
stops mid-clause by the grammar of its last word (:func:`continues_clause`: a case or binding
particle, a verb's 連用形, the conditional と). Whisper's marks do not decide it: its packed windows
drop them at a segment's end (覚ますと with no 、), and its 、 after a form that can end a line in
speech (a te-form, だし, a noun) stood before a new line as often. The joined cut is then looked at
for sentence ends like any other.

Only segments whose text is Whisper's are looked at: a segment with a script line (a file the
script names) is matched by ``match_script``, which splits by the script. Nothing is dropped:
the pieces replace the segment, each with its part of the words (re-timed), its text and
reading, and a provenance entry saying where and why it was cut; a joined cut keeps the first
segment's id, holds both transcripts and both sets of words, and names the second in provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from pydantic import Field

from tsukasa.corpus.schema import AsrInfo, PauseCandidate, SupervisionCustom, WordTiming, read_supervision_custom
from tsukasa.pipelines.asr.kana import reading
from tsukasa.pipelines.base import Stage, StageConfig, StageContext, StageResult, register_stage
from tsukasa.pipelines.vad import true_runs

_SENTENCE_END = tuple("。？！?!")
_CLAUSE_MARK = tuple("、,")
_FRAME_S = 0.01
_SEARCH_S = 0.15  # the quiet stretch is looked for this far beyond the words' own gap
_QUIET_DB = 6.0  # frames within this of the quietest frame there are the pause


class SentenceSplitConfig(StageConfig):
    """Where a transcript's sentence end may cut a segment."""

    min_pause_s: float = Field(
        0.2,
        ge=0.0,
        description="shortest gap between two of Whisper's words to cut at, where the segment stage recorded no "
        "pauses (where it did, its pause is checked instead)",
    )
    finite_forms: bool = Field(
        True, description="also cut after a clause ending in a finite form when Whisper wrote 、 (not only 。？！)"
    )
    min_boundary_probability: float = Field(
        0.05, ge=0.0, le=1.0, description="the segment stage's score a pause needs to be cut at (its p=0.5 split)"
    )
    min_duration_s: float = Field(0.3, ge=0.0, description="speech each piece must keep")
    pad_s: float = Field(0.1, ge=0.0, description="padding each side of a cut, never past the pause's middle")
    rejoin_below: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="join two neighbouring segments back when the segment stage's split between them scored "
        "below this and the first one's transcript stops mid-clause (0: never)",
    )
    unmarked_adjectives: bool = Field(
        True,
        description="where the segment stage recorded its pauses, also cut after a plain i-adjective (おいしい) "
        "at such a pause when Whisper wrote no mark (as after です, ます, だ)",
    )
    max_duration_s: float = Field(20.0, gt=0.0, description="longest speech a rejoin may make (segment's maximum)")
    rejoin_max_unheard_s: float = Field(
        0.3,
        ge=0.0,
        description="a rejoin reads the first segment's last word only when Whisper's words reach this close "
        "to its end (a transcript that stops short lost the words that show how the segment ends)",
    )


# Imperatives that end requests (送ってください, 早くしなさい). Other imperatives are left out: on
# Whisper's text they were mostly misheard continuative forms (しまい、 as しまえ、) or the literary
# concessive (真実であれ、, "be it..."), both mid-sentence (bench_segment --with-asr, seed 2027).
_REQUEST_IMPERATIVES = frozenset({"くださる", "下さる", "なさる"})
# Final particles that as often join clauses: って is hearsay at a sentence's end (行ったんだって) but
# concessive inside one (しなくたって、: "even if not").
_JOINING_PARTICLES = frozenset({"って"})


def _words(text: str) -> list[list[str]]:
    """MeCab's words of ``text`` (OpenJTalk's dictionary: surface, part of speech, its three
    subdivisions, conjugation type and form, dictionary form, ...), marks left out."""
    from tsukasa.pipelines.textfront.resources import jtalk

    return [f for f in (line.split(",") for line in jtalk().run_mecab(text)) if len(f) >= 8 and f[1] != "記号"]


def ends_in_finite_form(text: str) -> bool:
    """Whether Japanese ``text`` ends a sentence by its grammar: its last word (marks aside) is a
    verb, adjective or auxiliary in the plain form (良い, ます, ん, た, だ), a request (ください,
    なさい) or a sentence-final particle (よ, ね, か). A te-form, a conjunctive particle (けど, が,
    ので), a noun, any other imperative or って ends nothing for certain."""
    words = _words(text)
    return bool(words) and _finite(words[-1])


def _finite(f: list[str]) -> bool:
    if f[1] in ("動詞", "形容詞", "助動詞"):
        return f[6].startswith("基本形") or (f[6].startswith("命令") and f[7] in _REQUEST_IMPERATIVES)
    return f[1] == "助詞" and "終助詞" in f[2] and f[0] not in _JOINING_PARTICLES


# Particles after which a clause cannot stop (a case or binding particle: 船が, 私は).
_OPEN_PARTICLES = frozenset({"格助詞", "係助詞", "並立助詞", "連体化"})
_NEGATIVES = frozenset({"ない", "ぬ", "ん"})  # 早くしないと (…いけない): the conditional that ends lines


def continues_clause(text: str) -> bool:
    """Whether ``text`` (a segment's Whisper transcript) stops in the middle of a sentence, by the
    grammar of its last word (MeCab; marks aside): a case, binding or coordinating particle (船が,
    私は, 彼と, 私の), a verb in its 連用形 (the form that joins two clauses: 転覆し and not 転覆した)
    or the conditional と (目を覚ますと; not after a negative: 急がないと ends lines as short for
    〜いけない). A sentence mark (。？！…) says no.

    Whisper's own 、 is not taken as evidence: after a conjunctive particle, a noun or an adjective
    it stood as often before a new line (いいだけだし、 | …, 勝ち目は半分、 | …, おいし、 | …) on the
    validation and measurement sets, as those forms end lines in speech. Nor are adjectives and
    auxiliaries in 連用形: よろしく, 〜ますように and the literary 〜ごとく end lines."""
    stripped = text.strip()
    if not stripped or stripped.endswith((*_SENTENCE_END, "…", "‥")):
        return False
    words = _words(stripped.rstrip("".join(_CLAUSE_MARK)))
    if not words:
        return False
    f = words[-1]
    if f[1] == "動詞":
        return f[6].startswith("連用")
    if f[1] != "助詞":
        return False
    if f[2] in _OPEN_PARTICLES:
        return f[3] != "引用"  # not the quoting と (…と。)
    if f[2] == "接続助詞" and f[0] == "と":  # the conditional: a line of its own only as 〜ないと
        before = words[-2] if len(words) > 1 else None
        return before is None or not (before[1] == "助動詞" and before[7] in _NEGATIVES)
    return False


@dataclass(frozen=True)
class _Cut:
    """One split point: after word ``index``, the pause from ``start`` to ``end`` (seconds into
    the cut), and why."""

    index: int
    start: float
    end: float
    why: str


def split_points(
    words: list[WordTiming], cfg: SentenceSplitConfig, *, marked_gap: float | None = None
) -> list[tuple[int, str]]:
    """(index of the word a sentence ends with, why) for each word gap the transcript marks as a
    sentence end (times not yet checked against the audio).

    ``marked_gap``: the word gap a sentence end Whisper wrote (。) needs (default ``min_pause_s``).
    Where the segment stage recorded its pauses, 0: the pause itself is then checked on the audio,
    and Whisper's word timings around a short pause are too loose to measure it (butted lines
    37-46 ms apart came back with touching words). A clause ending in a form that only ends
    sentences (:func:`ends_only_a_sentence`) or in a plain i-adjective (:func:`ends_in_plain_adjective`)
    is then a candidate at any word gap, marked or not: packed windows drop Whisper's marks, and the
    recorded pause (which inside a line scores 0.00-0.03) is the evidence that it ends there. Another
    plain finite form still needs Whisper's mark (a verb also ends relative clauses), but not Whisper's
    word gap: 開催される| ドウモロコシ (a new Whisper segment)
    came back 0.18 s apart over a 71 ms line break the segment stage had recorded."""
    out = []
    needed = cfg.min_pause_s if marked_gap is None else marked_gap  # the word gap a marked end needs
    for i in range(len(words) - 1):
        word, nxt = words[i].word.strip(), words[i + 1]
        gap = nxt.start - words[i].end
        if word.endswith(_SENTENCE_END):
            if gap >= needed:
                out.append((i, f"Whisper ended a sentence with {word[-1]}"))
            continue
        if not cfg.finite_forms:
            continue
        marked = (word.endswith(_CLAUSE_MARK) or nxt.word[:1].isspace()) and gap >= needed
        if marked_gap is None and not marked:
            continue
        text = "".join(w.word for w in words[: i + 1]).strip().rstrip("".join(_CLAUSE_MARK))
        if text and (ends_in_finite_form(text) if marked else _ends_unmarked(text, cfg)):
            out.append((i, "the clause ends in a finite form" + ("" if marked else " (no mark)")))
    return out


# Endings that only end sentences: the copula and the polite forms (だ, です, ます, ました, ません,
# でした) never modify a noun, nor does a sentence-final particle. A plain verb or adjective does
# (検査する必要, おいしい店: the 連体形 is the plain form), so without Whisper's mark it is no evidence.
_SENTENCE_ONLY_AUX = frozenset({"だ", "です", "ます"})


def _ends_unmarked(text: str, cfg: SentenceSplitConfig) -> bool:
    """Whether ``text`` ends where a recorded pause alone (no mark of Whisper's) may cut: a form that
    only ends sentences, or (``unmarked_adjectives``) a plain i-adjective. One MeCab run."""
    words = _words(text)
    return _only_ends_sentences(words) or (cfg.unmarked_adjectives and _plain_adjective(words))


def ends_in_plain_adjective(text: str) -> bool:
    """Whether ``text`` ends in an i-adjective's plain form (おいしい, ほしい; not よかった, 〜ない).

    It can modify a noun too (たくましい | 体格), but an adjective and its noun are seldom said apart,
    where a verb ending a long relative clause is (検査する | 必要がある, a Kokoro voice's pause): on the
    validation caches a plain adjective at a recorded pause ended the line 6 times in 6 (スープが濃くて
    おいしい | 子供たちは…), and once in 2,400 measurement utterances it did not (骨格たくましい | 体格なので,
    at a 30 ms pause scored 0.06); see benchmarks/RESULTS.md."""
    return _plain_adjective(_words(text))


def _plain_adjective(words: list[list[str]]) -> bool:
    return bool(words) and words[-1][1] == "形容詞" and words[-1][6].startswith("基本形")


def ends_only_a_sentence(text: str) -> bool:
    """Whether ``text`` ends in a form that ends sentences and nothing else (a subset of
    :func:`ends_in_finite_form`): the copula, a polite form, a request or a final particle."""
    return _only_ends_sentences(_words(text))


def _only_ends_sentences(words: list[list[str]]) -> bool:
    if not words or not _finite(words[-1]):
        return False
    f = words[-1]
    if f[1] == "助詞":  # a final particle (よ, ね, か)
        return True
    if f[1] == "動詞":  # a request (ください), not the plain form (検査する必要)
        return f[6].startswith("命令")
    if f[1] != "助動詞":
        return False
    if f[7] in _SENTENCE_ONLY_AUX and f[5] != "特殊・タ":  # not the past tense's だ (運んだ荷物)
        return True
    before = words[-2] if len(words) > 1 else None  # た, ん after ます / です: ました, ません, でした
    return before is not None and before[1] == "助動詞" and before[7] in ("ます", "です")


def quiet_stretch(audio: np.ndarray, sr: int, lo: float, hi: float) -> tuple[float, float] | None:
    """The longest run of quiet frames (within ``_QUIET_DB`` of the quietest) in ``audio[lo:hi]``
    (seconds), or None when no run of three frames is quiet."""
    a, b = max(int(lo * sr), 0), min(int(hi * sr), audio.shape[-1])
    hop = max(int(_FRAME_S * sr), 1)
    n = (b - a) // hop
    if n < 3:
        return None
    frames = audio[a : a + n * hop].reshape(n, hop).astype(np.float64)
    db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    runs = true_runs(db <= db.min() + _QUIET_DB)
    first, last = max(runs, key=lambda r: r[1] - r[0])  # the earliest of the longest
    if last - first < 3:
        return None
    return (a + first * hop) / sr, (a + last * hop) / sr


@register_stage
class SentenceSplitStage(Stage[SentenceSplitConfig]):
    """Cut a transcribed segment at the sentence ends its transcript shows."""

    name = "sentence_split"
    kind = "transform"
    # 2: neighbours the segment stage split mid-clause are joined back first; 3: a form that only ends
    # sentences (です, ます, だ, a final particle) at a recorded pause is a candidate without Whisper's mark;
    # 4: a finite form Whisper marked needs no word gap of Whisper's where the pause was recorded;
    # 5: a plain i-adjective at a recorded pause is a candidate without Whisper's mark (unmarked_adjectives)
    version = "5"
    Config = SentenceSplitConfig

    def model_versions(self) -> dict[str, str]:
        from tsukasa.pipelines.textfront.resources import tool_versions

        return {"pyopenjtalk-plus": tool_versions()["pyopenjtalk-plus"]}

    def process(self, cuts: Iterable[Any], ctx: StageContext) -> StageResult:
        out = StageResult()
        for cut in self._rejoined(list(cuts)):
            out.kept.extend(self._split(cut))
        return out

    # --- rejoin ----------------------------------------------------------------------------

    def _rejoined(self, cuts: list[Any]) -> list[Any]:
        """``cuts`` with each run of neighbours that :meth:`_joinable` says belong together joined
        into one (order kept: a joined cut stands where its first part stood)."""
        if self.config.rejoin_below <= 0.0:
            return cuts
        out: list[Any] = []
        for cut in cuts:
            prev = out[-1] if out else None
            if prev is not None and (why := self._joinable(prev, cut)):
                out[-1] = self._join(prev, cut, why)
            else:
                out.append(cut)
        return out

    def _joinable(self, a: Any, b: Any) -> str | None:
        """Why ``a`` and ``b`` (in that order) are one line split by the segment stage, or None."""
        if len(a.supervisions) != 1 or len(b.supervisions) != 1 or a.recording_id != b.recording_id:
            return None
        sa, sb = a.supervisions[0], b.supervisions[0]
        ca, cb = read_supervision_custom(sa, cut_id=a.id), read_supervision_custom(sb, cut_id=b.id)
        pause = ca.pause_after
        if pause is None or ca.asr is None or cb.asr is None or not ca.asr.words or not cb.asr.words:
            return None
        if _has_script(ca, sa.text, ca.asr) or _has_script(cb, sb.text, cb.asr):
            return None
        a0, b0 = a.start + sa.start, b.start + sb.start  # speech starts in the recording
        # b must be the utterance right after that pause (no other segment, no rejected scrap between)
        middle = a0 + 0.5 * (pause.start + pause.end)
        if not (a0 + sa.duration - 0.05 <= middle <= b0 + 0.05 and b0 <= a0 + pause.end + 0.2):
            return None
        if pause.probability >= self.config.rejoin_below:
            return None
        if b0 + sb.duration - a0 > self.config.max_duration_s:
            return None
        if sa.duration - ca.asr.words[-1].end > self.config.rejoin_max_unheard_s:
            return None  # Whisper's words stop short (packed windows drop a segment's last words)
        text = ca.asr.text or "".join(w.word for w in ca.asr.words)
        if not continues_clause(text):
            return None
        return (
            f"joined with {b.id} across the segment stage's split at {pause.start:.2f}-{pause.end:.2f} s "
            f"(p={pause.probability:.2f} < {self.config.rejoin_below:g}): {text.strip()!r} stops mid-clause"
        )

    def _join(self, a: Any, b: Any, why: str) -> Any:
        """One cut spanning ``a`` and ``b``: ``a``'s id and fields, both transcripts, the pause between
        them an inner pause again (with its probability), ``b``'s pause after."""
        from lhotse import MonoCut
        from lhotse.utils import fastcopy

        from tsukasa.corpus.schema import with_supervision_custom

        sa, sb = a.supervisions[0], b.supervisions[0]
        ca, cb = read_supervision_custom(sa, cut_id=a.id), read_supervision_custom(sb, cut_id=b.id)
        assert ca.asr is not None and cb.asr is not None and ca.pause_after is not None
        a0, b0 = a.start + sa.start, b.start + sb.start
        shift = b0 - a0  # b's times, re-based on a's speech start

        words = [*ca.asr.words, *(_shifted(w, shift) for w in cb.asr.words)]
        text = (ca.asr.text or "").strip() + (cb.asr.text or "").strip()
        asr = _asr_for(ca.asr, words, text)
        pauses = [*(ca.pauses or []), ca.pause_after, *(_shifted(p, shift) for p in cb.pauses or [])]
        custom = ca.model_copy(
            update={
                "asr": asr,
                "pauses": pauses,
                "pause_after": _shifted(cb.pause_after, shift) if cb.pause_after is not None else None,
            }
        ).with_provenance(self.provenance([why]))
        end = b.start + b.duration
        sup = fastcopy(sa, duration=round(b0 + sb.duration - a0, 4), text=text)
        return MonoCut(
            id=a.id,
            start=a.start,
            duration=round(end - a.start, 6),
            channel=a.channel,
            recording=a.recording,
            supervisions=[with_supervision_custom(sup, custom)],
            custom=dict(a.custom or {}),
        )

    # --- split -----------------------------------------------------------------------------

    def _split(self, cut: Any) -> list[Any]:
        if len(cut.supervisions) != 1:
            return [cut]
        sup = cut.supervisions[0]
        custom = read_supervision_custom(sup, cut_id=cut.id)
        asr = custom.asr
        if asr is None or len(asr.words) < 2 or _has_script(custom, sup.text, asr):
            return [cut]
        candidates = split_points(asr.words, self.config, marked_gap=None if custom.pauses is None else 0.0)
        if not candidates:
            return [cut]
        mono, sr = None, cut.sampling_rate
        if custom.pauses is None:
            audio = cut.load_audio()
            mono = audio.mean(axis=0) if audio.ndim == 2 else audio
        cuts: list[_Cut] = []
        speech_start = sup.start
        for i, why in candidates:
            lo = sup.start + asr.words[i].end - _SEARCH_S
            hi = sup.start + asr.words[i + 1].start + _SEARCH_S
            if mono is not None:  # no recorded pauses: find the silence on the audio
                pause = quiet_stretch(mono, sr, max(lo, speech_start), min(hi, sup.end))
                if pause is None:
                    continue
                a, b = pause
            else:
                assert custom.pauses is not None
                near = [p for p in custom.pauses if sup.start + p.end > lo and sup.start + p.start < hi]
                if not near:
                    continue  # the segment stage heard no pause there: Whisper's timing, not a silence
                found = max(near, key=lambda p: p.end - p.start)
                if found.probability < self.config.min_boundary_probability:
                    continue  # it sounded clearly like the same line
                a, b = sup.start + found.start, sup.start + found.end
                why = f"{why}; the segment stage's pause there scored {found.probability:.2f}"
            if a - speech_start < self.config.min_duration_s or sup.end - b < self.config.min_duration_s:
                continue
            cuts.append(_Cut(i, a, b, why))
            speech_start = b
        if not cuts:
            return [cut]
        return self._pieces(cut, sup, custom, asr, cuts)

    def _pieces(self, cut: Any, sup: Any, custom: SupervisionCustom, asr: AsrInfo, cuts: list[_Cut]) -> list[Any]:
        from lhotse import MonoCut, SupervisionSegment

        from tsukasa.corpus.schema import with_supervision_custom

        n = len(cuts) + 1
        # speech spans and cut spans (seconds into the cut) of each piece
        edges = [(sup.start, 0.0)]
        for c in cuts:
            pad = min(self.config.pad_s, (c.end - c.start) / 2)
            edges.append((c.start, c.start + pad))
            edges.append((c.end, c.end - pad))
        edges.append((sup.end, cut.duration))
        bounds = [0, *(c.index + 1 for c in cuts), len(asr.words)]
        out = []
        for k in range(n):
            (s0, c0), (s1, c1) = edges[2 * k], edges[2 * k + 1]
            words = [
                w.model_copy(
                    update={
                        "start": round(max(w.start + sup.start - s0, 0.0), 3),
                        "end": round(max(w.end + sup.start - s0, 0.0), 3),
                    }
                )
                for w in asr.words[bounds[k] : bounds[k + 1]]
            ]
            text = "".join(w.word for w in words).strip()
            piece_asr = _asr_for(asr, words, text)
            where = cuts[k - 1] if k else cuts[0]
            note = (
                f"piece {k + 1} of {n}: cut at {where.start:.2f}-{where.end:.2f} s of {cut.id}, after "
                f"{asr.words[where.index].word.strip()!r} ({where.why})"
            )
            # the recorded pauses inside this piece, and the one after the last, on the piece's own speech start
            base = sup.start - s0
            inside = None
            if custom.pauses is not None:
                inside = [
                    _shifted(p, base) for p in custom.pauses if s0 <= sup.start + p.start and sup.start + p.end <= s1
                ]
            after = custom.pause_after if k == n - 1 else None
            piece_custom = custom.model_copy(
                update={
                    "asr": piece_asr,
                    "pauses": inside,
                    "pause_after": _shifted(after, base) if after is not None else None,
                }
            ).with_provenance(self.provenance([note]))
            cid = f"{cut.id}-s{k + 1}"
            piece_sup = SupervisionSegment(
                id=cid,
                recording_id=sup.recording_id,
                start=round(s0 - c0, 4),
                duration=round(s1 - s0, 4),
                channel=sup.channel,
                text=text,
                language=sup.language or "ja",
                speaker=sup.speaker,
            )
            out.append(
                MonoCut(
                    id=cid,
                    start=round(cut.start + c0, 6),
                    duration=round(c1 - c0, 6),
                    channel=cut.channel,
                    recording=cut.recording,
                    supervisions=[with_supervision_custom(piece_sup, piece_custom)],
                    custom=dict(cut.custom or {}),
                )
            )
        return out


_Timed = TypeVar("_Timed", PauseCandidate, WordTiming)


def _shifted(item: _Timed, by: float) -> _Timed:
    """A word or pause ``by`` seconds later (re-based on an earlier origin)."""
    return item.model_copy(update={"start": round(item.start + by, 3), "end": round(item.end + by, 3)})


def _asr_for(asr: AsrInfo, words: list[WordTiming], text: str) -> AsrInfo:
    """``asr`` for a piece or a join holding ``words`` (already re-timed) and ``text``: its reading,
    mean word log-probability and compression ratio recomputed."""
    from tsukasa.pipelines.asr.transcribe import compression_ratio

    probs = [max(w.probability, 1e-6) for w in words if w.probability is not None]
    return asr.model_copy(
        update={
            "text": text,
            "kana": reading(text),
            "words": words,
            "avg_logprob": round(float(np.mean(np.log(probs))), 4) if probs else asr.avg_logprob,
            "compression_ratio": round(compression_ratio(text), 4),
        }
    )


def _has_script(custom: SupervisionCustom, text: str | None, asr: AsrInfo) -> bool:
    """Whether the segment's text came from a script (then match_script, not this stage, decides)."""
    from tsukasa.pipelines.asr.transcribe import names_script_line

    if names_script_line(custom):
        return True
    return bool((text or "").strip()) and (text or "").strip() != (asr.text or "").strip()

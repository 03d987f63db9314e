"""The ``match_script`` stage: the game script is the reference; ASR verifies it.

Two script modes (both arrive from ingest):

* **per-file** lines (``custom.source.script_scope == "file"``): the segment already carries its
  file's text. The segments of one file are one line, so when the segment stage cut it into
  several they are joined back into one cut; the CER between the ASR reading and the script
  reading goes to ``custom.asr.cer`` and a CER above ``mismatch_cer`` adds the flag
  ``script_mismatch`` (kept for review: neither silently accepted nor dropped).
* **folder** lines (``StageContext.script``, no file named): segments without text are assigned
  to lines one-to-one by reading-level similarity (katakana from the text front-end vs the ASR
  kana). Candidates are a segment or two adjacent segments of one recording (a line cut in two:
  joined) against a line or two consecutive lines (a segment holding two lines: split at the
  word timing between them). Candidates are accepted greedily by CER, lowest first, while their
  CER is at most ``accept_cer``; with an ordered script, the first pass keeps only confident
  matches and the rest are then restricted to lines between their matched neighbours (order as
  a prior, not a rule: ``order="auto"`` trusts the order only when the confident matches are
  themselves in order).

Reporting: a matched line becomes ``text``, its id ``custom.source.line_id``; an unmatched
segment keeps its ASR text and gets the flag ``script_unmatched``; an unmatched line goes to
``rejected`` (kind ``supervision``, reason ``script_line_unmatched``, the line in ``item``) and
to :attr:`MatchResult.unmatched_lines`, so the run's rejected manifest lists every line that was
never found in the audio. Matching needs the whole folder at once: run it unsharded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from tsukasa.corpus.schema import (
    AsrInfo,
    QualityFlag,
    QualityInfo,
    RejectedItem,
    ScriptLine,
    SourceInfo,
    SupervisionCustom,
    WordTiming,
    read_supervision_custom,
    with_supervision_custom,
)
from tsukasa.pipelines.asr.kana import KanaFn, cer, edit_distance, reading
from tsukasa.pipelines.base import Stage, StageConfig, StageContext, StageResult, register_stage


class MatchConfig(StageConfig):
    accept_cer: float = Field(default=0.6, gt=0.0)  # above this a candidate is not a match at all
    mismatch_cer: float = Field(default=0.3, ge=0.0)  # above this a match is flagged script_mismatch
    confident_cer: float = Field(default=0.25, ge=0.0)  # first-pass anchors when the order is used
    order: Literal["auto", "ordered", "unordered"] = "auto"
    allow_split: bool = True
    allow_join: bool = True
    max_join_gap: float = Field(default=2.0, ge=0.0)  # seconds between two segments of one line
    pair_margin: float = Field(default=0.1, ge=0.0)  # a split/join must beat the single by this CER
    shortlist: int = Field(default=16, ge=0)  # lines per segment compared exactly (0 = all)


@dataclass
class MatchResult(StageResult):
    """A stage result that also lists the script lines no segment matched."""

    unmatched_lines: list[ScriptLine] = field(default_factory=list)
    ordered: bool | None = None


@dataclass(frozen=True)
class Candidate:
    """Segments ``segs`` (1 or 2 adjacent) spoken as lines ``lines`` (1 or 2 consecutive)."""

    segs: tuple[int, ...]
    lines: tuple[int, ...]
    cer: float


# --- the matching algorithm (pure: indices in, candidates out) ------------------------------


def _cost(ref: str, hyp: str) -> float:
    return cer(ref, hyp) if ref else 1.0


def match_readings(
    seg_kana: Sequence[str],
    line_kana: Sequence[str],
    *,
    adjacent: Sequence[bool],
    cfg: MatchConfig,
) -> tuple[list[Candidate], bool | None]:
    """Assign segments to lines one-to-one by reading CER.

    ``adjacent[i]`` says whether segments ``i`` and ``i+1`` may be one line cut in two.
    Returns the accepted candidates and whether order was used (None: no anchors to judge).
    """
    n_s, n_l = len(seg_kana), len(line_kana)
    shortlist = _shortlists(seg_kana, line_kana, cfg.shortlist)
    cands: list[Candidate] = []
    for i in range(n_s):
        if not seg_kana[i]:
            continue
        near = set(shortlist[i])
        for j in sorted(near):
            cands.append(Candidate((i,), (j,), _cost(line_kana[j], seg_kana[i])))
        if cfg.allow_split:
            for j in sorted({j for k in near for j in (k - 1, k) if 0 <= j and j + 1 < n_l}):
                cands.append(Candidate((i,), (j, j + 1), _cost(line_kana[j] + line_kana[j + 1], seg_kana[i])))
        if cfg.allow_join and i + 1 < n_s and adjacent[i] and seg_kana[i + 1]:
            joined = seg_kana[i] + seg_kana[i + 1]
            for j in sorted(near | set(shortlist[i + 1])):
                cands.append(Candidate((i, i + 1), (j,), _cost(line_kana[j], joined)))
    best_single_seg = {}
    best_single_line = {}
    for c in cands:
        if len(c.segs) == 1 and len(c.lines) == 1:
            best_single_seg[c.segs[0]] = min(best_single_seg.get(c.segs[0], 2.0), c.cer)
            best_single_line[c.lines[0]] = min(best_single_line.get(c.lines[0], 2.0), c.cer)

    def effective(c: Candidate) -> float:
        # A split or join has to beat what its parts could get alone by a margin: two short
        # readings glued together otherwise win on length alone.
        if len(c.segs) == 1 and len(c.lines) == 1:
            return c.cer
        return c.cer + cfg.pair_margin

    cands = [c for c in cands if c.cer <= cfg.accept_cer]
    cands.sort(key=lambda c: (effective(c), len(c.segs) + len(c.lines), c.segs, c.lines))

    def greedy(pool: Iterable[Candidate], used_s: set[int], used_l: set[int], limit: float) -> list[Candidate]:
        taken = []
        for c in pool:
            if effective(c) > limit:
                break
            if used_s.intersection(c.segs) or used_l.intersection(c.lines):
                continue
            if len(c.segs) + len(c.lines) > 2 and not _pair_beats_singles(c, best_single_seg, best_single_line):
                continue
            taken.append(c)
            used_s.update(c.segs)
            used_l.update(c.lines)
        return taken

    if cfg.order == "unordered":
        return greedy(cands, set(), set(), cfg.accept_cer + cfg.pair_margin), False
    used_s: set[int] = set()
    used_l: set[int] = set()
    anchors = greedy(cands, used_s, used_l, cfg.confident_cer)
    ordered = _is_ordered(anchors) if cfg.order == "auto" else True
    if not ordered:
        rest = greedy(cands, used_s, used_l, cfg.accept_cer + cfg.pair_margin)
        return anchors + rest, False
    # Ordered: a remaining segment may only take lines between those of its matched neighbours.
    seg_to_line: dict[int, tuple[int, ...]] = {}
    for c in anchors:
        for s in c.segs:
            seg_to_line[s] = c.lines

    def window_ok(c: Candidate) -> bool:
        before = [max(seg_to_line[s]) for s in seg_to_line if s < min(c.segs)]
        after = [min(seg_to_line[s]) for s in seg_to_line if s > max(c.segs)]
        lo = max(before) if before else -1
        hi = min(after) if after else n_l
        return lo < min(c.lines) and max(c.lines) < hi

    taken = list(anchors)
    for c in cands:
        if effective(c) > cfg.accept_cer + cfg.pair_margin:
            break
        if used_s.intersection(c.segs) or used_l.intersection(c.lines) or not window_ok(c):
            continue
        if len(c.segs) + len(c.lines) > 2 and not _pair_beats_singles(c, best_single_seg, best_single_line):
            continue
        taken.append(c)
        used_s.update(c.segs)
        used_l.update(c.lines)
        for s in c.segs:
            seg_to_line[s] = c.lines
    return taken, (True if anchors else None)


def _bigrams(kana: str) -> set[str]:
    return {kana[k : k + 2] for k in range(len(kana) - 1)} or ({kana} if kana else set())


def _shortlists(seg_kana: Sequence[str], line_kana: Sequence[str], k: int) -> list[list[int]]:
    """Per segment, the ``k`` lines sharing the most kana bigrams with it.

    Exact CER on every (segment, line) pair is quadratic in pure Python; a bigram index keeps
    the exact comparison to a few lines per segment (0 = no shortlist: compare all).
    """
    if k <= 0 or len(line_kana) <= k:
        return [list(range(len(line_kana))) for _ in seg_kana]
    index: dict[str, list[int]] = {}
    for j, lk in enumerate(line_kana):
        for g in _bigrams(lk):
            index.setdefault(g, []).append(j)
    out = []
    for sk in seg_kana:
        counts: dict[int, int] = {}
        for g in _bigrams(sk):
            for j in index.get(g, ()):
                counts[j] = counts.get(j, 0) + 1
        ranked = sorted(counts, key=lambda j: (-counts[j] / (len(_bigrams(line_kana[j])) ** 0.5 or 1), j))
        out.append(ranked[:k])
    return out


def _pair_beats_singles(c: Candidate, best_seg: dict[int, float], best_line: dict[int, float]) -> bool:
    """A split/join is taken only if its parts have no good single match of their own."""
    parts = [best_seg.get(s, 2.0) for s in c.segs] if len(c.segs) > 1 else [best_line.get(j, 2.0) for j in c.lines]
    return min(parts) > c.cer


def _is_ordered(anchors: Sequence[Candidate]) -> bool | None:
    """True when the confident matches keep the script order (>= 90% of adjacent pairs)."""
    if len(anchors) < 3:
        return True  # too few to judge: using order costs little when matches are this sparse
    pairs = sorted((min(c.segs), min(c.lines)) for c in anchors)
    rising = sum(1 for a, b in zip(pairs, pairs[1:], strict=False) if b[1] > a[1])
    return rising >= 0.9 * (len(pairs) - 1)


def best_split(words_kana: Sequence[str], first: str, second: str) -> int:
    """The word index ``k`` (1..n-1) where words[:k] reads most like ``first`` and words[k:] like ``second``."""
    best_k, best = 1, None
    for k in range(1, len(words_kana)):
        left, right = "".join(words_kana[:k]), "".join(words_kana[k:])
        cost = edit_distance(first, left) + edit_distance(second, right)
        if best is None or cost < best:
            best_k, best = k, cost
    return best_k


# --- the stage -----------------------------------------------------------------------------


def _order_key(cut: Any) -> tuple[str, float]:
    custom = cut.custom or {}
    return (str(custom.get("source_path") or cut.recording_id), float(cut.start))


def _sup_custom(cut: Any) -> SupervisionCustom:
    return read_supervision_custom(cut.supervisions[0], cut_id=cut.id)


def _has_script(cut: Any) -> bool:
    source = _sup_custom(cut).source
    return source is not None and bool(source.script_text)


def _with_flag(custom: SupervisionCustom, flag: QualityFlag) -> SupervisionCustom:
    quality = custom.quality or QualityInfo()
    flags = [f for f in quality.flags if f.code != flag.code] + [flag]
    return custom.model_copy(update={"quality": quality.model_copy(update={"flags": flags})})


@register_stage
class MatchScriptStage(Stage[MatchConfig]):
    """Script lines → ``text``, with the ASR reading as the check (``custom.asr.cer``)."""

    name = "match_script"
    scope = "dataset"  # the folder script is matched one-to-one against every segment at once
    kind = "annotator"
    version = "2"
    Config = MatchConfig

    def __init__(self, config: MatchConfig | None = None, *, kana_fn: KanaFn | None = None) -> None:
        super().__init__(config)
        self._kana: KanaFn = kana_fn or reading

    def process(self, cuts: Iterable[Any], ctx: StageContext) -> MatchResult:
        cfg = self.config
        cut_list = sorted(cuts, key=_order_key)
        result = MatchResult()
        per_file: dict[str, list[Any]] = {}
        free: list[Any] = []
        for cut in cut_list:
            custom = _sup_custom(cut) if cut.supervisions else SupervisionCustom()
            if custom.source is not None and custom.source.script_scope == "file":
                per_file.setdefault(cut.recording_id, []).append(cut)
            else:
                free.append(cut)
        for group in per_file.values():
            result.kept.append(self._verify_file_line(group))

        lines = [ln for ln in ctx.script if ln.file is None]
        if not lines:
            result.kept.extend(free)
            return result
        # Candidates: segments no script line is attached to yet (their text, if any, is ASR's).
        candidates = [c for c in free if c.supervisions and not _has_script(c)]
        others = [c for c in free if c not in candidates]
        result.kept.extend(others)
        seg_kana = [self._seg_kana(c) for c in candidates]
        line_kana = [self._kana(ln.text) for ln in lines]
        adjacent = [
            a.recording_id == b.recording_id and 0.0 <= b.start - a.end <= cfg.max_join_gap
            for a, b in zip(candidates, candidates[1:], strict=False)
        ]
        taken, ordered = match_readings(seg_kana, line_kana, adjacent=adjacent, cfg=cfg)
        result.ordered = ordered
        order_note = f"order={'used' if ordered else 'ignored'}"
        used_s = {s for c in taken for s in c.segs}
        used_l = {j for c in taken for j in c.lines}
        for c in sorted(taken, key=lambda c: c.segs):
            segs = [candidates[s] for s in c.segs]
            matched = [lines[j] for j in c.lines]
            if len(segs) == 2:
                result.kept.append(self._assign(self._join(segs), matched[0], [order_note, "joined 2 segments"]))
            elif len(matched) == 2:
                first, second = self._split(segs[0], matched)
                result.kept.append(self._assign(first, matched[0], [order_note, "split: first of 2 lines"]))
                result.kept.append(self._assign(second, matched[1], [order_note, "split: second of 2 lines"]))
            else:
                result.kept.append(self._assign(segs[0], matched[0], [order_note]))
        for i, cut in enumerate(candidates):
            if i not in used_s:
                result.kept.append(self._unmatched(cut))
        for j, line in enumerate(lines):
            if j not in used_l:
                result.unmatched_lines.append(line)
                result.rejected.append(
                    RejectedItem(
                        id=line.line_id or f"script-row-{line.row}",
                        kind="supervision",
                        reason="script_line_unmatched",
                        detail=f"no segment reads like script row {line.row}: {line.text[:40]!r}",
                        stage=self.name,
                        item=line.model_dump(mode="json"),
                    )
                )
        result.kept.sort(key=_order_key)
        return result

    # --- pieces ----------------------------------------------------------------------------
    def _seg_kana(self, cut: Any) -> str:
        custom = _sup_custom(cut)
        if custom.asr is None:
            return ""
        return custom.asr.kana if custom.asr.kana is not None else self._kana(custom.asr.text or "")

    def _finish(
        self, cut: Any, custom: SupervisionCustom, text: str, decisions: list[str], speaker: str | None = None
    ) -> Any:
        from lhotse.utils import fastcopy

        sup = cut.supervisions[0]
        custom = custom.with_provenance(self.provenance(decisions))
        new_sup = with_supervision_custom(fastcopy(sup, text=text, speaker=speaker or sup.speaker), custom)
        return fastcopy(cut, supervisions=[new_sup])

    def _score(self, custom: SupervisionCustom, script_text: str) -> tuple[SupervisionCustom, float | None]:
        if custom.asr is None:
            return custom, None
        value = round(cer(self._kana(script_text), custom.asr.kana or self._kana(custom.asr.text or "")), 4)
        custom = custom.model_copy(update={"asr": custom.asr.model_copy(update={"cer": value})})
        if value > self.config.mismatch_cer:
            custom = _with_flag(custom, QualityFlag(code="script_mismatch", value=value))
        return custom, value

    def _assign(self, cut: Any, line: ScriptLine, decisions: list[str]) -> Any:
        custom = _sup_custom(cut)
        source = custom.source or SourceInfo()
        source = source.model_copy(
            update={
                "line_id": line.line_id or source.line_id or f"row-{line.row}",
                "script_text": line.text,
                "script_scope": "folder",
                "character": line.speaker or source.character,
                "title": line.title or source.title,
                "path": source.path or (cut.custom or {}).get("source_path"),
            }
        )
        custom, value = self._score(custom.model_copy(update={"source": source}), line.text)
        decisions = [*decisions, f"line row {line.row}", f"cer={value}"]
        if value is not None and value > self.config.mismatch_cer:
            decisions.append("flagged script_mismatch")
        return self._finish(cut, custom, line.text, decisions, speaker=line.speaker)

    def _unmatched(self, cut: Any) -> Any:
        custom = _with_flag(_sup_custom(cut), QualityFlag(code="script_unmatched", detail="no script line reads alike"))
        return self._finish(cut, custom, cut.supervisions[0].text or "", ["no script line matched"])

    def _verify_file_line(self, group: list[Any]) -> Any:
        decisions = []
        cut = group[0]
        if len(group) > 1:
            cut = self._join(group)
            decisions.append(f"joined {len(group)} segments of one per-file line")
        custom = _sup_custom(cut)
        text = cut.supervisions[0].text or (custom.source.script_text if custom.source else "") or ""
        custom, value = self._score(custom, text)
        decisions.append(f"cer={value}")
        if value is not None and value > self.config.mismatch_cer:
            decisions.append("flagged script_mismatch")
        return self._finish(cut, custom, text, decisions)

    def _join(self, segs: list[Any]) -> Any:
        """One cut from adjacent segments of one recording; words and ASR text are concatenated."""
        from lhotse import MonoCut, SupervisionSegment

        first, last = segs[0], segs[-1]
        customs = [_sup_custom(s) for s in segs]
        words: list[WordTiming] = []
        for seg, cu in zip(segs, customs, strict=True):
            shift = seg.start - first.start
            for w in cu.asr.words if cu.asr else []:
                words.append(w.model_copy(update={"start": round(w.start + shift, 3), "end": round(w.end + shift, 3)}))
        base = customs[0]
        asr = None
        if base.asr is not None:
            texts = [cu.asr.text or "" for cu in customs if cu.asr]
            asr = base.asr.model_copy(
                update={
                    "text": "".join(texts),
                    "kana": "".join((cu.asr.kana or "") for cu in customs if cu.asr),
                    "words": words,
                    "avg_logprob": _mean([cu.asr.avg_logprob for cu in customs if cu.asr]),
                    "no_speech_prob": _max([cu.asr.no_speech_prob for cu in customs if cu.asr]),
                    "compression_ratio": None,
                }
            )
        custom = base.model_copy(update={"asr": asr})
        duration = round(last.end - first.start, 6)
        new_id = f"{first.id}-join{len(segs)}"
        sup0 = first.supervisions[0]
        sup = SupervisionSegment(
            id=new_id,
            recording_id=first.recording_id,
            start=0.0,
            duration=duration,
            text=sup0.text,
            language=sup0.language or "ja",
            speaker=sup0.speaker,
            custom=custom.to_custom() or None,
        )
        return MonoCut(
            id=new_id,
            start=first.start,
            duration=duration,
            channel=first.channel,
            recording=first.recording,
            supervisions=[sup],
            custom=dict(first.custom or {}),
        )

    def _split(self, cut: Any, lines: list[ScriptLine]) -> tuple[Any, Any]:
        """Two cuts from one segment, cut at the word boundary between the two lines' readings."""
        from lhotse import MonoCut, SupervisionSegment

        custom = _sup_custom(cut)
        words = list(custom.asr.words) if custom.asr else []
        if len(words) < 2:
            # No timings to cut at: fall back to the reading-length ratio of the two lines.
            ka, kb = self._kana(lines[0].text), self._kana(lines[1].text)
            t = cut.duration * len(ka) / max(len(ka) + len(kb), 1)
            k = 0
        else:
            wk = [self._kana(w.word) for w in words]
            k = best_split(wk, self._kana(lines[0].text), self._kana(lines[1].text))
            t = (words[k - 1].end + words[k].start) / 2
        t = min(max(t, 0.01), cut.duration - 0.01)
        out = []
        for n, (off, dur, ws) in enumerate(((0.0, t, words[:k]), (t, cut.duration - t, words[k:])), 1):
            new_id = f"{cut.id}-split{n}"
            ws = [
                w.model_copy(
                    update={"start": round(max(w.start - off, 0.0), 3), "end": round(max(w.end - off, 0.0), 3)}
                )
                for w in ws
            ]
            asr: AsrInfo | None = None
            if custom.asr is not None:
                text = "".join(w.word for w in ws).strip()
                asr = custom.asr.model_copy(update={"text": text, "kana": self._kana(text), "words": ws})
            sup0 = cut.supervisions[0]
            sup = SupervisionSegment(
                id=new_id,
                recording_id=cut.recording_id,
                start=0.0,
                duration=round(dur, 6),
                text=sup0.text,
                language=sup0.language or "ja",
                speaker=sup0.speaker,
                custom=custom.model_copy(update={"asr": asr}).to_custom() or None,
            )
            out.append(
                MonoCut(
                    id=new_id,
                    start=round(cut.start + off, 6),
                    duration=round(dur, 6),
                    channel=cut.channel,
                    recording=cut.recording,
                    supervisions=[sup],
                    custom=dict(cut.custom or {}),
                )
            )
        return out[0], out[1]


def _mean(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def _max(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return max(vals) if vals else None

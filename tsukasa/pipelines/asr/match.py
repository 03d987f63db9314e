"""The ``match_script`` stage: the game script is the reference; ASR verifies it.

Two script modes (both arrive from ingest):

* **per-file** lines (``custom.source.script_scope == "file"``): the segment already carries its
  file's text. The segments of one file are one line, so when the segment stage cut it into
  several they are joined back into one cut; the CER between the ASR reading and the script
  reading goes to ``custom.asr.cer`` and a CER above ``mismatch_cer`` adds the flag
  ``script_mismatch`` (kept for review: neither silently accepted nor dropped); when the audio
  reads like another row that names a file (two files swapped, rows shifted by one), the flag's
  detail names that row. A file the
  script names on several rows was split by the segment stage into one utterance per line
  (``custom.source.line_index``): each line is verified on its own. Where the audio alone could
  not split it (it arrives whole with ``source.script_lines`` and ``line_count_mismatch``), the
  ASR words do: line by line at the word gap that best separates its reading from the rest's,
  kept only when every piece reads like its own line within ``accept_cer``.
* **folder** lines (``StageContext.script``, no file named): segments without text are assigned
  to lines one-to-one by reading-level similarity (katakana from the text front-end vs the ASR
  kana). Candidates are a segment or two segments of one recording that follow each other in
  time (a line cut in two: joined) against a line or two lines (a segment holding two lines:
  split at the word gap that best separates their readings, and only when each half reads
  like its own line within ``accept_cer``). The assignment is solved exactly and globally (a
  small set-packing integer program), maximising the reading explained by script lines less
  the edits it needs. With an ordered script the confident matches (CER at most
  ``confident_cer``) set a prior: a split pairs consecutive lines, and the other candidates
  must fit between the lines of their matched neighbours (``order="auto"`` trusts the order
  only when the confident matches are themselves in order). Without it, any two shortlisted
  lines may share a segment, in either order.

Reporting: a matched line becomes ``text``, its id ``custom.source.line_id``; an unmatched
segment keeps its ASR text and gets the flag ``script_unmatched``; an unmatched line goes to
``rejected`` (kind ``supervision``, reason ``script_line_unmatched``, the line in ``item``) and
to :attr:`MatchResult.unmatched_lines`, so the run's rejected manifest lists every line that was
never found in the audio. Matching needs the whole folder at once: run it unsharded.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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
from tsukasa.errors import DatasetError
from tsukasa.pipelines.asr.kana import KanaFn, cer, distances_to_prefixes, edit_distance, reading
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
class SegReading:
    """What matching knows of one segment: its ASR reading and, to split it, its words.

    ``word_kana`` are the readings of the recognised words in order (only their lengths are
    used: a word read alone can differ from the same word in context, e.g. the particle は,
    while its length rarely does); ``word_gaps[k]`` is the silence in seconds between words
    ``k`` and ``k + 1``.
    """

    kana: str
    word_kana: tuple[str, ...] = ()
    word_gaps: tuple[float, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """Segments ``segs`` (1, or 2 adjacent in time) spoken as lines ``lines`` (1, or 2 in one segment).

    ``errors`` is the edit distance behind ``cer``; for a split, ``part_cers`` are the CERs of
    each half against its own line and ``split_word`` is the first word of the second half.
    """

    segs: tuple[int, ...]
    lines: tuple[int, ...]
    cer: float
    errors: int = 0
    part_cers: tuple[float, ...] = ()
    split_word: int | None = None


# --- the matching algorithm (pure: readings in, candidates out) -----------------------------


def split_point(
    seg: SegReading, first: str, second: str, *, pre: list[int] | None = None, suf: list[int] | None = None
) -> tuple[int, int, int] | None:
    """The word gap that best separates ``first`` and ``second`` in ``seg``: (k, err1, err2).

    Words ``[:k]`` are read as ``first`` and ``[k:]`` as ``second``; ``err1``/``err2`` are the
    edit distances of each half against its own line. Only word gaps are candidates (a split
    never cuts a word), chosen by the fewest total errors and then by the longest silence. The
    word readings' cumulative lengths place each gap in the segment's reading (one position
    either side is tried, to absorb a word read differently alone). None without two words.
    """
    n = len(seg.word_kana)
    kana = seg.kana
    if n < 2 or not kana:
        return None
    pre = pre if pre is not None else distances_to_prefixes(first, kana)
    suf = suf if suf is not None else distances_to_prefixes(second[::-1], kana[::-1])[::-1]
    lengths = [len(w) for w in seg.word_kana]
    total = sum(lengths) or 1
    best: tuple[int, float, int, int, int] | None = None  # (errors, -gap, k, err1, err2)
    cum = 0
    for k in range(1, n):
        cum += lengths[k - 1]
        centre = round(cum * len(kana) / total)
        gap = seg.word_gaps[k - 1] if k - 1 < len(seg.word_gaps) else 0.0
        for p in (centre - 1, centre, centre + 1):
            if 0 < p < len(kana):
                key = (pre[p] + suf[p], -gap, k, pre[p], suf[p])
                if best is None or key < best:
                    best = key
    if best is None:
        return None
    return best[2], best[3], best[4]


class _Shortlister:
    """The ``k`` lines sharing the most kana bigrams with a reading (count / sqrt of the line's
    bigram count).

    Exact CER on every (segment, line) pair is quadratic in pure Python; a bigram index keeps
    the exact comparison to a few lines per segment (0 = no shortlist: compare all).

    Counting is bounded too: common bigrams (ース, マス, シタ) stand in a large share of a script's
    lines, so counting every posting made each query scan a fixed share of the script — quadratic
    again (a 64,000-line script: 154 lines/s, against 1,018 at 4,000). The query's bigrams are
    counted rarest first until :data:`POSTINGS_BUDGET` postings are spent; when that stops early,
    the ``8k`` lines best by the rare bigrams are scored again on all their bigrams and the ``k``
    best of those returned. A script small enough to fit the budget gets the exact ranking.
    """

    POSTINGS_BUDGET = 4096

    def __init__(self, line_kana: Sequence[str], k: int) -> None:
        self.line_kana = line_kana
        self.k = k
        self.index: dict[str, list[int]] = {}
        self.norm: list[float] = []  # each line's bigram count ** 0.5, computed once (it was per query)
        for j, lk in enumerate(line_kana):
            grams = _bigrams(lk)
            self.norm.append(len(grams) ** 0.5 or 1)
            for g in grams:
                self.index.setdefault(g, []).append(j)

    def __call__(self, kana: str) -> list[int]:
        if self.k <= 0 or len(self.line_kana) <= self.k:
            return [j for j, lk in enumerate(self.line_kana) if lk]
        grams = _bigrams(kana)
        counts: dict[int, int] = {}
        spent, complete = 0, True
        for g in sorted(grams, key=lambda g: (len(self.index.get(g, ())), g)):
            postings = self.index.get(g, ())
            if counts and spent + len(postings) > self.POSTINGS_BUDGET:
                complete = False
                break
            spent += len(postings)
            for j in postings:
                counts[j] = counts.get(j, 0) + 1
        norm = self.norm
        # the k best of sorted(): same order and ties, without sorting every line that shares a bigram
        best = heapq.nsmallest(self.k if complete else 8 * self.k, counts, key=lambda j: (-counts[j] / norm[j], j))
        if complete:
            return best
        full = {j: len(grams & _bigrams(self.line_kana[j])) for j in best}
        return heapq.nsmallest(self.k, full, key=lambda j: (-full[j] / norm[j], j))


def _bigrams(kana: str) -> set[str]:
    return {kana[k : k + 2] for k in range(len(kana) - 1)} or ({kana} if kana else set())


def _gain(c: Candidate, segs: Sequence[SegReading], line_kana: Sequence[str], cfg: MatchConfig) -> float:
    """What taking ``c`` is worth: the segment reading it explains, less its errors.

    Summed over an assignment, this is the reading explained by script lines minus the edits
    needed to get there, so the best assignment is the one closest to the audio. A split or a
    join pays ``pair_margin`` per line character: two short readings glued together would
    otherwise win on length alone. A hair more for pairs breaks exact ties toward singles.
    """
    explained = sum(len(segs[s].kana) for s in c.segs)
    paired = len(c.segs) + len(c.lines) > 2
    penalty = cfg.pair_margin * sum(len(line_kana[j]) for j in c.lines) + 1e-3 if paired else 0.0
    return explained - c.errors - penalty


def _solve(cands: Sequence[Candidate], gains: Sequence[float], n_s: int, n_l: int) -> list[Candidate]:
    """The exact best one-to-one assignment: a set-packing integer program (HiGHS, via scipy).

    Every candidate is a 0/1 variable; each segment and each line may be used at most once.
    Greedy acceptance (lowest CER first) gets this wrong whenever an early pick blocks two
    better ones, and a split or join spans two segments or two lines, which a plain
    segment x line assignment (``linear_sum_assignment``) cannot express.
    """
    if not cands:
        return []
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    rows: list[int] = []
    cols: list[int] = []
    for x, c in enumerate(cands):
        rows.extend(c.segs)
        rows.extend(n_s + j for j in c.lines)
        cols.extend([x] * (len(c.segs) + len(c.lines)))
    a = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_s + n_l, len(cands))).tocsr()
    res = milp(
        c=-np.asarray(gains, dtype=float),
        constraints=LinearConstraint(a, ub=np.ones(n_s + n_l)),
        integrality=np.ones(len(cands)),
        bounds=Bounds(0, 1),
    )
    if res.x is None:  # the problem is always feasible (all zeros): this is a solver failure
        raise RuntimeError(f"script assignment failed: {res.message}")
    return [c for c, v in zip(cands, res.x, strict=True) if v > 0.5]


def match_readings(
    segs: Sequence[SegReading],
    line_kana: Sequence[str],
    *,
    adjacent: Sequence[bool],
    cfg: MatchConfig,
) -> tuple[list[Candidate], bool | None]:
    """Assign segments to lines one-to-one by reading errors, globally.

    ``adjacent[i]`` says whether segments ``i`` and ``i+1`` may be one line cut in two (same
    recording, next to each other in time). Candidates: a segment as one line; two adjacent
    segments as one line (join); one segment as two lines (split at a word gap, each half
    within ``accept_cer`` of its own line). With the order prior the two lines of a split are
    consecutive in the script and candidates must fit between the lines of the confident
    matches around them; without it any two shortlisted lines may share a segment, in either
    order. The assignment maximises the explained reading (:func:`_gain`) exactly.
    Returns the accepted candidates and whether order was used (None: no anchors to judge).
    """
    n_s, n_l = len(segs), len(line_kana)
    shortlist = _Shortlister(line_kana, cfg.shortlist)
    near = [shortlist(sg.kana) if sg.kana else [] for sg in segs]

    # Only candidates some later step can use are kept: the shortlist holds 16 lines a segment,
    # nearly all of them far off, and at a million segments keeping them all took GBs.
    usable = max(cfg.accept_cer, cfg.confident_cer)
    singles: list[Candidate] = []
    joins: list[Candidate] = []
    for i, sg in enumerate(segs):
        for j in near[i]:
            d = edit_distance(line_kana[j], sg.kana)
            if d / len(line_kana[j]) <= usable:
                singles.append(Candidate((i,), (j,), d / len(line_kana[j]), d))
        if cfg.allow_join and i + 1 < n_s and adjacent[i] and sg.kana and segs[i + 1].kana:
            joined = sg.kana + segs[i + 1].kana
            for j in sorted(set(near[i]) | set(near[i + 1]) | set(shortlist(joined))):
                d = edit_distance(line_kana[j], joined)
                if d / len(line_kana[j]) <= cfg.accept_cer:
                    joins.append(Candidate((i, i + 1), (j,), d / len(line_kana[j]), d))

    # Order prior: judged on the confident single matches, themselves assigned globally.
    ordered: bool | None = False
    anchors: list[Candidate] = []
    if cfg.order != "unordered":
        confident = [c for c in singles if c.cer <= cfg.confident_cer]
        anchors = _solve(confident, [_gain(c, segs, line_kana, cfg) for c in confident], n_s, n_l)
        if cfg.order == "ordered" or _is_ordered(anchors):
            ordered = True if anchors else None
    use_order = ordered is True or cfg.order == "ordered"

    splits: list[Candidate] = []
    if cfg.allow_split:
        for i, sg in enumerate(segs):
            splits.extend(_split_candidates(i, sg, near[i], line_kana, consecutive=use_order, cfg=cfg))

    cands = [c for c in singles + joins if c.cer <= cfg.accept_cer] + splits
    if use_order and anchors:
        anchor_set = set(anchors)
        window = _AnchorWindow(anchors, n_l)
        cands = [c for c in cands if c in anchor_set or window.fits(c)]
    gains = [_gain(c, segs, line_kana, cfg) for c in cands]
    keep = [k for k, g in enumerate(gains) if g > 0]
    taken = _solve([cands[k] for k in keep], [gains[k] for k in keep], n_s, n_l)
    return taken, ordered


class _AnchorWindow:
    """Where a candidate may fall under the order prior: after every line of the confident matches
    of earlier segments, before every line of those of later ones.

    Answered by bisection over the anchors sorted by segment, with running maxima and minima of
    their lines; it scanned every anchor for every candidate, which is quadratic: seconds at a
    few thousand script lines, hours at a hundred thousand."""

    def __init__(self, anchors: Sequence[Candidate], n_lines: int) -> None:
        by_seg = sorted({s: c.lines for c in anchors for s in c.segs}.items())
        self.segs = [s for s, _ in by_seg]
        self.max_before = list(itertools.accumulate((max(lines) for _, lines in by_seg), max))
        mins_after = list(itertools.accumulate((min(lines) for _, lines in reversed(by_seg)), min))
        self.min_after = mins_after[::-1]
        self.n_lines = n_lines

    def fits(self, c: Candidate) -> bool:
        k = bisect.bisect_left(self.segs, min(c.segs))  # anchors before the candidate: segs[:k]
        lo = self.max_before[k - 1] if k else -1
        k = bisect.bisect_right(self.segs, max(c.segs))  # anchors after it: segs[k:]
        hi = self.min_after[k] if k < len(self.segs) else self.n_lines
        return lo < min(c.lines) and max(c.lines) < hi


def _split_candidates(
    i: int, seg: SegReading, near: Sequence[int], line_kana: Sequence[str], *, consecutive: bool, cfg: MatchConfig
) -> list[Candidate]:
    """Segment ``i`` read as two lines: consecutive ones (order prior) or any two of ``near``."""
    if len(seg.word_kana) < 2 or not seg.kana:
        return []
    n_l = len(line_kana)
    if consecutive:
        pairs = sorted({(j, j + 1) for k in near for j in (k - 1, k) if 0 <= j and j + 1 < n_l})
    else:
        pairs = [(j, k) for j in near for k in near if j != k]
    pairs = [(j, k) for j, k in pairs if line_kana[j] and line_kana[k]]
    pre: dict[int, list[int]] = {}
    suf: dict[int, list[int]] = {}
    rev = seg.kana[::-1]
    out = []
    for j, k in pairs:
        if j not in pre:
            pre[j] = distances_to_prefixes(line_kana[j], seg.kana)
        if k not in suf:
            suf[k] = distances_to_prefixes(line_kana[k][::-1], rev)[::-1]
        found = split_point(seg, line_kana[j], line_kana[k], pre=pre[j], suf=suf[k])
        if found is None:
            continue
        word, e1, e2 = found
        c1, c2 = e1 / len(line_kana[j]), e2 / len(line_kana[k])
        # Each half must read like its own line: a good half cannot carry a wrong one.
        if c1 > cfg.accept_cer or c2 > cfg.accept_cer:
            continue
        total = len(line_kana[j]) + len(line_kana[k])
        out.append(Candidate((i,), (j, k), (e1 + e2) / total, e1 + e2, (round(c1, 4), round(c2, 4)), word))
    return out


def _is_ordered(anchors: Sequence[Candidate]) -> bool | None:
    """True when the confident matches keep the script order (>= 90% of adjacent pairs)."""
    if len(anchors) < 3:
        return True  # too few to judge: using order costs little when matches are this sparse
    pairs = sorted((min(c.segs), min(c.lines)) for c in anchors)
    rising = sum(1 for a, b in zip(pairs, pairs[1:], strict=False) if b[1] > a[1])
    return rising >= 0.9 * (len(pairs) - 1)


def _adjacent_pairs(candidates: Sequence[Any], all_cuts: Sequence[Any], max_gap: float) -> list[bool]:
    """Whether candidates ``i`` and ``i + 1`` may be one line cut in two.

    Only segments of one recording that follow each other in time with nothing in between:
    no other input cut (a scripted segment, say) between them, and a pause of at most
    ``max_gap`` seconds. Two halves of one line are never apart in time, so anything else
    joined would be a different line's audio glued on.
    """
    timeline: dict[str, list[Any]] = {}
    for cut in all_cuts:
        timeline.setdefault(cut.recording_id, []).append(cut)
    successor: dict[str, str] = {}
    for cuts in timeline.values():
        cuts.sort(key=lambda c: (c.start, c.end))
        for a, b in zip(cuts, cuts[1:], strict=False):
            successor[a.id] = b.id
    return [
        a.recording_id == b.recording_id and successor.get(a.id) == b.id and -1e-3 <= b.start - a.end <= max_gap
        for a, b in zip(candidates, candidates[1:], strict=False)
    ]


# --- the stage -----------------------------------------------------------------------------


def _order_key(cut: Any) -> tuple[str, float]:
    custom = cut.custom or {}
    return (str(custom.get("source_path") or cut.recording_id), float(cut.start))


@dataclass(slots=True)
class _Seen:
    """What the first pass keeps of one input cut: enough to plan, never the cut itself (the
    attributes :func:`_adjacent_pairs` reads are named as a cut's)."""

    pos: int  # position in the input
    key: tuple[str, float]  # :func:`_order_key`
    id: str
    recording_id: str
    start: float
    end: float
    group: tuple[str, int | None] | None  # a per-file script line: its segments are one line
    candidate: bool  # no script line yet: matched against the folder script


@dataclass
class _Plan:
    """The first pass's decisions: ``actions[pos]`` is ``(action, ref)`` for every input position —
    ``("group", g)`` (per-file line ``g``, members ``groups[g]``), ``("keep", i)`` (unchanged; ``i`` its
    place in time order), ``("taken", t)`` (part of accepted candidate ``taken[t]``, whose segment
    indices point into ``candidates``) or ``("unmatched", i)``."""

    lines: list[ScriptLine]
    sort_by_time: bool  # as before: without folder lines the outputs keep the grouped order
    file_lines: list[ScriptLine] = field(default_factory=list)  # the per-file rows, for swap hints
    file_kana: list[str] = field(default_factory=list)  # their readings, made at the first mismatch
    file_shortlist: _Shortlister | None = None
    actions: dict[int, tuple[str, int]] = field(default_factory=dict)
    groups: list[list[int]] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    taken: list[Candidate] = field(default_factory=list)
    ordered: bool | None = None
    rejected: list[RejectedItem] = field(default_factory=list)
    unmatched_lines: list[ScriptLine] = field(default_factory=list)

    def time_key(self, cut: Any) -> tuple[str, float]:
        return _order_key(cut) if self.sort_by_time else ("", 0.0)


# How far (s) from a multiple_lines candidate split a word break may lie and still be that pause.
_NEAR_S = 0.35

# How a script_mismatch flag's detail begins when the audio reads like another file's row.
MISLABEL_HINT = "the audio reads like script row"


def _sup_custom(cut: Any) -> SupervisionCustom:
    return read_supervision_custom(cut.supervisions[0], cut_id=cut.id)


def _with_flag(custom: SupervisionCustom, flag: QualityFlag) -> SupervisionCustom:
    quality = custom.quality or QualityInfo()
    flags = [f for f in quality.flags if f.code != flag.code] + [flag]
    return custom.model_copy(update={"quality": quality.model_copy(update={"flags": flags})})


@register_stage
class MatchScriptStage(Stage[MatchConfig]):
    """Script lines → ``text``, with the ASR reading as the check (``custom.asr.cer``)."""

    name = "match_script"
    scope = "dataset"  # the folder script is matched one-to-one against every segment at once
    reads_script = True
    kind = "annotator"
    # 3: a per-file mismatch names the script row the audio reads like; 4: the ASR text read with the
    # current front-end (clipped endings such as 行こっか are read in full since phonemize 8), and a
    # multiple_lines flag cleared when the words either side of the pause read as the line's parts
    version = "4"
    Config = MatchConfig

    def __init__(self, config: MatchConfig | None = None, *, kana_fn: KanaFn | None = None) -> None:
        super().__init__(config)
        self._kana: KanaFn = kana_fn or reading
        self._asr_kana: dict[str, str] = {}  # ASR text → its reading: the plan and the output both need it

    def model_versions(self) -> dict[str, str]:
        """Script and ASR text are compared as readings by the text front-end: its version is this
        stage's model (a front-end change re-runs the matching, not the cached one)."""
        from tsukasa.pipelines.textfront.stages import frontend_versions

        return frontend_versions()

    def process(self, cuts: Iterable[Any], ctx: StageContext) -> MatchResult:
        cuts = list(cuts)
        plan = self._plan(cuts, ctx)
        outputs = sorted(self._outputs(cuts, plan), key=lambda item: item[0])  # keys are unique
        return MatchResult(
            kept=[cut for _, cut in outputs],
            rejected=plan.rejected,
            unmatched_lines=plan.unmatched_lines,
            ordered=plan.ordered,
        )

    def process_manifest(self, input_path: str | Path, ctx: StageContext, cuts_path: Path, rejected_path: Path) -> int:
        """Two passes over the manifest, never holding the dataset's cuts: the first keeps what
        matching needs of each segment (:class:`_Seen`, its reading), the second rebuilds each
        output cut as its input arrives and hands it to an on-disk sort. Held as lhotse objects
        the cuts cost 7–9 KB each, about half the stage's memory; see ``bench_match.py --stage``."""
        import orjson

        from tsukasa.corpus.manifests import SortedLines, manifest_dict, read_cuts, write_json_lines, write_jsonl

        plan = self._plan(read_cuts(input_path), ctx)
        write_jsonl((r.to_dict() for r in plan.rejected), rejected_path)
        with SortedLines(Path(cuts_path).parent) as spool:
            for key, cut in self._outputs(read_cuts(input_path), plan):
                spool.add(key, orjson.dumps(manifest_dict(cut)))
            return write_json_lines(spool.lines(), cuts_path)

    # --- the two passes ----------------------------------------------------------------------
    def _plan(self, cuts: Iterable[Any], ctx: StageContext) -> _Plan:
        """First pass: what happens to each input position, decided from compact records."""
        lines = [ln for ln in ctx.script if ln.file is None]
        seen: list[_Seen] = []
        readings: dict[int, SegReading] = {}
        for pos, cut in enumerate(cuts):
            custom = _sup_custom(cut) if cut.supervisions else SupervisionCustom()
            source = custom.source
            group = None
            if source is not None and source.script_scope == "file":
                # one group per script line: a multi-line file's utterances each carry their own
                group = (cut.recording_id, source.line_index)
            # Candidates: segments no script line is attached to yet (their text, if any, is ASR's).
            candidate = group is None and bool(cut.supervisions) and not (source is not None and source.script_text)
            seen.append(_Seen(pos, _order_key(cut), cut.id, cut.recording_id, cut.start, cut.end, group, candidate))
            if candidate and lines:
                readings[pos] = self._seg_reading(cut)
        by_order = sorted(seen, key=lambda s: s.key)  # stable: equal keys stay in input order
        plan = _Plan(lines=lines, sort_by_time=bool(lines), file_lines=[ln for ln in ctx.script if ln.file])
        group_ids: dict[tuple[str, int | None], int] = {}
        free: list[tuple[int, _Seen]] = []
        for idx, s in enumerate(by_order):
            if s.group is None:
                free.append((idx, s))
                continue
            gid = group_ids.setdefault(s.group, len(group_ids))
            if gid == len(plan.groups):
                plan.groups.append([])
            plan.groups[gid].append(s.pos)
            plan.actions[s.pos] = ("group", gid)
        if not lines:
            for idx, s in free:
                plan.actions[s.pos] = ("keep", idx)
            return plan
        candidates = [s for _, s in free if s.candidate]
        for idx, s in free:
            if not s.candidate:
                plan.actions[s.pos] = ("keep", idx)
        cfg = self.config
        line_kana = [self._kana(ln.text) for ln in lines]
        adjacent = _adjacent_pairs(candidates, by_order, cfg.max_join_gap)
        segs = [readings[s.pos] for s in candidates]
        taken, plan.ordered = match_readings(segs, line_kana, adjacent=adjacent, cfg=cfg)
        plan.candidates = [s.pos for s in candidates]
        plan.taken = sorted(taken, key=lambda c: c.segs)
        for t, c in enumerate(plan.taken):
            for i in c.segs:
                plan.actions[plan.candidates[i]] = ("taken", t)
        for i, s in enumerate(candidates):
            plan.actions.setdefault(s.pos, ("unmatched", i))
        used_l = {j for c in taken for j in c.lines}
        for j, line in enumerate(lines):
            if j not in used_l:
                plan.unmatched_lines.append(line)
                plan.rejected.append(
                    RejectedItem(
                        id=line.line_id or f"script-row-{line.row}",
                        kind="supervision",
                        reason="script_line_unmatched",
                        detail=f"no segment reads like script row {line.row}: {line.text[:40]!r}",
                        stage=self.name,
                        item=line.model_dump(mode="json"),
                    )
                )
        return plan

    def _outputs(self, cuts: Iterable[Any], plan: _Plan) -> Iterator[tuple[tuple[Any, ...], Any]]:
        """Second pass: each output cut with its sort key, as soon as its inputs have arrived (a
        join or a per-file group waits for its last segment; nothing else is held)."""
        category = {"group": 0, "keep": 1, "taken": 2, "unmatched": 3}  # the output order of equal times
        order_note = f"order={'used' if plan.ordered else 'ignored'}"
        waiting: dict[int, Any] = {}
        n = 0
        for pos, cut in enumerate(cuts):
            n += 1
            if pos not in plan.actions:
                break  # more cuts than the first pass saw: reported below
            action, ref = plan.actions[pos]
            if action == "keep":
                outs = [cut]
            elif action == "unmatched":
                outs = [self._unmatched(cut)]
            else:
                waiting[pos] = cut
                outs = self._complete(action, ref, plan, waiting, order_note)
            for sub, out in enumerate(outs):
                yield (*plan.time_key(out), category[action], ref, sub), out
        if waiting or n != len(plan.actions):
            raise DatasetError(f"match_script: its input changed between passes ({len(plan.actions)} cuts, then {n})")

    def _complete(self, action: str, ref: int, plan: _Plan, waiting: dict[int, Any], order_note: str) -> list[Any]:
        """The outputs of a per-file line or an accepted candidate once all its segments have
        arrived (they leave ``waiting`` then); none before."""
        members = plan.groups[ref] if action == "group" else [plan.candidates[i] for i in plan.taken[ref].segs]
        if not all(p in waiting for p in members):
            return []
        parts = [waiting.pop(p) for p in members]
        if action == "group":
            return self._verify_file_lines(parts, plan)
        return self._taken(plan.taken[ref], parts, plan.lines, order_note)

    def _taken(self, c: Candidate, segs: list[Any], lines: list[ScriptLine], order_note: str) -> list[Any]:
        """The output cuts of one accepted candidate: a line, two segments joined, or a split."""
        matched = [lines[j] for j in c.lines]
        if len(segs) == 2:
            return [self._assign(self._join(segs), matched[0], [order_note, "joined 2 segments"])]
        if len(matched) == 2 and c.split_word is not None:
            first, second = self._split(segs[0], c.split_word)
            halves = f"half CERs {c.part_cers[0]}/{c.part_cers[1]}"
            return [
                self._assign(first, matched[0], [order_note, "split: first of 2 lines", halves]),
                self._assign(second, matched[1], [order_note, "split: second of 2 lines", halves]),
            ]
        return [self._assign(segs[0], matched[0], [order_note])]

    # --- pieces ----------------------------------------------------------------------------
    def _seg_reading(self, cut: Any) -> SegReading:
        asr = _sup_custom(cut).asr
        if asr is None:
            return SegReading("")
        kana = self._asr_reading(asr)  # not transcribe's cached kana: see _asr_reading
        words = asr.words
        gaps = tuple(max(b.start - a.end, 0.0) for a, b in zip(words, words[1:], strict=False))
        return SegReading(kana, tuple(self._kana(w.word) for w in words), gaps)

    def _finish(
        self, cut: Any, custom: SupervisionCustom, text: str, decisions: list[str], speaker: str | None = None
    ) -> Any:
        from lhotse.utils import fastcopy

        sup = cut.supervisions[0]
        custom = custom.with_provenance(self.provenance(decisions))
        new_sup = with_supervision_custom(fastcopy(sup, text=text, speaker=speaker or sup.speaker), custom)
        return fastcopy(cut, supervisions=[new_sup])

    def _asr_reading(self, asr: AsrInfo) -> str:
        """The reading of what ASR heard, by the current front-end: transcribe's cached ``kana``
        may hold an older front-end's reading (used only when there is no text), and the script
        lines are read with this one. Read once per stage run: the plan reads every candidate's,
        the output scores the same text again."""
        if not asr.text:
            return asr.kana or ""
        kana = self._asr_kana.get(asr.text)
        if kana is None:
            kana = self._asr_kana[asr.text] = self._kana(asr.text)
        return kana

    def _score(self, custom: SupervisionCustom, script_text: str) -> tuple[SupervisionCustom, float | None]:
        if custom.asr is None:
            return custom, None
        asr = custom.asr
        value = round(cer(self._kana(script_text), self._asr_reading(asr)), 4)
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

    def _verify_file_lines(self, group: list[Any], plan: _Plan) -> list[Any]:
        """One per-file line verified; or, for a file whose several lines the audio could not
        separate (segment left it whole: ``source.script_lines``), those lines split by the words."""
        cut = group[0] if len(group) == 1 else self._join(group)
        source = _sup_custom(cut).source
        lines = source.script_lines if source is not None else None
        if lines and len(lines) > 1 and self.config.allow_split:
            pieces = self._split_lines(cut, [ln.text for ln in lines])
            if pieces is not None:
                return [self._script_line(piece, i, lines, at, plan) for i, (piece, at) in enumerate(pieces)]
        return [self._verify_file_line(group, cut, plan)]

    def _split_lines(self, cut: Any, texts: list[str]) -> list[tuple[Any, str]] | None:
        """``cut`` in ``len(texts)`` pieces at the word gaps that best separate the lines' readings,
        one line at a time (the first against all the rest); None unless every piece reads like its
        own line within ``accept_cer``. Each piece comes with where it was cut."""
        pieces: list[tuple[Any, str]] = []
        rest, note = cut, "start"
        for i in range(len(texts) - 1):
            first, remainder = self._kana(texts[i]), self._kana("".join(texts[i + 1 :]))
            seg = self._seg_reading(rest)
            point = split_point(seg, first, remainder)
            if point is None or not first or not remainder:
                return None
            k, err1, err2 = point
            if err1 / len(first) > self.config.accept_cer or err2 / len(remainder) > self.config.accept_cer:
                return None
            head, rest = self._split(rest, k)
            pieces.append((head, note))
            note = f"split by ASR words before word {k} (line {i + 1}: {err1} edits, the rest: {err2})"
        pieces.append((rest, note))
        return pieces

    def _script_line(self, cut: Any, i: int, lines: list[Any], note: str, plan: _Plan) -> Any:
        custom = _sup_custom(cut)
        assert custom.source is not None
        line = lines[i]
        source = custom.source.for_line(i)
        quality = custom.quality
        if quality is not None:  # the audio could not split it; the words did
            flags = [f for f in quality.flags if f.code != "line_count_mismatch"]
            quality = quality.model_copy(update={"flags": flags})
        custom, value = self._score(custom.model_copy(update={"source": source, "quality": quality}), line.text)
        decisions = [f"script line {i + 1} of {len(lines)}", note, f"cer={value}"]
        if value is not None and value > self.config.mismatch_cer:
            custom = self._mislabel_hint(custom, line.text, plan, decisions)
        return self._finish(cut, custom, line.text, decisions, speaker=line.character)

    def _verify_file_line(self, group: list[Any], cut: Any, plan: _Plan) -> Any:
        decisions = []
        if len(group) > 1:
            decisions.append(f"joined {len(group)} segments of one per-file line")
        custom = _sup_custom(cut)
        text = cut.supervisions[0].text or (custom.source.script_text if custom.source else "") or ""
        custom, value = self._score(custom, text)
        decisions.append(f"cer={value}")
        if value is not None and value > self.config.mismatch_cer:
            custom = self._mislabel_hint(custom, text, plan, decisions)
        elif value is not None:
            custom = self._pauses_inside_line(cut, custom, text, decisions)
        return self._finish(cut, custom, text, decisions)

    def _pauses_inside_line(
        self, cut: Any, custom: SupervisionCustom, text: str, decisions: list[str]
    ) -> SupervisionCustom:
        """A per-file line that segment flagged ``multiple_lines`` (a pause that sounds like a line
        break): when the words either side of every candidate split read as the script line's two
        parts (ねえ、 | 聞いてる？), the pause is inside the line and the flag is cleared, with the
        evidence in provenance. Words after a split that the line does not say (a second line the
        script lacks), or no words on one side, keep the flag for review."""
        from tsukasa.pipelines.segment import candidate_split_times

        quality, asr = custom.quality, custom.asr
        flag = next((f for f in quality.flags if f.code == "multiple_lines"), None) if quality else None
        if flag is None or asr is None or not asr.words:
            return custom
        origin = cut.start + cut.supervisions[0].start  # the words' times count from here
        line = self._kana(text)
        words = asr.words
        notes = []
        for t in candidate_split_times(flag):
            found = self._line_parts(line, words, t - origin)
            if found is None:
                return custom
            notes.append(f"{t:.2f} s: {found}")
        if not notes:
            return custom
        parts = "; ".join(notes)
        decisions.append(f"multiple_lines cleared: the words either side read as the script line's parts ({parts})")
        flags = [f for f in quality.flags if f.code != "multiple_lines"]
        return custom.model_copy(update={"quality": quality.model_copy(update={"flags": flags})})

    def _line_parts(self, line: str, words: Sequence[Any], t: float) -> str | None:
        """``line`` cut in two where the words break near ``t`` (s, in the words' time), when both
        sides read as their part of it (each within :meth:`_allowance`): "ネー | ホーカゴニ…"; else None.
        Whisper's word times are loose around a pause (the word after it is pinned back over
        the silence), so every word break within ``_NEAR_S`` of ``t`` is tried (and none there is no
        evidence), and each side is read as a whole (a single kanji read alone is no part of the
        line's reading)."""
        if len(line) < 2 or len(words) < 2:
            return None
        # No word break near the pause (Whisper heard nothing after it, or missed a short second
        # line there): no evidence that the pause is inside the line.
        near = [k for k in range(1, len(words)) if abs((words[k - 1].end + words[k].start) / 2 - t) <= _NEAR_S]
        best: tuple[tuple[int, float], str] | None = None
        for k in near:
            before = self._kana("".join(w.word for w in words[:k]))
            after = self._kana("".join(w.word for w in words[k:]))
            if not before or not after:
                continue
            pre = distances_to_prefixes(before, line)  # before against each start of the line
            suf = distances_to_prefixes(after[::-1], line[::-1])[::-1]  # after against each end
            ok_before, ok_after = self._allowance(len(before)), self._allowance(len(after))
            for p in range(1, len(line)):  # every cut of the line, not only the cheapest (ties mislead)
                if pre[p] <= ok_before and suf[p] <= ok_after:
                    key = (pre[p] + suf[p], max(pre[p] / len(before), suf[p] / len(after)))
                    if best is None or key < best[0]:
                        best = (key, f"{line[:p]} | {line[p:]}")
        return best[1] if best else None

    def _allowance(self, morae: int) -> int:
        """Edits a side of ``morae`` may differ from its part of the line by: ``mismatch_cer`` of it,
        and one for a short side (ふっ heard for ふふっ), none for a single mora."""
        return max(1 if morae >= 2 else 0, int(self.config.mismatch_cer * morae))

    def _mislabel_hint(
        self, custom: SupervisionCustom, text: str, plan: _Plan, decisions: list[str]
    ) -> SupervisionCustom:
        """A per-file line the audio does not say: flagged, and when the audio reads like another
        row the script gives a file (CER within ``confident_cer``), the flag names that row. Rows
        shifted by one against the files, or two files swapped, are a common fault of game rips;
        the hint turns a wall of mismatches into the fix."""
        decisions.append("flagged script_mismatch")
        asr = custom.asr
        if not plan.file_lines or asr is None or not asr.kana:
            return custom
        if plan.file_shortlist is None:
            plan.file_kana = [self._kana(ln.text) for ln in plan.file_lines]
            plan.file_shortlist = _Shortlister(plan.file_kana, self.config.shortlist)
        own = self._kana(text)
        best: tuple[float, int] | None = None
        for j in plan.file_shortlist(asr.kana):
            if plan.file_kana[j] and plan.file_kana[j] != own:
                value = cer(plan.file_kana[j], asr.kana)
                if best is None or value < best[0]:
                    best = (value, j)
        if best is None or best[0] > self.config.confident_cer:
            return custom
        line = plan.file_lines[best[1]]
        hint = f"{MISLABEL_HINT} {line.row} (file {line.file}, CER {best[0]:.2f}): {line.text[:40]!r}"
        decisions.append(hint)
        quality = custom.quality or QualityInfo()
        flags = [f.model_copy(update={"detail": hint}) if f.code == "script_mismatch" else f for f in quality.flags]
        return custom.model_copy(update={"quality": quality.model_copy(update={"flags": flags})})

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

    def _split(self, cut: Any, k: int) -> tuple[Any, Any]:
        """Two cuts from one segment, cut in the silence between words ``k - 1`` and ``k``."""
        from lhotse import MonoCut, SupervisionSegment

        custom = _sup_custom(cut)
        words = list(custom.asr.words) if custom.asr else []
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

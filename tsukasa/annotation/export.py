"""Review → a new dataset version: edits applied, rejected cuts moved to ``rejected``, ``custom.review`` set.

The store's events are made against its base version; the export reads exactly that version,
so reviewing v3 and exporting always yields "v3 + these decisions", whatever became current
meanwhile. Cuts nobody reviewed are copied unchanged, so a diff of the two versions shows exactly
the reviewers' work.
"""

from __future__ import annotations

from typing import Any

from tsukasa.annotation.store import ReviewError, ReviewStore
from tsukasa.corpus.dataset import Dataset, VersionRecord
from tsukasa.corpus.schema import NonverbalEvent, RejectedItem, ReviewInfo, read_supervision_custom

REJECT_REASON = "review_rejected"


def apply_review(cut: Any, state: Any) -> Any:
    """A copy of ``cut`` with the reviewed field values and ``custom.review`` on its first supervision."""
    from lhotse import SupervisionSegment
    from lhotse.utils import fastcopy

    from tsukasa.corpus.schema import with_supervision_custom

    sups = list(cut.supervisions)
    if not sups:  # a cut reviewed before it had a transcript: the reviewer's text becomes its supervision
        sups = [SupervisionSegment(id=cut.id, recording_id=cut.recording_id, start=0.0, duration=cut.duration)]
    sup = sups[0]
    custom = read_supervision_custom(sup, cut.id)
    cur, orig = state.current, state.original
    update: dict[str, Any] = {}
    for key in ("kana", "phonemes", "prosody"):
        if cur.get(key) != orig.get(key):
            update[key] = cur.get(key)
    if cur.get("nonverbal") != orig.get("nonverbal"):
        update["nonverbal"] = [NonverbalEvent.model_validate(e) for e in cur.get("nonverbal") or []]
    update["review"] = ReviewInfo(
        status=state.status,
        reviewer=state.reviewer,
        time=state.reviewed_at,
        version=state.dataset_version,
        reason=state.reason,
    )
    custom = custom.model_copy(update=update)
    new_sup = with_supervision_custom(sup, custom)
    if cur.get("text") != orig.get("text"):
        new_sup = fastcopy(new_sup, text=cur.get("text") or "")
    return fastcopy(cut, supervisions=[new_sup, *sups[1:]])


def export_reviews(
    dataset: Dataset,
    store: ReviewStore,
    *,
    created_by: str | None = None,
    onto_base: bool = False,
    onto_current: bool = False,
) -> VersionRecord:
    """Write the reviewed dataset as a new version (kind ``review``) and return its record.

    Exporting twice without new events returns the existing version instead of a duplicate.

    The export is "the reviewed version + the decisions". When a later version that is not an
    export of these reviews is current (a ``tsukasa run`` with a new recipe, a split), writing that
    would quietly supersede the later version's changes, so it is refused with one line unless the
    caller says which is meant: ``onto_base`` (the reviewed version + decisions, as before) or
    ``onto_current`` (the current version + the decisions on cuts it still has unchanged: same id,
    recording and span; the fields a reviewer edited take the reviewer's values, the others keep
    the new run's; decisions on cuts the run changed are counted as not carried).
    """
    base = store.base_version
    if base is None:
        raise ReviewError(f"the review store of {dataset.name!r} holds no cuts yet (open the app once to load them)")
    if onto_base and onto_current:
        raise ReviewError("choose one of --onto-base and --onto-current")
    newer = [v for v in dataset.meta.versions if v.number > base and not is_export_of(v, base)]
    if newer and not (onto_base or onto_current):
        latest = newer[-1]
        raise ReviewError(
            f"the reviews are on v{base}, but v{latest.number} ({latest.kind}: {latest.description}) came after it: "
            f"exporting v{base} + the decisions would drop what v{latest.number} changed; pass --onto-current "
            f"(the decisions onto v{latest.number}'s unchanged cuts) or --onto-base"
        )
    target = newer[-1].number if (newer and onto_current) else base
    reviewed = {s.cut_id: s for s in store.reviewed_states()}
    spans = {c.id: _span(c) for c in dataset.cuts(base)} if target != base else {}
    counts = {"accepted": 0, "edited": 0, "rejected": 0}
    kept: list[Any] = []
    rejected = list(dataset.rejected(target))
    carried = 0
    for cut in dataset.cuts(target):
        state = reviewed.get(cut.id)
        if state is None or (target != base and spans.get(cut.id) != _span(cut)):
            kept.append(cut)  # unreviewed, or a cut the later run changed: the decision was on other audio
            continue
        carried += 1
        counts[state.status] += 1
        new = apply_review(cut, state)
        if state.status == "rejected":
            rejected.append(
                RejectedItem(
                    id=cut.id,
                    kind="cut",
                    reason=REJECT_REASON,
                    detail=f"{state.reviewer}: {state.reason or ''}".strip(),
                    stage="review",
                    item=new.to_dict(),
                )
            )
        else:
            kept.append(new)
    desc = (
        f"review of v{base}"
        + (f" onto v{target}" if target != base else "")
        + (f": {counts['accepted']} accepted, {counts['edited']} edited, {counts['rejected']} rejected")
    )
    if len(reviewed) > carried:
        desc += f"; {len(reviewed) - carried} not carried (cut changed or gone in v{target})"
    return dataset.write_version(
        kept, rejected, kind="review", description=desc, created_by=created_by, skip_if_unchanged=True
    )


def _span(cut: Any) -> tuple[str, int, int]:
    """What audio a cut is: its recording and its span in ms (a decision belongs to that audio)."""
    return (cut.recording_id, round(cut.start * 1000), round(cut.duration * 1000))


def is_export_of(version: VersionRecord, base: int) -> bool:
    """Whether ``version`` is an export of reviews made on ``base``."""
    prefixes = (f"review of v{base}:", f"review of v{base} onto ")
    return version.kind == "review" and version.description.startswith(prefixes)

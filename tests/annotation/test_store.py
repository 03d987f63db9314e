"""The review store on SQLite and on a real PostgreSQL: events, derived state, conflicts, queues."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tsukasa.annotation.store import ReviewConflict, ReviewError, ReviewStore, default_url, verify_password
from tsukasa.corpus.symbols import UnknownSymbolError


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, review_dataset):
    if request.param == "sqlite":
        url = default_url(review_dataset.path)
    else:
        url = request.getfixturevalue("fresh_pg_url")
    st = ReviewStore.open(url)
    st.load_cuts(review_dataset.cuts(), review_dataset.current_version)
    st.add_user("alice", "alice-password")
    st.add_user("bob", "bob-password")
    yield st
    st.close()


def test_migrations_create_schema_and_are_idempotent(store):
    store.migrate()  # second run is a no-op
    names = set(sa.inspect(store.engine).get_table_names())
    assert {
        "review_events",
        "review_cuts",
        "review_users",
        "review_sessions",
        "tsukasa_review_alembic_version",
    } <= names
    assert store.count() == 4 and store.base_version is not None


def test_events_are_appended_and_state_is_derived(store):
    first = store.next_cut("alice")
    assert first.position == 0 and first.status == "pending"
    e1 = store.record(first.cut_id, "alice", base_revision=0, decision="accept", changes={"text": "直した"})
    assert e1.status == "edited" and e1.changes["text"]["old"] == first.original["text"]
    e2 = store.record(first.cut_id, "bob", base_revision=1, decision="reject", reason="noise")
    assert e2.status == "rejected" and e2.changes == {}
    state = store.get_cut(first.cut_id)
    assert (state.status, state.revision, state.reviewer, state.reason) == ("rejected", 2, "bob", "noise")
    assert state.current["text"] == "直した" and state.original["text"] == first.original["text"]
    assert [e.revision for e in store.events(first.cut_id)] == [1, 2]
    # the projection can be thrown away and recomputed from the events alone
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE review_cuts SET status='pending', revision=0, current=original"))
    assert store.rebuild_state() == 1
    assert store.get_cut(first.cut_id) == state


def test_same_base_revision_second_save_conflicts(store):
    cut = store.next_cut("alice")
    store.record(cut.cut_id, "alice", base_revision=0, decision="accept", changes={"text": "A"})
    with pytest.raises(ReviewConflict) as info:
        store.record(cut.cut_id, "bob", base_revision=0, decision="accept", changes={"text": "B"})
    assert [(e.annotator, e.changes["text"]["new"]) for e in info.value.theirs] == [("alice", "A")]
    assert store.get_cut(cut.cut_id).current["text"] == "A"
    assert len(store.events(cut.cut_id)) == 1


def test_concurrent_saves_from_same_revision_never_lose_an_update(store):
    cut = store.next_cut("alice")
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def save(i: int) -> None:
        barrier.wait()
        try:
            store.record(cut.cut_id, f"user{i}", base_revision=0, decision="accept", changes={"text": f"t{i}"})
            outcomes.append("ok")
        except ReviewConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    events = store.events(cut.cut_id)
    assert len(events) == 1 and store.get_cut(cut.cut_id).current["text"] == events[0].changes["text"]["new"]


def test_work_queues(store):
    all_ids = [c.cut_id for c in store.list_cuts()[0]]
    assert store.assign("bob", cut_ids=all_ids[2:]) == 2
    assert store.next_cut("bob").cut_id == all_ids[2]  # own queue first
    assert store.next_cut("alice").cut_id == all_ids[0]  # unassigned cuts for others
    assert store.next_cut("alice", after=all_ids[0]).cut_id == all_ids[1]
    assert store.next_cut("alice", after=all_ids[1]).cut_id == all_ids[0]  # wraps: skipped cuts come back
    store.record(all_ids[2], "bob", base_revision=0, decision="accept")
    assert store.next_cut("bob").cut_id == all_ids[3]
    p = store.progress()
    assert p["annotators"]["bob"] == {"accepted": 1, "queued": 1, "events": 1}
    with pytest.raises(ReviewError, match="no user"):
        store.assign("nobody", count=1)


def test_filters(store):
    rows, total = store.list_cuts(flag="script_mismatch")
    assert total == 1 and rows[0].flags == ["script_mismatch"]
    assert store.list_cuts(speaker="bob")[1] == 2
    assert store.list_cuts(cer_min=0.04, cer_max=0.11)[1] == 2
    assert store.list_cuts(flag="%")[1] == 0  # LIKE wildcards are escaped


def test_bad_edits_are_refused(store):
    cut = store.next_cut("alice")
    with pytest.raises(UnknownSymbolError):
        store.record(cut.cut_id, "alice", base_revision=0, decision="accept", changes={"phonemes": ["k", "xx"]})
    with pytest.raises(ReviewError, match="cannot be edited"):
        store.record(cut.cut_id, "alice", base_revision=0, decision="accept", changes={"speaker": "x"})
    with pytest.raises(ReviewError, match="nonverbal\\[0\\]"):
        store.record(cut.cut_id, "alice", base_revision=0, decision="accept",
                     changes={"nonverbal": [{"start": 1, "end": 0.5, "kind": "breath",
                                             "source": "human"}]})  # fmt: skip
    with pytest.raises(ReviewError, match="needs a reason"):
        store.record(cut.cut_id, "alice", base_revision=0, decision="reject")
    assert store.events() == []


def test_users_and_sessions(store):
    assert store.authenticate("alice", "alice-password").name == "alice"
    assert store.authenticate("alice", "wrong-password") is None
    assert store.authenticate("nobody", "alice-password") is None
    with pytest.raises(ReviewError, match="already exists"):
        store.add_user("alice", "another-password")
    with pytest.raises(ReviewError, match="at least 8"):
        store.add_user("dave", "short")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM review_users WHERE name='alice'")).scalar()
    assert stored.startswith("scrypt$") and "alice-password" not in stored
    assert verify_password("alice-password", stored)
    user = store.authenticate("alice", "alice-password")
    token, csrf = store.create_session(user)
    assert store.session(token) == (user, csrf)
    store.set_password("alice", "new-password!")  # a password change ends sessions
    assert store.session(token) is None


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(ReviewError, match="cannot open review store"):
        ReviewStore.open("postgresql://nobody:secret@127.0.0.1:1/none")


def test_export_after_a_later_run_says_what_it_would_drop(store, review_dataset):
    """Reviews are made on one version; a `tsukasa run` may make a newer one meanwhile. Exporting
    "the reviewed version + decisions" then quietly superseded the run's changes. It stops and
    says so now; --onto-base (onto_base=True) exports anyway; earlier exports never block it."""
    from tsukasa.annotation.export import export_reviews

    ds = review_dataset
    base = store.base_version
    first = store.next_cut("alice")
    store.record(first.cut_id, "alice", base_revision=0, decision="accept", changes={"text": "直した"})
    exported = export_reviews(ds, store)  # nothing newer: fine
    second = store.next_cut("alice", after=first.cut_id)
    store.record(second.cut_id, "alice", base_revision=0, decision="reject", reason="noise")
    again = export_reviews(ds, store)  # the newer version is this store's own export: fine
    assert again.number == exported.number + 1

    # a later run: the first cut is gone, the second re-segmented (other span), the rest unchanged
    from lhotse.utils import fastcopy

    cuts = list(ds.cuts(base))
    by_id = {c.id: c for c in cuts}
    later = [
        fastcopy(c, duration=c.duration - 0.05) if c.id == second.cut_id else c for c in cuts if c.id != first.cut_id
    ]
    run = ds.write_version(later, ds.rejected(base), kind="run", description="recipe v2 over ingest")
    with pytest.raises(ReviewError, match=rf"reviews are on v{base}, but v{run.number} \(run: recipe v2"):
        export_reviews(ds, store)
    assert ds.current_version == run.number  # nothing written

    third = store.next_cut("alice", after=second.cut_id)
    store.record(third.cut_id, "alice", base_revision=0, decision="accept", changes={"text": "三つ目"})
    onto = export_reviews(ds, store, onto_current=True)
    assert onto.description.endswith(f"1 edited, 0 rejected; 2 not carried (cut changed or gone in v{run.number})")
    out = {c.id: c for c in ds.cuts(onto.number)}
    assert out[third.cut_id].supervisions[0].text == "三つ目"  # the decision on an unchanged cut carried
    assert out[second.cut_id].duration == pytest.approx(by_id[second.cut_id].duration - 0.05)  # the run's cut kept
    assert first.cut_id not in out and second.cut_id not in {r.id for r in ds.rejected(onto.number)}
    forced = export_reviews(ds, store, onto_base=True)
    assert forced.kind == "review" and {c.id for c in ds.cuts(forced.number)} == set(by_id) - {second.cut_id}


def test_a_run_after_reviews_is_told_the_decisions_are_not_in_its_version(review_dataset):
    """A run builds from the ingest: the decisions stay in the store but are not in its version.
    `tsukasa run` says so (this is the function it asks), and stops saying so once exported onto it."""
    from tsukasa.annotation.commands import reviews_not_in_current
    from tsukasa.annotation.export import export_reviews

    ds = review_dataset
    name, root = ds.name, ds.path.parent
    assert reviews_not_in_current(name, root=root) is None  # no store yet
    store = ReviewStore.open(default_url(ds.path))
    store.load_cuts(ds.cuts(), ds.current_version)
    base = store.base_version
    assert reviews_not_in_current(name, root=root) is None  # a store, no decision
    cut = store.next_cut("alice")
    store.add_user("alice", "alice-password")
    store.record(cut.cut_id, "alice", base_revision=0, decision="reject", reason="noise")
    assert reviews_not_in_current(name, root=root) is None  # the current version is the reviewed one
    run = ds.write_version(list(ds.cuts(base)), ds.rejected(base), kind="run", description="a later run")
    hint = reviews_not_in_current(name, root=root)
    assert hint is not None and f"made on v{base} are not in v{run.number}" in hint and "--onto-current" in hint
    export_reviews(ds, store, onto_current=True)
    assert reviews_not_in_current(name, root=root) is None
    store.close()

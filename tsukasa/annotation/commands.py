"""Plain functions behind ``tsukasa review ...`` (the CLI stays a thin typer layer over these)."""

from __future__ import annotations

from pathlib import Path

from tsukasa.annotation.store import ReviewStore, default_url
from tsukasa.corpus.dataset import Dataset


def review_serve(name: str, *, root: Path | None = None, db: str | None = None, host: str = "127.0.0.1",
                 port: int = 8765) -> None:  # fmt: skip
    """Run the review app until Ctrl+C."""
    from tsukasa.annotation.app import serve

    serve(name, root=root, db=db, host=host, port=port)


def review_user_add(name: str, user: str, password: str, *, role: str = "annotator", root: Path | None = None,
                    db: str | None = None) -> str:  # fmt: skip
    """Create a review user; returns a one-line confirmation."""
    ds = Dataset.open(name, root)
    store = ReviewStore.open(db or default_url(ds.path))
    try:
        store.add_user(user, password, role)  # type: ignore[arg-type]
    finally:
        store.close()
    return f"user {user!r} ({role}) added to the review store of {name!r}"


def review_export(name: str, *, root: Path | None = None, db: str | None = None,
                  labelstudio: Path | None = None, onto_base: bool = False,
                  onto_current: bool = False) -> str:  # fmt: skip
    """Without ``labelstudio``: write the reviewed dataset as a new version. With it: write Label Studio tasks."""
    from tsukasa.annotation.app import allowed_audio_roots, open_review
    from tsukasa.annotation.export import export_reviews
    from tsukasa.annotation.labelstudio import export_labelstudio

    ds, store = open_review(name, root=root, db=db)
    try:
        if labelstudio is not None:
            clips = Path(labelstudio).with_suffix("").with_name(Path(labelstudio).stem + "_clips")
            n = export_labelstudio(store, labelstudio, clips_dir=clips, roots=allowed_audio_roots(ds))
            return f"{n} Label Studio tasks written to {labelstudio} (config beside it, audio clips in {clips})"
        record = export_reviews(ds, store, onto_base=onto_base, onto_current=onto_current)
        return f"version v{record.number} of {name!r}: {record.description}"
    finally:
        store.close()


def review_import(name: str, labelstudio: Path, *, root: Path | None = None, db: str | None = None) -> str:
    """Import a Label Studio JSON export as review events; returns the summary line."""
    from tsukasa.annotation.app import open_review
    from tsukasa.annotation.labelstudio import import_labelstudio

    _, store = open_review(name, root=root, db=db)
    try:
        return import_labelstudio(store, labelstudio).summary()
    finally:
        store.close()


def reviews_not_in_current(name: str, *, root: Path | None = None) -> str | None:
    """A hint when the dataset's default review store holds decisions the current version lacks
    (a run made a new version after the reviews, or after their export); None otherwise.

    A run builds from the ingest: the reviewers' decisions are kept in the store, but the new
    version does not have them until they are exported onto it. Said after a run, so that the
    data engineer does not train on a version that quietly lost the annotators' work.
    """
    from tsukasa.annotation.export import is_export_of

    ds = Dataset.open(name, root)
    if not (ds.path / "reviews.sqlite").exists() or ds.current_version is None:
        return None
    store = ReviewStore.open(default_url(ds.path))
    try:
        overall = store.progress()["overall"]  # counted by status in SQL, not loaded cut by cut
        base, decided = store.base_version, sum(n for status, n in overall.items() if status != "pending")
    finally:
        store.close()
    current = ds.version(ds.current_version)
    if base is None or not decided or current.number == base or is_export_of(current, base):
        return None
    return (
        f"{decided} review decision(s) made on v{base} are not in v{current.number}: "
        f"`tsukasa review export {name} --onto-current` applies them to its unchanged cuts"
    )

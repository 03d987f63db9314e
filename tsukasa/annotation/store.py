"""The review store: append-only review events, the state derived from them, users and queues.

Why events: a human decision is never an overwrite (DESIGN rule 1). Every save appends one
``review_events`` row with the field changes (old and new value), the annotator, the time and
the revision it was made from; ``review_cuts`` holds the *current* state, which is only a
projection of the events (``rebuild_state`` recomputes it from them and must agree).

Why revisions: two annotators may open the same cut. A save names the revision it started from;
the projection row is updated with ``... WHERE revision = :base`` in the same transaction as the
event insert, so on SQLite (serialised writers) and PostgreSQL (row lock, then the WHERE is
re-checked) exactly one of two saves from the same base wins and the other gets a
:class:`ReviewConflict` carrying the winner's change, never a lost update.

SQLite (``<dataset>/reviews.sqlite``) by default; PostgreSQL by URL. The schema is created and
upgraded by the Alembic migrations shipped in ``tsukasa/annotation/migrations``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import ValidationError

from tsukasa.errors import TsukasaError

EDITABLE_FIELDS = ("text", "kana", "phonemes", "prosody", "nonverbal")
Role = Literal["annotator", "admin"]
EventStatus = Literal["accepted", "rejected", "edited"]
SESSION_HOURS = 12

_md = sa.MetaData()
meta_t = sa.Table("review_meta", _md, sa.Column("key", sa.String, primary_key=True), sa.Column("value", sa.Text))
users_t = sa.Table(
    "review_users",
    _md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String),
    sa.Column("password_hash", sa.String),
    sa.Column("role", sa.String),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)
sessions_t = sa.Table(
    "review_sessions",
    _md,
    sa.Column("token_hash", sa.String, primary_key=True),
    sa.Column("user_id", sa.Integer),
    sa.Column("csrf", sa.String),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
)
cuts_t = sa.Table(
    "review_cuts",
    _md,
    sa.Column("cut_id", sa.String, primary_key=True),
    sa.Column("position", sa.Integer),
    sa.Column("dataset_version", sa.Integer),
    sa.Column("speaker", sa.String),
    sa.Column("duration", sa.Float),
    sa.Column("status", sa.String),
    sa.Column("revision", sa.Integer),
    sa.Column("assigned_to", sa.String),
    sa.Column("reviewer", sa.String),
    sa.Column("reviewed_at", sa.DateTime(timezone=True)),
    sa.Column("reason", sa.Text),
    sa.Column("cer", sa.Float),
    sa.Column("snr_db", sa.Float),
    sa.Column("flags", sa.Text),
    sa.Column("original", sa.JSON),
    sa.Column("current", sa.JSON),
    sa.Column("audio", sa.JSON),
)
events_t = sa.Table(
    "review_events",
    _md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("cut_id", sa.String),
    sa.Column("dataset_version", sa.Integer),
    sa.Column("annotator", sa.String),
    sa.Column("time", sa.DateTime(timezone=True)),
    sa.Column("base_revision", sa.Integer),
    sa.Column("revision", sa.Integer),
    sa.Column("status", sa.String),
    sa.Column("changes", sa.JSON),
    sa.Column("reason", sa.Text),
)


class ReviewError(TsukasaError):
    """A review request the store refuses (unknown cut, bad field value, unknown user...)."""


class ReviewConflict(ReviewError):
    """Another save reached the cut first; ``theirs`` are the events made since ``base_revision``."""

    def __init__(self, cut_id: str, base_revision: int, current_revision: int, theirs: list[ReviewEvent]):
        who = ", ".join(sorted({e.annotator for e in theirs})) or "someone"
        super().__init__(
            f"cut {cut_id!r} changed since revision {base_revision} (now {current_revision}, by {who}): reload and redo"
        )
        self.cut_id = cut_id
        self.base_revision = base_revision
        self.current_revision = current_revision
        self.theirs = theirs


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class ReviewEvent:
    id: int
    cut_id: str
    dataset_version: int
    annotator: str
    time: datetime
    base_revision: int
    revision: int
    status: str
    changes: dict[str, dict[str, Any]]
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cut_id": self.cut_id,
            "annotator": self.annotator,
            "time": self.time.isoformat(),
            "revision": self.revision,
            "status": self.status,
            "changes": self.changes,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CutState:
    """One cut as the review app sees it: the manifest's values, the current (edited) values, the status."""

    cut_id: str
    position: int
    dataset_version: int
    speaker: str | None
    duration: float
    status: str
    revision: int
    assigned_to: str | None
    reviewer: str | None
    reviewed_at: datetime | None
    reason: str | None
    cer: float | None
    snr_db: float | None
    flags: list[str]
    original: dict[str, Any]
    current: dict[str, Any]
    audio: dict[str, Any] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "cut_id": self.cut_id,
            "position": self.position,
            "dataset_version": self.dataset_version,
            "speaker": self.speaker,
            "duration": self.duration,
            "status": self.status,
            "revision": self.revision,
            "assigned_to": self.assigned_to,
            "reviewer": self.reviewer,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "reason": self.reason,
            "cer": self.cer,
            "snr_db": self.snr_db,
            "flags": self.flags,
            "original": self.original,
            "current": self.current,
        }


# --- passwords ------------------------------------------------------------------------------
# scrypt (RFC 7914) from the standard library: a memory-hard KDF, no extra dependency.
# The parameters travel inside the hash so they can be raised later without breaking logins.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex), salted per user."""
    if len(password) < 8:
        raise ReviewError("password must be at least 8 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    got = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
    )
    return hmac.compare_digest(got.hex(), digest)


# --- URLs -----------------------------------------------------------------------------------
def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` as users write it and use psycopg 3 (psycopg2 is not installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_url(dataset_path: Path) -> str:
    return f"sqlite:///{(Path(dataset_path) / 'reviews.sqlite').resolve()}"


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we write is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _now() -> datetime:
    return datetime.now(UTC)


class ReviewStore:
    """All review data of one dataset. Open with :meth:`open` (runs migrations)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> ReviewStore:
        url = normalize_url(url)
        try:
            if url.startswith("sqlite"):
                engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            store = cls(engine)
            store.migrate()
        except sa.exc.OperationalError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise ReviewError(f"cannot open review store {_redact(url)}: {first}") from None
        except sa.exc.ArgumentError as exc:
            raise ReviewError(f"invalid review store URL {_redact(url)}: {exc}") from None
        return store

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    # --- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(sa.select(meta_t.c.key).where(meta_t.c.key == key)).first():
                conn.execute(meta_t.update().where(meta_t.c.key == key).values(value=value))
            else:
                conn.execute(meta_t.insert().values(key=key, value=value))

    @property
    def base_version(self) -> int | None:
        """The dataset version the cuts were loaded from (exports apply events to it)."""
        value = self.get_meta("base_version")
        return int(value) if value is not None else None

    # --- users and sessions ---------------------------------------------------------------
    def add_user(self, name: str, password: str, role: Role = "annotator") -> User:
        if role not in ("annotator", "admin"):
            raise ReviewError(f"unknown role {role!r}: use annotator or admin")
        if not name or len(name) > 100 or not name.isprintable():
            raise ReviewError(f"invalid user name {name!r}")
        pw = hash_password(password)
        try:
            with self.engine.begin() as conn:
                uid = conn.execute(
                    users_t.insert().values(name=name, password_hash=pw, role=role, created_at=_now())
                ).inserted_primary_key[0]
        except sa.exc.IntegrityError:
            raise ReviewError(f"user {name!r} already exists") from None
        return User(int(uid), name, role)

    def set_password(self, name: str, password: str) -> None:
        with self.engine.begin() as conn:
            n = conn.execute(
                users_t.update().where(users_t.c.name == name).values(password_hash=hash_password(password))
            )
            if n.rowcount == 0:
                raise ReviewError(f"no user {name!r}")
            uid = conn.execute(sa.select(users_t.c.id).where(users_t.c.name == name)).scalar()
            conn.execute(sessions_t.delete().where(sessions_t.c.user_id == uid))

    def users(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users_t.c.id, users_t.c.name, users_t.c.role).order_by(users_t.c.name))
            return [User(r.id, r.name, r.role) for r in rows]

    def authenticate(self, name: str, password: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users_t).where(users_t.c.name == name)).first()
        if row is None:
            verify_password(password, hash_password("timing-equaliser"))  # same cost for unknown names
            return None
        return User(row.id, row.name, row.role) if verify_password(password, row.password_hash) else None

    def create_session(self, user: User) -> tuple[str, str]:
        """A new random session token (only its hash is stored) and its CSRF token."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(sessions_t.delete().where(sessions_t.c.expires_at < _now()))
            conn.execute(
                sessions_t.insert().values(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    csrf=csrf,
                    expires_at=_now() + timedelta(hours=SESSION_HOURS),
                )
            )
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None."""
        if not token:
            return None
        q = (
            sa.select(users_t.c.id, users_t.c.name, users_t.c.role, sessions_t.c.csrf, sessions_t.c.expires_at)
            .join(users_t, users_t.c.id == sessions_t.c.user_id)
            .where(sessions_t.c.token_hash == _token_hash(token))
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None or _utc(row.expires_at) < _now():
            return None
        return User(row.id, row.name, row.role), row.csrf

    def end_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions_t.delete().where(sessions_t.c.token_hash == _token_hash(token)))

    # --- cuts -----------------------------------------------------------------------------
    def load_cuts(self, cuts: Iterable[Any], version: int, *, batch: int = 2000) -> int:
        """Add the cuts of a dataset version to the review queue; cuts already present keep their state.

        Returns how many were added. Only what the app shows is copied (text, readings, flags,
        where the audio is), so serving a cut never re-reads the manifest.
        """
        with self.engine.connect() as conn:
            known = set(conn.execute(sa.select(cuts_t.c.cut_id)).scalars())
            position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(cuts_t.c.position), -1))).scalar() + 1
        added = 0
        rows: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            for cut in cuts:
                if cut.id in known:
                    continue
                row = cut_row(cut)
                row.update(position=position, dataset_version=version, status="pending", revision=0)
                position += 1
                rows.append(row)
                if len(rows) >= batch:
                    conn.execute(cuts_t.insert(), rows)
                    added += len(rows)
                    rows = []
            if rows:
                conn.execute(cuts_t.insert(), rows)
                added += len(rows)
        if self.base_version is None:
            self.set_meta("base_version", str(version))
        return added

    def get_cut(self, cut_id: str) -> CutState:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cuts_t).where(cuts_t.c.cut_id == cut_id)).first()
        if row is None:
            raise ReviewError(f"no cut {cut_id!r} in the review store")
        return _state(row)

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(cuts_t)).scalar()

    def next_cut(self, annotator: str, after: str | None = None) -> CutState | None:
        """The next pending cut for ``annotator``: their assigned queue first, then unassigned cuts.

        ``after`` (the cut just shown) makes skip work: the search starts past it and wraps around,
        so skipped cuts come back once the rest of the queue is done.
        """
        after_pos = -1
        if after is not None:
            with self.engine.connect() as conn:
                after_pos = conn.execute(sa.select(cuts_t.c.position).where(cuts_t.c.cut_id == after)).scalar()
            after_pos = -1 if after_pos is None else after_pos
        with self.engine.connect() as conn:
            for owner in (cuts_t.c.assigned_to == annotator, cuts_t.c.assigned_to.is_(None)):
                for lo, exclude in ((after_pos, None), (-1, after)):
                    q = sa.select(cuts_t).where(cuts_t.c.status == "pending", owner, cuts_t.c.position > lo)
                    if exclude is not None:
                        q = q.where(cuts_t.c.cut_id != exclude)
                    row = conn.execute(q.order_by(cuts_t.c.position).limit(1)).first()
                    if row is not None:
                        return _state(row)
        return None

    def neighbour(self, cut_id: str, direction: Literal["prev", "next"]) -> CutState | None:
        """The cut before/after ``cut_id`` in queue order, whatever its status (for n/p browsing)."""
        pos = self.get_cut(cut_id).position
        if direction == "prev":
            q = sa.select(cuts_t).where(cuts_t.c.position < pos).order_by(cuts_t.c.position.desc())
        else:
            q = sa.select(cuts_t).where(cuts_t.c.position > pos).order_by(cuts_t.c.position)
        with self.engine.connect() as conn:
            row = conn.execute(q.limit(1)).first()
        return _state(row) if row is not None else None

    def list_cuts(
        self,
        *,
        status: str | None = None,
        flag: str | None = None,
        speaker: str | None = None,
        cer_min: float | None = None,
        cer_max: float | None = None,
        assigned_to: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[CutState], int]:
        """A filtered page of cuts in queue order, and how many match in total."""
        conds = []
        if status:
            conds.append(cuts_t.c.status == status)
        if flag:
            conds.append(cuts_t.c.flags.contains(f",{flag},", autoescape=True))
        if speaker:
            conds.append(cuts_t.c.speaker == speaker)
        if cer_min is not None:
            conds.append(cuts_t.c.cer >= cer_min)
        if cer_max is not None:
            conds.append(cuts_t.c.cer <= cer_max)
        if assigned_to:
            conds.append(cuts_t.c.assigned_to == assigned_to)
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(cuts_t).where(*conds)).scalar()
            rows = conn.execute(
                sa.select(cuts_t).where(*conds).order_by(cuts_t.c.position).limit(limit).offset(offset)
            ).all()
        return [_state(r) for r in rows], int(total)

    def speakers(self) -> list[str]:
        with self.engine.connect() as conn:
            q = sa.select(cuts_t.c.speaker).where(cuts_t.c.speaker.is_not(None)).distinct().order_by(cuts_t.c.speaker)
            return list(conn.execute(q).scalars())

    def progress(self) -> dict[str, Any]:
        """Status counts overall, and per annotator: decisions made and what is left in their queue."""
        with self.engine.connect() as conn:
            overall = dict(conn.execute(sa.select(cuts_t.c.status, sa.func.count()).group_by(cuts_t.c.status)).all())
            by_reviewer = conn.execute(
                sa.select(cuts_t.c.reviewer, cuts_t.c.status, sa.func.count())
                .where(cuts_t.c.reviewer.is_not(None))
                .group_by(cuts_t.c.reviewer, cuts_t.c.status)
            ).all()
            queued = conn.execute(
                sa.select(cuts_t.c.assigned_to, sa.func.count())
                .where(cuts_t.c.assigned_to.is_not(None), cuts_t.c.status == "pending")
                .group_by(cuts_t.c.assigned_to)
            ).all()
            n_events = dict(
                conn.execute(sa.select(events_t.c.annotator, sa.func.count()).group_by(events_t.c.annotator)).all()
            )
        people: dict[str, dict[str, int]] = {}
        for name, st, n in by_reviewer:
            people.setdefault(name, {})[st] = n
        for name, n in queued:
            people.setdefault(name, {})["queued"] = n
        for name, n in n_events.items():
            people.setdefault(name, {})["events"] = n
        return {"overall": overall, "total": sum(overall.values()), "annotators": people}

    def assign(self, annotator: str, *, count: int | None = None, cut_ids: Iterable[str] | None = None) -> int:
        """Give ``annotator`` a work queue: the listed cuts, or the next ``count`` unassigned pending ones."""
        with self.engine.connect() as conn:
            if not conn.execute(sa.select(users_t.c.id).where(users_t.c.name == annotator)).first():
                raise ReviewError(f"no user {annotator!r}")
        with self.engine.begin() as conn:
            if cut_ids is not None:
                ids = list(cut_ids)
            else:
                q = (
                    sa.select(cuts_t.c.cut_id)
                    .where(cuts_t.c.status == "pending", cuts_t.c.assigned_to.is_(None))
                    .order_by(cuts_t.c.position)
                    .limit(count or 100)
                )
                ids = list(conn.execute(q).scalars())
            n = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                n += conn.execute(
                    cuts_t.update().where(cuts_t.c.cut_id.in_(chunk)).values(assigned_to=annotator)
                ).rowcount
        return n

    # --- events ---------------------------------------------------------------------------
    def record(
        self,
        cut_id: str,
        annotator: str,
        *,
        base_revision: int,
        decision: Literal["accept", "reject"],
        changes: dict[str, Any] | None = None,
        reason: str | None = None,
        time: datetime | None = None,
    ) -> ReviewEvent:
        """Append one review event (a decision plus field edits) if the cut is still at ``base_revision``.

        Raises :class:`ReviewConflict` when another save got there first, :class:`ReviewError` for a
        bad field. Returns the stored event.
        """
        if decision not in ("accept", "reject"):
            raise ReviewError(f"unknown decision {decision!r}: use accept or reject")
        if decision == "reject" and not (reason or "").strip():
            raise ReviewError("a rejection needs a reason")
        new_values = {k: validate_field(k, v) for k, v in (changes or {}).items()}
        time = time or _now()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(cuts_t).where(cuts_t.c.cut_id == cut_id)).first()
            if row is None:
                raise ReviewError(f"no cut {cut_id!r} in the review store")
            current = dict(row.current)
            diff = {k: {"old": current.get(k), "new": v} for k, v in new_values.items() if current.get(k) != v}
            status: EventStatus = "rejected" if decision == "reject" else ("edited" if diff else "accepted")
            for k, d in diff.items():
                current[k] = d["new"]
            derived = _derived_status(status, current, row.original)
            updated = conn.execute(
                cuts_t.update()
                .where(cuts_t.c.cut_id == cut_id, cuts_t.c.revision == base_revision)
                .values(
                    revision=base_revision + 1,
                    status=derived,
                    current=current,
                    reviewer=annotator,
                    reviewed_at=time,
                    reason=reason if status == "rejected" else None,
                )
            )
            if updated.rowcount != 1:
                conflict = True
            else:
                conflict = False
                eid = conn.execute(
                    events_t.insert().values(
                        cut_id=cut_id,
                        dataset_version=row.dataset_version,
                        annotator=annotator,
                        time=time,
                        base_revision=base_revision,
                        revision=base_revision + 1,
                        status=status,
                        changes=diff,
                        reason=reason,
                    )
                ).inserted_primary_key[0]
        if conflict:
            theirs = [e for e in self.events(cut_id) if e.revision > base_revision]
            now = self.get_cut(cut_id).revision
            raise ReviewConflict(cut_id, base_revision, now, theirs)
        return ReviewEvent(
            int(eid),
            cut_id,
            row.dataset_version,
            annotator,
            time,
            base_revision,
            base_revision + 1,
            status,
            diff,
            reason,
        )

    def events(self, cut_id: str | None = None, *, after_id: int = 0) -> list[ReviewEvent]:
        q = sa.select(events_t).where(events_t.c.id > after_id).order_by(events_t.c.id)
        if cut_id is not None:
            q = q.where(events_t.c.cut_id == cut_id)
        with self.engine.connect() as conn:
            return [
                ReviewEvent(
                    r.id,
                    r.cut_id,
                    r.dataset_version,
                    r.annotator,
                    _utc(r.time),
                    r.base_revision,
                    r.revision,
                    r.status,
                    r.changes,
                    r.reason,
                )  # fmt: skip
                for r in conn.execute(q)
            ]

    def reviewed_states(self) -> list[CutState]:
        """Every cut with a decision (not pending), in queue order."""
        with self.engine.connect() as conn:
            q = sa.select(cuts_t).where(cuts_t.c.status != "pending").order_by(cuts_t.c.position)
            return [_state(r) for r in conn.execute(q)]

    def rebuild_state(self) -> int:
        """Recompute every cut's state from its events (the projection is derived data). Returns cuts touched."""
        with self.engine.begin() as conn:
            originals = {r.cut_id: r.original for r in conn.execute(sa.select(cuts_t.c.cut_id, cuts_t.c.original))}
            conn.execute(
                cuts_t.update().values(
                    status="pending",
                    revision=0,
                    reviewer=None,
                    reviewed_at=None,
                    reason=None,
                    current=cuts_t.c.original,
                )
            )
            state: dict[str, dict[str, Any]] = {}
            for e in conn.execute(sa.select(events_t).order_by(events_t.c.id)):
                s = state.setdefault(e.cut_id, {"current": dict(originals[e.cut_id])})
                for k, d in e.changes.items():
                    s["current"][k] = d["new"]
                s.update(
                    revision=e.revision,
                    reviewer=e.annotator,
                    reviewed_at=_utc(e.time),
                    reason=e.reason if e.status == "rejected" else None,
                    status=_derived_status(e.status, s["current"], originals[e.cut_id]),
                )
            for cut_id, s in state.items():
                conn.execute(cuts_t.update().where(cuts_t.c.cut_id == cut_id).values(**s))
        return len(state)


def _derived_status(event_status: str, current: dict[str, Any], original: dict[str, Any]) -> str:
    """A cut's status: rejected if the last decision rejected it, else edited if any field differs, else accepted."""
    if event_status == "rejected":
        return "rejected"
    edited = any(current.get(k) != original.get(k) for k in EDITABLE_FIELDS)
    return "edited" if edited else "accepted"


def validate_field(name: str, value: Any) -> Any:
    """Check one edited field and return its canonical JSON value (what the event stores)."""
    from tsukasa.corpus.schema import NonverbalEvent
    from tsukasa.corpus.symbols import check_symbols

    if name not in EDITABLE_FIELDS:
        raise ReviewError(f"field {name!r} cannot be edited (editable: {', '.join(EDITABLE_FIELDS)})")
    if name in ("text", "kana", "prosody"):
        if value is not None and not isinstance(value, str):
            raise ReviewError(f"{name} must be a string")
        return value
    if name == "phonemes":
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ReviewError("phonemes must be a list of symbols")
        check_symbols(value, context="phonemes")  # UnknownSymbolError is a TsukasaError
        return value
    if not isinstance(value, list):
        raise ReviewError("nonverbal must be a list of events")
    out = []
    for i, ev in enumerate(value):
        try:
            out.append(NonverbalEvent.model_validate(ev).model_dump(mode="json", exclude_none=True))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ReviewError(f"nonverbal[{i}].{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    return sorted(out, key=lambda e: (e["start"], e["end"]))


def cut_row(cut: Any) -> dict[str, Any]:
    """The review-relevant values of a Lhotse cut (first supervision; audio location)."""
    from tsukasa.corpus.schema import read_supervision_custom

    sup = cut.supervisions[0] if cut.supervisions else None
    custom = read_supervision_custom(sup, cut.id) if sup is not None else None
    quality = custom.quality if custom else None
    asr = custom.asr if custom else None
    original = {
        "text": sup.text if sup is not None else "",
        "kana": custom.kana if custom else None,
        "phonemes": list(custom.phonemes) if custom and custom.phonemes is not None else None,
        "prosody": custom.prosody if custom else None,
        "nonverbal": [e.model_dump(mode="json", exclude_none=True) for e in custom.nonverbal] if custom else [],
    }
    info = {
        "romaji": custom.romaji if custom else None,
        "asr_text": asr.text if asr else None,
        "script_text": custom.source.script_text if custom and custom.source else None,
        "line_id": custom.source.line_id if custom and custom.source else None,
        "quality": quality.model_dump(mode="json", exclude_none=True, exclude={"flags"}) if quality else {},
        "flags": [f.model_dump(mode="json", exclude_none=True) for f in quality.flags] if quality else [],
    }
    rec = cut.recording
    src = rec.sources[0] if rec is not None and rec.sources else None
    audio = {
        "type": src.type if src else None,
        "path": src.source if src is not None and src.type == "file" else None,
        "start": float(cut.start),
        "duration": float(cut.duration),
        "recording_duration": float(rec.duration) if rec is not None else float(cut.duration),
        "sampling_rate": int(rec.sampling_rate) if rec is not None else None,
        "channel": cut.channel if isinstance(cut.channel, int) else 0,
        "supervision_start": float(sup.start) if sup is not None else 0.0,
    }
    flags = [f["code"] for f in info["flags"]]
    return {
        "cut_id": cut.id,
        "speaker": sup.speaker if sup is not None else None,
        "duration": float(cut.duration),
        "cer": asr.cer if asr else None,
        "snr_db": quality.snr_db if quality else None,
        "flags": "," + ",".join(flags) + "," if flags else ",",
        "original": original,
        "current": dict(original),
        "audio": {**audio, "info": info},
    }


def _state(row: Any) -> CutState:
    return CutState(
        cut_id=row.cut_id,
        position=row.position,
        dataset_version=row.dataset_version,
        speaker=row.speaker,
        duration=row.duration,
        status=row.status,
        revision=row.revision,
        assigned_to=row.assigned_to,
        reviewer=row.reviewer,
        reviewed_at=_utc(row.reviewed_at),
        reason=row.reason,
        cer=row.cer,
        snr_db=row.snr_db,
        flags=[f for f in row.flags.split(",") if f],
        original=row.original,
        current=row.current,
        audio=row.audio,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _redact(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the app read while a save is being written; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()

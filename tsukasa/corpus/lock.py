"""One writer per dataset at a time: an OS file lock, held by the command that changes it.

Why: a dataset's history is ``dataset.yaml`` plus immutable version folders, and every
command that writes one reads the current state first (the next version number, the last
ingest, the current version it builds on). Two writers at once — ``tsukasa run`` started twice
in two terminals, an ingest while a run is going, a review export during a split — would both
read the same state, and the second ``dataset.yaml`` written would drop the first's version
from the history (or fail on "version already exists" after hours of work). So a writer holds
``<dataset>/.lock`` for as long as it works:

* across processes, with an OS lock (``flock`` through the ``filelock`` package): the kernel
  drops it when the holder exits, so a crashed or ``kill -9``-ed run never leaves a stale lock
  behind, and the run started again to resume simply takes it;
* a second writer fails at once with one line naming the holder (pid, host, command, since
  when), written beside the lock in ``.lock.owner`` when it was taken — instead of waiting
  silently behind a run that may take hours;
* within one process it is re-entrant for the thread that holds it (ingest takes it, and the
  ``write_version`` inside takes it again), and other threads wait or fail the same way.

Readers take no lock: every file a reader opens is replaced by an atomic rename, never written
in place. On a network filesystem without working ``flock`` the lock cannot be held; see
``filelock``'s documentation.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from tsukasa.errors import DatasetError

LOCK_NAME = ".lock"
OWNER_NAME = ".lock.owner"


class DatasetBusy(DatasetError):
    """Another process (or thread) is changing the dataset."""


class _State:
    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0  # acquisitions by the thread that holds thread_lock
        self.file_lock: object | None = None


_STATES: dict[str, _State] = {}
_STATES_GUARD = threading.Lock()


def _state(folder: Path) -> _State:
    key = os.path.realpath(folder)
    with _STATES_GUARD:
        return _STATES.setdefault(key, _State())


def holder(folder: Path) -> str:
    """Who holds (or last held) the lock of ``folder``, as a phrase for an error message."""
    try:
        info = json.loads((folder / OWNER_NAME).read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}: `{info['command']}`, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that did not say who it is"


@contextlib.contextmanager
def dataset_lock(folder: Path, command: str, *, wait_s: float = 0.0) -> Iterator[bool]:
    """Hold the writer lock of the dataset folder ``folder``; yields True for the outermost hold.

    ``wait_s``: how long to wait for another holder (0: fail at once with :class:`DatasetBusy`).
    The outermost holder should re-read the dataset's state: another writer may have changed it
    since it was opened.
    """
    from filelock import FileLock, Timeout

    state = _state(folder)
    name = folder.name
    if not state.thread_lock.acquire(blocking=wait_s > 0, timeout=wait_s if wait_s > 0 else -1):
        raise DatasetBusy(
            f"dataset {name!r} is being changed by another thread of this process ({holder(folder)}); "
            "try again when it has finished"
        )
    try:
        outermost = state.depth == 0
        if outermost:
            folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(folder / LOCK_NAME, timeout=wait_s, thread_local=False)
            try:
                lock.acquire()
            except Timeout:
                raise DatasetBusy(
                    f"dataset {name!r} is being changed by another tsukasa process ({holder(folder)}); "
                    "wait for it to finish (a crashed process releases the lock by itself)"
                ) from None
            state.file_lock = lock
            _write_owner(folder, command)
        state.depth += 1
        try:
            yield outermost
        finally:
            state.depth -= 1
            if outermost:
                lock = state.file_lock
                state.file_lock = None
                with contextlib.suppress(OSError):
                    (folder / OWNER_NAME).unlink()
                lock.release()  # type: ignore[union-attr]
    finally:
        state.thread_lock.release()


def _write_owner(folder: Path, command: str) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    tmp = folder / f"{OWNER_NAME}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(info), encoding="utf-8")
    os.replace(tmp, folder / OWNER_NAME)

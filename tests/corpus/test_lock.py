"""One writer per dataset: real processes and threads contending for a real dataset folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.corpus.lock import OWNER_NAME, DatasetBusy

# A second process that takes the writer lock the way `tsukasa run` does, says so, and keeps it.
HOLDER = """
import sys, time
from pathlib import Path
from tsukasa.corpus.dataset import Dataset
ds = Dataset.open(sys.argv[1], Path(sys.argv[2]))
with ds.writing("tsukasa run --recipe default"):
    Path(sys.argv[3]).write_text("held")
    time.sleep(300)
"""


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_audio(raw / "a.wav", tone(0.6, freq=220), 24000)
    write_audio(raw / "b.wav", tone(0.6, freq=330), 24000)
    return raw


def _hold(name: str, root: Path, tmp_path: Path) -> subprocess.Popen:
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, name, str(root), str(ready)])
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None, "the holder process died"
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.05)
    return proc


def test_a_second_writer_is_refused_naming_the_holder_and_a_killed_holder_frees_the_dataset(
    tmp_path: Path, dataset_root: Path
) -> None:
    raw = _raw(tmp_path)
    ds = Dataset.create("busy", dataset_root)
    holder = _hold("busy", dataset_root, tmp_path)
    try:
        with pytest.raises(DatasetBusy) as exc:
            ingest(raw, Dataset.open("busy", dataset_root))
        message = str(exc.value)
        assert f"pid {holder.pid}" in message and "tsukasa run --recipe default" in message
        assert ds.meta.versions == [] and not (ds.path / "versions").exists()  # nothing was written

        # The command line says the same in one line, without a traceback.
        r = subprocess.run(
            [sys.executable, "-m", "tsukasa.cli", "ingest", str(raw), "--dataset", "busy"],
            capture_output=True, text=True, env={**os.environ, "TSUKASA_ROOT": str(dataset_root)}, timeout=300,
        )  # fmt: skip
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert r.returncode != 0 and len(lines) == 1 and "being changed by another tsukasa process" in lines[0]
        assert "Traceback" not in r.stderr + r.stdout
    finally:
        holder.send_signal(signal.SIGKILL)  # as a crash or `kill -9` would
        holder.wait(timeout=60)
    # The kernel released the lock with the process: no stale lock to clear by hand.
    report = ingest(raw, Dataset.open("busy", dataset_root))
    assert report.recordings == 2 and report.version == 1
    assert not (ds.path / OWNER_NAME).exists()


def test_threads_writing_versions_at_once_all_land_in_the_history(tmp_path: Path, dataset_root: Path) -> None:
    raw = _raw(tmp_path)
    ingest(raw, Dataset.create("threads", dataset_root))
    views = [Dataset.open("threads", dataset_root) for _ in range(4)]  # all opened before any write
    cuts = list(views[0].cuts(1))
    errors: list[BaseException] = []

    def write(ds: Dataset, i: int) -> None:
        try:
            ds.write_version(cuts[: 1 + i % 2], [], kind="edit", description=f"writer {i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(ds, i)) for i, ds in enumerate(views)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    meta = Dataset.open("threads", dataset_root).meta
    assert [v.number for v in meta.versions] == [1, 2, 3, 4, 5]
    assert sorted(v.description for v in meta.versions[1:]) == [f"writer {i}" for i in range(4)]
    assert meta.current_version == 5


def test_the_lock_is_reentrant_in_the_holding_thread(tmp_path: Path, dataset_root: Path) -> None:
    raw = _raw(tmp_path)
    ds = Dataset.create("nested", dataset_root)
    with ds.writing("outer"):
        assert (ds.path / OWNER_NAME).exists()
        report = ingest(raw, ds)  # takes the lock again inside, then writes a version inside that
        assert report.version == 1
    assert not (ds.path / OWNER_NAME).exists()
    assert Dataset.open("nested", dataset_root).current_version == 1


def test_a_crashed_version_write_leaves_nothing_the_next_writer_trips_on(tmp_path: Path, dataset_root: Path) -> None:
    raw = _raw(tmp_path)
    ds = Dataset.create("staging", dataset_root)
    stale = ds.path / "versions" / ".v1.staging-999999"  # a writer killed before its rename
    stale.mkdir(parents=True)
    (stale / "cuts.jsonl.gz").write_bytes(b"partial")
    assert ingest(raw, ds).version == 1
    assert not stale.exists()
    assert sorted(p.name for p in (ds.path / "versions").iterdir()) == ["v1"]


# A writer killed (kill -9) after its version was renamed into place, before dataset.yaml was saved.
KILLED_BEFORE_META = """
import os, signal, sys
from pathlib import Path
from tsukasa.corpus.dataset import Dataset
ds = Dataset.open(sys.argv[1], Path(sys.argv[2]))
cuts = list(ds.cuts(1))
Dataset.save_meta = lambda self: os.kill(os.getpid(), signal.SIGKILL)
ds.write_version(cuts[:1], [], kind="edit", description="killed before dataset.yaml")
"""


def test_a_version_left_unrecorded_by_a_killed_writer_is_adopted(tmp_path: Path, dataset_root: Path) -> None:
    ingest(_raw(tmp_path), Dataset.create("orphan", dataset_root))
    killed = subprocess.run([sys.executable, "-c", KILLED_BEFORE_META, "orphan", str(dataset_root)], timeout=300)
    assert killed.returncode == -signal.SIGKILL
    ds = Dataset.open("orphan", dataset_root)
    assert [v.number for v in ds.meta.versions] == [1] and (ds.path / "versions" / "v2" / "version.yaml").exists()
    top, v1 = ds.path / "cuts.jsonl.gz", ds.path / "versions" / "v1" / "cuts.jsonl.gz"
    assert not os.path.samefile(top, v1)  # the killed writer had published v2 while v1 stays current
    with ds.writing("any writer"):
        assert os.path.samefile(top, v1)  # put back in step with dataset.yaml as soon as the lock is taken
    record = ds.write_version(list(ds.cuts(1)), [], kind="edit", description="next")  # was: "v2 already exists"
    meta = Dataset.open("orphan", dataset_root).meta
    assert record.number == 3 and [v.number for v in meta.versions] == [1, 2, 3]
    assert meta.versions[1].description == "killed before dataset.yaml" and meta.current_version == 3

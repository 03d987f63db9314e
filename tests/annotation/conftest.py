"""Fixtures for the review store and app: a real small dataset (pyopenjtalk speech, ingested),
SQLite and a throwaway PostgreSQL cluster on localhost."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests.audio_fixtures import write_audio

LINES = [
    ("a.wav", "こんにちは、今日はいい天気ですね。", "akari", "L1"),
    ("b.wav", "水を買ってきてください。", "akari", "L2"),
    ("c.wav", "<script>window.__pwned = 1</script>", "bob", "L3"),
    ("d.wav", "ありがとうございました。", "bob", "L4"),
]


def build_dataset(root: Path, name: str = "rev"):
    """Ingest four real TTS utterances with a script, then add the review-relevant custom fields
    (readings, a non-verbal event, quality flags, CER) as a pipeline run would."""
    import pyopenjtalk
    from lhotse.utils import fastcopy

    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest
    from tsukasa.corpus.schema import (
        AsrInfo,
        NonverbalEvent,
        QualityFlag,
        QualityInfo,
        read_supervision_custom,
        with_supervision_custom,
    )
    from tsukasa.pipelines.textfront import phonemize

    raw = root.parent / f"raw_{name}"
    rows = ["file\ttext\tspeaker\tline_id"]
    for i, (fname, text, spk, lid) in enumerate(LINES):
        speak = text if not text.startswith("<") else "スクリプト"
        wav, sr = pyopenjtalk.tts(speak)
        write_audio(raw / fname, (wav / 32768.0 * 0.8).astype(np.float32), sr)
        rows.append(f"{fname}\t{text}\t{spk}\t{lid}")
        del i
    script = root.parent / f"script_{name}.tsv"
    script.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = Dataset.create(name, root)
    ingest(raw, ds, script=script)
    cuts = []
    for i, cut in enumerate(sorted(ds.cuts(), key=lambda c: c.supervisions[0].custom["source"]["line_id"])):
        sup = cut.supervisions[0]
        custom = read_supervision_custom(sup, cut.id)
        p = phonemize(sup.text) if not sup.text.startswith("<") else None
        hint = "the audio reads like script row 3 (file b.wav, CER 0.05): 'こんばんは'"
        flags = [QualityFlag(code="script_mismatch", value=0.4, detail=hint)] if i == 1 else []
        custom = custom.model_copy(
            update={
                "kana": p.kana if p else None,
                "phonemes": p.phonemes if p else None,
                "prosody": p.prosody if p else None,
                "nonverbal": [NonverbalEvent(start=0.1, end=0.3, kind="breath", source="audio", confidence=0.9)]
                if i == 0
                else [],
                "asr": AsrInfo(model="whisper-base", text=sup.text, cer=0.05 * i),
                "quality": QualityInfo(snr_db=30.0 - i, flags=flags),
            }
        )
        cuts.append(fastcopy(cut, supervisions=[with_supervision_custom(sup, custom)]))
    ds.write_version(cuts, ds.rejected(), kind="run", description="test fixture")
    return ds


@pytest.fixture(scope="session")
def review_dataset_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review_template") / "data_manifests"
    build_dataset(root)
    return root


@pytest.fixture
def review_dataset(review_dataset_template: Path, tmp_path: Path):
    """A fresh copy of the dataset per test (recordings point at the shared raw folder, read-only use)."""
    from tsukasa.corpus.dataset import Dataset

    root = tmp_path / "data_manifests"
    shutil.copytree(review_dataset_template, root)
    return Dataset.open("rev", root)


# --- PostgreSQL -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for ver in ("17", "16", "15", "14"):
        p = Path(f"/usr/lib/postgresql/{ver}/bin/{name}")
        if p.exists():
            return str(p)
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory):
    """A throwaway PostgreSQL cluster on a free localhost port, torn down after the session.

    initdb refuses to run as root, so as root the cluster is owned by the ``postgres`` system user
    (created by Debian's package) and commands run through ``runuser``.
    """
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
    base = tmp_path_factory.mktemp("pg")
    data = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' system user to own the cluster")
        shutil.chown(base, "postgres")
        base.chmod(0o755)
        for parent in base.parents:  # the postgres user must be able to reach its data dir
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    run = subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "tsukasa", "--auth=trust", "-E", "UTF8", "--no-sync"],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        pytest.skip(f"initdb failed: {run.stderr.strip().splitlines()[-1] if run.stderr else run.returncode}")
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "-t", "30", "start"],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        pytest.skip(f"PostgreSQL did not start: {(base / 'log').read_text()[-300:] if (base / 'log').exists() else ''}")
    url = f"postgresql://tsukasa@127.0.0.1:{port}/postgres"
    try:
        yield url
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        time.sleep(0.1)


@pytest.fixture
def fresh_pg_url(postgres_url: str) -> str:
    """A new empty database in the session's cluster for one test."""
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(postgres_url.replace("postgresql://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url.rsplit("/", 1)[0] + "/" + name


# --- a live app --------------------------------------------------------------------------------
class LiveServer:
    """The review app served by uvicorn in a thread on a free localhost port."""

    def __init__(self, app) -> None:  # noqa: ANN001 - FastAPI
        import threading

        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 15
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("review app did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def review_app(review_dataset):
    """(dataset, store, app) with two users: alice (annotator) and root (admin)."""
    from tsukasa.annotation.app import create_app, open_review

    ds, store = open_review(ds_name := review_dataset.name, root=review_dataset.path.parent)
    assert ds_name == "rev"
    store.add_user("alice", "alice-password", "annotator")
    store.add_user("carol", "carol-password", "annotator")
    store.add_user("root", "root-password", "admin")
    yield ds, store, create_app(ds, store)
    store.close()


@pytest.fixture
def live_app(review_app):
    ds, store, app = review_app
    server = LiveServer(app)
    yield ds, store, server
    server.stop()

"""Review store and app speed: next cut ready to play (JSON + audio), and events/s, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_review.py --cuts 100000 [--events 2000] [--pg-url postgresql://...]

Without ``--pg-url`` a throwaway PostgreSQL cluster is started on a free localhost port when the
server binaries are installed (as root it runs as the ``postgres`` user). Prints figures and
ratios against a baseline measured in the same run (reading the clip's audio alone, which any
review tool must do); never asserts times. Goal: next cut ready in < 100 ms locally.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np


def make_dataset(root: Path, n_cuts: int):
    """One 60 s real-signal recording inside the dataset; ``n_cuts`` 2 s cuts at staggered offsets."""
    import soundfile as sf
    from lhotse import MonoCut, Recording, SupervisionSegment

    from tsukasa.corpus.dataset import Dataset

    ds = Dataset.create("bench", root)
    wav = ds.audio_dir / "long.flac"
    wav.parent.mkdir(parents=True, exist_ok=True)
    sr = 24000
    t = np.arange(60 * sr) / sr
    x = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)
    sf.write(wav, x, sr)
    rec = Recording.from_file(wav, recording_id="long")

    def cuts():
        for i in range(n_cuts):
            start = (i * 0.37) % 57.0
            sup = SupervisionSegment(id=f"c{i:07d}", recording_id="long", start=0.0, duration=2.0,
                                     text=f"テスト発話その{i}です。", speaker=f"spk{i % 20}", language="ja",
                                     custom={"kana": "テストハツワ", "phonemes": list("tesuto")})  # fmt: skip
            yield MonoCut(id=f"c{i:07d}", start=start, duration=2.0, channel=0, recording=rec, supervisions=[sup])

    ds.write_version(cuts(), [], kind="run", description="bench")
    return ds


def start_postgres(base: Path) -> tuple[str | None, callable]:
    initdb = shutil.which("initdb") or "/usr/lib/postgresql/15/bin/initdb"
    pg_ctl = shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl"
    if not Path(initdb).exists():
        return None, lambda: None
    prefix = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = base / "data"
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "bench", "--auth=trust", "--no-sync"],
                   check=True, capture_output=True)  # fmt: skip
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
    subprocess.run([*prefix, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"],
                   check=True, capture_output=True)  # fmt: skip
    return f"postgresql://bench@127.0.0.1:{port}/postgres", lambda: subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
    )


def bench_backend(label: str, url: str, ds, n_events: int, n_pages: int) -> None:
    from fastapi.testclient import TestClient

    from tsukasa.annotation.app import allowed_audio_roots, audio_clip, create_app
    from tsukasa.annotation.store import ReviewStore

    store = ReviewStore.open(url)
    t0 = time.perf_counter()
    n = store.load_cuts(ds.cuts(), ds.current_version)
    load_s = time.perf_counter() - t0
    store.add_user("bench", "bench-password")

    # events/s: sequential saves, each from the revision it read (the app's path)
    ids = [c.cut_id for c in store.list_cuts(limit=n_events, offset=n // 2)[0]]
    t0 = time.perf_counter()
    for i, cut_id in enumerate(ids):
        store.record(cut_id, "bench", base_revision=0, decision="accept" if i % 3 else "reject",
                     changes={"text": f"修正{i}"} if i % 2 else None,
                     reason="bench" if i % 3 == 0 else None)  # fmt: skip
    ev_s = len(ids) / (time.perf_counter() - t0)

    # page to page: GET next cut + GET its audio through the full app (auth, CSRF-free GETs)
    app = create_app(ds, store)
    client = TestClient(app)
    token, _ = store.create_session(store.authenticate("bench", "bench-password"))
    client.cookies.set("tsukasa_session", token)
    roots = allowed_audio_roots(ds)
    after, lat, base = "", [], []
    for _ in range(n_pages):
        t0 = time.perf_counter()
        cut = client.get("/api/cuts/next", params={"after": after}).json()["cut"]
        audio = client.get(cut["audio_url"])
        lat.append(time.perf_counter() - t0)
        assert audio.status_code == 200
        state = store.get_cut(cut["cut_id"])
        t0 = time.perf_counter()
        audio_clip(state, roots)
        base.append(time.perf_counter() - t0)
        after = cut["cut_id"]
    p50, p95 = statistics.median(lat) * 1000, np.percentile(lat, 95) * 1000
    b50 = statistics.median(base) * 1000
    print(f"{label:10s} cuts={n:>7d} load={n / load_s:8.0f} cuts/s  events={ev_s:7.0f}/s  "
          f"next cut ready p50={p50:6.1f} ms p95={p95:6.1f} ms  (audio read alone p50={b50:5.1f} ms, "
          f"ratio {p50 / b50:4.1f}x)  goal <100 ms: {'met' if p95 < 100 else 'NOT met'}")  # fmt: skip
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cuts", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: start a throwaway one)")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    from tsukasa.annotation.store import default_url

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        ds = make_dataset(tmp / "dm", args.cuts)
        print(f"dataset with {args.cuts} cuts written in {time.perf_counter() - t0:.1f} s")
        bench_backend("sqlite", default_url(ds.path), ds, args.events, args.pages)
        if args.no_pg:
            return
        stop = lambda: None  # noqa: E731
        url = args.pg_url
        if url is None:
            pg_base = tmp / "pg"
            pg_base.mkdir()
            os.chmod(tmp, 0o755)
            url, stop = start_postgres(pg_base)
        if url is None:
            print("postgresql: skipped (no server binaries; apt-get install postgresql)")
            return
        try:
            bench_backend("postgresql", url, ds, args.events, args.pages)
        finally:
            stop()


if __name__ == "__main__":
    main()

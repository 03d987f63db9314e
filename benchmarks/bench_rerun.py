"""What a `tsukasa run` costs when there is little or nothing to compute: the flow finding
finished (shard, stage) outputs on disk before it submits tasks (what it does now) against
submitting every task and letting Prefect's cache answer (what it did before), in the same run.

    .venv/bin/python benchmarks/bench_rerun.py [--files 600] [--shard-size 2]

A dataset of short noise files is ingested in a temporary folder and run through a three-stage
recipe (standardize, textnorm, phonemize): once from nothing; then reruns with nothing to do,
each way in turn (best of ``--repeats``), and a rerun after one file is added, each way (the
shard it lands in computes). Each run is a fresh process, as a user's command is; its time is
the flow's without the temporary Prefect server's start (~8 s here, the same both ways). Runs
share a process no more: the server records a run's task events for a while after the run,
and that backlog slowed the next run in the same process.
A small shard size stands for the number of (shard, stage) tasks of a large dump: the cost
measured is per task, and the audio work is kept small. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = """
import sys, time
from pathlib import Path
import numpy as np
from tests.audio_fixtures import write_audio
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.flows import curate
from tsukasa.flows.recipe import parse_recipe
root, raw, recipe = Path(sys.argv[1]), Path(sys.argv[2]), parse_recipe(sys.argv[3], "bench.yaml")
from tsukasa.flows.prefect_server import TemporaryServer
server_s = [0.0]
_start = TemporaryServer.start
def timed_start(self, *a, **k):
    t0 = time.perf_counter()
    try:
        return _start(self, *a, **k)
    finally:
        server_s[0] += time.perf_counter() - t0
TemporaryServer.start = timed_start
rng = np.random.default_rng(int(time.time()))
for step in sys.argv[4:]:
    label, mode = step.split(":")
    if label.startswith("added"):
        write_audio(raw / f"{label}.wav", (0.1 * rng.standard_normal(8000)).astype(np.float32), 8000)
        ingest(raw, Dataset.open("d", root))
    curate.FIND_CACHED_BEFORE_SUBMIT = mode == "find"
    t = time.perf_counter()
    report = curate.run_recipe(Dataset.open("d", root), recipe)
    print("RESULT", label, mode, round(time.perf_counter() - t - server_s[0], 2), sum(report.computed.values()),
          sum(report.cached.values()), flush=True)
    server_s[0] = 0.0
"""


def run(
    root: Path, raw: Path, recipe: str, env: dict[str, str], steps: list[str]
) -> list[tuple[str, str, float, int, int]]:
    """(label, mode, seconds, tasks computed, tasks reused) of each ``label:mode`` step, run one after
    the other in one fresh process (its first step includes the temporary Prefect server's start)."""
    proc = subprocess.run([sys.executable, "-c", RUN, str(root), str(raw), recipe, *steps], capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False)  # fmt: skip
    rows = []
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT"):
            _, label, mode, seconds, computed, cached = line.split()
            rows.append((label, mode, float(seconds), int(computed), int(cached)))
    if len(rows) != len(steps):
        raise SystemExit(f"run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--shard-size", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from tests.audio_fixtures import write_audio
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import ingest

    recipe = (f"name: bench\nshard_size: {args.shard_size}\nstages:\n  - stage: standardize\n"
              "  - stage: textnorm\n  - stage: phonemize\n")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
        rng = np.random.default_rng(0)
        raw = tmp_path / "raw"
        for i in range(args.files):
            write_audio(raw / f"l{i:05d}.wav", (0.1 * rng.standard_normal(8000)).astype(np.float32), 8000)
        root = tmp_path / "dm"
        ingest(raw, Dataset.create("d", root))
        rows = []
        for step in ["first:find"] + ["noop:find", "noop:submit"] * args.repeats + ["added1:find", "added2:submit"]:
            rows += run(root, raw, recipe, env, [step])

    first = rows[0]
    best = {mode: min(r[2] for r in rows if r[0] == "noop" and r[1] == mode) for mode in ("find", "submit")}
    tasks = first[3]
    added = {r[1]: r for r in rows if r[0].startswith("added")}
    print(f"{args.files} files, shard_size {args.shard_size}, 3 stages: {tasks} (shard, stage) tasks; "
          "each run in a fresh process, seconds in the flow without the temporary server's start")  # fmt: skip
    print(f"first run (all computed): {first[2]:.2f} s")
    print(f"rerun, nothing to do (best of {args.repeats}): find outputs first (now) {best['find']:.2f} s, "
          f"submit every task (before) {best['submit']:.2f} s, ratio {best['find'] / best['submit']:.3f}; "
          f"{1000 * best['find'] / tasks:.2f} vs {1000 * best['submit'] / tasks:.2f} ms a task")  # fmt: skip
    print(f"one file added: now {added['find'][2]:.2f} s ({added['find'][3]} computed), "
          f"before {added['submit'][2]:.2f} s ({added['submit'][3]} computed), "
          f"ratio {added['find'][2] / added['submit'][2]:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()

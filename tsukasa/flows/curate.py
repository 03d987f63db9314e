"""The curation flow: a recipe over a dataset's recordings, shard by shard, resumable.

Prefect orchestrates; the stages do the work. The recordings of the latest ingest are
split into shards (sorted ids, ``shard_size`` per shard) written under ``stages/input``;
each (shard, stage) is one Prefect task whose output manifests are persisted under
``stages/<k>-<stage>/``. The task's cache key is the SHA-256 of its *input file's bytes*
plus the stage fingerprint (Prefect's default key includes the run id and hashes paths as
text, so it would neither survive a crash nor notice changed content). A rerun after a
crash or ``kill -9`` therefore finds every finished shard in the result store and only
computes the rest; the merge then writes the same bytes as an uninterrupted run.

Runs on Prefect's local thread-pool runner by default, or on a Dask cluster through
prefect-dask with the same code (``dask_address``). With no Prefect server configured a
temporary local one is used; the settings from DESIGN.md are applied unless the user set
them.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from tsukasa.corpus.dataset import Dataset, yaml_text
from tsukasa.corpus.manifests import (
    atomic_path,
    is_temporary,
    read_cuts,
    read_jsonl,
    read_rejected,
    write_manifest,
)
from tsukasa.corpus.schema import ScriptLine
from tsukasa.errors import ConfigError, DatasetError, TsukasaError
from tsukasa.flows.recipe import Recipe
from tsukasa.pipelines.base import StageContext, get_stage

PREFECT_DEFAULTS = {
    # The temporary server's first start migrates a fresh database: ~12 s on an idle 2-core
    # machine, but over 90 s was seen with the test suite and a benchmark sharing those cores.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect(home: Path | None = None) -> None:
    """Offline-friendly Prefect settings; call before Prefect is imported. User settings win."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if home is not None and "PREFECT_HOME" not in os.environ and "PREFECT_API_URL" not in os.environ:
        os.environ["PREFECT_HOME"] = str(home)


def prefect_settings() -> contextlib.AbstractContextManager:
    """A Prefect settings context holding :data:`PREFECT_DEFAULTS` (or the user's values).

    Prefect reads the environment once, when it is imported: in a process that imported it
    before :func:`configure_prefect` ran (a notebook, a program that also uses Prefect), the
    environment defaults alone would not apply, and a loaded machine would hit Prefect's own
    20 s server-start timeout, with telemetry on. Call after :func:`configure_prefect`.
    """
    from prefect import settings

    # PREFECT_HOME too: configure_prefect points it into the dataset root when the user set none,
    # and a Prefect imported earlier would otherwise keep its server database in ~/.prefect.
    keys = [*PREFECT_DEFAULTS, "PREFECT_HOME"]
    updates = {getattr(settings, k): os.environ[k] for k in keys if k in os.environ and hasattr(settings, k)}
    return settings.temporary_settings(updates=updates)


DASK_CONNECT_TIMEOUT_S = 10.0

# Whether the flow looks for a task's output on disk before submitting it (see ``submit`` in
# :func:`_run_recipe`); False submits every task, as before (benchmarks/bench_rerun.py's baseline).
FIND_CACHED_BEFORE_SUBMIT = True


# Progress callbacks of the runs in this process, by token (see _run_recipe): called from the flow.
_PROGRESS: dict[str, Callable[[int, int], None] | None] = {}


def _report_progress(token: str, done: int, total: int) -> None:
    callback = _PROGRESS.get(token)
    if callback is not None:
        callback(done, total)


@contextlib.contextmanager
def _temporary_api() -> Iterator[None]:
    """With no Prefect server configured: start the temporary one Prefect would start anyway, in
    its own session (:mod:`tsukasa.flows.prefect_server`), and name it in the settings every
    task carries to its worker.

    Why its own session: Prefect's own temporary server shared the terminal's process group,
    so Ctrl-C killed it too and the run then hung for minutes retrying to report its crash.
    Why name it: on a Dask cluster with no ``PREFECT_API_URL``, each worker process tried to
    start a temporary server of its own to report its task to, and timed out; the run never
    finished. Workers on this machine reach this one; for workers on other machines run
    ``prefect server start --host 0.0.0.0`` and set ``PREFECT_API_URL`` where ``tsukasa run`` runs.
    """
    from prefect import settings

    if settings.get_current_settings().api.url:
        yield
        return
    from tsukasa.flows.prefect_server import TemporaryServer, log_tail, server_log

    server = TemporaryServer()
    try:
        server.start()  # stopped when this process exits (Prefect registers it), like its own
    except RuntimeError as exc:  # Prefect's "timed out ..." with the exit code, never the reason
        tail = log_tail()
        raise TsukasaError(
            f"Prefect's temporary server did not start ({str(exc).splitlines()[0][:160]})"
            + (f"; its log ends: {tail}" if tail else "")
            + f"; full log: {server_log()}. Or set PREFECT_API_URL to a Prefect server you run"
        ) from None
    with settings.temporary_settings(updates={settings.PREFECT_API_URL: server.api_url}):
        yield


def check_dask_scheduler(address: str, timeout_s: float = DASK_CONNECT_TIMEOUT_S) -> None:
    """Fail with one line when no Dask scheduler answers at ``address``, before the flow starts.

    Without this, a mistyped address or a scheduler that is not up yet showed up as Prefect's
    log of a crashed flow run — a long distributed traceback — after distributed's 30 s default
    connect timeout. The probe runs its own event loop in a thread of its own: ``asyncio.run``
    refuses to start in a thread whose loop is running (a notebook, an async caller, or a test
    worker where an earlier test left one running: the suite failed so, now and then).
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def probe() -> None:
        comm = await connect(address, timeout=timeout_s)
        await comm.close()

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dask-probe") as pool:
            pool.submit(asyncio.run, probe()).result()
    except (OSError, TimeoutError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"no Dask scheduler answers at {address} ({first}); start one (`dask scheduler`, then "
            "`dask worker ADDRESS` on each machine) or drop --dask-address to run on this machine"
        ) from None


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _input_manifest(input_path: str | dict[str, Any]) -> str:
    # A stage's input is the shard file or, downstream, the previous task's result (resolved by Prefect).
    return input_path["cuts"] if isinstance(input_path, dict) else input_path


def stage_cache_key(
    stage_name: str,
    config: dict[str, Any],
    input_path: str | dict[str, Any],
    dataset_dir: str | Path,
    fingerprint: str | None = None,
) -> str:
    """Content hash of the input manifest + the stage fingerprint + where the dataset is: stable
    across runs and machines that see the dataset at the same path.

    Why the location: a stage's output names files inside the dataset by absolute path (the audio
    ``standardize`` writes under ``audio/``, and every later stage carries those cuts). A dataset
    moved or copied elsewhere found its old outputs by the old key and handed on paths into the
    old folder (a FileNotFoundError reported as a bug in the next stage); now it recomputes them
    where it is.

    A stage that reads the script (``match_script``) is keyed by its lines too: a folder script
    fixed and re-ingested over the same audio left its input unchanged, and the run handed on the
    matches to the old lines.

    ``fingerprint``: the stage's, when the caller computed it already (a run does, once per step:
    building it asks the installed packages' metadata for their versions, ~3 ms a call)."""
    input_path = _input_manifest(input_path)
    cls = get_stage(stage_name)
    if fingerprint is None:
        fingerprint = stage_fingerprint(stage_name, config)
    where = str(Path(dataset_dir).resolve())
    script = _script_digest(Path(dataset_dir)) if cls.reads_script else ""
    content = hashlib.sha256(f"{file_sha256(input_path)}\0{where}\0{script}".encode()).hexdigest()
    return f"{stage_name}-{fingerprint}-{content[:32]}"


def stage_fingerprint(stage_name: str, config: dict[str, Any]) -> str:
    """The fingerprint (config + stage version + model versions) of a recipe step."""
    cls = get_stage(stage_name)
    return cls(cls.Config.model_validate(config)).fingerprint()


# --- the task body (plain function: testable without Prefect) ----------------------------------


@functools.cache
def pin_blas_threads() -> None:
    """One BLAS thread for the whole process, set once and never restored.

    Why: tasks run side by side in one process (the thread pool runner, a Dask worker), and a
    stage that caps BLAS threads while it runs (``segment``: ``threadpool_limits`` around its
    small products) changed them for the stage running next to it. OpenBLAS's float32 products
    are not bit-identical across thread counts, so faster-whisper's log-mel features moved and
    about one transcript in four changed (measured: 7 of 25 with ``segment`` running alongside)
    — a resumed run, whose tasks overlap differently, then differed from an uninterrupted one.
    With the count fixed at one, a stage's own cap of one sets and restores the same value.
    The pool of tasks is where the cores go; the products here are small.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def shard_outputs(out_dir: str | Path, shard: str, key: str) -> tuple[Path, Path]:
    """The kept-cuts and rejected manifests of one (stage, shard) with cache key ``key``.

    Named by a hash of the *whole* key. They were named by its last 16 characters, which are the
    input's content hash alone: a stage whose config or version changed found its old output
    under the same name and handed it on as finished, so a recipe edit changed nothing.
    """
    out = Path(out_dir)
    tag = output_tag(key)
    return out / f"{shard}.{tag}.cuts.jsonl.gz", out / f"{shard}.{tag}.rejected.jsonl.gz"


def output_tag(key: str) -> str:
    """The part of a (stage, shard) output's file name that stands for its cache key."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# What the last finished run used, under stages/ (`tsukasa dataset prune` keeps it).
LIVE_FILE = "live.json"


def write_live_set(ds: Dataset, paths: Iterable[str | Path]) -> None:
    """Record the stage files a finished run used (paths inside the dataset, kept relative so a
    moved dataset keeps its record)."""
    root = ds.path.resolve()
    resolved = (Path(p).resolve() for p in paths)
    rel = sorted({str(q.relative_to(root)) for q in resolved if q.is_relative_to(root)})
    with atomic_path(ds.stages_dir / LIVE_FILE) as tmp:
        tmp.write_text(json.dumps({"files": rel}, ensure_ascii=False, indent=0), encoding="utf-8")


def cached_outputs(
    stage_name: str,
    config: dict[str, Any],
    input_path: str,
    out_dir: str | Path,
    shard: str,
    dataset_dir: str | Path,
    fingerprint: str | None = None,
) -> tuple[Path, Path] | None:
    """The (stage, shard)'s kept and rejected manifests when they are whole on disk, else None.
    They are named by the whole cache key (:func:`shard_outputs`), so whole files under that name
    are this very computation's result, whichever run wrote them."""
    outputs = shard_outputs(out_dir, shard, stage_cache_key(stage_name, config, input_path, dataset_dir, fingerprint))
    return outputs if outputs_whole(stage_name, outputs) else None


def finished_result(outputs: tuple[Path, Path]) -> dict[str, Any]:
    """A finished task's result read back from its outputs (``kept`` counted for the run report)."""
    kept = sum(1 for _ in read_jsonl(outputs[0]))
    return {"cuts": str(outputs[0]), "rejected": str(outputs[1]), "computed": False, "kept": kept, "seconds": 0.0}


def run_stage_on_shard(
    stage_name: str,
    config: dict[str, Any],
    input_path: str | dict[str, Any],
    out_dir: str,
    dataset_dir: str,
    shard: str,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """Run one stage over one shard manifest; write kept cuts and rejected items atomically."""
    input_path = _input_manifest(input_path)
    key = stage_cache_key(stage_name, config, input_path, dataset_dir, fingerprint)
    cuts_path, rejected_path = shard_outputs(out_dir, shard, key)
    # Finished before a crash that came before Prefect recorded the result: same key, same output.
    if outputs_whole(stage_name, (cuts_path, rejected_path)):
        return finished_result((cuts_path, rejected_path))
    started = time.perf_counter()
    pin_blas_threads()
    cls = get_stage(stage_name)
    stage = cls(cls.Config.model_validate(config))
    # Only a stage that reads the script gets it: parsing a 100,000-row script costs ~0.4 s, and a
    # run of that dump has ~4,000 shards for each of its stages.
    script = dataset_script(Path(dataset_dir)) if cls.reads_script else ()
    ctx = StageContext(work_dir=Path(dataset_dir), script=script)
    n_kept = stage.process_manifest(input_path, ctx, cuts_path, rejected_path)
    seconds = round(time.perf_counter() - started, 3)
    return {"cuts": str(cuts_path), "rejected": str(rejected_path), "computed": True, "kept": n_kept,
            "seconds": seconds}  # fmt: skip


def _script_digest(dataset_dir: Path) -> str:
    """Hash of the script lines a stage would see (their canonical JSON)."""
    lines = [s.model_dump(mode="json") for s in dataset_script(dataset_dir)]
    return hashlib.sha256(json.dumps(lines, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def dataset_script(dataset_dir: Path) -> list[ScriptLine]:
    """Every script line ingest attached: the folder-level ones (``file`` unset) to be matched, and
    the rows naming files (whose text the cuts carry already; ``match_script`` reads them to say
    which row a mislabelled file's audio reads like)."""
    path = dataset_dir / "script.jsonl.gz"
    if not path.exists():
        return []
    return [ScriptLine.model_validate(d) for d in read_jsonl(path)]


def remove_temporaries(stages_dir: Path) -> tuple[int, int]:
    """Remove the files writers killed mid-write left under ``stages/``; returns (files, bytes).

    Every output is written to a temporary name and renamed (the names
    :func:`~tsukasa.corpus.manifests.is_temporary` knows). A ``kill -9`` leaves them behind:
    nothing reads them, but a merged manifest or a sort of a large dataset is GBs, left again
    by each crash. Called with the
    dataset's writer lock held, so no writer of this dataset is running. Prefect's records
    (``_results``) are Prefect's and not looked at.
    """
    files = size = 0
    for folder, dirs, names in os.walk(stages_dir):
        if folder == str(stages_dir) and "_results" in dirs:
            dirs.remove("_results")
        for name in names:
            if is_temporary(name):
                path = Path(folder) / name
                with contextlib.suppress(FileNotFoundError):
                    size += path.stat().st_size
                    path.unlink()
                    files += 1
    return files, size


def write_input_shards(ds: Dataset, version: int, shard_size: int) -> list[tuple[str, Path]]:
    """Split the ingest version's cuts into shard manifests (deterministic names and bytes; see
    :func:`content_shards`)."""
    return content_shards(ds.cuts(version), shard_size, ds.stages_dir / "input" / f"v{version}-n{shard_size}")


# A shard never grows past this many times shard_size (a long run of cuts without a boundary).
MAX_SHARD_FACTOR = 3


def opens_shard(cut_id: str, shard_size: int) -> bool:
    """Whether the cut ``cut_id`` starts a shard: one id in ``shard_size`` does, chosen by a hash
    of the id alone (so shards hold ``shard_size`` cuts on average)."""
    if shard_size <= 1:
        return True
    return int.from_bytes(hashlib.blake2b(cut_id.encode(), digest_size=8).digest(), "big") % shard_size == 0


def content_shards(cuts: Iterable[Any], shard_size: int, folder: Path) -> list[tuple[str, Path]]:
    """Cut ``cuts`` (in their manifest order) into shard manifests at content-defined boundaries.

    Why not every ``shard_size`` cuts: a re-ingest that adds files (a dump grows, a patch adds
    voice lines) inserts their recordings all over the id order, and fixed-size shards then all
    shifted: every shard after the first new file had new content, so every stage ran again on
    most of the dataset. Here a shard starts at each cut whose id :func:`opens_shard` picks, so a
    new cut changes only the shard it lands in (or splits it in two); the others keep their
    bytes, their cache keys and their names (the hash of their first cut's id).
    """
    out: list[tuple[str, Path]] = []
    batch: list[Any] = []

    def flush() -> None:
        name = "shard-" + hashlib.blake2b(batch[0].id.encode(), digest_size=6).hexdigest()
        path = folder / f"{name}.cuts.jsonl.gz"
        if not path.exists():
            write_manifest(batch, path)
        out.append((name, path))
        batch.clear()

    for cut in cuts:
        if batch and (opens_shard(cut.id, shard_size) or len(batch) >= MAX_SHARD_FACTOR * shard_size):
            flush()
        batch.append(cut)
    if batch:
        flush()
    return out


def concat_manifests(paths: list[str], folder: Path) -> Path:
    """One manifest holding the given shard outputs in order (named by content, written once)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(file_sha256(p).encode())
    target = folder / f"merged.{h.hexdigest()[:16]}.cuts.jsonl.gz"
    if not target.exists():
        write_manifest((cut for p in paths for cut in read_cuts(p)), target)
    return target


def reshard(path: str, shard_size: int, folder: Path) -> list[tuple[str, Path]]:
    """Split a dataset-scope stage's output back into shards for the per-shard stages after it
    (content-defined, as :func:`content_shards`: a change to a few cuts leaves the other shards
    after the barrier as they were)."""
    return content_shards(read_cuts(path), shard_size, folder / f"reshard-{file_sha256(path)[:16]}")


# --- Prefect ---------------------------------------------------------------------------------


@dataclass
class StageSummary:
    """What one stage of a run did, over all its shards."""

    stage: str
    shards_computed: int = 0
    shards_reused: int = 0
    kept: int = 0  # cuts out of the stage
    rejected: Counter = field(default_factory=Counter)  # reason → cuts the stage dropped
    compute_s: float = 0.0  # summed over the shards computed in this run (tasks run in parallel)


@dataclass
class RunReport:
    dataset: str
    recipe: str
    version: int
    new_version: bool
    shards: int
    cuts: int
    duration_s: float
    rejected: Counter = field(default_factory=Counter)
    stages: list[StageSummary] = field(default_factory=list)  # in recipe order
    runner: str = ""
    started_at: str = ""
    wall_s: float = 0.0
    temporaries_removed: tuple[int, int] = (0, 0)  # (files, bytes) earlier killed runs left in stages/
    flags: Counter = field(default_factory=Counter)  # quality flags on the version's cuts, by code
    # script_mismatch lines whose audio reads like another file's script row (swapped files, shifted rows)
    reads_like_other_row: int = 0

    @property
    def computed(self) -> Counter:
        """Stage → shards computed in this run."""
        return Counter({st.stage: st.shards_computed for st in self.stages})

    @property
    def cached(self) -> Counter:
        """Stage → shards reused from earlier runs."""
        return Counter({st.stage: st.shards_reused for st in self.stages})

    def to_dict(self) -> dict[str, Any]:
        """The run as ``versions/vN/run.yaml`` keeps it: what ran, where, and what each stage did."""
        return {
            "dataset": self.dataset,
            "recipe": self.recipe,
            "runner": self.runner,
            "started_at": self.started_at,
            "wall_s": self.wall_s,
            "shards": self.shards,
            "stages": [
                {
                    "stage": st.stage,
                    "shards_computed": st.shards_computed,
                    "shards_reused": st.shards_reused,
                    "kept": st.kept,
                    "rejected": dict(st.rejected.most_common()),
                    "compute_s": st.compute_s,
                }
                for st in self.stages
            ],
        }


def _cache_key(_context: Any, params: dict[str, Any], results_dir: str | None = None) -> str | None:
    """The task's cache key; None (run it, cache nothing) when a cache record exists but the shard
    files it points to are gone — deleted to free disk, or ``stages/`` copied without them.

    Before, such a record was trusted: the run handed a missing path to the next stage and
    crashed there. Running the task writes the same files again (their names come from this
    key), so the old record is right again for the next run.
    """
    key = stage_cache_key(params["stage_name"], params["config"], params["input_path"], params["dataset_dir"],
                          params.get("fingerprint"))  # fmt: skip
    record = Path(results_dir) / key if results_dir is not None else None
    if record is not None and record.exists():
        if not _whole_record(record):  # an older run's record, whose value is elsewhere: run again
            record.unlink(missing_ok=True)
        elif not _record_names_its_outputs(record, shard_outputs(params["out_dir"], params["shard"], key)):
            # Written before outputs were named by the whole key, it may name another config's
            # output (the old names ignored the config): not trusted, the task runs again.
            record.unlink(missing_ok=True)
        elif not outputs_whole(params["stage_name"], shard_outputs(params["out_dir"], params["shard"], key)):
            return None
    return key


def outputs_whole(stage_name: str, outputs: tuple[Path, Path]) -> bool:
    """Whether a (stage, shard)'s outputs can be handed on: both manifests exist and, for a stage
    that writes audio (standardize, denoise), every audio file its cuts name exists too.

    Why: ``audio/`` looks like a cache and gets deleted; the run then reused the cached outputs,
    wrote "unchanged", and left a version whose every cut named a missing file (exports failed on
    it). Now the stage runs again and writes the same files back under the same names."""
    if not all(p.exists() for p in outputs):
        return False
    if not get_stage(stage_name).writes_audio:
        return True
    for item in read_jsonl(outputs[0]):
        for source in (item.get("recording") or {}).get("sources") or []:
            if source.get("type") == "file" and not os.path.isfile(source["source"]):
                return False
    return True


def _record_names_its_outputs(path: Path, outputs: tuple[Path, Path]) -> bool:
    """Whether the cached value in the record at ``path`` names the outputs its key names."""
    from prefect.results import ResultRecord

    try:
        value = ResultRecord.deserialize(path.read_bytes()).result
    except Exception:  # noqa: BLE001 - an unreadable record is simply not trusted
        return False
    return (
        isinstance(value, dict)
        and Path(str(value.get("cuts", ""))).name == outputs[0].name
        and Path(str(value.get("rejected", ""))).name == outputs[1].name
    )


def _whole_record(path: Path) -> bool:
    """Whether ``path`` is a Prefect result record holding its value (metadata and result in one
    file, as :func:`_make_task` writes them). Runs before 2026-12-04 wrote only the
    metadata here, pointing at the value under ``PREFECT_HOME/storage``: once that folder was
    deleted or moved (or the dataset was), every later run crashed reading it."""
    import orjson

    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(data, dict) and "metadata" in data and "result" in data


def _make_task(results_dir: Path):  # noqa: ANN202 - a Prefect Task
    from prefect import task
    from prefect.cache_policies import CacheKeyFnPolicy

    # The cache records live in the dataset (stages/_results), not in PREFECT_HOME: they travel
    # with the data they describe, and a rerun from any process or machine that sees the folder
    # finds them. Each record is one file holding its value too (result storage rooted there, no
    # separate key storage), read by its key relative to the folder. With only the metadata here,
    # as before, the value stayed in PREFECT_HOME/storage under an absolute path: deleting that
    # folder, or running with another PREFECT_HOME or root, crashed every later run.
    results_dir = results_dir.resolve()  # Dask workers may start in another directory
    key_fn = functools.partial(_cache_key, results_dir=str(results_dir))
    return task(
        _stage_shard_task_body, name="stage-shard", persist_result=True, task_run_name="{stage_name}:{shard}",
        cache_policy=CacheKeyFnPolicy(cache_key_fn=key_fn), result_storage=Path(results_dir),
        retries=IO_RETRIES, retry_delay_seconds=IO_RETRY_DELAY_S, retry_condition_fn=_transient_failure,
    )  # fmt: skip


# A shard whose task met a passing I/O failure (a network filesystem's EIO or stale handle, a
# timeout) is run again this many times, this many seconds apart, before the run stops.
IO_RETRIES = 2
IO_RETRY_DELAY_S = 2.0
# errno values of the machine's state, which a second try does not change: a full disk or quota,
# a read-only mount, no permission, no file handles or memory left.
_MACHINE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EMFILE", "ENFILE", "ENOMEM")
    if hasattr(errno, name)
)  # fmt: skip
# errno values a second try can get past; a full disk or a read-only mount it cannot.
_TRANSIENT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("EIO", "ESTALE", "ETIMEDOUT", "EAGAIN", "ECONNRESET", "ECONNABORTED",
                                      "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EREMOTEIO") if hasattr(errno, name)
)  # fmt: skip


class StageIOError(TsukasaError):
    """A shard's task failed on the machine's I/O, not on a bug or a bad input: named in one line
    (no traceback). ``transient`` ones (see :data:`_TRANSIENT_ERRNOS`) are retried first."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def _transient_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's retry condition: retry only a transient :class:`StageIOError`."""
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, StageIOError) and exc.transient


class StageFailed(TsukasaError):
    """A stage raised something other than a named problem with an input: a bug. The run stops
    with one line naming the stage and shard; the traceback is kept in the dataset's ``logs/``."""


class _NoStageFailedTraceback(logging.Filter):
    """Prefect logs a failed task and then its flow with the exception's traceback; for a
    :class:`StageFailed` that is the wrapper's own frames twice (the stage's traceback is in the
    log file its message names), so those records keep their one line and lose the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], (StageFailed, StageIOError)):
            record.exc_info, record.exc_text = None, None
        return True


_QUIET = _NoStageFailedTraceback()


def _quiet_stage_failures() -> None:
    for name in ("prefect.task_runs", "prefect.flow_runs"):
        logger = logging.getLogger(name)
        if _QUIET not in logger.filters:
            logger.addFilter(_QUIET)


def _stage_shard_task_body(
    stage_name: str,
    config: dict[str, Any],
    input_path: Any,
    out_dir: str,
    dataset_dir: str,
    shard: str,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """What a Prefect task runs (a separate module-level function so Dask can pickle it by reference).

    A bug in a stage used to end ``tsukasa run`` with three copies of its traceback (Prefect's
    task log, its flow log, the CLI's own) and no word of which shard it was. Now the traceback
    goes to ``<dataset>/logs/`` and the run ends with :class:`StageFailed`: one line, where to
    look, and that finished shards are kept (the same command resumes once it is fixed)."""
    try:
        return run_stage_on_shard(stage_name, config, input_path, out_dir, dataset_dir, shard, fingerprint)
    except TsukasaError:
        raise  # a named problem: its message is already the one line
    except OSError as exc:
        if exc.errno not in _TRANSIENT_ERRNOS | _MACHINE_ERRNOS:
            return _stage_bug(exc, stage_name, input_path, dataset_dir, shard)  # e.g. a missing file: traceback kept
        # The machine, not the stage: a disk that filled up, a network filesystem that failed a
        # read. Was reported as "a bug in the stage" with a traceback file.
        transient = exc.errno in _TRANSIENT_ERRNOS
        where = f" ({exc.filename})" if exc.filename else ""
        raise StageIOError(
            f"stage {stage_name!r} on {shard}: {exc.strerror or exc}{where}; "
            + (f"tried {IO_RETRIES + 1} times; " if transient else "")
            + "finished shards are kept, and the same command resumes",
            transient=transient,
        ) from None
    except Exception as exc:
        return _stage_bug(exc, stage_name, input_path, dataset_dir, shard)


def _stage_bug(exc: BaseException, stage_name: str, input_path: Any, dataset_dir: str, shard: str) -> NoReturn:
    """Keep the traceback of ``exc`` (being handled) in the dataset's logs and raise :class:`StageFailed`."""
    import traceback

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    log = Path(dataset_dir) / "logs" / f"{stamp}-{stage_name}-{shard}.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(
        f"stage {stage_name}, shard {shard}, input {input_path}\n\n" + traceback.format_exc(), encoding="utf-8"
    )
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    raise StageFailed(
        f"stage {stage_name!r} failed on {shard} ({type(exc).__name__}: {first}); this is a bug in the stage, "
        f"not a problem with one input: traceback in {log}; finished shards are kept"
    ) from None


def run_recipe(
    ds: Dataset,
    recipe: Recipe,
    *,
    workers: int = 2,
    dask_address: str | None = None,
    task_runner: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Run ``recipe`` over the latest ingest of ``ds`` and write the result as a new version.

    The dataset's writer lock is held for the whole run (a second run, or an ingest, of the same
    dataset fails at once naming this one); a run killed halfway releases it with its process."""
    with ds.writing(f"tsukasa run --recipe {recipe.name}"):
        return _run_recipe(ds, recipe, workers=workers, dask_address=dask_address, task_runner=task_runner,
                           progress=progress)  # fmt: skip


def _run_recipe(
    ds: Dataset,
    recipe: Recipe,
    *,
    workers: int,
    dask_address: str | None,
    task_runner: Any,
    progress: Callable[[int, int], None] | None,
) -> RunReport:
    ingests = [v for v in ds.meta.versions if v.kind == "ingest"]
    if not ingests:
        raise DatasetError(f"dataset {ds.name!r} has no ingested recordings (run `tsukasa ingest` first)")
    source_version = ingests[-1].number
    stages = recipe.build()  # validates configs (again) before any audio is read
    temporaries = remove_temporaries(ds.stages_dir) if ds.stages_dir.exists() else (0, 0)
    configure_prefect(ds.path.parent / ".prefect")
    _quiet_stage_failures()

    from prefect import flow
    from prefect.futures import as_completed
    from prefect.task_runners import ThreadPoolTaskRunner

    if task_runner is None:
        if dask_address:
            from prefect_dask import DaskTaskRunner

            check_dask_scheduler(dask_address)
            task_runner = DaskTaskRunner(address=dask_address)
        else:
            task_runner = ThreadPoolTaskRunner(max_workers=workers)
    stage_task = _make_task(ds.stages_dir / "_results")
    shards = write_input_shards(ds, source_version, recipe.shard_size)
    # Only plain data goes into the flow's closure: Dask pickles the flow run context, the flow
    # function with it (by value: it is defined here), so a progress callback (the CLI's rich
    # progress bar holds locks) stays out of it and is found by a token instead. It did not,
    # and no run ever reached a Dask cluster of worker processes: tested with one now.
    progress_token = uuid.uuid4().hex
    steps = [(i, step, cls.scope) for (i, step), cls in zip(enumerate(recipe.steps), map(type, stages), strict=True)]
    fingerprints = [stage.fingerprint() for stage in stages]  # once per step, not once per task
    del stages

    @flow(name=f"curate-{ds.name}", task_runner=task_runner, log_prints=False)
    def curate() -> tuple[list[tuple[str, dict[str, Any]]], list[str], list[str]]:
        """Per-shard chains of tasks; a dataset-scope stage (e.g. script matching) is a barrier:
        the shards are merged, the stage runs once over the whole set, and the result is re-sharded."""
        done: list[tuple[str, dict[str, Any]]] = []  # (stage, task result) for every task
        barrier_files: list[str] = []  # merged inputs and re-shards of dataset-scope stages
        current: list[tuple[str, Any]] = [(name, str(path)) for name, path in shards]
        pending: list[tuple[str, Any]] = []
        total = len(shards) * sum(1 for *_, scope in steps if scope == "shard") + sum(
            1 for *_, scope in steps if scope == "dataset"
        )

        completed = 0

        def wait_all() -> None:
            nonlocal completed
            for _ in as_completed([f for _, f in pending]):
                completed += 1
                _report_progress(progress_token, completed, max(total, completed))
            done.extend((stage, {**f.result(), "state": f.state.name}) for stage, f in pending)
            pending.clear()

        def submit(i: int, step: Any, upstream: Any, out_dir: str, shard: str) -> Any:
            """The shard's output path when it is on disk already, else a submitted task's future.

            Why not submit every task and let Prefect's cache answer: each task costs Prefect
            ~30 ms to create, look up and record even when cached (measured: a no-op rerun of 900
            tasks took 34 s), which over a large dataset's 300,000 (shard, stage) pairs is hours
            for a rerun that computes nothing, and most of a resume. An output already written
            under its cache key's name is found here in ~1 ms, and only the rest reach Prefect."""
            nonlocal completed
            if FIND_CACHED_BEFORE_SUBMIT and isinstance(upstream, str):  # input known: a shard file or cached output
                outputs = cached_outputs(step.stage, step.config, upstream, out_dir, shard, ds.path, fingerprints[i])
                if outputs is not None:
                    hit = finished_result(outputs)
                    done.append((step.stage, {**hit, "state": "Cached"}))
                    completed += 1
                    _report_progress(progress_token, completed, max(total, completed))
                    return hit["cuts"]
            fut = stage_task.submit(
                stage_name=step.stage, config=step.config, input_path=upstream, out_dir=out_dir,
                dataset_dir=str(ds.path), shard=shard, fingerprint=fingerprints[i],
            )  # fmt: skip
            pending.append((step.stage, fut))
            return fut

        for i, step, scope in steps:
            out_dir = str(ds.stages_dir / f"{i}-{step.stage}")
            if scope == "shard":
                current = [(name, submit(i, step, upstream, out_dir, name)) for name, upstream in current]
                continue
            wait_all()  # barrier: every shard must be through the earlier stages
            paths = [u if isinstance(u, str) else u.result()["cuts"] for _, u in current]
            merged = concat_manifests(paths, Path(out_dir) / "input")
            out = submit(i, step, str(merged), out_dir, "all")
            wait_all()
            out_cuts = out if isinstance(out, str) else out.result()["cuts"]
            current = [(n, str(p)) for n, p in reshard(out_cuts, recipe.shard_size, Path(out_dir))]
            barrier_files.extend([str(merged)] + [p for _, p in current])
        wait_all()
        finals = [u if isinstance(u, str) else u.result()["cuts"] for _, u in current]
        return done, finals, barrier_files

    started_at, t0 = datetime.now(UTC).replace(microsecond=0), time.perf_counter()
    _PROGRESS[progress_token] = progress
    try:
        with prefect_settings(), _temporary_api():
            results, finals, barrier_files = curate()
    finally:
        _PROGRESS.pop(progress_token, None)

    report = RunReport(
        dataset=ds.name, recipe=recipe.name, version=0, new_version=False, shards=len(shards), cuts=0, duration_s=0,
        runner=f"dask {dask_address}" if dask_address else type(task_runner).__name__ + (
            f" ({workers} workers)" if isinstance(task_runner, ThreadPoolTaskRunner) else ""),
        started_at=started_at.isoformat(), temporaries_removed=temporaries,
    )  # fmt: skip
    previous = ds.current_version
    rejected = list(ds.rejected(source_version))
    summaries = {step.stage: StageSummary(step.stage) for _, step, _ in steps}
    for stage_name, res in results:
        summary = summaries[stage_name]
        if res["state"] == "Cached" or not res["computed"]:
            summary.shards_reused += 1
        else:
            summary.shards_computed += 1
            summary.compute_s = round(summary.compute_s + res.get("seconds", 0.0), 3)
        summary.kept += res.get("kept", 0)  # results persisted by older runs carry no counts
        dropped = list(read_rejected(res["rejected"]))
        summary.rejected.update(r.reason for r in dropped)
        rejected.extend(dropped)
    report.rejected = Counter(r.reason for r in rejected)
    report.stages = list(summaries.values())
    report.wall_s = round(time.perf_counter() - t0, 1)

    from tsukasa.pipelines.asr.match import MISLABEL_HINT

    def final_cuts():
        for path in finals:
            for cut in read_cuts(path):
                for sup in cut.supervisions:
                    for flag in ((sup.custom or {}).get("quality") or {}).get("flags") or ():
                        report.flags[flag["code"]] += 1
                        if flag["code"] == "script_mismatch" and str(flag.get("detail")).startswith(MISLABEL_HINT):
                            report.reads_like_other_row += 1
                yield cut

    version = ds.write_version(
        final_cuts(),
        rejected,
        kind="run",
        description=f"recipe {recipe.name} over ingest v{source_version} ({len(shards)} shards)",
        recipe=recipe.name,
        fingerprint=recipe.fingerprint(),
        skip_if_unchanged=True,
        extra_files={"run.yaml": yaml_text(report.to_dict())},  # the run that made the version; a rerun that
        # changes nothing keeps the version and its run.yaml, and only prints its own report
    )
    # The caches this run used: what `tsukasa dataset prune` keeps (the rest are older runs').
    used = [p for _, p in shards] + barrier_files + [res[k] for _, res in results for k in ("cuts", "rejected")]
    write_live_set(ds, used)
    report.version = version.number
    report.new_version = version.number != previous
    report.cuts = version.counts.cuts
    report.duration_s = version.counts.duration_s
    return report

"""``tsukasa run --plan``: what a run would compute and what it would take from cache, before it runs.

Over thousands of hours a data engineer wants to know, before launching, whether an edit to the
recipe costs two shards or all of them. The plan walks each shard's chain of stages with the same
cache keys and output names the flow uses (:func:`~tsukasa.flows.curate.cached_outputs`, which the
flow itself asks before it submits a task): a stage whose output is whole is cached, and its
output is the next stage's input; at the first
stage that is not, that stage is to compute, and every later one of the shard *may* compute: its
input is not known until then (a stage that computes the same output again — its files were
deleted — leaves the later stages cached). A dataset-scope stage (``match_script``) is known only
when every shard reaches it from cache. Nothing runs and no Prefect server starts; input shards
are written (they are the run's first cache, and their bytes are what the keys hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tsukasa.corpus.dataset import Dataset
from tsukasa.errors import DatasetError
from tsukasa.flows.curate import cached_outputs, concat_manifests, reshard, write_input_shards
from tsukasa.flows.recipe import Recipe
from tsukasa.pipelines.base import get_stage


@dataclass
class StagePlan:
    """One stage of the plan: tasks it takes from cache, tasks it computes, and tasks after an
    earlier computed stage (computed unless that stage's output comes out the same)."""

    stage: str
    cached: int = 0
    to_compute: int = 0
    may_compute: int = 0


def plan_recipe(ds: Dataset, recipe: Recipe) -> tuple[int, list[StagePlan]]:
    """(number of input shards, per-stage plan) of running ``recipe`` over the latest ingest of ``ds``."""
    ingests = [v for v in ds.meta.versions if v.kind == "ingest"]
    if not ingests:
        raise DatasetError(f"dataset {ds.name!r} has no ingested recordings (run `tsukasa ingest` first)")
    fingerprints = [stage.fingerprint() for stage in recipe.build()]  # validates the configs, as a run does
    shards = write_input_shards(ds, ingests[-1].number, recipe.shard_size)
    plans = [StagePlan(step.stage) for step in recipe.steps]
    # Each shard's current input; None once a stage before it must compute (its output is unknown).
    current: list[tuple[str, str | None]] = [(name, str(path)) for name, path in shards]
    for i, step in enumerate(recipe.steps):
        plan = plans[i]
        out_dir = ds.stages_dir / f"{i}-{step.stage}"
        if get_stage(step.stage).scope == "dataset":
            inputs = [p for _, p in current]
            if any(p is None for p in inputs):
                plan.may_compute += 1
                current = [(name, None) for name, _ in current]
                continue
            merged = concat_manifests([p for p in inputs if p is not None], out_dir / "input")
            cached = _cached_output(step.stage, step.config, str(merged), out_dir, "all", ds.path, fingerprints[i])
            if cached is None:
                plan.to_compute += 1
                current = [(name, None) for name, _ in current]
            else:
                plan.cached += 1
                current = [(n, str(p)) for n, p in reshard(cached, recipe.shard_size, out_dir)]
            continue
        nxt: list[tuple[str, str | None]] = []
        for name, upstream in current:
            if upstream is None:
                plan.may_compute += 1
                nxt.append((name, None))
                continue
            cached = _cached_output(step.stage, step.config, upstream, out_dir, name, ds.path, fingerprints[i])
            if cached is None:
                plan.to_compute += 1
            else:
                plan.cached += 1
            nxt.append((name, cached))
        current = nxt
    return len(shards), plans


def _cached_output(
    stage: str, config: dict, input_path: str, out_dir: Path, shard: str, dataset_dir: Path, fingerprint: str
) -> str | None:
    outputs = cached_outputs(stage, config, input_path, out_dir, shard, dataset_dir, fingerprint)
    return None if outputs is None else str(outputs[0])  # not read: the plan needs no counts

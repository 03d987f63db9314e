"""``tsukasa run --plan``: what a run would compute, checked against what the run then computes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.audio_fixtures import write_audio
from tests.flows._data import noise_dataset
from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.ingest import ingest
from tsukasa.flows.recipe import parse_recipe


def _recipe(max_duration: float):
    return parse_recipe(
        "name: t\nshard_size: 2\nstages:\n  - stage: standardize\n"
        f"  - stage: filter\n    config:\n      max_duration_s: {max_duration}\n",
        "r.yaml",
    )


def test_the_plan_says_what_the_run_then_computes(tmp_path: Path, monkeypatch) -> None:
    import numpy as np

    from tsukasa.flows.curate import run_recipe
    from tsukasa.flows.plan import plan_recipe

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    noise_dataset(tmp_path, 12, seed=3)
    root = tmp_path / "dm"
    ds = lambda: Dataset.open("d", root)  # noqa: E731

    def plan(recipe):  # noqa: ANN001, ANN202
        shards, stages = plan_recipe(ds(), recipe)
        return shards, {s.stage: (s.cached, s.to_compute, s.may_compute) for s in stages}

    shards, first = plan(_recipe(10.0))
    assert first == {"standardize": (0, shards, 0), "filter": (0, 0, shards)}  # nothing cached yet
    run_recipe(ds(), _recipe(10.0))
    assert plan(_recipe(10.0))[1] == {"standardize": (shards, 0, 0), "filter": (shards, 0, 0)}

    # a recipe edit in the second stage: the first stays cached, the second computes everything
    assert plan(_recipe(5.0))[1] == {"standardize": (shards, 0, 0), "filter": (0, shards, 0)}
    edited = run_recipe(ds(), _recipe(5.0))
    assert edited.computed["filter"] == shards and edited.computed["standardize"] == 0

    # two files added to the dump: only the shards they land in, as the run then finds
    rng = np.random.default_rng(4)
    for i in (12, 13):
        write_audio(tmp_path / "raw" / f"l{i}.wav", (0.1 * rng.standard_normal(12000)).astype(np.float32), 8000)
    ingest(tmp_path / "raw", ds())
    grown_shards, grown = plan(_recipe(5.0))
    new = grown["standardize"][1]
    assert 1 <= new <= 4 and grown["filter"] == (grown_shards - new, 0, new)
    run = run_recipe(ds(), _recipe(5.0))
    assert run.computed["standardize"] == new and run.computed["filter"] == new


def test_run_plan_on_the_command_line_runs_nothing(tmp_path: Path, monkeypatch) -> None:
    noise_dataset(tmp_path, 4, seed=8)
    recipe = tmp_path / "r.yaml"
    recipe.write_text("name: t\nshard_size: 2\nstages:\n  - stage: standardize\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "tsukasa.cli", "run", "--dataset", "d", "--recipe", str(recipe), "--plan",
         "--root", str(tmp_path / "dm")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Plan: recipe t" in out.stdout and "task(s) to compute" in out.stdout
    ds = Dataset.open("d", tmp_path / "dm")
    assert ds.current_version == 1 and not list((ds.stages_dir).glob("0-standardize/*"))  # nothing ran

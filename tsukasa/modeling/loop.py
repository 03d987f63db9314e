"""Pieces every trainer shares: run folder, CSV log, NaN guard, RNG state, endless batches.

Kept small and explicit so each stage's trainer reads top to bottom (< ~300 lines) instead of a
700-line ``main()``.
"""

from __future__ import annotations

import csv
import logging
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tsukasa.modeling.data import Batch

log = logging.getLogger("tsukasa.modeling")


class CsvLog:
    """Append-only CSV of per-step scalars; the header is fixed by the first row's keys."""

    def __init__(self, path: Path, keys: list[str]):
        self.path, self.keys = path, keys
        new = not path.exists()
        self._f = path.open("a", newline="", encoding="utf-8")
        self._w = csv.DictWriter(self._f, fieldnames=keys, extrasaction="ignore")
        if new:
            self._w.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self._w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
        self._f.flush()

    def close(self) -> None:
        self._f.close()


def all_finite(*values: torch.Tensor | float) -> bool:
    return all(math.isfinite(float(v)) for v in values)


def rng_state() -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Batches:
    """Endless iterator over a Lhotse loader, counting epochs (``sampler.set_epoch`` reshuffles)."""

    def __init__(self, loader: torch.utils.data.DataLoader, epoch: int = 0):
        self.loader, self.epoch = loader, epoch
        self.loader.sampler.set_epoch(epoch)
        self._it: Iterator[Batch] | None = None

    def next(self) -> Batch:
        for _ in range(2):
            if self._it is None:
                self._it = iter(self.loader)
            try:
                return next(self._it)
            except StopIteration:
                self._it = None
                self.epoch += 1
                self.loader.sampler.set_epoch(self.epoch)
        raise RuntimeError("the dataset yields no batches (is the CutSet empty?)")

    def state_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "sampler": self.loader.sampler.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epoch = state["epoch"]
        self.loader.sampler.load_state_dict(state["sampler"])
        self._it = None

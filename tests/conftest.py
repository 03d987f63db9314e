"""Shared fixtures: tiny real audio written on the fly, and an isolated dataset root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tsukasa.flows.curate import configure_prefect

# Tests run offline and must never reach a Prefect server or the network. The Prefect settings
# (telemetry off, the temporary server's start timeout) are set here, before any test imports
# Prefect: Prefect reads them once at import, so setting them later in run_recipe came too late
# in a worker where a test had imported prefect_dask first (the 20 s default timeout applied).
configure_prefect()
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def dataset_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data_manifests"
    monkeypatch.setenv("TSUKASA_ROOT", str(root))
    return root

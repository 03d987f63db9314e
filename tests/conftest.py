"""Shared fixtures: tiny real audio written on the fly, and an isolated dataset root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests run offline and must never reach a Prefect server or the network.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
os.environ.setdefault("PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def dataset_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data_manifests"
    monkeypatch.setenv("TSUKASA_ROOT", str(root))
    return root

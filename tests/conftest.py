"""Shared fixtures: tiny real audio written on the fly, and an isolated dataset root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tsukasa.flows.curate import configure_prefect

# Tests run offline and must never reach a Prefect server or the network. The Prefect settings
# (telemetry off, the temporary server's start timeout) are set here, before any test imports
# Prefect: Prefect reads them once at import, so setting them later in run_recipe came too late
# in a worker where a test had imported prefect_dask first (the 20 s default timeout applied).
configure_prefect()
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# `make test` (and so CI) draws the same fuzz examples every run: a green suite here is a green
# suite there. A random draw once failed CI on a case no local run had drawn (' -?', fixed and
# kept as an @example). Fresh random draws are `make fuzz`'s job: TSUKASA_HYPOTHESIS=fuzz.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("TSUKASA_HYPOTHESIS", "repeatable"))


@pytest.fixture
def dataset_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data_manifests"
    monkeypatch.setenv("TSUKASA_ROOT", str(root))
    return root


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session (the review app's tests and the report's).

    One, because Playwright's sync API runs its own event loop while ``sync_playwright()`` is
    open: a second ``sync_playwright()`` in the same worker while the first is open fails with
    "using Playwright Sync API inside the asyncio loop" — which happened whenever pytest-xdist
    gave one worker both the review tests (a session-scoped browser) and the report test.

    While it is open, the worker's main thread has an event loop marked running, so every later test
    in that worker runs inside it: a test (or the code it calls) that starts ``asyncio.run`` in the
    calling thread fails there with "cannot be called from a running event loop" (found by a plugin
    that checked for a running loop after each test: every test after the first browser test).
    Start such a loop in a thread of its own (see the Dask scheduler check and its test).
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()

"""The run's temporary Prefect server: its output goes to a log file, and a server that does not
start is reported in one line that names the log and what it said."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _in_subprocess(code: str, env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess:
    # Prefect reads its settings when imported: each case gets a fresh interpreter.
    import os

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})  # fmt: skip


@pytest.mark.slow
def test_the_server_writes_to_its_log_not_the_terminal(tmp_path: Path) -> None:
    """Stopping the server at the end of a run made Prefect's services print a long traceback
    (events being recorded were cancelled) under a run that had finished well."""
    code = """
from tsukasa.flows.curate import configure_prefect, prefect_settings
configure_prefect()
with prefect_settings():
    from tsukasa.flows.prefect_server import TemporaryServer, server_log
    server = TemporaryServer()
    server.start()
    import httpx
    assert httpx.get(server.api_url + "/health").status_code == 200
    server.stop()
    print(server_log())
"""
    proc = _in_subprocess(code, {"PREFECT_HOME": str(tmp_path / "home")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = Path(proc.stdout.strip().splitlines()[-1])
    assert log == tmp_path / "home" / "temporary-server.log" and log.exists()
    assert "uvicorn" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_server_that_does_not_start_is_named_in_one_line(tmp_path: Path) -> None:
    """Prefect says only that it timed out; the reason (here a database it cannot open) was lost."""
    code = """
from tsukasa.errors import TsukasaError
from tsukasa.flows.curate import _temporary_api, configure_prefect, prefect_settings
configure_prefect()
try:
    with prefect_settings(), _temporary_api():
        pass
except TsukasaError as exc:
    print("ERROR", exc)
"""
    env = {
        "PREFECT_HOME": str(tmp_path / "home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "8",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/prefect.db",
    }
    proc = _in_subprocess(code, env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("ERROR")]
    assert len(lines) == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    message = lines[0]
    assert "did not start" in message and "temporary-server.log" in message
    assert "unable to open database file" in message  # the server's own reason, from its log

"""The temporary Prefect API server of a run, out of reach of the terminal's Ctrl-C.

Why: with no Prefect server configured, Prefect starts a temporary one as a child process
in the run's process group. Ctrl-C in a terminal signals the whole foreground group, so the
server died with the run's interrupt, and the run then spent minutes retrying to report its
crash to the dead server (measured: still not exited 120 s after Ctrl-C) instead of stopping.
This server is the same Prefect app served by uvicorn, started in its own session: Ctrl-C
reaches only ``tsukasa run``, which stops the server on its way out (Prefect's ``atexit``
hook). On Linux the server also asks the kernel to end it when the run's process dies, so a
``kill -9`` of the run leaves no server behind.

``python -m tsukasa.flows.prefect_server PORT PARENT_PID`` is the server process itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import get_current_settings


class TemporaryServer(SubprocessASGIServer):
    """Prefect's temporary server (same start, health check and stop), in its own session."""

    _instances: dict = {}  # not shared with Prefect's own instances of the base class

    def _run_uvicorn_command(self) -> subprocess.Popen:
        env = {
            **os.environ,
            # what Prefect sets for its own temporary server: no UI, an ephemeral database
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            **get_current_settings().to_environment_variables(exclude_unset=True),
        }
        argv = [sys.executable, "-m", __name__, str(self.port), str(os.getpid())]
        return subprocess.Popen(argv, env=env, start_new_session=True)


def _end_with(parent_pid: int) -> None:
    """Ask Linux to send SIGTERM when the process that started us dies (``PR_SET_PDEATHSIG``)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # it died before the request was in place
        sys.exit(0)


def main(argv: list[str]) -> None:
    port, parent_pid = int(argv[0]), int(argv[1])
    _end_with(parent_pid)
    import uvicorn

    # uvicorn exits with code 3 when the port is taken, which the base class's start() retries on.
    uvicorn.run(
        "prefect.server.api.server:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="error",
        lifespan="on",
    )


if __name__ == "__main__":
    main(sys.argv[1:])

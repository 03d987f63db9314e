"""The temporary Prefect API server of a run, out of reach of the terminal's Ctrl-C.

Why: with no Prefect server configured, Prefect starts a temporary one as a child process
in the run's process group. Ctrl-C in a terminal signals the whole foreground group, so the
server died with the run's interrupt, and the run then spent minutes retrying to report its
crash to the dead server (measured: still not exited 120 s after Ctrl-C) instead of stopping.
This server is the same Prefect app served by uvicorn, started in its own session: Ctrl-C
reaches only ``tsukasa run``, which stops the server on its way out (Prefect's ``atexit``
hook). On Linux the server also asks the kernel to end it when the run's process dies, so a
``kill -9`` of the run leaves no server behind.

Its output goes to ``temporary-server.log`` in ``PREFECT_HOME``, not the terminal: stopping it at
the end of a run cancels the events it was still recording, and Prefect's services then printed a
150-line SQLAlchemy traceback under a run that had finished well (harmless: those records are
Prefect's own, not the run's cache). A server that does not start is named with that log.

``python -m tsukasa.flows.prefect_server PORT PARENT_PID`` is the server process itself.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

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
        log = server_log()
        log.parent.mkdir(parents=True, exist_ok=True)
        if log.exists() and log.stat().st_size > LOG_MAX_BYTES:
            log.replace(log.with_suffix(".log.1"))  # one older log is kept
        with open(log, "ab") as out:  # the child holds its own copy of the descriptor
            return subprocess.Popen(argv, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)


LOG_MAX_BYTES = 5 << 20


def server_log() -> Path:
    """Where the temporary server's output goes (``PREFECT_HOME/temporary-server.log``)."""
    return Path(get_current_settings().home) / "temporary-server.log"


def log_tail() -> str:
    """What :func:`server_log` says last: its last exception line (the reason a start failed, which
    comes before the server's closing words) and its last line, joined with " | "."""
    try:
        lines = [line.strip() for line in server_log().read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    lines = [line for line in lines if line]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b.*: ", line)]
    picked = ([errors[-1]] if errors else []) + lines[-1:]
    return " | ".join(dict.fromkeys(picked))[:400]


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

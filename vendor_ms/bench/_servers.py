"""HTTP servers a benchmark starts in subprocesses: `vendor-ms serve`, a hello-world, on local ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Running:
    """A started server: where it answers, and its process."""

    base: str  # http://127.0.0.1:PORT
    pid: int

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far, all its threads (None where /proc is not)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # utime and stime, fields 14 and 15 of proc(5), counted from the state (field 3) here.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def server(
    argv: Sequence[str], port: int, *, ready_path: str, env: Mapping[str, str] | None = None
) -> Iterator[Running]:
    """`python ARGV` in a subprocess listening on 127.0.0.1:`port`; yields it once `ready_path`
    answers 200, and stops it afterwards.

    Its stderr goes to a file (a pipe nobody reads would fill up and stall the server) and is
    shown if it exits early.
    """
    import httpx

    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [sys.executable, *argv],
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    stderr.seek(0)
                    said = stderr.read().decode(errors="replace")
                    raise RuntimeError(f"the server {' '.join(argv)} exited with {process.returncode}:\n{said[-2000:]}")
                try:
                    if httpx.get(base + ready_path, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer {ready_path} within 60 s")
                time.sleep(0.1)
            yield Running(base, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def vendor_ms_serve(
    url: str, port: int, *, env: Mapping[str, str] | None = None
) -> contextlib.AbstractContextManager[Running]:
    """`vendor-ms --database-url URL serve --port PORT` (one uvicorn worker)."""
    argv = ["-c", "import sys; from vendor_ms.cli import main; sys.exit(main())"]
    argv += ["--database-url", url, "serve", "--port", str(port)]
    return server(argv, port, ready_path="/health", env={"VENDOR_MS_DATABASE_URL": url, **(env or {})})

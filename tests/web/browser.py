"""Driving Debian's Chromium with Playwright against a real `vendor-ms serve`, for the browser tests.

`Server` runs `vendor-ms serve` in a subprocess on a free port of 8200-8299 (on the test's
database, with the test's clock). `Browser` opens pages at a given window size, saves a
screenshot of each into a folder the test run names, and records every console error, page
error and request to another host, which the tests then require to be empty.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PORTS = range(8200, 8300)
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    for port in PORTS:
        with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8200-8299")


@contextlib.contextmanager
def serve(database_url: str, now: str, log: Path):
    """`vendor-ms serve` on a free port until the block ends; yields its base URL."""
    port = free_port()
    env = {**os.environ, "VENDOR_MS_NOW": now, "VENDOR_MS_DATABASE_URL": database_url}
    command = [sys.executable, "-c", "from vendor_ms.cli import main; raise SystemExit(main())"]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):  # at most ~20 s
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise RuntimeError("the server did not answer /health in time")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Watch:
    """What must never happen on a page: console errors, page errors, requests to another host."""

    base: str
    problems: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def on_console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error":
            text = message.text
            # Chromium logs a 4xx answer to a page the test opens on purpose (e.g. the not-found page)
            if any(f"status of {s}" in text for s in self.expected_statuses):
                return
            self.problems.append(f"console error: {text}")

    def on_page_error(self, error) -> None:  # type: ignore[no-untyped-def]
        self.problems.append(f"page error: {error}")

    async def on_route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        ours = urlsplit(self.base).netloc
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).netloc == ours:
            await route.continue_()
        else:
            self.problems.append(f"request to another host: {url}")
            await route.abort()

"""The pure core stays pure: running the domain tests loads no part of the database or web stack.

`vendor_ms/domain/` promises plain Python and Decimal; its tests are the fast loop while working on
billing rules. They run here in a fresh interpreter (through the same root `conftest.py` every
test loads) and the modules that interpreter ends up holding are checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Top-level packages of the database and HTTP stack, and vendor-ms's own rooms built on them.
FORBIDDEN = (
    "piccolo",
    "asyncpg",
    "aiosqlite",
    "sqlite3",
    "litestar",
    "uvicorn",
    "httpx",
    "weasyprint",
    "vendor_ms.db",
    "vendor_ms.api",
    "vendor_ms.access",
)

RUN_DOMAIN_TESTS = """
import json, sys
import pytest
code = pytest.main(["tests/domain", "-q", "-p", "no:cacheprovider", *sys.argv[1:]])
print("MODULES=" + json.dumps(sorted(sys.modules)))
sys.exit(int(code))
"""


def test_domain_tests_load_no_database_or_web_stack(request: pytest.FixtureRequest) -> None:
    clock = request.config.getoption("--clock")
    argv = [f"--clock={clock}"] if clock else []
    done = subprocess.run(
        [sys.executable, "-c", RUN_DOMAIN_TESTS, *argv], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    modules = json.loads(done.stdout.rsplit("MODULES=", 1)[1])
    assert "vendor_ms.domain.billing" in modules  # the domain tests did run in that interpreter
    loaded = sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))
    assert loaded == []

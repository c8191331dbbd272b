"""`vendor-ms bench api` end to end, tiny: both servers, wrk, the table (figures are not checked:
a bench is never a timed test)."""

from __future__ import annotations

import os
import re

import pytest

from vendor_ms.bench.api import ROUTES
from vendor_ms.cli import main

ENGINES = ["sqlite", "postgres"]
# app req/s, hello req/s, ratio, goal, verdict, ms CPU per request of each, their ratio
ROW = re.compile(r"([\d,]+)\s+([\d,]+)\s+(\d+\.\d\d)×  ≥ (\d\.\d\d) (met|BELOW)\s+([\d.]+), ([\d.]+) \((\d+\.\d\d)×\)$")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_bench_api_drives_the_app_and_hello_world_and_prints_a_ratio_per_route(
    engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = os.environ.get("VENDOR_MS_TEST_POSTGRES_URL")
    if engine == "postgres" and not url:
        pytest.skip("PostgreSQL variant: set VENDOR_MS_TEST_POSTGRES_URL to run it")
    where = ["--database-url", url] if engine == "postgres" and url else []
    assert main(["bench", "api", "--duration", "1", "--contracts", "2", *where]) == 0
    lines = capsys.readouterr().out.splitlines()
    name = "postgresql" if engine == "postgres" else "sqlite"
    assert lines[0].startswith(f"api bench ({name}): 2 contracts, 186 daily records, 2 invoices; wrk, 16 connections")
    rows = [line.strip() for line in lines[2:-1]]
    assert [row.split("  ")[0] for row in rows] == [route.label for route in ROUTES]
    for row, route in zip(rows, ROUTES, strict=True):
        figures = re.search(ROW, row)
        assert figures, row
        app, hello = (float(figures.group(i).replace(",", "")) for i in (1, 2))
        assert app > 0 and hello > 0
        assert float(figures.group(6)) > 0 and float(figures.group(7)) > 0  # CPU per request, from /proc
        assert float(figures.group(4)) == route.goal.on(name)
    assert lines[-1].startswith("  load average")

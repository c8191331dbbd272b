"""`vendor-ms bench ingest` end to end, tiny, on SQLite: a real server, the floor, the report."""

from __future__ import annotations

import pytest

from vendor_ms.bench._databases import bench_url
from vendor_ms.cli import main


@pytest.mark.slow
def test_bench_ingest_runs_the_server_and_the_floor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "ingest", "--records", "300", "--batch-size", "100", "--accounts", "7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ingest bench (sqlite): 300 daily records in 3 batches of 100\n")
    assert "app (HTTP API)" in out
    assert "floor (executemany)" in out
    assert "× the floor" in out


def test_bench_databases_are_its_own() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/any?sslmode=disable"
    assert bench_url(url, "ingest") == (
        "postgresql://postgres@127.0.0.1:5432/any?sslmode=disable&search_path=vms_bench_ingest"
    )
    assert bench_url(url, "ingest_floor").endswith("search_path=vms_bench_ingest_floor")
    assert bench_url("sqlite:////tmp/x/bench.sqlite3", "floor") == "sqlite:////tmp/x/bench-floor.sqlite3"

"""The Quickstart's first command, end to end: `vendor-ms demo` on a fresh SQLite file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO
from vendor_ms import clock


@pytest.mark.slow
def test_demo_builds_the_whole_month(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [str(Path(sys.executable).parent / "vendor-ms"), "demo", "--out", str(out), "--processes", "2"]
    years = {clock.numbering_year(clock.now())}
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    years.add(clock.numbering_year(clock.now()))
    assert done.returncode == 0, done.stderr[-3000:]
    invoices = sorted(p.name for p in (out / "invoices").glob("*.pdf"))
    # 8 monthly contracts for October, and the Douyin promotion billed daily from 20 to 31 October,
    # numbered in the year they are issued (the demo runs on the clock of the test run).
    year = invoices[0][4:8]
    assert int(year) in years
    assert invoices == [f"VMS-{year}-{n:06d}.pdf" for n in range(1, 21)]
    assert len(list((out / "scorecards").glob("*.pdf"))) == 8
    assert len(list((out / "comparisons").glob("*.pdf"))) == 8
    assert (out / "summary-2026-10.pdf").exists()
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("vendor"))
    assert lines[header].split() == ["vendor", "shop", "contract", "score", "bonus", "penalties", "total"]
    body = lines[header + 2 : lines.index("", header)]
    rows = {line.split()[2]: line.split() for line in body}
    assert len(rows) == 9
    # 速服 breaches the 3-minute red line: its presale invoice carries penalties.
    assert rows["PDD-JY-PRE-2026"][5] != "0.00"
    # 云客 is the good vendor: full marks and the whole bonus.
    assert rows["PDD-MM-PRE-2026"][3:5] == ["100/100", "1,000.00"]
    assert (out / "demo-tokens.txt").stat().st_mode & 0o077 == 0
    # a web sign-in per role, printed and kept (readable by the owner only)
    logins = (out / "demo-logins.txt").read_text(encoding="utf-8").split()
    assert (out / "demo-logins.txt").stat().st_mode & 0o077 == 0
    assert logins[1::3] == ["admin", "finance", "shop_owner", "vendor"]
    for name, password in zip(logins[0::3], logins[2::3], strict=True):
        assert f"{name}" in done.stdout and password in done.stdout
    assert lines[-1] == "now run `./dev serve` and open http://127.0.0.1:8000/ (the API reference is at /schema)"

"""`vendor-ms db backup PATH` (issue item 8): a consistent online copy of the SQLite database.

SQLite only by nature; PostgreSQL backups are pg_dump's job (README, "Backup and restore").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.cli import main


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "vendor-ms #1 50%?" / "live.sqlite3"  # characters a file: URI must escape
    assert main(["--database-url", f"sqlite:///{path}", "contracts", "import", str(CONTRACTS_DIR)]) == 0
    return path


def test_backup_is_a_consistent_copy_taken_while_a_writer_is_busy(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a billing run would
    writer.execute("INSERT INTO vendors (code, name, created_at) VALUES ('half-done', 'x', '2026-01-01')")
    backup = tmp_path / "copies" / "backup.sqlite3"
    try:
        assert main(["--database-url", f"sqlite:///{live}", "db", "backup", str(backup)]) == 0
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert capsys.readouterr().err == f"backed up {live} to {backup} ({backup.stat().st_size:,} bytes)\n"
    # The copy holds what was committed when it was taken, not the open transaction.
    assert count(backup, "contracts") == count(live, "contracts") == 9
    assert count(backup, "vendors") == count(live, "vendors") - 1
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # Restoring is copying the file back (with the server stopped): the copy is a working database.
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(backup.read_bytes())
    assert main(["--database-url", f"sqlite:///{restored}", "contracts", "export", "PDD-MM-PRE-2026"]) == 0
    assert capsys.readouterr().out.startswith('code = "PDD-MM-PRE-2026"\ntitle = "萌萌家居 拼多多售前客服外包"\n')


def test_backup_refuses_to_overwrite_or_to_copy_nothing(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    assert main(["--database-url", f"sqlite:///{live}", "db", "backup", str(existing)]) == 2
    assert capsys.readouterr().err.endswith(f"error: {existing} exists; choose a new file\n")
    assert existing.read_bytes() == b"keep me"
    missing = tmp_path / "missing.sqlite3"
    assert main(["--database-url", f"sqlite:///{missing}", "db", "backup", str(tmp_path / "b.sqlite3")]) == 2
    assert capsys.readouterr().err == f"error: no database at {missing}\n"
    assert not missing.exists()


def test_postgresql_is_pointed_to_pg_dump(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/nowhere"
    assert main(["--database-url", url, "db", "backup", str(tmp_path / "x.dump")]) == 2
    assert "pg_dump --format=custom" in capsys.readouterr().err

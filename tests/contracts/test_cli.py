"""`vendor-ms contracts import|export|list` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.cli import main
from vendor_ms.db.tables import ContractVersion


async def _versions() -> list[tuple[str, int, str]]:
    rows = await ContractVersion.select(
        ContractVersion.contract.code, ContractVersion.version, ContractVersion.effective_from
    ).order_by(ContractVersion.id)
    return [(r["contract.code"], r["version"], str(r["effective_from"])) for r in rows]


@pytest.fixture
def cli(db):
    def run(*args: str) -> int:
        # The CLI runs its own event loop; the test's database is a file (or a server) it can open.
        import threading

        from vendor_ms.db.engine import bind, current_engine

        ours = current_engine()
        result: list[int] = []
        thread = threading.Thread(target=lambda: result.append(main(["--database-url", db.url, *args])))
        thread.start()
        thread.join()
        bind(ours)  # the CLI bound the tables to its own engine; give them back to the test's
        return result[0]

    return run


async def test_import_twice_then_amend_then_export_round_trip(cli, tmp_path: Path, capfd) -> None:
    assert cli("contracts", "import", str(CONTRACTS_DIR)) == 0
    out = capfd.readouterr().out
    assert out.count("created ") == 9
    assert cli("contracts", "import", str(CONTRACTS_DIR)) == 0
    assert capfd.readouterr().out.count("unchanged ") == 9
    assert len(await _versions()) == 9

    exported = tmp_path / "mm.toml"
    assert cli("contracts", "export", "PDD-MM-PRE-2026", "-o", str(exported)) == 0
    assert cli("contracts", "import", str(exported)) == 0
    assert "unchanged PDD-MM-PRE-2026 v1" in capfd.readouterr().out

    amended = tmp_path / "amended.toml"
    amended.write_text(exported.read_text(encoding="utf-8").replace('base_fee = "3000.00"', 'base_fee = "3300.00"'))
    assert cli("contracts", "import", str(amended), "--effective-from", "2026-11-01") == 0
    assert "amended   PDD-MM-PRE-2026 v2" in capfd.readouterr().out
    assert ("PDD-MM-PRE-2026", 2, "2026-11-01") in await _versions()
    assert cli("contracts", "export", "PDD-MM-PRE-2026", "--version", "1") == 0
    assert 'base_fee = "3000.00"' in capfd.readouterr().out


async def test_an_invalid_file_reports_every_problem_and_exits_2(cli, tmp_path: Path, capfd) -> None:
    bad = tmp_path / "bad.toml"
    text = (CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace('tax_rate = "0.06"', 'tax_rate = "6"').replace('"0.95"', '"9.5"'))
    assert cli("contracts", "import", str(bad)) == 2
    err = capfd.readouterr().err
    assert f"{bad}：2 个问题" in err
    assert "tax_rate：必须是 [0, 1] 之间的小数" in err
    assert cli("--lang", "en", "contracts", "import", str(bad)) == 2
    err = capfd.readouterr().err
    assert f"{bad}: 2 problem(s)" in err
    assert "tax_rate: must be a decimal in [0, 1]" in err
    assert "scorecard.items[0].bands[0].at_least: must be a decimal in [0, 1]" in err
    assert await _versions() == []

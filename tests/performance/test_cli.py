"""`vendor-ms ingest FILE.csv`: as a vendor token, or for a vendor as the local operator (SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.cli import main
from vendor_ms.domain.performance_files import csv_header

ROWS = [
    'pdd-mm:yk01,2026/3/1,"1,200",30,900,"1,234.5",1000,400,150,"12,345.67",140,2,80,76',
    "pdd-mm:yk02,2026-03-01,5,0,5,0,5,0,0,0,0,0,0,0",
]


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["--database-url", url, "contracts", "import", str(CONTRACTS_DIR / "pdd-mengmeng-presale.toml")]) == 0
    return url


def write_csv(path: Path, rows: list[str], encoding: str = "gbk") -> Path:
    path.write_bytes(("\r\n".join([",".join(csv_header(chinese=True)), *rows]) + "\r\n").encode(encoding))
    return path


def test_ingest_as_local_operator_for_a_vendor(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_csv(tmp_path / "march.csv", ROWS)
    assert main(["--database-url", database, "ingest", str(file), "--vendor", "yunke"]) == 0
    assert capsys.readouterr().out == "batch 1: 2 inserted, 0 revised, 0 unchanged\n"
    assert main(["--database-url", database, "ingest", str(file), "--vendor", "yunke"]) == 0
    assert capsys.readouterr().out == "already received as batch 1: nothing written (2 unchanged)\n"

    assert main(["--database-url", database, "ingest", str(file), "--vendor", "nobody"]) == 2
    assert "no vendor 'nobody'" in capsys.readouterr().err


def test_ingest_with_a_token_reports_every_row_error(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", database, "users", "create", "--role", "vendor", "--vendor", "sufu"]) == 0
    other_vendor = capsys.readouterr().out.strip()
    file = write_csv(tmp_path / "march.csv", ROWS, encoding="utf-8-sig")
    assert main(["--database-url", database, "ingest", str(file), "--token", other_vendor]) == 2
    err = capsys.readouterr().err
    # Chinese by default, each column named as the file wrote it
    assert "error: 校验未通过（2 个问题）" in err
    assert "第 2 行：客服账号：账号“pdd-mm:yk01”不存在，或不属于您可提交数据的合同" in err
    assert "第 3 行：客服账号：账号“pdd-mm:yk02”不存在，或不属于您可提交数据的合同" in err
    assert main(["--lang", "en", "--database-url", database, "ingest", str(file), "--token", other_vendor]) == 2
    err = capsys.readouterr().err
    assert "error: Validation failed (2 problems)" in err
    assert "row 2: 客服账号: unknown account 'pdd-mm:yk01'" in err

    assert main(["--database-url", database, "users", "create", "--role", "vendor", "--vendor", "yunke"]) == 0
    own = capsys.readouterr().out.strip()
    bad = write_csv(tmp_path / "bad.csv", [*ROWS, "pdd-mm:yk03,2026-03-01,1,2,0,0,0,0,0,0,0,0,0,0"])
    assert main(["--lang", "en", "--database-url", database, "ingest", str(bad), "--token", own]) == 2
    err = capsys.readouterr().err
    assert "row 4: 3分钟未人工回复人数: must not exceed 咨询人数 (2 > 1)" in err
    assert "row 4: 日期: 2026-03-01 is outside the binding of account 'pdd-mm:yk03'" in err
    assert main(["--database-url", database, "ingest", str(file), "--token", own]) == 0
    assert capsys.readouterr().out == "batch 1: 2 inserted, 0 revised, 0 unchanged\n"
    assert main(["--database-url", database, "ingest", str(tmp_path / "missing.csv"), "--token", own]) == 2
    assert main(["--database-url", database, "ingest", str(file), "--token", "vms_wrong"]) == 1


def test_ingest_a_platforms_xlsx_export_with_its_sheet_and_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["--database-url", url, "contracts", "import", str(CONTRACTS_DIR / "douyin-huayang-promo.toml")]) == 0
    capsys.readouterr()
    export = CONTRACTS_DIR / "samples" / "douyin-kefu-jixiao.xlsx"
    args = ["--database-url", url, "ingest", str(export), "--shop", "douyin-huayang"]
    assert main([*args, "--sheet", "Sheet1"]) == 2
    assert "没有名为“Sheet1”的工作表（现有：客服绩效）" in capsys.readouterr().err
    assert main([*args, "--profile", "douyin", "--sheet", "客服绩效"]) == 0
    assert capsys.readouterr().out == "batch 1: 4 inserted, 0 revised, 0 unchanged\n"
    # The GBK CSV of the same export, its profile found from the accounts' contract: the same content.
    assert main([*args[:3], str(export.with_suffix(".csv")), "--shop", "douyin-huayang"]) == 0
    assert capsys.readouterr().out == "already received as batch 1: nothing written (4 unchanged)\n"

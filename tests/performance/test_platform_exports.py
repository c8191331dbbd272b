"""Platform exports as they come (SPEC 10.3): each platform's sample export, as XLSX and as a GBK
CSV, ingested by the shop owner with no editing; rate columns checked against their row's counts
and not stored; the profile chosen by the contract's platform or named; every problem in one
answer, in Chinese unless English is asked for (SPEC 10.4)."""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from tests.support import CONTRACTS_DIR, bearer, import_examples
from vendor_ms.db.tables import AuditEvent, DailyRecord, DailyRecordRevision, IngestBatch

SAMPLES = CONTRACTS_DIR / "samples"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTRACT_FILES = {
    "pinduoduo": ("pdd-mengmeng-presale", "pdd-mengmeng"),
    "taobao": ("tmall-yishang-aftersale", "tmall-yishang"),
    "douyin": ("douyin-huayang-promo", "douyin-huayang"),
    "kuaishou": ("kuaishou-laoweidao-full", "kuaishou-laoweidao"),
}


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("sample_exports", SAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def sample(platform: str, ext: str) -> bytes:
    return (SAMPLES / f"{platform}-kefu-jixiao.{ext}").read_bytes()


def post_file(client: Any, token: str, body: bytes, ext: str, *, lang: str | None = None, **params: str) -> Any:
    headers = {**bearer(token), "Content-Type": XLSX if ext == "xlsx" else "text/csv"}
    if lang:
        headers["Accept-Language"] = lang
    return client.post(f"/api/v1/performance/daily.{ext}", content=body, headers=headers, params=params)


def edited_xlsx(body: bytes, edits: dict[str, object]) -> bytes:
    """The workbook with some cells changed (openpyxl, as a person editing it in Excel would)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    for ref, value in edits.items():
        book.active[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def stored() -> list[tuple[str, date, tuple[int, ...]]]:
    rows = await DailyRecord.select(
        DailyRecord.account.code.as_alias("code"),
        DailyRecord.day,
        DailyRecord.consultations,
        DailyRecord.unanswered_3min,
        DailyRecord.answered_30s,
        DailyRecord.response_ms_total,
        DailyRecord.responses,
        DailyRecord.inquiries,
        DailyRecord.paid_buyers,
        DailyRecord.sales_fen,
        DailyRecord.orders,
        DailyRecord.dispute_refunds,
        DailyRecord.surveys,
        DailyRecord.satisfied,
    ).order_by(DailyRecord.day)
    return sorted((r.pop("code"), r.pop("day"), tuple(r.values())) for r in rows)


def expected(platform: str) -> list[tuple[str, date, tuple[int, ...]]]:
    """The sample's records as stored: seconds in milliseconds, CNY in fen."""
    out = []
    for account, day, counts in GENERATOR.RECORDS[platform]:
        values = [
            int(Decimal(v) * 1000) if i == 3 else int(Decimal(v) * 100) if i == 7 else v for i, v in enumerate(counts)
        ]
        out.append((account, date.fromisoformat(day), tuple(values)))
    return sorted(out)


async def counts() -> tuple[int, int, int]:
    return await DailyRecord.count(), await DailyRecordRevision.count(), await IngestBatch.count()


@pytest.fixture
async def owner(db, make_token, pinned_clock) -> Any:
    await import_examples(*(name for name, _ in CONTRACT_FILES.values()))

    async def token(platform: str) -> str:
        return await make_token("shop_owner", shops=[CONTRACT_FILES[platform][1]])

    return token


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
@pytest.mark.parametrize("platform", list(CONTRACT_FILES))
async def test_each_platforms_export_is_ingested_as_it_comes(client, owner, platform: str, ext: str) -> None:
    token = await owner(platform)
    if ext == "csv":  # the CSV samples are GBK, as Excel on Chinese Windows saves them
        sample(platform, "csv").decode("gbk")
    response = await post_file(client, token, sample(platform, ext), ext)
    assert response.status_code == 201, response.text
    assert response.json() == {"batch_id": 1, "inserted": 4, "revised": 0, "unchanged": 0}
    # The counts exactly; the rate columns were checked and are stored nowhere.
    assert await stored() == expected(platform)
    revision = await DailyRecordRevision.select(DailyRecordRevision.batch.source.as_alias("source")).first()
    assert revision == {"source": "platform_export"}
    event = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == "performance.ingest").first()
    assert event is not None
    detail = msgspec.json.decode(event["detail"])
    assert (detail["format"], detail["profile"], detail["source"]) == (ext, platform, "platform_export")

    # Naming the profile reads the same records: the same content, nothing new written.
    again = await post_file(client, token, sample(platform, ext), ext, profile=platform)
    assert again.status_code == 200, again.text
    assert again.json() == {"batch_id": 1, "inserted": 0, "revised": 0, "unchanged": 4}


async def test_xlsx_and_gbk_csv_of_one_export_are_the_same_content(client, owner) -> None:
    token = await owner("douyin")
    assert (await post_file(client, token, sample("douyin", "csv"), "csv")).status_code == 201
    again = await post_file(client, token, sample("douyin", "xlsx"), "xlsx")
    assert again.status_code == 200
    assert again.json()["unchanged"] == 4


async def test_a_rate_that_disagrees_with_its_counts_is_a_row_error_naming_the_column(client, owner) -> None:
    token = await owner("pinduoduo")
    before = await counts()
    # Row 3 (a title line, then the header): yk01 on 2026-11-01, 1,250 consultations, 60 unanswered.
    body = sample("pinduoduo", "csv").decode("gbk").replace("1250,1250,60,95.20%", "1250,1250,60,95.30%")
    response = await post_file(client, token, body.encode("gbk"), "csv")
    assert response.status_code == 422
    assert response.headers["content-language"] == "zh-CN"
    assert response.json()["errors"] == [
        {
            "field": "3分钟人工回复率",
            "message": "95.30% 与本行的计数不符："
            "(咨询人数 − 3分钟未人工回复累计) / 咨询人数 = (1250 − 60) / 1250 = 95.20%",
            "row": 3,
            "code": "rate.disagrees",
        }
    ]
    english = await post_file(client, token, body.encode("gbk"), "csv", lang="en")
    assert english.json()["errors"][0]["message"] == (
        "95.30% disagrees with the counts of this row: "
        "(咨询人数 − 3分钟未人工回复累计) / 咨询人数 = (1250 − 60) / 1250 = 95.20%"
    )
    assert await counts() == before

    # In XLSX the rate is a number (formatted as a percentage); 满意率 of row 4: 69 / 70 = 98.57%.
    xlsx = edited_xlsx(sample("pinduoduo", "xlsx"), {"U4": 0.9757})
    response = await post_file(client, token, xlsx, "xlsx", lang="en")
    assert response.status_code == 422
    assert [(e["row"], e["field"], e["message"]) for e in response.json()["errors"]] == [
        (4, "满意率", "0.9757 disagrees with the counts of this row: 满意数 / 评价数 = 69 / 70 = 0.9857")
    ]
    assert await counts() == before


async def test_every_problem_of_an_export_comes_in_one_answer(client, owner, make_token) -> None:
    token = await owner("taobao")
    text = sample("taobao", "csv").decode("gbk").splitlines()
    # row 2: a count above its denominator; row 3: an account nobody has; row 4: an account of
    # another shop, and a negative amount; row 5: a rate off by more than its rounding, a bad date.
    text[1] = text[1].replace("612,612,18,540", "612,612,18,640")
    text[2] = text[2].replace("tm-ys:xc02", "tm-ys:nobody")
    text[3] = text[3].replace("tm-ys:xc01", "pdd-mm:yk01").replace("12015.30", "-12015.30")
    text[4] = text[4].replace(",96.67%", ",97.67%")
    text.append("tm-ys:xc01,2026/11/31,1,1,0,1,1,1,1,-,0,0,-,0,0,0,-,0,0,-")
    response = await post_file(client, token, "\r\n".join(text).encode("gbk"), "csv", lang="en")
    assert response.status_code == 422
    problem = response.json()
    assert problem["error_count"] == 6
    assert [(e["row"], e["field"], e["message"]) for e in problem["errors"]] == [
        (2, "30秒回复人数", "must not exceed 咨询人数 (640 > 612)"),
        (3, "旺旺", "unknown account 'tm-ys:nobody'"),
        (4, "客服销售额(元)", "must not be negative, got -12015.30"),
        (4, "旺旺", "unknown account 'pdd-mm:yk01'"),
        (
            5,
            "客户满意率",
            "97.67% disagrees with the counts of this row: 客户满意数 / 评价数 = 29 / 30 = 96.67%",
        ),
        (6, "日期", "must be a date (2026-11-02, 2026/11/2, 20261102 or 2026年11月2日), got '2026/11/31'"),
    ]
    assert problem["detail"].startswith("6 problems: row 2: 30秒回复人数: must not exceed 咨询人数 (640 > 612); ")
    assert await counts() == (0, 0, 0)


async def test_the_profile_is_the_contracts_platform_or_the_one_named(client, owner) -> None:
    token = await owner("kuaishou")
    # Pinduoduo's columns for a Kuaishou contract: its own names are unknown to Kuaishou's export.
    pdd_layout = sample("pinduoduo", "csv").decode("gbk").replace("pdd-mm:yk0", "ks-lwd:qt0").encode("gbk")
    response = await post_file(client, token, pdd_layout, "csv", lang="en")
    assert response.status_code == 422
    # Every header problem at once: its unknown columns, then the counts it therefore lacks.
    assert [(e["row"], e["field"], e["code"]) for e in response.json()["errors"]] == [
        (2, "3分钟未人工回复累计", "column.unknown"),
        (2, "最终成团人数", "column.unknown"),
        (2, "客服销售额", "column.unknown"),
        (2, "成团订单数", "column.unknown"),
        (2, "3分钟未人工回复人数", "column.missing"),
        (2, "询单最终付款人数", "column.missing"),
        (2, "询单转化销售额", "column.missing"),
        (2, "订单数", "column.missing"),
    ]
    assert response.json()["errors"][0]["message"] == "unknown column (export profile: 快手（快手小店 · 客服数据）)"
    assert response.json()["errors"][4]["message"] == (
        "missing column (header “3分钟未人工回复人数”, “unanswered_3min”, “3分钟未回复人数”)"
    )
    # Named, the profile reads them.
    named = await post_file(client, token, pdd_layout, "csv", profile="pinduoduo")
    assert named.status_code == 201, named.text
    bad = await post_file(client, token, pdd_layout, "csv", profile="jingdong", lang="en")
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "field": "profile",
            "message": "unknown export profile 'jingdong' "
            "(profiles: standard, pinduoduo, taobao, douyin, kuaishou, tmall)",
            "code": "profile.unknown",
        }
    ]


async def test_a_file_with_accounts_on_several_platforms_must_name_its_profile(client, db, make_token) -> None:
    await import_examples("pdd-mengmeng-presale", "douyin-huayang-promo")
    admin = await make_token("admin")
    text = sample("douyin", "csv").decode("gbk").replace("dy-hy:mx02", "pdd-mm:yk02")
    response = await post_file(client, admin, text.encode("gbk"), "csv", lang="en")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "the file's accounts belong to contracts on several platforms (抖音, 拼多多): name the export profile (profile)"
    )


async def test_xlsx_reads_the_first_sheet_or_the_one_named(client, owner) -> None:
    from openpyxl import load_workbook

    token = await owner("pinduoduo")
    book = load_workbook(io.BytesIO(sample("pinduoduo", "xlsx")))
    book.active.title = "明细"
    cover = book.create_sheet("说明", 0)
    cover["A1"] = "本文件由多多客服导出"
    out = io.BytesIO()
    book.save(out)
    first = await post_file(client, token, out.getvalue(), "xlsx", lang="en")
    assert first.status_code == 422  # the first sheet is the cover: no header
    assert first.json()["errors"][0]["code"] == "file.no_header"
    missing = await post_file(client, token, out.getvalue(), "xlsx", sheet="汇总", lang="en")
    assert missing.json()["errors"] == [
        {"field": "sheet", "message": "no sheet named '汇总' (sheets: 说明、明细)", "code": "file.no_sheet"}
    ]
    named = await post_file(client, token, out.getvalue(), "xlsx", sheet="明细")
    assert named.status_code == 201, named.text
    assert await stored() == expected("pinduoduo")


async def test_xlsx_route_refuses_other_bodies(client, owner) -> None:
    token = await owner("pinduoduo")
    wrong_type = await client.post(
        "/api/v1/performance/daily.xlsx", content=b"a,b", headers={**bearer(token), "Content-Type": "text/csv"}
    )
    assert wrong_type.status_code == 415
    garbage = await post_file(client, token, b"PK\x03\x04 not really a workbook", "xlsx")
    assert garbage.status_code == 400
    assert garbage.json()["detail"].startswith("XLSX 文件无法读取")


async def test_a_vendors_own_xlsx_with_spec_headers_needs_no_profile(client, db, make_token) -> None:
    from openpyxl import Workbook

    from vendor_ms.domain.performance_files import csv_header

    await import_examples("douyin-huayang-promo")
    vendor = await make_token("vendor", vendor="meixun")
    book = Workbook()
    book.active.append(csv_header())
    book.active.append(["dy-hy:mx01", date(2026, 11, 1), 10, 1, 8, 12.5, 9, 3, 1, 99.9, 1, 0, 2, 2])
    out = io.BytesIO()
    book.save(out)
    response = await post_file(client, vendor, out.getvalue(), "xlsx")
    assert response.status_code == 201, response.text
    assert await stored() == [("dy-hy:mx01", date(2026, 11, 1), (10, 1, 8, 12500, 9, 3, 1, 9990, 1, 0, 2, 2))]

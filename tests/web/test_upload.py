"""The upload page (issue 11, point 3): preview and every problem before anything is written,
then all-or-nothing on confirmation; CSV in the API's encodings and XLSX."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook

from tests.support import import_examples
from tests.web.conftest import csrf_token, sign_in
from vendor_ms.db.tables import AuditEvent, DailyRecord

HEADER_ZH = (
    "客服账号,日期,咨询人数,3分钟未人工回复人数,30秒应答人数,人工响应总时长,人工响应次数,"
    "询单人数,询单最终付款人数,询单转化销售额,订单数,纠纷退款笔数,评价数,满意数"
)
GOOD_ROWS = [
    'pdd-mm:yk01,2026-10-01,120,6,90,1800,118,40,14,"1,400.50",14,0,20,19',
    "pdd-mm:yk02,2026-10-01,80,2,70,900,80,30,9,900,9,0,10,10",
]
# row 2: satisfied (满意数) above surveys; row 3: an account of another vendor
BAD_ROWS = [
    "pdd-mm:yk01,2026-10-02,100,5,80,1500,100,40,12,1200,12,0,20,25",
    "pdd-jy:sf01,2026-10-02,100,5,80,1500,100,40,12,1200,12,0,20,19",
]


def csv_file(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADER_ZH, *rows]) + "\r\n").encode(encoding)


async def _vendor(web, make_user) -> str:
    await import_examples("pdd-mengmeng-presale", "pdd-jiayi-presale")
    name = await make_user("vendor", vendor="yunke")
    await sign_in(web, name)
    return name


async def check(web, name: str, content: bytes, mime: str = "text/csv"):
    token = csrf_token((await web.get("/upload")).text)
    return await web.post("/upload", data={"_csrf_token": token}, files={"file": (name, content, mime)})


def problems(page: str) -> list[tuple[str, str, str]]:
    table = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td class=\"num\">(\d*)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return [(r, html.unescape(c), html.unescape(re.sub(r"<.*?>", "", m))) for r, c, m in rows]


async def confirm(web, answer) -> object:
    token = re.search(r'name="token" value="([^"]+)"', answer.text).group(1)
    return await web.post("/upload/confirm", data={"_csrf_token": csrf_token(answer.text), "token": token})


async def test_a_file_with_errors_lists_every_problem_in_chinese_and_writes_nothing(web, make_user, pinned_clock):
    await _vendor(web, make_user)
    answer = await check(web, "十月.csv", csv_file(GOOD_ROWS + BAD_ROWS))
    assert answer.status_code == 200
    found = problems(answer.text)
    assert [(row, column) for row, column, _ in found] == [("4", "满意数"), ("5", "客服账号")]
    # the messages name the columns as the file wrote them, Chinese first, English beside
    assert found[0][2] == "不能大于“评价数”（25 > 20） must not exceed 评价数 (25 > 20)"
    assert found[1][2] == "账号“pdd-jy:sf01”不存在，或不属于您可提交数据的合同 unknown account 'pdd-jy:sf01'"
    assert "确认写入" not in answer.text
    assert "pdd-mm:yk02" in answer.text  # the preview shows the file's rows
    assert await DailyRecord.count() == 0


async def test_a_good_file_is_written_only_on_confirmation(web, make_user, pinned_clock):
    name = await _vendor(web, make_user)
    answer = await check(web, "十月.csv", csv_file(GOOD_ROWS))
    assert "确认写入" in answer.text
    assert await DailyRecord.count() == 0
    written = await confirm(web, answer)
    assert written.status_code == 200
    assert re.search(r'id="inserted">2<', written.text) and re.search(r'id="unchanged">0<', written.text)
    assert await DailyRecord.count() == 2
    row = await AuditEvent.select(AuditEvent.actor_name).where(AuditEvent.action == "performance.ingest").first()
    assert row["actor_name"] == name
    # the same file again: nothing changes
    again = await confirm(web, await check(web, "十月.csv", csv_file(GOOD_ROWS)))
    assert re.search(r'id="inserted">0<', again.text) and re.search(r'id="unchanged">2<', again.text)


async def test_confirming_twice_writes_once(web, make_user, pinned_clock):
    await _vendor(web, make_user)
    answer = await check(web, "a.csv", csv_file(GOOD_ROWS))
    assert (await confirm(web, answer)).status_code == 200
    assert (await confirm(web, answer)).status_code == 404
    assert await DailyRecord.count() == 2


async def test_another_user_cannot_confirm_my_upload(web, make_user, pinned_clock):
    await _vendor(web, make_user)
    answer = await check(web, "a.csv", csv_file(GOOD_ROWS))
    web.cookies.clear()
    await sign_in(web, await make_user("admin"))
    token = re.search(r'name="token" value="([^"]+)"', answer.text).group(1)
    opened = await web.get("/upload")
    stolen = await web.post("/upload/confirm", data={"_csrf_token": csrf_token(opened.text), "token": token})
    assert stolen.status_code == 404
    assert await DailyRecord.count() == 0


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
async def test_csv_in_any_encoding_the_api_takes(web, make_user, pinned_clock, encoding):
    await _vendor(web, make_user)
    answer = await check(web, "a.csv", csv_file(GOOD_ROWS, encoding))
    assert "确认写入" in answer.text, problems(answer.text) if 'id="problems"' in answer.text else answer.text
    assert "询单转化销售额" in answer.text


async def test_xlsx_with_its_own_dates_and_numbers(web, make_user, pinned_clock):
    await _vendor(web, make_user)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER_ZH.split(","))
    sheet.append(["pdd-mm:yk01", date(2026, 10, 3), 120, 6, 90, 1800.5, 118, 40, 14, 1400.5, 14, 0, 20, 19])
    sheet.append(["pdd-mm:yk02", date(2026, 10, 3), 80, 2, 70, 900, 80, 30, 9, 900, 9, 0, 10, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = await check(web, "十月.xlsx", buffer.getvalue(), xlsx)
    assert [(r, c) for r, c, _ in problems(answer.text)] == [("3", "满意数")]
    sheet["N3"] = 10
    buffer = io.BytesIO()
    book.save(buffer)
    answer = await check(web, "十月.xlsx", buffer.getvalue(), xlsx)
    written = await confirm(web, answer)
    assert re.search(r'id="inserted">2<', written.text)
    row = (
        await DailyRecord.select(DailyRecord.response_ms_total, DailyRecord.sales_fen)
        .where(DailyRecord.day == date(2026, 10, 3), DailyRecord.consultations == 120)
        .first()
    )
    assert row == {"response_ms_total": 1_800_500, "sales_fen": 140_050}


async def test_an_unreadable_file_is_a_problem_not_an_error(web, make_user, pinned_clock):
    await _vendor(web, make_user)
    answer = await check(web, "x.xlsx", b"PK\x03\x04 not really a workbook")
    assert answer.status_code == 200
    assert problems(answer.text)[0][2].startswith("XLSX 文件无法读取")


async def test_a_platforms_export_is_previewed_and_checked_as_it_comes(web, make_user, pinned_clock):
    from tests.support import CONTRACTS_DIR

    await import_examples("pdd-mengmeng-presale")
    await sign_in(web, await make_user("shop_owner", shops=["pdd-mengmeng"]))
    export = (CONTRACTS_DIR / "samples" / "pinduoduo-kefu-jixiao.xlsx").read_bytes()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = await check(web, "客服绩效数据.xlsx", export, xlsx)
    assert "确认写入" in answer.text
    # the title line above the header is row 1, so the first record is row 3, as Excel shows it
    assert '<tr><td class="num">3</td><td>pdd-mm:yk01</td>' in answer.text
    assert "3分钟人工回复率" in answer.text
    written = await confirm(web, answer)
    assert re.search(r'id="inserted">4<', written.text)

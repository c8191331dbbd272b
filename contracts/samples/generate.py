"""Made-up 客服绩效 exports, one per platform, in each platform's own column layout (SPEC 10.3).

Run `python contracts/samples/generate.py` to write them again (needs openpyxl, a dev
dependency): for each platform an XLSX file (rates as numbers formatted as percentages, as the
platforms' XLSX exports have them) and a CSV in GBK (rates as text such as "95.20%", as Excel on
Chinese Windows saves them). The figures are invented; the accounts are those of the example
contracts in contracts/, the days 2026-11-01 and 2026-11-02. The tests ingest every file.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent

# One account-day's counts in the order of SPEC 3 (consultations … satisfied).
Counts = tuple[int, int, int, str, int, int, int, str, int, int, int, int]
RECORDS: dict[str, list[tuple[str, str, Counts]]] = {
    "pinduoduo": [
        ("pdd-mm:yk01", "2026-11-01", (1250, 60, 980, "15231.5", 1410, 420, 168, "25368.40", 160, 2, 96, 91)),
        ("pdd-mm:yk02", "2026-11-01", (986, 31, 802, "10114.2", 1102, 301, 133, "18822.00", 127, 1, 70, 69)),
        ("pdd-mm:yk01", "2026-11-02", (1104, 47, 870, "13420", 1233, 388, 150, "21976.15", 146, 0, 88, 80)),
        ("pdd-mm:yk02", "2026-11-02", (875, 20, 731, "9342.8", 960, 266, 121, "16010.50", 117, 3, 61, 60)),
    ],
    "taobao": [
        ("tm-ys:xc01", "2026-11-01", (612, 18, 540, "9180.4", 700, 155, 71, "13420.00", 69, 1, 40, 38)),
        ("tm-ys:xc02", "2026-11-01", (540, 9, 497, "6950.75", 610, 133, 64, "11200.50", 60, 0, 35, 35)),
        ("tm-ys:xc01", "2026-11-02", (580, 22, 509, "8890.1", 655, 149, 66, "12015.30", 65, 2, 38, 34)),
        ("tm-ys:xc02", "2026-11-02", (501, 11, 455, "6720", 580, 120, 57, "9870.00", 55, 1, 30, 29)),
    ],
    "douyin": [
        ("dy-hy:mx01", "2026-11-01", (2310, 140, 1902, "30045.6", 2600, 804, 290, "46210.80", 301, 4, 150, 139)),
        ("dy-hy:mx02", "2026-11-01", (1980, 95, 1700, "24100.25", 2205, 700, 261, "40133.00", 270, 2, 131, 125)),
        ("dy-hy:mx01", "2026-11-02", (2105, 118, 1760, "27020", 2390, 755, 270, "43120.00", 282, 3, 142, 130)),
        ("dy-hy:mx02", "2026-11-02", (1890, 80, 1634, "22890.4", 2101, 650, 240, "37700.60", 251, 1, 120, 117)),
    ],
    "kuaishou": [
        ("ks-lwd:qt01", "2026-11-01", (720, 25, 610, "10512.3", 810, 240, 88, "15840.00", 90, 1, 52, 49)),
        ("ks-lwd:qt02", "2026-11-01", (655, 19, 570, "9120.8", 730, 210, 79, "14210.40", 80, 0, 47, 46)),
        ("ks-lwd:qt01", "2026-11-02", (690, 30, 585, "10020", 775, 228, 80, "14400.00", 83, 2, 50, 45)),
        ("ks-lwd:qt02", "2026-11-02", (610, 14, 540, "8450.5", 690, 199, 75, "13500.75", 77, 1, 44, 43)),
    ],
}

# Each platform's columns, in its export's order: (header, how the cell is made). A key of
# SPEC 3 copies that count; "rate:<metric>" writes the rate, rounded as the platform shows it;
# "skip:<text>" is a column the export has and a record does not keep.
LAYOUTS: dict[str, dict[str, object]] = {
    "pinduoduo": {
        "title": "多多客服 · 客服绩效数据（2026-11-01 至 2026-11-02）",
        "date": "iso",
        "percent_places": 2,
        "summary": True,
        "columns": [
            ("客服账号", "account"),
            ("日期", "date"),
            ("咨询人数", "consultations"),
            ("接待人数", "skip:consultations"),
            ("3分钟未人工回复累计", "unanswered_3min"),
            ("3分钟人工回复率", "rate:reply_rate_3min"),
            ("30秒应答人数", "answered_30s"),
            ("30秒应答率", "rate:answer_rate_30s"),
            ("人工响应总时长", "response_seconds_total"),
            ("人工响应次数", "responses"),
            ("平均人工响应时长", "rate:avg_response_seconds"),
            ("询单人数", "inquiries"),
            ("最终成团人数", "paid_buyers"),
            ("询单转化率", "rate:inquiry_conversion"),
            ("客服销售额", "sales_amount"),
            ("成团订单数", "orders"),
            ("纠纷退款笔数", "dispute_refunds"),
            ("纠纷退款率", "rate:dispute_refund_rate"),
            ("评价数", "surveys"),
            ("满意数", "satisfied"),
            ("满意率", "rate:satisfaction_rate"),
        ],
    },
    "taobao": {
        "title": None,
        "date": "slash",
        "percent_places": 2,
        "summary": False,
        "columns": [
            ("旺旺", "account"),
            ("日期", "date"),
            ("咨询人数", "consultations"),
            ("接待人数", "skip:consultations"),
            ("3分钟未回复人数", "unanswered_3min"),
            ("30秒回复人数", "answered_30s"),
            ("响应总时长(秒)", "response_seconds_total"),
            ("响应次数", "responses"),
            ("平均响应(秒)", "rate:avg_response_seconds"),
            ("首次响应(秒)", "skip:"),
            ("询单人数", "inquiries"),
            ("询单->最终付款人数", "paid_buyers"),
            ("询单->最终付款成功率", "rate:inquiry_conversion"),
            ("客服销售额(元)", "sales_amount"),
            ("销售订单数", "orders"),
            ("退款纠纷笔数", "dispute_refunds"),
            ("退款纠纷率", "rate:dispute_refund_rate"),
            ("评价数", "surveys"),
            ("客户满意数", "satisfied"),
            ("客户满意率", "rate:satisfaction_rate"),
        ],
    },
    "douyin": {
        "title": "飞鸽 · 客服数据 · 人工客服",
        "date": "compact",
        "percent_places": 1,
        "summary": False,
        "columns": [
            ("客服账号", "account"),
            ("日期", "date"),
            ("人工接待人数", "consultations"),
            ("3分钟人工未回复人数", "unanswered_3min"),
            ("3分钟人工回复率（人）", "rate:reply_rate_3min"),
            ("3分钟人工回复率（会话）", "skip:"),
            ("30秒人工应答人数", "answered_30s"),
            ("30秒人工应答率", "rate:answer_rate_30s"),
            ("人工响应总时长", "response_seconds_total"),
            ("人工响应次数", "responses"),
            ("人工平均响应时长", "rate:avg_response_seconds"),
            ("询单人数", "inquiries"),
            ("询单支付人数", "paid_buyers"),
            ("询单支付转化率", "rate:inquiry_conversion"),
            ("询单支付金额", "sales_amount"),
            ("支付订单数", "orders"),
            ("纠纷退款笔数", "dispute_refunds"),
            ("评价人数", "surveys"),
            ("满意人数", "satisfied"),
            ("客服满意率", "rate:satisfaction_rate"),
            ("不满意率", "skip:"),
        ],
    },
    "kuaishou": {
        "title": None,
        "date": "chinese",
        "percent_places": 2,
        "summary": True,
        "columns": [
            ("客服账号", "account"),
            ("统计日期", "date"),
            ("咨询人数", "consultations"),
            ("3分钟未回复人数", "unanswered_3min"),
            ("3分钟回复率", "rate:reply_rate_3min"),
            ("30秒回复人数", "answered_30s"),
            ("30秒回复率", "rate:answer_rate_30s"),
            ("人工响应总时长", "response_seconds_total"),
            ("人工响应次数", "responses"),
            ("平均响应时长", "rate:avg_response_seconds"),
            ("询单人数", "inquiries"),
            ("询单成交人数", "paid_buyers"),
            ("询单成交转化率", "rate:inquiry_conversion"),
            ("询单成交金额", "sales_amount"),
            ("成交订单数", "orders"),
            ("纠纷退款笔数", "dispute_refunds"),
            ("纠纷退款率", "rate:dispute_refund_rate"),
            ("评价人数", "surveys"),
            ("满意人数", "satisfied"),
            ("客服满意度", "rate:satisfaction_rate"),
        ],
    },
}

FIELDS = (
    "consultations",
    "unanswered_3min",
    "answered_30s",
    "response_seconds_total",
    "responses",
    "inquiries",
    "paid_buyers",
    "sales_amount",
    "orders",
    "dispute_refunds",
    "surveys",
    "satisfied",
)
RATES = {
    "reply_rate_3min": (lambda c: c["consultations"] - c["unanswered_3min"], "consultations"),
    "answer_rate_30s": (lambda c: c["answered_30s"], "consultations"),
    "avg_response_seconds": (lambda c: c["response_seconds_total"], "responses"),
    "inquiry_conversion": (lambda c: c["paid_buyers"], "inquiries"),
    "satisfaction_rate": (lambda c: c["satisfied"], "surveys"),
    "dispute_refund_rate": (lambda c: c["dispute_refunds"], "orders"),
}


def rate(metric: str, counts: dict[str, Decimal], places: int) -> tuple[Decimal, str]:
    """(the value rounded as the export shows it, the text a CSV export writes)."""
    numerator, denominator = RATES[metric]
    value = Decimal(numerator(counts)) / counts[denominator]
    if metric == "avg_response_seconds":
        shown = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
        return shown, str(shown)
    shown = value.quantize(Decimal(1).scaleb(-(places + 2)), ROUND_HALF_UP)
    return shown, f"{(shown * 100).quantize(Decimal(1).scaleb(-places))}%"


def day_text(iso: str, style: str) -> str:
    year, month, day = iso.split("-")
    return {
        "iso": iso,
        "slash": f"{year}/{int(month)}/{int(day)}",
        "compact": f"{year}{month}{day}",
        "chinese": f"{year}年{int(month)}月{int(day)}日",
    }[style]


def rows(platform: str, *, for_xlsx: bool) -> list[list[object]]:
    """The export's rows (title line, header, records, summary line) as cells."""
    layout = LAYOUTS[platform]
    places = int(layout["percent_places"])  # type: ignore[call-overload]
    columns: list[tuple[str, str]] = layout["columns"]  # type: ignore[assignment]
    out: list[list[object]] = []
    if layout["title"]:
        out.append([layout["title"]])
    out.append([header for header, _ in columns])
    for account, iso, values in RECORDS[platform]:
        counts = {name: Decimal(v) for name, v in zip(FIELDS, values, strict=True)}
        row: list[object] = []
        for _, source in columns:
            if source == "account":
                row.append(account)
            elif source == "date":
                row.append(day_text(iso, str(layout["date"])))
            elif source.startswith("rate:"):
                value, text = rate(source[5:], counts, places)
                row.append(float(value) if for_xlsx else text)
            elif source.startswith("skip:"):
                row.append(int(counts[source[5:]]) if source[5:] else "-")
            else:
                value = counts[source]
                row.append((int(value) if value == value.to_integral() else float(value)) if for_xlsx else str(value))
        out.append(row)
    if layout["summary"]:
        out.append(["合计", "", *(sum_column(platform, source) for _, source in columns[2:])])
    return out


def sum_column(platform: str, source: str) -> object:
    if source in FIELDS:
        return str(sum(Decimal(values[FIELDS.index(source)]) for _, _, values in RECORDS[platform]))
    return ""


def write(platform: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "客服绩效"
    columns: list[tuple[str, str]] = LAYOUTS[platform]["columns"]  # type: ignore[assignment]
    for row in rows(platform, for_xlsx=True):
        sheet.append(row)
    offset = 2 if LAYOUTS[platform]["title"] else 1
    places = int(LAYOUTS[platform]["percent_places"])  # type: ignore[call-overload]
    for index, (_, source) in enumerate(columns, 1):
        if source.startswith("rate:") and source != "rate:avg_response_seconds":
            for (cell,) in sheet.iter_rows(min_row=offset + 1, min_col=index, max_col=index):
                cell.number_format = "0." + "0" * places + "%" if places else "0%"
    book.save(HERE / f"{platform}-kefu-jixiao.xlsx")
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows(platform, for_xlsx=False))
    (HERE / f"{platform}-kefu-jixiao.csv").write_bytes(text.getvalue().encode("gbk"))


if __name__ == "__main__":
    for name in LAYOUTS:
        write(name)
        print(f"wrote {name}-kefu-jixiao.xlsx and .csv")

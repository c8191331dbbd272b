"""Sentences about reading files (CSV, XLSX) as a whole, before any row is looked at.
(Chinese, English) `str.format` templates; see `vendor_ms.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "file.csv_encoding": (
        "CSV 文件的编码无法识别：请使用 UTF-8、UTF-16（带 BOM）、GBK 或 GB18030",
        "the CSV is not text in UTF-8, UTF-16 (with BOM), GBK or GB18030",
    ),
    "file.csv_unreadable": (
        "CSV 文件在第 {row} 行附近无法读取：{reason}",
        "the CSV cannot be read near row {row}: {reason}",
    ),
    "file.xlsx_unreadable": ("XLSX 文件无法读取：{reason}", "the XLSX file cannot be read: {reason}"),
    "file.no_sheet": ("没有名为“{sheet}”的工作表（现有：{sheets}）", "no sheet named {sheet!r} (sheets: {sheets})"),
    "file.empty": ("文件为空：需要一行表头和若干数据行", "the file is empty: expected a header row and data rows"),
    "file.no_header": (
        "找不到表头：表头是第一行至少有两个非空单元格的行",
        "no header row: the header is the first row with at least two non-empty cells",
    ),
}

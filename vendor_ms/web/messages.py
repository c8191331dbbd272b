"""Chinese for the upload page's problem messages, the English kept beside.

Until messages are Chinese at their source (the i18n issue), the page reads the ingestion rules'
English messages and puts a Chinese sentence before each one it recognises; an unknown message
shows as it is. Display only: which rows are wrong is decided by `domain.performance` alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^unknown account '(.+)'"), "客服账号 {0} 不存在或不属于您的合同"),
    (re.compile(r"^(\S+) is outside the binding of account '(.+?)'"), "{0} 不在账号 {1} 的绑定期内"),
    (re.compile(r"^(\S+) is outside the contract term"), "{0} 不在合同期内"),
    (re.compile(r"^account '(.+?)' on (\S+) already appears in row (\d+)"), "账号 {0} 在 {1} 的数据与第 {2} 行重复"),
    (re.compile(r"^must not exceed (\S+) \((.+?) > (.+?)\)"), "不能大于「{0}」（{1} > {2}）"),
    (re.compile(r"^must not be negative"), "不能为负数"),
    (re.compile(r"^must be a whole number"), "必须是整数"),
    (re.compile(r"^must be a date"), "必须是日期（YYYY-MM-DD）"),
    (re.compile(r"^is too large"), "数值过大"),
    (re.compile(r"^has more than (\d+) decimal places"), "小数位数超过 {0} 位"),
    (re.compile(r"^must be a (finite )?decimal"), "必须是数字"),
    (re.compile(r"^is empty$"), "为空"),
    (re.compile(r"^is required$"), "必填"),
    (re.compile(r"^is not an account code"), "不是有效的账号代码"),
    (re.compile(r"^must be at most (\d+) characters"), "最多 {0} 个字符"),
    (re.compile(r"^unknown column$"), "无法识别的列名"),
    (re.compile(r"^missing column"), "缺少此列"),
    (re.compile(r"^appears twice"), "列名重复"),
    (re.compile(r"^has (\d+) cells; the header has (\d+) columns"), "本行有 {0} 个单元格，表头有 {1} 列"),
    (re.compile(r"^has ([\d,]+) records; at most ([\d,]+)"), "共 {0} 条记录，每次最多 {1} 条"),
    (re.compile(r"^the CSV is empty"), "文件为空：需要表头行和数据行"),
    (re.compile(r"^the CSV is not text"), "文件编码无法识别（支持 UTF-8、UTF-16、GBK、GB18030）"),
    (re.compile(r"^the XLSX file cannot be read"), "无法读取 XLSX 文件"),
    (re.compile(r"^.*is after today"), "日期晚于今天"),
]


def chinese(message: str, columns: Mapping[str, str] | None = None) -> str:
    """The Chinese sentence for a known message, else ''; a field a message names (`surveys`)
    reads as the file names its column (评价数) when `columns` maps it."""
    names = columns or {}
    for pattern, text in _PATTERNS:
        found = pattern.search(message)
        if found:
            return text.format(*(names.get(g, g) for g in found.groups()))
    return ""

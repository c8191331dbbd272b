"""Export profiles (SPEC 10.3): the columns of each platform's own 客服绩效 export, by name.

A profile maps a header, as the platform writes it, to what the column holds: the account, the
date, one of the counts of SPEC 3 (`RECORD_FIELDS`), a rate derived from those counts (one of
`METRICS`: checked against the counts of its row, never stored), or nothing we keep (a nickname,
接待人数, a per-conversation-round variant: recognised and skipped). Every profile also reads the
headers of SPEC 3 (the JSON keys and the Chinese headers), so vendors' own files read under any
of them. `STANDARD` is exactly those headers, plus the metrics by their names.

The platforms' names come from their own material where it names them (Pinduoduo's 多多客服 →
客服数据 → 客服绩效数据 with 咨询人数, 3分钟未人工回复累计, 3分钟人工回复率, 30秒应答率, 平均人工响应时长
(平响), 询单转化率; Kuaishou's 商户客服3分钟回复率 and 客服满意度; Tmall's 退款纠纷率) and otherwise
from the wording of each platform's back office (千牛's 旺旺 and 询单->最终付款人数, 抖店's 人工接待人数
and 询单支付人数, 快手小店's 询单成交人数). A name not listed is refused as an unknown column, never
guessed: adding one is one entry here.

Headers are compared after NFKC (full-width brackets and digits become ASCII), without spaces,
case-folded, and without a unit in brackets at the end: (秒), (s), (元), (人), (个), (次), (笔)
name units only. A trailing (%) says the column's numbers are percentages ("95.2" is 95.2%).

Rate columns (the tolerance rule): a rate is shown rounded, as "95.20%", 0.952 or an XLSX number.
It agrees with its row when it lies strictly within one unit of its last written decimal place
of the exact ratio of the row's counts: "95.20%" agrees with any ratio in (95.19%, 95.21%). That
accepts every way an export rounds (half up, half even, truncation), and refuses a rate that
differs by a unit or more of what it shows. An empty or dash cell ("-", "--", "/") shows
nothing and is not checked; nor is a rate whose denominator is 0 (it is undefined: platforms
print 0%, 100% or a dash). 平均人工响应时长 (seconds, "12.5" or "12.5秒") follows the same rule.
Douyin's per-conversation-round columns (…(会话)) are recognised and skipped: a record is per
buyer (SPEC 3), never mixed with per-round figures.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from vendor_ms.domain.metrics import METRICS, RECORD_FIELDS
from vendor_ms.messages import Text

ACCOUNT, DATE, SKIP = "account", "date", ""
KEY_HEADERS: tuple[tuple[str, str], ...] = ((ACCOUNT, "客服账号"), (DATE, "日期"))

_UNIT = re.compile(r"\((秒|s|元|人|个|次|笔|单位:秒|单位:元)\)$")
_PERCENT = re.compile(r"\(%\)$")


def header_key(text: str) -> tuple[str, bool]:
    """(comparable form of a header, whether it declares percentages) — see the module docstring."""
    key = "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    key = key.lstrip("\ufeff")
    percent = bool(_PERCENT.search(key))
    if percent:
        key = _PERCENT.sub("", key)
    return _UNIT.sub("", key), percent


@dataclass(frozen=True, slots=True)
class Column:
    """What a recognised column holds: ACCOUNT, DATE, a count's name, a metric's name, or SKIP."""

    target: str
    percent: bool = False  # its numbers are percentages although they carry no % sign

    @property
    def is_rate(self) -> bool:
        return self.target in METRICS


@dataclass(frozen=True, slots=True)
class ExportProfile:
    name: str
    zh: str
    platforms: tuple[str, ...]
    names: Mapping[str, str] = field(repr=False)  # header key -> target

    def column(self, header: str) -> Column | None:
        """What the column under this header holds; None when the profile does not know it."""
        key, percent = header_key(header)
        target = self.names.get(key)
        return None if target is None else Column(target, percent)

    def headers_of(self, target: str) -> list[str]:
        """The headers this profile reads as `target` (for 'missing column' messages)."""
        return [key for key, t in self.names.items() if t == target]


def _standard_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for target, zh in KEY_HEADERS:
        names[target] = target
        names[zh] = target
    for f in RECORD_FIELDS:
        names[f.name] = f.name
        names[f.zh.casefold()] = f.name
    for metric in METRICS.values():
        names[metric.name] = metric.name
        names[metric.zh] = metric.name
    return names


def _profile(name: str, zh: str, platforms: tuple[str, ...], variants: Mapping[str, tuple[str, ...]]) -> ExportProfile:
    names = _standard_names()
    for target, headers in variants.items():
        for header in headers:
            key, _ = header_key(header)
            if names.get(key, target) != target:  # pragma: no cover - guarded by a test
                raise ValueError(f"{name}: header {header!r} already means {names[key]!r}")
            names[key] = target
    return ExportProfile(name, zh, platforms, names)


# Columns every platform's export may carry that hold nothing a record keeps.
_DESCRIPTIVE = ("序号", "店铺", "店铺名称", "客服昵称", "客服分组", "分组", "备注")

STANDARD = _profile("standard", "标准（SPEC 3 表头）", (), {})

PINDUODUO = _profile(
    "pinduoduo",
    "拼多多（多多客服 · 客服绩效数据）",
    ("pinduoduo",),
    {
        ACCOUNT: ("客服", "客服名称", "外包客服账号", "账号"),
        DATE: ("统计日期", "时间"),
        "consultations": ("需人工回复的咨询人数", "人工咨询人数"),
        "unanswered_3min": ("3分钟未人工回复累计", "3分钟未人工回复人数累计", "3分钟未回复人数"),
        "answered_30s": ("30秒人工应答人数",),
        "response_seconds_total": ("人工响应时长总和",),
        "paid_buyers": ("最终成团人数", "询单最终成团人数", "询单成团人数"),
        "sales_amount": ("客服销售额", "询单成团金额"),
        "orders": ("成团订单数", "客服服务订单数"),
        "dispute_refunds": ("纠纷退款数", "纠纷退款订单数"),
        "surveys": ("评价人数",),
        "satisfied": ("满意人数",),
        "reply_rate_3min": ("3分钟回复率", "3min人工回复率", "3min回复率"),
        "avg_response_seconds": ("平响", "平均响应时长"),
        SKIP: (*_DESCRIPTIVE, "接待人数", "机器人接待人数", "询单转化率(最终成团)"),
    },
)

TAOBAO = _profile(
    "taobao",
    "淘宝/天猫（千牛 · 客服绩效）",
    ("taobao", "tmall"),
    {
        ACCOUNT: ("旺旺", "客服旺旺", "子账号", "旺旺名", "客服"),
        DATE: ("统计日期",),
        "unanswered_3min": ("3分钟未回复人数",),
        "answered_30s": ("30秒回复人数",),
        "response_seconds_total": ("响应总时长",),
        "responses": ("响应次数",),
        "paid_buyers": ("询单->最终付款人数", "最终付款人数"),
        "sales_amount": ("客服销售额", "询单->最终付款金额", "销售额"),
        "orders": ("销售订单数", "客服销售订单数"),
        "dispute_refunds": ("退款纠纷笔数", "纠纷退款数"),
        "surveys": ("评价人数", "收到评价数"),
        "satisfied": ("客户满意数", "满意评价数"),
        "reply_rate_3min": ("3分钟回复率",),
        "avg_response_seconds": ("平均响应", "平均响应时长"),
        "inquiry_conversion": ("询单->最终付款成功率", "询单->最终付款转化率"),
        "satisfaction_rate": ("客户满意率",),
        "dispute_refund_rate": ("退款纠纷率",),
        SKIP: (*_DESCRIPTIVE, "接待人数", "直接接待人数", "首次响应", "首次响应时长", "邀评数", "客服销售人数"),
    },
)

DOUYIN = _profile(
    "douyin",
    "抖音（抖店 · 飞鸽客服数据）",
    ("douyin",),
    {
        ACCOUNT: ("客服", "客服名称", "账号"),
        DATE: ("统计日期", "时间"),
        "consultations": ("人工接待人数", "人工咨询人数"),
        "unanswered_3min": ("3分钟人工未回复人数",),
        "answered_30s": ("30秒人工应答人数",),
        "paid_buyers": ("询单支付人数", "支付人数"),
        "sales_amount": ("询单支付金额", "客服销售额"),
        "orders": ("支付订单数",),
        "dispute_refunds": ("纠纷退款数",),
        "surveys": ("评价人数", "参评人数"),
        "satisfied": ("满意人数",),
        "reply_rate_3min": ("3分钟人工回复率(人)", "3分钟人工回复率(按人)", "3分钟人工回复率(人维度)"),
        "answer_rate_30s": ("30秒人工应答率",),
        "avg_response_seconds": ("人工平均响应时长", "平均响应时长"),
        "inquiry_conversion": ("询单支付转化率",),
        "satisfaction_rate": ("客服满意率",),
        SKIP: (
            *_DESCRIPTIVE,
            "3分钟人工回复率(会话)",
            "3分钟人工回复率(按会话)",
            "3分钟人工回复率(会话维度)",
            "30秒应答率(会话)",
            "平均人工响应时长(会话)",
            "人工会话量",
            "会话量",
            "不满意率",
            "不满意人数",
        ),
    },
)

KUAISHOU = _profile(
    "kuaishou",
    "快手（快手小店 · 客服数据）",
    ("kuaishou",),
    {
        ACCOUNT: ("客服", "客服名称", "账号"),
        DATE: ("统计日期",),
        "consultations": ("人工咨询人数",),
        "unanswered_3min": ("3分钟未回复人数",),
        "answered_30s": ("30秒回复人数",),
        "paid_buyers": ("询单成交人数", "成交人数"),
        "sales_amount": ("询单成交金额", "成交金额"),
        "orders": ("成交订单数",),
        "dispute_refunds": ("纠纷退款数",),
        "surveys": ("评价人数",),
        "satisfied": ("满意人数",),
        "reply_rate_3min": ("3分钟回复率", "商户客服3分钟回复率"),
        "answer_rate_30s": ("30秒回复率",),
        "avg_response_seconds": ("平均响应时长",),
        "inquiry_conversion": ("询单成交转化率",),
        "satisfaction_rate": ("客服满意度", "满意度"),
        SKIP: (*_DESCRIPTIVE, "不满意率", "不满意人数", "接待人数"),
    },
)

PROFILES: Mapping[str, ExportProfile] = {p.name: p for p in (STANDARD, PINDUODUO, TAOBAO, DOUYIN, KUAISHOU)} | {
    "tmall": TAOBAO
}
PLATFORM_PROFILES: Mapping[str, ExportProfile] = {
    platform: p for p in (PINDUODUO, TAOBAO, DOUYIN, KUAISHOU) for platform in p.platforms
}


def profile_named(name: str) -> ExportProfile | Text:
    """The profile of that name (a platform's name, `tmall` included, or `standard`), else a message."""
    found = PROFILES.get(name.strip().lower())
    if found is None:
        return Text("profile.unknown", name=name[:40], names=", ".join(PROFILES))
    return found


def profile_for_platform(platform: str) -> ExportProfile:
    """The profile of a contract's platform (SPEC 3 headers for a platform without one: jd, other)."""
    return PLATFORM_PROFILES.get(platform, STANDARD)


# ---------------------------------------------------------------------------------------------
# rate cells


@dataclass(frozen=True, slots=True)
class ShownRate:
    """A derived value as a column shows it: exact decimal `value` (a fraction for rates,
    seconds otherwise), `places` decimals of that value, and how it was written."""

    value: Decimal
    places: int
    percent: bool

    def agrees(self, ratio: tuple[int | Decimal, int]) -> bool:
        """Strictly within one unit of the last shown decimal place of numerator/denominator."""
        numerator, denominator = ratio
        return abs(Fraction(self.value) - Fraction(numerator) / denominator) < Fraction(1, 10**self.places)

    def like(self, ratio: tuple[int | Decimal, int]) -> str:
        """numerator/denominator written as this value was (percent or not, same decimals), half up."""
        numerator, denominator = ratio
        exact = Decimal(numerator) / Decimal(denominator)
        if self.percent:
            shown = (exact * 100).quantize(Decimal(1).scaleb(-(self.places - 2)), rounding="ROUND_HALF_UP")
            return f"{shown}%"
        return str(exact.quantize(Decimal(1).scaleb(-self.places), rounding="ROUND_HALF_UP"))


_NOT_SHOWN = frozenset({"", "-", "--", "—", "——", "/", "n/a", "na", "null", "—%", "-%"})
_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$")


def read_shown(cell: str, metric: str, percent_column: bool) -> ShownRate | Text | None:
    """A derived column's cell: its shown value, None when it shows nothing, or the message."""
    text = cell.strip()
    if text.lower() in _NOT_SHOWN:
        return None
    is_rate = METRICS[metric].is_rate
    percent = False
    number = text
    if is_rate and number.endswith("%"):
        number, percent = number[:-1].strip(), True
    elif not is_rate:
        for suffix in ("秒", "s", "S"):
            number = number.removesuffix(suffix).strip()
    if not _NUMBER.match(number):
        return Text("rate.invalid" if is_rate else "rate.seconds_invalid", value=repr(text[:40]))
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        return Text("rate.invalid", value=repr(text[:40]))
    places = max(0, -int(value.as_tuple().exponent))
    percent = percent or (is_rate and percent_column)
    if percent:
        value, places = value / 100, places + 2
    if is_rate and value > 1:
        return Text("rate.invalid", value=repr(text[:40]))
    return ShownRate(value, places, percent)

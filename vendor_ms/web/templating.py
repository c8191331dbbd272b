"""The pages' Jinja environment: autoescaped HTML, the PDFs' number formats as filters.

Every value is escaped unless a template says `|safe`, which only charts (SVG that pygal built
and escaped itself) and Litestar's CSRF input use. Formats are the PDFs' own
(`documents.formatting`): ¥1,234.56, 96.12%, 18.3 秒, metric names in Chinese with the id beside.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from vendor_ms.documents import formatting as fmt
from vendor_ms.domain.contract import PLATFORMS_ZH
from vendor_ms.domain.metrics import METRICS

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

ROLE_ZH = {
    "admin": "管理员 admin",
    "shop_owner": "商家 shop owner",
    "vendor": "服务商 vendor",
    "finance": "财务 finance",
}
INCIDENT_ZH = {
    "complaint": "投诉 complaint",
    "praise": "表扬 praise",
    "violation": "违规 violation",
    "inspection": "抽检 QA inspection",
}
SCOPE_ZH = {
    "presale": "售前 pre-sale",
    "aftersale": "售后 after-sale",
    "full": "全托管 full",
    "promo": "大促 promotion",
    "temporary": "临时 temporary",
}
CYCLE_ZH = {"monthly": "按月 monthly", "weekly": "按周 weekly", "daily": "按日 daily"}


def _money(value: Any) -> str:
    if value is None or value == "":
        return fmt.DASH
    return fmt.money(Decimal(str(value)))


def _metric_name(metric: str) -> str:
    """`3分钟人工回复率 3-min reply rate`: Chinese first, the English beside, never the bare id."""
    spec = METRICS.get(metric)
    return f"{spec.zh} {fmt.metric_en(metric)}" if spec else metric


def _metric_value(value: Any, metric: str) -> str:
    if value is None:
        return fmt.DASH
    return fmt.metric_text(metric, Decimal(str(value)))


def _percent(value: Any) -> str:
    return fmt.percent(Decimal(str(value))) if value is not None else fmt.DASH


def _local_time(moment: datetime | None, timezone: str = "Asia/Shanghai") -> str:
    if moment is None:
        return fmt.DASH
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return value.isoformat() if value else fmt.DASH


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=_money,
        metric_name=_metric_name,
        metric_value=_metric_value,
        percent=_percent,
        rate=lambda v: fmt.rate_text(Decimal(str(v))) if v is not None else fmt.DASH,
        local_time=_local_time,
        day=_day,
        status_zh=lambda s: f"{fmt.STATUS_ZH.get(s, s)} {s}",
        kind_zh=lambda k: fmt.KIND_ZH.get(k, k),
        role_zh=lambda r: ROLE_ZH.get(r, r),
        incident_zh=lambda k: INCIDENT_ZH.get(k, k),
        scope_zh=lambda s: SCOPE_ZH.get(s, s),
        cycle_zh=lambda c: CYCLE_ZH.get(c, c),
        platform_zh=lambda p: PLATFORMS_ZH.get(p, p),
    )
    env.globals.update(
        METRICS=METRICS,
        ROLE_ZH=ROLE_ZH,
        INCIDENT_ZH=INCIDENT_ZH,
        bands_text=lambda item: fmt.bands_text(item.metric, item.bands),
        red_lines_text=lambda item: fmt.red_lines_text(item.metric, item.red_lines),
    )
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))

"""Messages as codes with parameters (SPEC 10.4): every one in Chinese and English, the answer's
language negotiated from Accept-Language, Chinese by default."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from vendor_ms.errors import FieldError, ValidationFailed
from vendor_ms.messages import CATALOGUE, Text, negotiate

PACKAGE = Path(__file__).resolve().parents[2] / "vendor_ms"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_parameters(code: str) -> None:
    zh, en = CATALOGUE[code]
    assert zh.strip() and en.strip()
    # Chinese sentences are Chinese (titles and templates that are only parameters aside).
    words = re.sub(r"\{[^}]*\}", "", zh)
    assert re.search(r"[\u4e00-\u9fff]", words) or not re.search(r"[A-Za-z]{4,}", words), zh
    assert _fields(zh) == _fields(en), code


def test_every_code_the_code_names_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        used.update(re.findall(r'Text\(\s*"([a-z0-9_.\-]+)"', path.read_text(encoding="utf-8")))
    assert used, "no Text(...) found: the scan is broken"
    assert sorted(used - set(CATALOGUE)) == []


def test_an_unknown_code_is_refused_when_made() -> None:
    with pytest.raises(KeyError):
        Text("no.such.message")


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR,en;q=0.5", "en"),
        ("en;q=0.4,zh;q=0.8", "zh"),
        ("fr", "zh"),
        ("*", "zh"),
        ("en;q=0", "zh"),
        ("EN-gb", "en"),
        ("zh-Hant-TW", "zh"),
    ],
)
def test_the_language_is_negotiated_chinese_by_default(header: str | None, lang: str) -> None:
    assert negotiate(header) == lang


def test_a_message_renders_its_parameters_in_either_language() -> None:
    error = FieldError("满意数", Text("value.exceeds", bound="评价数", value=6, limit=5), 3)
    assert error.code == "value.exceeds"
    assert error.describe("zh") == "第 3 行：满意数：不能大于“评价数”（6 > 5）"
    assert error.describe("en") == "row 3: 满意数: must not exceed 评价数 (6 > 5)"
    spans = Text(
        "date.outside_binding",
        day="2026-05-31",
        account="a",
        spans=[Text("date.span", start="2026-06-01", end=Text("date.open_end"))],
    )
    assert spans.render("zh") == "2026-05-31 不在账号“a”的绑定期内（2026-06-01 – 无结束日期）"
    assert spans.render("en") == "2026-05-31 is outside the binding of account 'a' (2026-06-01 – open end)"


def test_a_validation_failure_summarises_in_the_language_asked() -> None:
    errors = [FieldError("日期", Text("value.empty"), row) for row in range(2, 7)]
    failed = ValidationFailed(errors)
    assert (
        failed.render_detail("zh") == "共 5 个问题：第 2 行：日期：为空；第 3 行：日期：为空；第 4 行：日期：为空；……"
    )
    assert (
        failed.render_detail("en")
        == "5 problems: row 2: 日期: is empty; row 3: 日期: is empty; row 4: 日期: is empty; ..."
    )
    assert failed.render_title("zh") == "校验未通过"
    # A message not converted yet is shown as written, whatever the language.
    assert FieldError("x", "as written").render("zh") == "as written"

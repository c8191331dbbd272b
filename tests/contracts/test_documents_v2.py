"""The v2 sections of contract documents (SPEC 9–12, 15): defaults, validation with paths, the
canonical form of every v1 document unchanged, and export → import as the identity."""

from __future__ import annotations

import copy
import hashlib
import tomllib
from datetime import time
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from tests.support import CONTRACTS_DIR
from vendor_ms.domain.billing import compute_invoice
from vendor_ms.domain.contract import (
    canonical_json,
    document_sha256,
    fold_text,
    from_canonical_json,
    parse_document,
    parse_json,
    parse_toml,
    to_toml,
)
from vendor_ms.domain.metrics import METRICS, PerformanceTotals
from vendor_ms.domain.periods import parse_period
from vendor_ms.errors import ValidationFailed

EVERY_V2_SECTION = (Path(__file__).parent / "every_v2_section.toml").read_text(encoding="utf-8")
V1_EXAMPLE = (CONTRACTS_DIR / "pdd-mengmeng-presale.toml").read_text(encoding="utf-8")

# (SHA-256 of the file, document_sha256 of its document), recorded once on main at 43fc043, before
# the v2 sections existed, with:
#   for p in sorted(Path("contracts").glob("*.toml")):
#       print(p.name, sha256(p.read_bytes()).hexdigest(), document_sha256(parse_toml(p.read_text())))
# Stored contract versions and invoices name these hashes; re-importing an unchanged file must
# still answer "unchanged".
V1_HASHES = {
    "douyin-huayang-promo.toml": (
        "696db031ab8ae076adcfbb462882116872f8b390c06b0ef1ce22317043cad933",
        "21087388e2bea5c99f0d27811c5d365fa19156bb636483cb0e513b2d26058166",
    ),
    "kuaishou-laoweidao-full.toml": (
        "22ecd3ec9a707f4f356e75a3ca9bfd4a0bdb7a5697b259456dad753aafc620dc",
        "76125b61a275f000730f158d1f96184d3f1e7a8276ec58ed7694d196ae09393e",
    ),
    "pdd-jiayi-presale.toml": (
        "23ad45640375fcfab1bc27874c76a1d86c0c5d9b73474bb311ada2710183a969",
        "8453b1c2031dab00414abf60d5800e7337886596299685881f8a3621a65af8e2",
    ),
    "pdd-lehuo-presale.toml": (
        "3a33573c4617478d65def11cba7a14bd7af37b297790384ea29baad26991e0b4",
        "749af5168155ddcc95554b134befb3f41f9b70380974b8ca03988d33f6c26ebb",
    ),
    "pdd-mengmeng-aftersale.toml": (
        "6ebc9e07f88650559b5a5dc0f36923ce3cda447dbaf4256764c2aa4fb446dcfe",
        "1a893b9711d5c05155fffaeb615d860d9695724b99b21888bcb2473b95347312",
    ),
    "pdd-mengmeng-presale.toml": (
        "c87613953d89d1c267637cb1ec74de815ec07dc82686608ed533c577485fba92",
        "c0d2f704bfc21c0c44de063df5977921399ced47ab16db340f5fbb1a2ee50be2",
    ),
    "pdd-mumu-presale.toml": (
        "b5f035e439e330eced270871188c26e9dda645f051949e5ebb025af1ba408954",
        "aa322722868cca51de47a0171fc2aa44975337a6cf94295b2d09b4368fb26df3",
    ),
    "pdd-youpin-full.toml": (
        "07940e9ede065c0b959938a636fef641d7d7fd1b41481c35032f113fad12ef16",
        "a785446c5aed38bd47f6b500bc97caafdd337142aff15e1d5289aa27cb13b9ee",
    ),
    "tmall-yishang-aftersale.toml": (
        "dafab1e221586e910f61edd6309a4bd4f2b2478119b60c9a0dbfc4e40cced267",
        "ef68cb7be6a8fa21d1425cb9fdfbe07da897345d1a4328b93246583809666226",
    ),
}
V2_SECTIONS = ("settlement", "data", "quality", "alerts")
V2_ITEM_FIELDS = ("name", "kind", "daily_red_lines", "grades", "max_points", "events")
CONTRACT_FILES = sorted(CONTRACTS_DIR.glob("*.toml"))


def problems(data: dict) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_document(data)
    return [e.describe("en") for e in info.value.errors]


def v2() -> dict:
    return tomllib.loads(EVERY_V2_SECTION)


def v1() -> dict:
    return tomllib.loads(V1_EXAMPLE)


# ---------------------------------------------------------------------------------------------
# v1 documents keep their bytes


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_an_unchanged_file_keeps_the_document_sha256_recorded_before_v2(path: Path) -> None:
    file_sha, doc_sha = V1_HASHES.get(path.name, (None, None))
    if hashlib.sha256(path.read_bytes()).hexdigest() != file_sha:
        pytest.skip(f"{path.name} was written after the hashes were recorded: another document")
    doc = parse_toml(path.read_text(encoding="utf-8"))
    assert document_sha256(doc) == doc_sha
    # Stored versions are canonical JSON: read back and written again, they are the same bytes.
    assert canonical_json(from_canonical_json(canonical_json(doc))) == canonical_json(doc)


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_the_canonical_form_of_a_document_without_v2_sections_follows_the_v1_rules(path: Path) -> None:
    doc = parse_toml(path.read_text(encoding="utf-8"))
    # v1's rule: every field of the document, defaults included, keys sorted. The v2 fields are
    # the only ones left out.
    everything = msgspec.to_builtins(doc)
    uses_v2 = any(everything[s] != msgspec.to_builtins(type(getattr(doc, s))()) for s in V2_SECTIONS) or any(
        item["kind"] != "metric" or item["name"] is not None or item["daily_red_lines"]
        for item in everything["scorecard"]["items"]
    )
    if uses_v2:
        pytest.skip(f"{path.name} uses v2 sections")
    for section in V2_SECTIONS:
        del everything[section]
    for item in everything["scorecard"]["items"]:
        for field in V2_ITEM_FIELDS:
            del item[field]
    assert canonical_json(doc) == msgspec.json.encode(everything, order="sorted")


def test_v2_sections_written_with_their_defaults_are_the_same_document() -> None:
    data = v1()
    plain = parse_document(copy.deepcopy(data))
    data["settlement"] = {"vendor_confirmation": "none", "payment_terms_days": 30}
    data["data"] = {"precedence": "platform_first", "service_counts_from": "records"}
    data["quality"] = {"appeal_window_hours": 72, "forbidden_words": []}
    data["alerts"] = {"data_missing_deadline": "10:00"}
    for item in data["scorecard"]["items"]:
        item.update(kind="metric", daily_red_lines=[], grades=[], events=[])
    explicit = parse_document(data)
    assert explicit == plain
    assert canonical_json(explicit) == canonical_json(plain)


def test_only_the_v2_fields_that_differ_from_their_defaults_are_written() -> None:
    data = v1()
    data["settlement"] = {"payment_terms_days": 60}
    data["scorecard"]["items"][0]["name"] = "3分钟回复"
    encoded = msgspec.json.decode(canonical_json(parse_document(data)))
    assert encoded["settlement"] == {"payment_terms_days": 60}
    assert not {"data", "quality", "alerts"} & set(encoded)
    assert encoded["scorecard"]["items"][0]["name"] == "3分钟回复"
    assert "kind" not in encoded["scorecard"]["items"][0]
    assert "name" not in encoded["scorecard"]["items"][1]


# ---------------------------------------------------------------------------------------------
# the sections, their defaults and effective values


def test_every_v2_section_parses_to_what_it_says() -> None:
    doc = parse_toml(EVERY_V2_SECTION)
    assert doc.settlement.vendor_confirmation == "required"
    assert doc.settlement.payment_terms_days == 45
    assert (doc.data.precedence, doc.data.service_counts_from) == ("latest", "conversation_log")
    assert doc.quality.appeal_window_hours == 48
    assert doc.robot_counts_as_reply is False  # written false, on pinduoduo whose rule says true
    assert doc.quality.forbidden_words == ["滚", "傻瓜", "WeChat"]
    assert doc.quality.folded_forbidden_words() == ["滚", "傻瓜", "wechat"]
    assert doc.alerts.data_missing_deadline_time == time(9, 30)
    items = doc.scorecard.items
    assert [i.effective_name for i in items] == ["3分钟回复率", "avg_response_seconds", "素质", "出勤率"]
    assert [i.kind for i in items] == ["metric", "metric", "graded", "deductions"]
    assert [i.full_points for i in items] == [30, 20, 20, 20]
    assert items[0].daily_red_lines[1].below == Decimal("0.70")
    assert items[0].daily_red_lines[1].penalty_per_day == Decimal("500.00")
    assert items[1].daily_red_lines[0].above == Decimal("60")
    assert [(g.grade, g.points) for g in items[2].grades] == [("优", 20), ("良", 15), ("中", 10), ("差", 0)]
    assert items[3].max_points == 20
    assert [(e.event, e.label, e.points) for e in items[3].events] == [
        ("late", "迟到", 5),
        ("leave", "请假", 5),
        ("absence", "旷工", 10),
    ]
    # Billing evaluates the metric items only (SPEC 15's scoring of the others comes later).
    assert [(m.name, m.metric, m.max_points) for m in doc.scorecard.metric_items] == [
        ("3分钟回复率", "reply_rate_3min", 30),
        ("avg_response_seconds", "avg_response_seconds", 20),
    ]


def test_absent_v2_sections_take_the_spec_defaults() -> None:
    doc = parse_toml(V1_EXAMPLE)
    assert doc.settlement.vendor_confirmation == "none"
    assert doc.settlement.payment_terms_days == 30
    assert (doc.data.precedence, doc.data.service_counts_from) == ("platform_first", "records")
    assert doc.quality.appeal_window_hours == 72
    assert doc.quality.robot_counts_as_reply is None
    assert doc.quality.forbidden_words == []
    assert doc.alerts.data_missing_deadline_time == time(10, 0)
    item = doc.scorecard.items[0]
    assert (item.name, item.effective_name, item.kind) == (None, "reply_rate_3min", "metric")


@pytest.mark.parametrize(
    ("platform", "written", "effective"),
    [
        ("pinduoduo", None, True),
        ("taobao", None, False),
        ("tmall", None, False),
        ("douyin", None, False),
        ("pinduoduo", False, False),
        ("douyin", True, True),
    ],
)
def test_robot_replies_count_by_the_platforms_rule_unless_the_contract_says(platform, written, effective) -> None:
    data = v1()
    data["shop"]["platform"] = platform
    if written is not None:
        data["quality"] = {"robot_counts_as_reply": written}
    assert parse_document(data).robot_counts_as_reply is effective


def test_forbidden_words_fold_full_width_and_case() -> None:
    assert fold_text("ＷｅＣｈａｔ") == "wechat"
    assert fold_text("Straße") == "strasse"
    assert fold_text("㈱") == fold_text("(株)")


# ---------------------------------------------------------------------------------------------
# export → import is the identity


def test_toml_export_then_import_is_the_identity_with_every_v2_section() -> None:
    doc = parse_toml(EVERY_V2_SECTION)
    text = to_toml(doc)
    assert '\n[settlement]\nvendor_confirmation = "required"\npayment_terms_days = 45\n' in text
    assert 'kind = "graded"' in text and "[alerts]" in text
    again = parse_toml(text)
    assert again == doc
    assert canonical_json(again) == canonical_json(doc)
    assert to_toml(again) == text


def test_json_export_then_import_is_the_identity_with_every_v2_section() -> None:
    doc = parse_toml(EVERY_V2_SECTION)
    again = parse_json(canonical_json(doc))
    assert again == doc
    assert document_sha256(again) == document_sha256(doc)
    # The full encoding (defaults written, as the API's detail answers) is the same document too.
    assert parse_json(msgspec.json.encode(doc)) == doc


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda p: p.name)
def test_exporting_a_v1_file_writes_no_v2_section(path: Path) -> None:
    text = to_toml(parse_toml(path.read_text(encoding="utf-8")))
    for marker in ("[settlement]", "[data]", "[quality]", "[alerts]", "kind =", "name =", "daily_red_lines"):
        if marker not in path.read_text(encoding="utf-8"):
            assert marker not in text


# ---------------------------------------------------------------------------------------------
# validation: every rule, its message and its path


def item(data: dict, index: int) -> dict:
    return data["scorecard"]["items"][index]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: item(d, 2).update(kind="bonus"),
            ["scorecard.items[2].kind: must be one of deductions, graded, metric; got 'bonus'"],
        ),
        (lambda d: item(d, 2)["grades"][1].pop("points"), ["scorecard.items[2].grades[1].points: is required"]),
        (lambda d: item(d, 3).update(name="素质"), ["scorecard.items[3].name: duplicate item name '素质'"]),
        (
            lambda d: item(d, 2).update(name="avg_response_seconds"),
            ["scorecard.items[2].name: duplicate item name 'avg_response_seconds'"],
        ),
        (
            lambda d: item(d, 2)["grades"].append({"grade": "良", "points": 12}),
            ["scorecard.items[2].grades[4].grade: duplicate grade '良'"],
        ),
        (
            lambda d: item(d, 3)["events"].append({"event": "late", "label": "又迟到", "points": 1}),
            ["scorecard.items[3].events[3].event: duplicate event 'late'"],
        ),
        (lambda d: item(d, 1).pop("metric"), ["scorecard.items[1].metric: is required for a metric item"]),
        (
            lambda d: item(d, 2).pop("name"),
            ["scorecard.items[2].name: is required for a graded item (it has no metric to be named after)"],
        ),
        (
            lambda d: item(d, 3).pop("name"),
            ["scorecard.items[3].name: is required for a deductions item (it has no metric to be named after)"],
        ),
        (
            lambda d: item(d, 2).update(metric="satisfaction_rate", bands=[{"at_least": "0.9", "points": 5}]),
            [
                "scorecard.items[2].metric: does not belong to a graded item",
                "scorecard.items[2].bands: does not belong to a graded item",
            ],
        ),
        (
            lambda d: item(d, 0).update(grades=[{"grade": "优", "points": 1}], max_points=5),
            [
                "scorecard.items[0].grades: does not belong to a metric item",
                "scorecard.items[0].max_points: does not belong to a metric item",
            ],
        ),
        (
            lambda d: item(d, 3).update(
                red_lines=[{"below": "0.5", "penalty_rate": "0.1"}],
                daily_red_lines=[{"below": "0.5", "penalty_per_day": "1"}],
                grades=[{"grade": "优", "points": 1}],
            ),
            [
                "scorecard.items[3].red_lines: does not belong to a deductions item",
                "scorecard.items[3].daily_red_lines: does not belong to a deductions item",
                "scorecard.items[3].grades: does not belong to a deductions item",
            ],
        ),
        (lambda d: item(d, 2).update(grades=[]), ["scorecard.items[2].grades: a graded item needs at least one grade"]),
        (
            lambda d: item(d, 3).update(events=[]),
            ["scorecard.items[3].events: a deductions item needs at least one event"],
        ),
        (lambda d: item(d, 3).pop("max_points"), ["scorecard.items[3].max_points: is required for a deductions item"]),
        (lambda d: item(d, 3).update(max_points=0), ["scorecard.items[3].max_points: must be between 1 and 10000"]),
        (
            lambda d: item(d, 2)["grades"][0].update(points=-5),
            ["scorecard.items[2].grades[0].points: must be between 0 and 10000"],
        ),
        (
            lambda d: item(d, 3)["events"][0].update(points=10_001),
            ["scorecard.items[3].events[0].points: must be between 0 and 10000"],
        ),
        (
            lambda d: item(d, 3)["events"][0].update(event="迟到"),
            [r"scorecard.items[3].events[0].event: must match ^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$"],
        ),
        (lambda d: item(d, 3)["events"][0].pop("label"), ["scorecard.items[3].events[0].label: is required"]),
        (
            lambda d: item(d, 0)["daily_red_lines"][0].update(below="1.2"),
            ["scorecard.items[0].daily_red_lines[0].below: must be a decimal in [0, 1]"],
        ),
        (
            lambda d: item(d, 1)["daily_red_lines"][0].update(above="-1"),
            ["scorecard.items[1].daily_red_lines[0].above: must not be negative"],
        ),
        (
            lambda d: item(d, 0)["daily_red_lines"][0].update(above="0.9"),
            ["scorecard.items[0].daily_red_lines[0]: needs exactly one of below or above"],
        ),
        (
            lambda d: item(d, 0)["daily_red_lines"][0].update(penalty_per_day="200.001"),
            ["scorecard.items[0].daily_red_lines[0].penalty_per_day: must have at most 2 decimal places (fen)"],
        ),
        (
            lambda d: item(d, 0)["daily_red_lines"][0].update(penalty_per_day="-1"),
            ["scorecard.items[0].daily_red_lines[0].penalty_per_day: must not be negative"],
        ),
        (
            lambda d: item(d, 0)["daily_red_lines"][0].pop("penalty_per_day"),
            ["scorecard.items[0].daily_red_lines[0].penalty_per_day: is required"],
        ),
        (
            lambda d: d["settlement"].update(vendor_confirmation="maybe"),
            ["settlement.vendor_confirmation: must be one of none, required; got 'maybe'"],
        ),
        (
            lambda d: d["settlement"].update(payment_terms_days=366),
            ["settlement.payment_terms_days: must be between 0 and 365"],
        ),
        (
            lambda d: d["settlement"].update(payment_terms_days=-1),
            ["settlement.payment_terms_days: must be between 0 and 365"],
        ),
        (
            lambda d: d["data"].update(precedence="vendor_first"),
            ["data.precedence: must be one of latest, platform_first; got 'vendor_first'"],
        ),
        (
            lambda d: d["data"].update(service_counts_from="chat"),
            ["data.service_counts_from: must be one of conversation_log, records; got 'chat'"],
        ),
        (
            lambda d: d["quality"].update(appeal_window_hours=0),
            ["quality.appeal_window_hours: must be between 1 and 720"],
        ),
        (
            lambda d: d["quality"].update(robot_counts_as_reply="yes"),
            ["quality.robot_counts_as_reply: must be true or false"],
        ),
        (
            lambda d: d["quality"]["forbidden_words"].extend(["wechat", "ＷＥＣＨＡＴ"]),
            [
                "quality.forbidden_words[3]: duplicate of forbidden_words[2] 'WeChat' "
                "(compared after NFKC and case folding)",
                "quality.forbidden_words[4]: duplicate of forbidden_words[2] 'WeChat' "
                "(compared after NFKC and case folding)",
            ],
        ),
        (lambda d: d["quality"]["forbidden_words"].append(""), ["quality.forbidden_words[3]: must not be empty"]),
        (lambda d: d["quality"]["forbidden_words"].append("\u3000"), ["quality.forbidden_words[3]: must not be empty"]),
        (
            lambda d: d["quality"]["forbidden_words"].append(" 滚蛋"),
            ["quality.forbidden_words[3]: must not start or end with whitespace"],
        ),
        (
            lambda d: d["quality"]["forbidden_words"].append("长" * 21),
            ["quality.forbidden_words[3]: must be at most 20 characters"],
        ),
        (
            lambda d: d["quality"].update(forbidden_words=[f"w{i}" for i in range(501)]),
            ["quality.forbidden_words: must list at most 500 words"],
        ),
        (
            lambda d: d["quality"].update(forbidden_words="滚"),
            ["quality.forbidden_words: must be a list"],
        ),
        (
            lambda d: d["alerts"].update(data_missing_deadline="24:00"),
            ["alerts.data_missing_deadline: must be a time HH:MM between 00:00 and 23:59"],
        ),
        (
            lambda d: d["alerts"].update(data_missing_deadline="9:30"),
            ["alerts.data_missing_deadline: must be a time HH:MM between 00:00 and 23:59"],
        ),
        (lambda d: d["alerts"].update(deadline="10:00"), ["alerts.deadline: unknown field"]),
        (lambda d: d["settlement"].update(payment_terms=30), ["settlement.payment_terms: unknown field"]),
    ],
)
def test_each_v2_rule_reports_exactly_its_problem_at_its_path(mutate, expected) -> None:
    data = v2()
    mutate(data)
    assert problems(data) == expected


def test_every_problem_of_the_scorecard_comes_in_one_answer() -> None:
    data = v2()
    item(data, 2).update(grades=[{"grade": "优", "points": 20}, {"grade": "优", "points": 15}])
    item(data, 3).update(name="素质", max_points=0)
    item(data, 1).pop("metric")
    data["settlement"]["payment_terms_days"] = 400
    assert problems(data) == [
        "scorecard.items[1].metric: is required for a metric item",
        "scorecard.items[2].grades[1].grade: duplicate grade '优'",
        "scorecard.items[3].name: duplicate item name '素质'",
        "scorecard.items[3].max_points: must be between 1 and 10000",
        "settlement.payment_terms_days: must be between 0 and 365",
    ]


def test_an_unnamed_item_repeating_a_metric_is_one_problem_not_two() -> None:
    data = v1()
    data["scorecard"]["items"].append(dict(data["scorecard"]["items"][0]))
    assert problems(data) == ["scorecard.items[3].metric: duplicate metric 'reply_rate_3min'"]


def test_v1_documents_are_unaffected_by_the_new_rules() -> None:
    for path in CONTRACT_FILES:
        parse_toml(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# the lookup incidents will use (SPEC 15)


def test_a_deduction_event_is_found_by_item_and_event() -> None:
    scorecard = parse_toml(EVERY_V2_SECTION).scorecard
    event = scorecard.deduction_event("出勤率", "absence")
    assert (event.label, event.points) == ("旷工", 10)


@pytest.mark.parametrize(
    ("item_name", "event", "expected"),
    [
        (
            "出勤",
            "late",
            "item: the contract's scorecard has no deductions item '出勤' (its deductions items: 出勤率)",
        ),
        (
            "素质",
            "late",
            "item: the contract's scorecard has no deductions item '素质' (its deductions items: 出勤率)",
        ),
        ("出勤率", "sick", "event: item '出勤率' lists no event 'sick' (its events: late, leave, absence)"),
    ],
)
def test_an_event_that_no_deduction_item_lists_is_refused_with_its_field(item_name, event, expected) -> None:
    scorecard = parse_toml(EVERY_V2_SECTION).scorecard
    with pytest.raises(ValidationFailed) as info:
        scorecard.deduction_event(item_name, event)
    assert [e.describe("en") for e in info.value.errors] == [expected]


def test_a_scorecard_without_deduction_items_says_so() -> None:
    scorecard = parse_toml(V1_EXAMPLE).scorecard
    with pytest.raises(ValidationFailed) as info:
        scorecard.deduction_event("出勤率", "late")
    assert [e.describe("en") for e in info.value.errors] == [
        "item: the contract's scorecard has no deductions item '出勤率' (its deductions items: none)"
    ]


# ---------------------------------------------------------------------------------------------
# billing ignores the v2 sections until the features that use them land


def test_v2_sections_change_no_amount_of_an_invoice() -> None:
    totals = PerformanceTotals(
        consultations=3000,
        unanswered_3min=200,
        answered_30s=2500,
        response_seconds_total=Decimal("60000"),
        responses=3000,
        inquiries=900,
        paid_buyers=300,
        sales_amount=Decimal("45000.00"),
        records=31,
        seat_days=31,
    )
    plain = v1()
    extended = v2()
    for section in V2_SECTIONS:
        plain[section] = extended[section]  # confirmation, precedence, appeal window...: no amount
    plain["scorecard"]["items"] += extended["scorecard"]["items"][2:]  # a graded and a deductions item
    plain["scorecard"]["items"][0]["daily_red_lines"] = [{"below": "0.99", "penalty_per_day": "200.00"}]
    period = parse_period("2026-10")
    before = compute_invoice(parse_toml(V1_EXAMPLE), period, totals)
    after = compute_invoice(parse_document(plain), period, totals)
    assert before is not None and after is not None
    # 2800/3000 = 93.3% → 30 points, 20 s → 30, 300/900 = 33.3% → 20: 80 of 100, bonus 800.00.
    assert (after.scorecard.score, after.scorecard.max_points, after.bonus) == (80, 100, Decimal("800.00"))
    assert after == before


def test_the_metric_names_a_document_accepts_are_the_metrics_table() -> None:
    data = v1()
    data["scorecard"]["items"][0]["metric"] = "refund_rate_typo"
    choices = ", ".join(sorted(METRICS))
    assert problems(data) == [f"scorecard.items[0].metric: must be one of {choices}; got 'refund_rate_typo'"]

"""Sentences of contract documents (SPEC 4, 9–12, 15) and of decoding any JSON or TOML body:
every problem of a document, named by its path. (Chinese, English) `str.format` templates;
see `vendor_ms.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # any field of any body (domain.decoding)
    "field.unknown": ("无法识别的字段", "unknown field"),
    "field.required": ("必填", "is required"),
    "field.must_be_empty": ("必须为空", "must be empty"),
    "field.must_be_list": ("必须是列表", "must be a list"),
    "field.must_be_table": ("必须是表（对象）", "must be a table (object)"),
    "field.one_of": ("必须是以下之一：{choices}；实际为 “{value}”", "must be one of {choices}; got {value!r}"),
    "field.must_be_string": ("必须是字符串", "must be a string"),
    "field.max_chars": ("最多 {limit} 个字符", "must be at most {limit} characters"),
    "field.too_short": ("过短", "is too short"),
    "field.pattern": ("必须符合格式 {pattern}", "must match {pattern}"),
    "field.must_be_bool": ("必须是 true 或 false", "must be true or false"),
    "field.must_be_int": ("必须是整数", "must be an integer"),
    "field.at_least": ("必须 ≥ {limit}", "must be ≥ {limit}"),
    "field.too_large": ("数值过大", "is too large"),
    "field.must_be_date": ("必须是日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "decimal.not_boolean": ("必须是数字字符串，不能是布尔值", "must be a decimal string, not a boolean"),
    "decimal.not_float": ('必须是数字字符串（如 "0.85"）', 'must be a decimal string such as "0.85"'),
    "decimal.too_many_digits": ("超过 {limit} 位数字", "has more than {limit} digits"),
    "decimal.not_text": ("必须是数字字符串", "must be a decimal string"),
    "decimal.invalid": (
        '必须是数字字符串（如 "0.85"），实际为“{value}”',
        'must be a decimal string such as "0.85", got {value!r}',
    ),
    "json.malformed": ("JSON 格式有误：{reason}", "malformed JSON: {reason}"),
    "json.too_deep": ("JSON 格式有误：嵌套过深", "malformed JSON: nested too deeply"),
    "json.not_utf8": ("JSON 格式有误：不是 UTF-8（第 {byte} 字节）", "malformed JSON: not UTF-8 (byte {byte})"),
    "toml.invalid": ("不是有效的 TOML：{reason}", "not valid TOML: {reason}"),
    # shared checks of a document (document_base.Problems)
    "doc.rate": ("必须是 [0, 1] 之间的小数", "must be a decimal in [0, 1]"),
    "doc.not_negative": ("不能为负数", "must not be negative"),
    "doc.fen": ("最多 2 位小数（分）", "must have at most 2 decimal places (fen)"),
    "doc.places": ("最多 {places} 位小数", "must have at most {places} decimal places"),
    "doc.too_large": ("数值过大", "is too large"),
    "doc.between": ("必须在 {low} 到 {high} 之间", "must be between {low} and {high}"),
    "doc.not_empty": ("不能为空", "must not be empty"),
    # the contract (domain.contract)
    "contract.ends_before_start": ("不能早于 starts_on（{start}）", "must not be before starts_on ({start})"),
    "contract.timezone": (
        "未知时区“{timezone}”（请使用 IANA 名称，如 Asia/Shanghai）",
        "unknown timezone {timezone!r} (use an IANA name such as Asia/Shanghai)",
    ),
    "contract.hhmm": ("必须是时间 HH:MM", "must be a time HH:MM"),
    "contract.hours_order": ("必须晚于 service_hours.from", "must be after service_hours.from"),
    "contract.duplicate_account": ("账号代码 “{code}” 重复", "duplicate account code {code!r}"),
    "contract.before_active_from": ("不能早于 active_from", "must not be before active_from"),
    "contract.account_outside_term": ("只在合同期外生效", "is active only outside the contract term"),
    "contract.tier_open_end": ("只有最后一档可以不设上限", "only the last tier may be open-ended"),
    "contract.tiers_ascending": ("各档上限必须严格递增", "tiers must be strictly ascending"),
    "contract.positive_int": ("必须是正整数", "must be a positive integer"),
    "contract.words_limit": ("最多列出 {limit} 个词", "must list at most {limit} words"),
    "contract.word_whitespace": ("首尾不能有空白", "must not start or end with whitespace"),
    "contract.word_duplicate": (
        "与 forbidden_words[{index}]“{word}”重复（按 NFKC 规范化和大小写折叠比较）",
        "duplicate of forbidden_words[{index}] {word!r} (compared after NFKC and case folding)",
    ),
    "contract.deadline": ("必须是 00:00 到 23:59 之间的时间 HH:MM", "must be a time HH:MM between 00:00 and 23:59"),
    # the scorecard (domain.scorecard)
    "scorecard.no_deductions_item": (
        "合同考核表中没有扣分项“{item}”（现有扣分项：{names}）",
        "the contract's scorecard has no deductions item {item!r} (its deductions items: {names})",
    ),
    "scorecard.none": ("无", "none"),
    "scorecard.no_event": (
        "考核项“{item}”中没有事件“{event}”（其事件：{events}）",
        "item {item!r} lists no event {event!r} (its events: {events})",
    ),
    "scorecard.duplicate_metric": ("指标 “{metric}” 重复", "duplicate metric {metric!r}"),
    "scorecard.duplicate_name": ("考核项名称 “{name}” 重复", "duplicate item name {name!r}"),
    "scorecard.not_of_kind": ("不属于 {kind} 类考核项", "does not belong to a {kind} item"),
    "scorecard.name_required": (
        "{kind} 类考核项必须有名称（它没有可作名称的指标）",
        "is required for a {kind} item (it has no metric to be named after)",
    ),
    "scorecard.metric_required": ("metric 类考核项必填", "is required for a metric item"),
    "scorecard.below_or_above": ("below 与 above 必须且只能有一个", "needs exactly one of below or above"),
    "scorecard.least_or_most": ("at_least 与 at_most 必须且只能有一个", "needs exactly one of at_least or at_most"),
    "scorecard.points_negative": (
        "不能为负数（扣分请用红线或考核事件）",
        "must not be negative (use red lines or incidents for deductions)",
    ),
    "scorecard.bands_descending": (
        "分档顺序有误：{key} 阈值必须严格递减",
        "bands out of order: {key} thresholds must be strictly descending",
    ),
    "scorecard.bands_ascending": (
        "分档顺序有误：{key} 阈值必须严格递增",
        "bands out of order: {key} thresholds must be strictly ascending",
    ),
    "scorecard.bands_mixed": ("不能混用 at_least 与 at_most 分档", "mixes at_least and at_most bands"),
    "scorecard.grades_required": ("graded 类考核项至少需要一个等级", "a graded item needs at least one grade"),
    "scorecard.duplicate_grade": ("等级 “{grade}” 重复", "duplicate grade {grade!r}"),
    "scorecard.max_points_required": ("deductions 类考核项必填", "is required for a deductions item"),
    "scorecard.events_required": ("deductions 类考核项至少需要一个事件", "a deductions item needs at least one event"),
    "scorecard.duplicate_event": ("事件 “{event}” 重复", "duplicate event {event!r}"),
    # importing a document over a stored contract (contracts.service)
    "contract.cannot_move_shop": (
        "合同不能转到其他店铺（当前为“{shop}”）",
        "a contract cannot move to another shop (it is {shop!r})",
    ),
    "contract.cannot_move_vendor": (
        "合同不能转到其他服务商（当前为“{vendor}”）",
        "a contract cannot move to another vendor (it is {vendor!r})",
    ),
    "contract.effective_from_before": (
        "不能早于当前版本的 effective_from（{day}）",
        "must not be before the current version's effective_from ({day})",
    ),
    "contract.account_bound_elsewhere": (
        "账号“{code}”在 {start} 至 {end} 已绑定到另一份合同",
        "account {code!r} is already bound to another contract from {start} to {end}",
    ),
    "contract.account_data_outside": (
        "账号“{code}”在 {day} 有绩效数据，不在新的绑定期内",
        "account {code!r} has performance data on {day} outside the new binding",
    ),
    "contract.account_has_data": (
        "账号“{code}”已有绩效数据；请用 active_to 结束其绑定",
        "account {code!r} has performance data; end its binding with active_to instead",
    ),
}

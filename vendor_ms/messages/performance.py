"""Sentences of performance-data ingestion (SPEC 3, 9.1, 10.3, 10.4): batches, rows, columns,
rate columns, placement on contracts. (Chinese, English) `str.format` templates with the same
parameters; see `vendor_ms.messages`. Field and column names are parameters, as the input wrote
them (满意数 in a Chinese file, `satisfied` in JSON)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the batch as a whole
    "records.empty": ("批次为空：至少提交一条记录", "is empty: send at least one record"),
    "records.too_many": (
        "共 {count:,} 条记录；每批最多接受 {limit:,} 条",
        "has {count:,} records; at most {limit:,} are accepted per batch",
    ),
    "records.not_list": ("必须是记录的列表", "must be a list of records"),
    "records.body_not_object": (
        '请求体必须是对象 {{"records": [...]}}',
        'the body must be an object {{"records": [...]}}',
    ),
    "records.not_null": ("不能为 null", "must not be null"),
    "records.row_not_object": ("必须是包含日绩效字段的对象", "must be an object with the fields of a daily record"),
    "records.duplicate_day": (
        "账号“{account}”在 {day} 的数据已出现在本批第 {first} 行",
        "account {account!r} on {day} already appears in row {first} of this batch",
    ),
    # one value
    "value.empty": ("为空", "is empty"),
    "value.a_list": ("一个列表", "a list"),
    "value.an_object": ("一个对象", "an object"),
    "value.not_empty": ("不能为空", "must not be empty"),
    "value.negative": ("不能为负数，实际为 {value}", "must not be negative, got {value}"),
    "value.too_large": ("数值过大（{value}）", "is too large ({value})"),
    "value.too_large_max": ("数值过大（最大为 {limit}）", "is too large (at most {limit})"),
    "value.not_finite": ("必须是有限的数字", "must be a finite decimal"),
    "value.too_many_places": ("小数位数超过 {places} 位（{value}）", "has more than {places} decimal places ({value})"),
    "value.exceeds": ("不能大于“{bound}”（{value} > {limit}）", "must not exceed {bound} ({value} > {limit})"),
    "value.not_whole": ("必须是整数，实际为 {value}", "must be a whole number, got {value}"),
    "value.not_decimal_json": (
        '必须是数字或数字字符串（如 "12.5"），实际为 {value}',
        'must be a decimal number or string such as "12.5", got {value}',
    ),
    "value.not_decimal": (
        "必须是数字（如 12.5），实际为 {value}",
        "must be a decimal number such as 12.5, got {value}",
    ),
    "value.not_date_iso": ("必须是日期（YYYY-MM-DD），实际为 {value}", "must be a date (YYYY-MM-DD), got {value}"),
    "value.not_date": (
        "必须是日期（如 2026-11-02、2026/11/2、20261102 或 2026年11月2日），实际为 {value}",
        "must be a date (2026-11-02, 2026/11/2, 20261102 or 2026年11月2日), got {value}",
    ),
    "account.not_string": ("必须是字符串（账号代码）", "must be a string (the account's code)"),
    "account.too_long": ("最多 {limit} 个字符", "must be at most {limit} characters"),
    "account.not_code": (
        "不是账号代码（以字母或数字开头，其后为字母、数字或 . _ : -）",
        "is not an account code (letters and digits, then letters, digits, . _ : -)",
    ),
    # columns of a file
    "column.unknown": ("无法识别的列（导出模板：{profile}）", "unknown column (export profile: {profile})"),
    "column.twice": ("列名重复（第 {first} 列和第 {second} 列）", "appears twice (columns {first} and {second})"),
    "column.missing": ("缺少此列（表头可写作 {names}）", "missing column (header {names})"),
    "row.cell_count": (
        "本行有 {cells} 个单元格，表头有 {width} 列",
        "has {cells} cells; the header has {width} columns",
    ),
    "row.cell_count_separator": (
        "本行有 {cells} 个单元格，表头有 {width} 列（是否有未加引号的千位分隔符？请给此类数字加引号）",
        "has {cells} cells; the header has {width} columns (an unquoted thousands separator? quote such numbers)",
    ),
    # rate columns (SPEC 10.3): checked against the counts of the same row, never stored
    "rate.invalid": (
        "必须是比率（如 95.20% 或 0.952），实际为 {value}",
        "must be a rate such as 95.20% or 0.952, got {value}",
    ),
    "rate.seconds_invalid": (
        "必须是秒数（如 12.5），实际为 {value}",
        "must be a number of seconds such as 12.5, got {value}",
    ),
    "rate.disagrees": (
        "{shown} 与本行的计数不符：{formula} = {expected}",
        "{shown} disagrees with the counts of this row: {formula} = {expected}",
    ),
    # export profiles
    "profile.unknown": (
        "未知的导出模板“{name}”（可用：{names}）",
        "unknown export profile {name!r} (profiles: {names})",
    ),
    "profile.ambiguous": (
        "文件中的账号属于多个平台的合同（{platforms}）：请指定导出模板（profile）",
        "the file's accounts belong to contracts on several platforms ({platforms}): name the export profile (profile)",
    ),
    # placing records on their contracts
    "account.unknown": (
        "账号“{account}”不存在，或不属于您可提交数据的合同",
        "unknown account {account!r}",
    ),
    "date.outside_binding": (
        "{day} 不在账号“{account}”的绑定期内（{spans}）",
        "{day} is outside the binding of account {account!r} ({spans})",
    ),
    "date.span": ("{start} – {end}", "{start} – {end}"),
    "date.open_end": ("无结束日期", "open end"),
    "date.outside_term": (
        "{day} 不在合同期内（{start} – {end}）",
        "{day} is outside the contract term ({start} – {end})",
    ),
    "date.after_today": (
        "{day} 晚于今天（{timezone} 时区的 {today}）：不能提交未来日期的绩效数据",
        "{day} is after today ({today} in {timezone}): performance data cannot be dated in the future",
    ),
    # the request around a batch
    "idempotency.invalid": (
        "必须是 1 到 {limit} 个可打印的 ASCII 字符（建议使用 UUID）",
        "must be 1 to {limit} printable ASCII characters (a UUID is a good key)",
    ),
    "idempotency.reused": (
        "已用于另一个批次（批次 {batch}）；新数据请使用新的键",
        "was already used for a different batch (batch {batch}); send new data under a new key",
    ),
    "request.media_type": (
        "此接口接受 {allowed}，而不是 {given}；{hint}",
        "this route takes {allowed}, not {given}; {hint}",
    ),
    "request.send_csv": ("CSV 请发送到 {route}", "send CSV to {route}"),
    "request.send_json": ("JSON 请发送到 {route}", "send JSON to {route}"),
    "request.to_before_from": ("不能早于 from（{start}）", "must not be before from ({start})"),
}

"""Sentences of the problem documents themselves: titles by kind of problem, and the summary of
a validation failure. (Chinese, English) `str.format` templates; see `vendor_ms.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # titles, by the problem's slug (the last part of its `type`)
    "title.bad-request": ("请求有误", "Bad request"),
    "title.malformed-input": ("无法解析的输入", "Malformed input"),
    "title.unauthenticated": ("需要身份验证", "Authentication required"),
    "title.authentication-required": ("需要身份验证", "Authentication required"),
    "title.forbidden": ("无权操作", "Forbidden"),
    "title.not-found": ("未找到", "Not found"),
    "title.method-not-allowed": ("不支持此请求方法", "Method not allowed"),
    "title.conflict": ("状态冲突", "Conflict"),
    "title.payload-too-large": ("请求体过大", "Payload too large"),
    "title.unsupported-media-type": ("不支持的内容类型", "Unsupported media type"),
    "title.validation-failed": ("校验未通过", "Validation failed"),
    "title.rate-limited": ("请求过于频繁", "Too many requests"),
    "title.too-many-requests": ("请求过于频繁", "Too many requests"),
    "title.internal-error": ("服务器内部错误", "Internal server error"),
    "title.error": ("错误", "Error"),
    # the detail of a validation failure: how many problems, the first few named
    "problems.one": ("共 1 个问题：{first}", "1 problem: {first}"),
    "problems.many": ("共 {count:,} 个问题：{first}", "{count:,} problems: {first}"),
    "problems.header.one": ("{title}（1 个问题）", "{title} (1 problem)"),
    "problems.header.many": ("{title}（{count:,} 个问题）", "{title} ({count:,} problems)"),
    "problems.in_file": ("{file}：{count:,} 个问题", "{file}: {count:,} problem(s)"),
    "problems.more": ("{first}；……", "{first}; ..."),
    "problems.at_row": ("第 {row} 行：{rest}", "row {row}: {rest}"),
    "problems.in_field": ("{field}：{message}", "{field}: {message}"),
    "problems.and_more": ("……另有 {count:,} 个", "... and {count:,} more"),
    "problems.internal": ("发生意外错误，已记录日志", "an unexpected error occurred; it has been logged"),
    "problems.body_too_large": ("请求体过大：{detail}", "request body too large: {detail}"),
    "problems.parameter": ("{source} 参数：{message}", "{source} parameter: {message}"),
}

"""Sentences of contract documents (SPEC 4, 9–12, 15) and of decoding any JSON or TOML body:
every problem of a document, named by its path. (Chinese, English) `str.format` templates;
see `vendor_ms.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {}

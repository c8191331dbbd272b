"""Messages people read, as a code and its parameters, rendered in the reader's language.

SPEC 10.4: messages are Chinese by default, English when asked (`Accept-Language: en`). A
service or the domain never writes a sentence: it makes `Text("value.negative", value=-3)`
and the place that answers (the API's problem documents, the CLI, a page) renders it with
`Text.render(lang)` in the language it chose. Each feature's sentences live in one catalogue
module beside this one (`problems`, `files`, `performance`, `documents`), as a pair (Chinese, English) of
`str.format` templates with the same parameters.

A parameter may itself be a `Text` (rendered in the same language), or a list of values and
`Text`s (rendered and joined: "、" in Chinese, ", " in English). Plain `str` messages are
still accepted wherever a `Text` is (messages not converted yet); they are shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
CONTENT_LANGUAGE: Mapping[Lang, str] = {"zh": "zh-CN", "en": "en"}


def _catalogue() -> dict[str, tuple[str, str]]:
    from vendor_ms.messages import documents, files, performance, problems

    merged: dict[str, tuple[str, str]] = {}
    for module in (problems, files, performance, documents):
        for code, pair in module.MESSAGES.items():
            if code in merged:  # pragma: no cover - caught by the catalogue test
                raise ValueError(f"message code {code!r} defined twice")
            merged[code] = pair
    return merged


class Text:
    """A translatable message: a catalogue code and the parameters its templates name."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"no message {code!r} in the catalogue")
        self.code = code
        self.params = params

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        template = CATALOGUE[self.code][0 if lang == "zh" else 1]
        return template.format_map({k: _param(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Text({self.code!r}{args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)


Message = str | Text


def render(message: Message, lang: Lang = DEFAULT_LANG) -> str:
    """A message in `lang`: a `Text` rendered, a plain string (not converted yet) as written."""
    return message.render(lang) if isinstance(message, Text) else message


def _param(value: Any, lang: Lang) -> Any:
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(str(_param(item, lang)) for item in value)
    return value.render(lang) if isinstance(value, Text) else value


def negotiate(accept_language: str | None) -> Lang:
    """The answer's language from an Accept-Language header (RFC 9110 12.5.4): the supported
    language the client ranks highest (zh-CN, zh-Hans, zh → zh; en-US, en → en); Chinese when
    the header is absent, names neither, or ranks `*` first."""
    if not accept_language:
        return DEFAULT_LANG
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        primary = tag.split("-")[0]
        for lang in LANGS:
            if primary == lang:
                return lang
        if primary == "*":
            return DEFAULT_LANG
    return DEFAULT_LANG


def quoted(value: object, limit: int = 40) -> str:
    """A value from the input as a message shows it: cut to `limit` characters, in quotes."""
    text = str(value)
    return repr(text[:limit])


CATALOGUE: dict[str, tuple[str, str]] = _catalogue()

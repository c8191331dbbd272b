"""Plain tables for the terminal, aligned for CJK text (which is two columns wide)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import IO, Any


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    right: Sequence[int] = (),
    file: IO[str] | None = None,
) -> None:
    cells = [[str(h) for h in headers], *[["" if v is None else str(v) for v in row] for row in rows]]
    sizes = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(_pad(v, sizes[i], i in right) for i, v in enumerate(row)).rstrip(), file=file)
        if n == 0:
            print("  ".join("-" * s for s in sizes), file=file)

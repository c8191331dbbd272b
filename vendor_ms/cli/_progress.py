"""Progress bars on stderr (stdout stays data), quiet when stderr is not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[int, int], None]]:
    """Yields `update(done, total)`; renders a bar on a terminal, a final line otherwise."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=total)
        last = [0, total or 0]

        def update(done: int, of: int) -> None:
            last[0], last[1] = done, of
            bar.update(task, completed=done, total=of)

        yield update
    if not console.is_terminal and last[1]:
        console.print(f"{description}: {last[0]}/{last[1]}")

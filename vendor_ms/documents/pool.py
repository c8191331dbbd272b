"""Rendering many PDFs on every core: a process pool, one warm WeasyPrint per worker.

WeasyPrint is CPU-bound Python holding the GIL, so threads would not help; processes do. Workers
start with `spawn` (forking a parent that may run threads, an event loop or a database pool is
unsafe) and an initializer that pays the per-process costs once: the rendering guard, the Jinja
environment, the parsed stylesheet and the CJK font. Views travel to workers pickled (msgspec
Structs pickle as they are); PDFs never travel back, only their path, size and SHA-256.

Each file is written to a temporary name in its directory and renamed into place, so a reader
(or a crash) never sees half a PDF.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import msgspec

from vendor_ms.documents.views import DocumentKind


class RenderedFile(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    path: str
    sha256: str
    size: int  # bytes


RenderJob = tuple[DocumentKind, Any, "str | os.PathLike[str]"]
Progress = Callable[[int, int, RenderedFile], None]  # (done, total, the file just written)


def write_pdf(path: Path, pdf: bytes) -> None:
    """Write atomically: a temporary file in the same directory, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(pdf)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def render_to_file(kind: DocumentKind, view: Any, path: str | os.PathLike[str]) -> RenderedFile:
    """Render one document to `path` (in this process)."""
    from vendor_ms.documents.render import render_pdf

    pdf = render_pdf(kind, view)
    target = Path(path)
    write_pdf(target, pdf)
    return RenderedFile(kind=kind, path=str(target), sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))


def _init_worker() -> None:
    from vendor_ms.documents.render import warm_up

    warm_up()


def render_many(
    jobs: Sequence[RenderJob],
    processes: int | None = None,
    progress: Progress | None = None,
    *,
    start_method: str = "spawn",
) -> list[RenderedFile]:
    """Render every (kind, view, output path) job; the results come in the order of `jobs`.

    `processes` defaults to the number of CPUs, and is never more than the jobs; with 1 the
    documents are rendered in this process, without a pool. `progress(done, total, file)` is
    called in this process after each file, in completion order (a CLI progress bar hooks in
    here). The first failure (e.g. `RenderingUnavailable`) cancels what has not started and is
    raised.
    """
    total = len(jobs)
    if total == 0:
        return []
    workers = max(1, min(processes or os.cpu_count() or 1, total))
    results: list[RenderedFile | None] = [None] * total
    if workers == 1:
        for i, (kind, view, path) in enumerate(jobs):
            results[i] = render_to_file(kind, view, path)
            if progress is not None:
                progress(i + 1, total, results[i])  # type: ignore[arg-type]
        return [r for r in results if r is not None]

    from vendor_ms.documents.render import ensure_fast_rendering

    # Fail here, once, with the real message, rather than in every worker.
    ensure_fast_rendering()
    context = multiprocessing.get_context(start_method)
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker) as pool:
        futures: dict[Future[RenderedFile], int] = {
            pool.submit(render_to_file, kind, view, path): i for i, (kind, view, path) in enumerate(jobs)
        }
        pending: set[Future[RenderedFile]] = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                result = future.result()
                results[futures[future]] = result
                done += 1
                if progress is not None:
                    progress(done, total, result)
    return [r for r in results if r is not None]

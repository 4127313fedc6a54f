"""Export a filtered set of any size to a file, page by page: never every row in memory.

A million observations do not fit in a page's memory as records (gigabytes), so a large export
is streamed: ``fetch_pages`` reads the set in pages of ``PAGE_ROWS``, oldest first (rows added
while it runs land after the end instead of shifting the pages), with at most ``AHEAD`` pages
requested ahead of the one being written; ``write_pages`` turns each page into export rows
(``records``, CSV formula-safe) and appends them to a CSV file (gzip-compressed above
``GZIP_ABOVE`` rows) or a Parquet file (one row group per page). ``panel`` draws it on the
Observations page: a format choice, progress with an ETA that includes PostHog's request budget,
Cancel (any click interrupts the run; the partial file is removed), and the download.

Files live in a per-viewer directory under the system temp dir; a new export replaces the
viewer's previous one, and files older than ``FILE_TTL_S`` are swept whenever any export starts.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, cast

import pyarrow.parquet as pq
import streamlit as st

from vision_api import Observation, Scanner, VisionAPIError, VisionClient
from vision_console import connection, request_budget
from vision_console import format as fmt
from vision_console.observations import records
from vision_console.render import show_api_error

Format = Literal["csv", "parquet"]

PAGE_ROWS = 2000
"""Rows per list request (the client's bulk page size: few requests, little server re-sorting)."""

AHEAD = 2
"""Pages requested ahead of the one being written: overlaps latency, bounds memory."""

GZIP_ABOVE = 100_000
"""A CSV of more rows than this is gzip-compressed (a million rows is ~10x smaller)."""

FILE_TTL_S = 3600
EXPORT_ORDER = "created_at"
"""Oldest first: new observations land after the end, so the offsets of the pages stay put."""

_ROOT_NAME = "vision-console-exports"
_SESSION_DIR_KEY = "observations.export_dir"
_DONE_KEY = "observations.export_done"


class Cancelled(Exception):
    """Raised inside an export when ``should_stop`` says so; the partial file is removed."""


@dataclass(frozen=True)
class Progress:
    """How far an export is: rows and pages written, the time so far and the ETA."""

    rows: int
    total: int
    pages: int
    pages_total: int
    elapsed_s: float

    @property
    def eta_s(self) -> float:
        """Seconds left: the measured pace, or PostHog's request budget when slower."""
        return request_budget.eta_seconds(self.pages_total - self.pages, self.pages, self.elapsed_s)


@dataclass(frozen=True)
class Exported:
    """A finished export file: where it is, what to call it, how many rows it holds."""

    path: Path
    file_name: str
    mime: str
    rows: int
    size: int


PageFetcher = Callable[[int, int], Sequence[Observation]]
"""fetch(offset, limit) -> one page of observations, in the export's order."""


def fetch_pages(
    fetch: PageFetcher, total: int, page_rows: int = PAGE_ROWS, ahead: int = AHEAD
) -> Iterator[Sequence[Observation]]:
    """The pages of a set of ``total`` rows, in order, with up to ``ahead`` requested early.

    Stops at ``total`` (rows added meanwhile are not exported) or at a short page (rows
    deleted meanwhile). At most ``ahead + 1`` pages are held at once.
    """
    offsets = list(range(0, total, page_rows))
    if not offsets:
        return
    with ThreadPoolExecutor(max_workers=max(1, ahead), thread_name_prefix="export") as pool:
        pending: list[Future[Sequence[Observation]]] = []
        position = 0
        try:
            for index, offset in enumerate(offsets):
                while position < len(offsets) and position <= index + ahead:
                    at = offsets[position]
                    pending.append(pool.submit(fetch, at, min(page_rows, total - at)))
                    position += 1
                page = pending.pop(0).result()
                yield page
                if len(page) < min(page_rows, total - offset):
                    return
        finally:
            for future in pending:
                future.cancel()


class _Writer:
    """Appends export pages to one file, CSV or Parquet."""

    def __init__(self, path: Path, kind: str, form: Format, gzip_csv: bool) -> None:
        self.path, self.kind, self.form = path, kind, form
        self.columns = records.export_columns(kind)
        self._parquet: pq.ParquetWriter | None = None
        self._text: IO[str] | None = None
        if form == "csv":
            raw: io.BufferedIOBase = (
                gzip.GzipFile(path, "wb", compresslevel=5) if gzip_csv else path.open("wb")
            )
            self._text = io.TextIOWrapper(cast("IO[bytes]", raw), encoding="utf-8-sig", newline="")
        self._header = True

    def write(self, page: Sequence[Observation], link: records.RecordingLink | None) -> None:
        frame = records.observation_records(page, link)
        if self.form == "csv":
            assert self._text is not None
            self._text.write(records.csv_text(frame, self.kind, header=self._header))
            self._header = False
            return
        table = records.parquet_table(frame, self.kind)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._text is not None:
            if self._header:  # an empty set still gets its header
                self._text.write(records.csv_text(records.observation_records([]), self.kind))
            self._text.close()
        if self.form == "parquet":
            if self._parquet is None:
                empty = records.parquet_table(records.observation_records([]), self.kind)
                self._parquet = pq.ParquetWriter(self.path, empty.schema, compression="zstd")
                self._parquet.write_table(empty)
            self._parquet.close()


def write_pages(
    pages: Iterable[Sequence[Observation]],
    path: Path,
    scanner_type: str,
    form: Format,
    *,
    total: int,
    recording_link: records.RecordingLink | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    page_rows: int = PAGE_ROWS,
) -> int:
    """Write every page to ``path``; the number of rows written.

    On any error, a cancel (``should_stop`` returning True raises ``Cancelled``) or an
    interrupted script run, the partial file is removed.
    """
    gzip_csv = form == "csv" and total > GZIP_ABOVE
    writer = _Writer(path, scanner_type, form, gzip_csv)
    started = time.monotonic()
    pages_total = max(1, -(-total // page_rows))
    rows = done_pages = 0
    try:
        for page in pages:
            if should_stop is not None and should_stop():
                raise Cancelled()
            writer.write(page, recording_link)
            rows += len(page)
            done_pages += 1
            if on_progress is not None:
                on_progress(
                    Progress(rows, total, done_pages, pages_total, time.monotonic() - started)
                )
        writer.close()
    except BaseException:
        writer.close()
        path.unlink(missing_ok=True)
        raise
    return rows


def file_name_for(scanner_name: str, form: Format, rows: int, now: datetime) -> tuple[str, str]:
    """The download's name and MIME type (``.csv.gz`` when the CSV is compressed)."""
    if form == "parquet":
        return records.export_file_name(scanner_name, "parquet", now), (
            "application/vnd.apache.parquet"
        )
    if rows > GZIP_ABOVE:
        return records.export_file_name(scanner_name, "csv.gz", now), "application/gzip"
    return records.export_file_name(scanner_name, "csv", now), "text/csv"


# -- files: one directory per viewer, swept when stale -----------------------------------------


def exports_root() -> Path:
    root = Path(tempfile.gettempdir()) / _ROOT_NAME
    root.mkdir(mode=0o700, exist_ok=True)
    return root


def sweep(root: Path, now: float, ttl_s: float = FILE_TTL_S) -> int:
    """Remove viewer directories untouched for ``ttl_s``; how many were removed."""
    removed = 0
    for entry in root.iterdir():
        try:
            if now - entry.stat().st_mtime > ttl_s:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def viewer_dir() -> Path:
    """This viewer's export directory (emptied of any earlier export)."""
    root = exports_root()
    sweep(root, time.time())
    name = st.session_state.get(_SESSION_DIR_KEY)
    if not isinstance(name, str):
        name = uuid.uuid4().hex
        st.session_state[_SESSION_DIR_KEY] = name
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    return folder


def discard() -> None:
    """Remove this viewer's export file (after the download, or to start again)."""
    held = st.session_state.pop(_DONE_KEY, None)
    if isinstance(held, tuple) and isinstance(held[1], Exported):
        shutil.rmtree(held[1].path.parent, ignore_errors=True)


# -- the panel -----------------------------------------------------------------------------------


def export_set(
    client: VisionClient,
    scanner: Scanner,
    filters: dict[str, Any],
    total: int,
    form: Format,
    folder: Path,
    on_progress: Callable[[Progress], None] | None = None,
    recording_link: records.RecordingLink | None = None,
) -> Exported:
    """Fetch the filtered set page by page and write it to a file in ``folder``."""
    now = datetime.now(UTC)
    file_name, mime = file_name_for(scanner.name, form, total, now)
    path = folder / file_name
    with connection.per_thread(client) as own_client:

        def fetch(offset: int, limit: int) -> Sequence[Observation]:
            return (
                own_client()
                .observations.list(
                    scanner.id, order_by=EXPORT_ORDER, limit=limit, offset=offset, **filters
                )
                .items
            )

        rows = write_pages(
            fetch_pages(fetch, total),
            path,
            scanner.scanner_type,
            form,
            total=total,
            recording_link=recording_link,
            on_progress=on_progress,
        )
    return Exported(path, file_name, mime, rows, path.stat().st_size)


def panel(scanner: Scanner, filters: dict[str, Any], filter_key: object, total: int) -> None:
    """Export the whole filtered set to CSV or Parquet, streamed to a file, then download it."""
    pages = max(1, -(-total // PAGE_ROWS))
    st.caption(
        f"Export all {fmt.count(total, 'observation')} of this set, oldest first, in "
        f"{fmt.count(pages, 'request')} of {fmt.count(PAGE_ROWS)} rows written straight to a "
        f"file (at least {fmt.duration(request_budget.budget_seconds(pages))} within PostHog's "
        "request limits). Any click on the page cancels a running export."
    )
    key = (scanner.id, filter_key, total)
    held = st.session_state.get(_DONE_KEY)
    if isinstance(held, tuple) and held[0] == key and held[1].path.exists():
        _download(held[1])
        return
    choice, start = st.columns([2, 1], vertical_alignment="bottom")
    form: Format = (
        choice.segmented_control(
            "Format",
            ["parquet", "csv"],
            format_func=lambda name: "Parquet" if name == "parquet" else "CSV",
            default="parquet",
            key="observations.export_format",
        )
        or "parquet"
    )
    if not start.button(
        f"Export {fmt.count(total)} observations",
        icon=":material/file_export:",
        key="observations.export_start",
        width="stretch",
    ):
        return
    discard()
    st.button("Cancel", key="observations.export_cancel", icon=":material/cancel:")
    bar = st.progress(0.0, text="Starting the export…")

    def progress(step: Progress) -> None:
        bar.progress(
            min(step.rows / max(step.total, 1), 1.0),
            text=f"Exported {fmt.count(step.rows)} of {fmt.count(step.total)} observations, "
            f"about {fmt.duration(step.eta_s)} left",
        )

    try:
        done = export_set(
            connection.client(),
            scanner,
            filters,
            total,
            form,
            viewer_dir(),
            progress,
            connection.current().recording_url,
        )
    except VisionAPIError as error:
        show_api_error(error, "export this set")
        return
    finally:
        bar.empty()
    st.session_state[_DONE_KEY] = (key, done)
    _download(done)


def _download(done: Exported) -> None:
    st.success(
        f"{fmt.count(done.rows, 'observation')} exported ({_size(done.size)}).",
        icon=":material/task_alt:",
    )
    path = done.path
    left, right = st.columns(2)
    left.download_button(
        f"Download {done.file_name}",
        data=lambda: path.read_bytes(),
        file_name=done.file_name,
        mime=done.mime,
        key="observations.export_download",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
    right.button(
        "Discard the file",
        key="observations.export_discard",
        icon=":material/delete:",
        on_click=discard,
        width="stretch",
    )


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MiB"
    return f"{max(1, round(size / 1024)):,} KiB"

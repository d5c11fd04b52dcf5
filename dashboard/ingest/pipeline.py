"""Ingest: sources -> articles -> analysis -> the store, in batches; and rescore.

Analysis happens outside any database connection (optionally in a pool of worker processes); the
write connection is held only to replace one batch in one transaction, so a dashboard in another
process can read between batches.
"""

from __future__ import annotations

import gzip
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from dashboard.analysis import analyze, analyzer_version
from dashboard.store.db import REPO_ROOT, Store
from dashboard.store.writer import (
    ArticleRecord,
    ArticleRows,
    analyse_record,
    identify,
    refresh_actors,
    stored_hashes,
    write_rows,
)

from .fetch import fetch
from .readers import Columns, Item, Source, iter_sources
from .types import IngestReport, RawArticle, Rejection

__all__ = ["IngestReport", "Rejection", "ensure_default_data", "ingest", "ingest_items", "rescore"]

# Articles per write transaction: big enough that Arrow inserts and the per-batch connect and
# checkpoint amortise, small enough that a dashboard waiting for the lock waits about a second at
# most (30k synthetic articles, 2 workers: lock held 0.8 s median per batch of 2000, 0.5 s per 1000;
# 2000 ingested ~10% faster).
BATCH_SIZE = 2000
# Fetched articles arrive slowly: smaller batches show progress and store what arrived sooner.
NETWORK_BATCH_SIZE = 50
# Articles per task sent to a worker: fewer, larger tasks cut the pool's per-task overhead
# (6000 synthetic articles through a 2-worker pool: chunks of 100 ran ~13% faster than 16);
# a batch still makes at least _CHUNKS_PER_BATCH tasks so both workers share a small one.
MAX_CHUNK = 100
_CHUNKS_PER_BATCH = 8
DEFAULT_SOURCES = (REPO_ROOT / "seeds", REPO_ROOT / "data" / "samples")

Progress = Callable[[int, int], None]
Work = tuple[str, ArticleRecord]  # (where, record)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def to_record(item: RawArticle, ingested: datetime) -> ArticleRecord:
    article, content = identify(item.url, item.title, item.text)
    return ArticleRecord(
        id=article,
        content_hash=content,
        title=item.title,
        text=item.text,
        url=item.url,
        source=item.source,
        language=item.language,
        published=item.published,
        ingested=ingested,
    )


def _analyse(work: Work) -> ArticleRows | Rejection:
    where, record = work
    try:
        return analyse_record(record)
    except Exception as error:  # one article the analyser chokes on must not stop the ingest
        return Rejection(where, f"analysis failed: {type(error).__name__}: {error}")


class _Job:
    """Analysis of one batch, running in the pool or (one worker) on demand.

    ``replacing``: ids of the batch that may already be stored (None: any of them).
    """

    def __init__(self, pool, work: list[Work], replacing: set[str] | None = None):
        self._work = work
        self.replacing = replacing
        chunk = max(1, min(MAX_CHUNK, len(work) // _CHUNKS_PER_BATCH))
        self._async = pool.map_async(_analyse, work, chunksize=chunk) if pool and work else None

    def get(self) -> list[ArticleRows | Rejection]:
        if self._async is not None:
            return self._async.get()
        return [_analyse(w) for w in self._work]


@contextmanager
def _pool(workers: int):
    if workers <= 1:
        yield None
        return
    analyze("warm up the caches before forking", language="en")  # children inherit them
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield pool


class _Writer:
    """Writes analysed batches, refreshing the actors table on its first write."""

    def __init__(self, store: Store, report: IngestReport):
        self.store = store
        self.report = report
        self.actors_fresh = False

    def write(self, job: _Job | None) -> None:
        if job is None:
            return
        rows: list[ArticleRows] = []
        for result in job.get():
            if isinstance(result, Rejection):
                self.report.rejected.append(result)
            else:
                rows.append(result)
        if not rows and self.actors_fresh:
            return  # nothing to write: leave the file unlocked
        with self.store.write() as con:
            if not self.actors_fresh:
                refresh_actors(con)
                self.actors_fresh = True
            write_rows(con, rows, job.replacing)
        self.report.stored += len(rows)


def _select_new(
    store: Store,
    records: Sequence[tuple[str, ArticleRecord]],
    report: IngestReport,
    unwritten: dict[str, str],
) -> tuple[list[Work], set[str]]:
    """Drop unchanged articles (counted as duplicates); the rest, and the ids they replace.

    ``unwritten`` maps id -> content hash for the batch still being analysed: it is compared
    with as if it were already stored.
    """
    latest: dict[str, Work] = {}
    for where, record in records:
        earlier = latest.get(record.id)
        if earlier is not None and earlier[1].content_hash == record.content_hash:
            report.duplicates += 1
            continue
        if earlier is not None:
            report.duplicates += 1  # superseded within the same batch by a newer version
        latest[record.id] = (where, record)
    if not latest:
        return [], set()
    with store.read() as con:
        stored = stored_hashes(con, latest)
    stored.update((i, unwritten[i]) for i in latest.keys() & unwritten.keys())
    work, replacing = [], set()
    for article, (where, record) in latest.items():
        old = stored.get(article)
        if old == record.content_hash:
            report.duplicates += 1
            continue
        if old is not None:
            report.replaced += 1
            replacing.add(article)
        work.append((where, record))
    return work, replacing


def ingest_items(
    store: Store,
    items: Iterable[Item],
    *,
    total: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Store every article of ``items`` (rejections are reported); see :func:`ingest`."""
    store.ensure_schema()  # tables added since the file was created exist before the first lookup
    report = IngestReport()
    writer = _Writer(store, report)
    ingested = _now()
    pending: _Job | None = None
    unwritten: dict[str, str] = {}
    with _pool(workers) as pool:
        for chunk in _batched(items, batch_size):
            records = []
            for item in chunk:
                report.read += 1
                if isinstance(item, Rejection):
                    report.rejected.append(item)
                else:
                    records.append((item.where, to_record(item, ingested)))
            work, replacing = _select_new(store, records, report, unwritten)
            job = _Job(pool, work, replacing)  # analysed while the previous batch is written
            writer.write(pending)
            pending, unwritten = job, {r.id: r.content_hash for _, r in work}
            if progress:
                progress(report.read, max(total, report.read))
        writer.write(pending)
    if progress:
        progress(report.read, report.read)
    return report


def ingest(
    store: Store,
    sources: Iterable[Source],
    *,
    columns: Columns | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    batch_size: int | None = None,
    fetcher: Callable = fetch,
) -> IngestReport:
    """Read, analyse and store articles from paths (files, directories, ``.gz``), http(s) URLs
    (feeds or article pages) and ``(name, bytes)`` uploads.

    Idempotent: an unchanged article is a duplicate; a changed one replaces its old rows.
    ``progress(done, total)`` is called after each batch (``total`` is an estimate until the end).
    """
    if isinstance(sources, str | os.PathLike):
        sources = [sources]  # one path or URL, not its characters
    sources = list(sources)
    if batch_size is None:
        remote = any(isinstance(s, str) and "://" in s for s in sources)
        batch_size = NETWORK_BATCH_SIZE if remote else BATCH_SIZE
    total = sum(estimate_items(source) for source in sources) if progress else 0
    return ingest_items(
        store,
        iter_sources(sources, columns, fetcher),
        total=total,
        progress=progress,
        workers=workers,
        batch_size=batch_size,
    )


def estimate_items(source: Source) -> int:
    """Roughly how many items a source holds (lines of a table file, else 1 per file/URL)."""
    if isinstance(source, tuple):
        return _estimate_bytes(source[0], source[1])
    if isinstance(source, str) and "://" in source:
        return 1
    path = Path(source)
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    count = 0
    for file in files:
        name = file.name.lower().removesuffix(".gz")
        if name.endswith((".jsonl", ".ndjson", ".csv", ".tsv")):
            try:
                count += _count_lines(file)
            except OSError:
                count += 1
        else:
            count += 1
    return count


def _count_lines(path: Path) -> int:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    lines = 0
    with opener(path, "rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines, 1)


def _estimate_bytes(name: str, data: bytes) -> int:
    if name.lower().endswith((".jsonl", ".ndjson", ".csv", ".tsv")):
        return max(data.count(b"\n"), 1)
    return 1


def rescore(
    store: Store,
    *,
    everything: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Re-analyse stored articles whose analyzer version is not the current one (or all)."""
    version = analyzer_version()
    store.ensure_schema()
    with store.read() as con:
        (total,) = con.execute(
            "SELECT count(*) FROM articles WHERE ? OR analyzer_version <> ?", [everything, version]
        ).fetchone()
    report = IngestReport()
    writer = _Writer(store, report)
    writer.write(_Job(None, []))  # refresh the actors table even when nothing is stale
    last_id = ""
    with _pool(workers) as pool:
        while True:
            with store.read() as con:
                rows = con.execute(
                    "SELECT a.id, a.content_hash, a.title, a.text, a.url, a.source, i.language, "
                    "a.published, a.ingested FROM articles a "
                    "LEFT JOIN article_inputs i ON i.article_id = a.id "
                    "WHERE a.id > ? AND (? OR a.analyzer_version <> ?) ORDER BY a.id LIMIT ?",
                    [last_id, everything, version, batch_size],
                ).fetchall()
            if not rows:
                break
            last_id = rows[-1][0]
            work = [(f"article {row[0]}", ArticleRecord(*row)) for row in rows]
            report.read += len(work)
            writer.write(_Job(pool, work))
            report.replaced = report.stored
            if progress:
                progress(report.read, max(total, report.read))
    return report


def ensure_default_data(store: Store) -> IngestReport | None:
    """Ingest ``seeds/`` and ``data/samples/`` when the store has no articles yet."""
    with store.read() as con:
        (count,) = con.execute("SELECT count(*) FROM articles").fetchone()
    if count:
        return None
    return ingest(store, [path for path in DEFAULT_SOURCES if path.exists()])

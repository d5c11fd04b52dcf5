"""``python -m dashboard`` / ``tension``: ingest, feeds, gdelt, rescore, export and score.

Exit codes: 0 all good, 1 some input was rejected (the rest was processed), 2 nothing could be
done (bad arguments, unreadable file, database locked).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from tqdm import tqdm

from dashboard.analysis import analyze
from dashboard.store.db import Store, StoreLockedError
from dashboard.store.schema import SchemaVersionError
from dashboard.store.writer import article_id

from .ingest.dates import parse_date
from .ingest.feeds import read_feed_list
from .ingest.gdelt import GDELT_DOC_API, GDELT_MIN_INTERVAL_S, GdeltClient, gdelt_items
from .ingest.pipeline import (
    BATCH_SIZE,
    NETWORK_BATCH_SIZE,
    IngestReport,
    ingest,
    ingest_items,
    rescore,
)
from .ingest.readers import open_binary, read_jsonl
from .ingest.types import FIELDS, RawArticle, Rejection

EXIT_OK, EXIT_REJECTED, EXIT_FAILED = 0, 1, 2
# Two cores on the reference machine; more workers than cores only adds overhead.
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class UsageError(Exception):
    """A problem with the command line or its files; reported without a traceback."""


def parse_when(value: str, *, now: datetime | None = None) -> datetime:
    """A date (``2024-01-31``), ISO timestamp or span back from now (``24h``, ``7d``, ``2w``)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if m := _RELATIVE.match(value.strip().lower()):
        return now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    parsed = parse_date(value)
    if parsed is None:
        raise UsageError(f"not a date or span (e.g. 2024-01-31, 7d, 24h): {value!r}")
    return parsed


def parse_columns(pairs: Sequence[str] | None) -> dict[str, str] | None:
    """``["text=body", "title=headline"]`` -> ``{"text": "body", "title": "headline"}``."""
    if not pairs:
        return None
    columns = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or field.strip() not in FIELDS or not column.strip():
            raise UsageError(f"--column wants FIELD=NAME with FIELD one of {', '.join(FIELDS)}")
        columns[field.strip()] = column.strip()
    return columns


@contextmanager
def _progress_bar(description: str, quiet: bool) -> Iterator:
    bar = tqdm(desc=description, unit=" articles", file=sys.stderr, disable=quiet, mininterval=0.5)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def _finish(report: IngestReport) -> int:
    print(report.summary())
    return EXIT_REJECTED if report.rejected else EXIT_OK


def cmd_ingest(args: argparse.Namespace, store: Store) -> int:
    with _progress_bar("ingest", args.quiet) as progress:
        report = ingest(
            store,
            args.sources,
            columns=parse_columns(args.column),
            progress=progress,
            workers=args.workers,
            batch_size=args.batch_size,
        )
    return _finish(report)


def cmd_feeds(args: argparse.Namespace, store: Store) -> int:
    try:
        urls = read_feed_list(Path(args.file))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{args.file}: cannot read the feed list ({error})") from error
    if not urls:
        raise UsageError(f"{args.file}: no feed URLs in it")
    with _progress_bar("feeds", args.quiet) as progress:
        report = ingest(store, urls, progress=progress, workers=args.workers)
    return _finish(report)


def cmd_gdelt(args: argparse.Namespace, store: Store) -> int:
    since = parse_when(args.since)
    until = parse_when(args.until) if args.until else datetime.now(UTC).replace(tzinfo=None)
    if since >= until:
        raise UsageError(f"--since ({since:%Y-%m-%d %H:%M}) must be before --until")
    client = GdeltClient(args.base_url, interval=args.interval)
    items = gdelt_items(args.query, since, until, client=client, limit=args.limit)
    with _progress_bar("gdelt", args.quiet) as progress:
        report = ingest_items(
            store, items, progress=progress, workers=args.workers, batch_size=NETWORK_BATCH_SIZE
        )
    return _finish(report)


def cmd_rescore(args: argparse.Namespace, store: Store) -> int:
    with _progress_bar("rescore", args.quiet) as progress:
        report = rescore(store, everything=args.all, progress=progress, workers=args.workers)
    return _finish(report)


_EXPORT_COLUMNS = (
    "a.id, a.title, a.url, a.source, a.language, a.scored, a.published, a.ingested, a.day, "
    "a.tone, a.positive, a.negative, a.polarity, a.word_count, a.threat_intensity, "
    "a.threat_hits, a.analyzer_version"
)


def _resolve_actors(store: Store, names: Sequence[str]) -> list[str]:
    """Actor ids for ids, canonical names or aliases (any case)."""
    ids = []
    with store.read() as con:
        for name in names:
            found = con.execute(
                "SELECT id FROM actors WHERE lower(id) = lower($1) OR lower(name) = lower($1) "
                "OR list_contains(list_transform(aliases, lambda x: lower(x)), lower($1))",
                [name],
            ).fetchall()
            if not found:
                raise UsageError(f"--actor {name!r}: no such actor id, name or alias")
            ids += [row[0] for row in found]
    return ids


def export_query(args: argparse.Namespace, store: Store) -> tuple[str, list]:
    conditions, params = ["true"], []
    if args.actor:
        conditions.append(
            "EXISTS (SELECT 1 FROM article_actors f WHERE f.article_id = a.id "
            "AND (list_contains(?::VARCHAR[], f.actor_id) OR list_contains(?::VARCHAR[], "
            "f.rollup_id)))"
        )
        ids = _resolve_actors(store, args.actor)
        params += [ids, ids]
    if args.since:
        conditions.append("a.day >= ?::DATE")
        params.append(parse_when(args.since).date())
    if args.until:
        conditions.append("a.day <= ?::DATE")
        params.append(parse_when(args.until).date())
    if args.language:
        conditions.append("a.language = ?")
        params.append(args.language.lower())
    if args.min_threat is not None:
        conditions.append("a.threat_intensity >= ?")
        params.append(args.min_threat)
    actors = "(SELECT list(aa.actor_id ORDER BY aa.mentions DESC, aa.actor_id) FROM article_actors aa WHERE aa.article_id = a.id)"  # noqa: E501
    if args.format == "csv":
        actors = f"array_to_string({actors}, ';')"
    text = "" if args.no_text else ", a.text"
    # every value is a parameter; the SQL text is assembled from the fixed pieces above
    sql = (
        f"SELECT {_EXPORT_COLUMNS}, {actors} AS actors{text} FROM articles a "  # noqa: S608
        f"WHERE {' AND '.join(conditions)} ORDER BY a.day, a.id"
    )
    return sql, params


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    sql, params = export_query(args, store)
    out = Path(args.output)
    rows = 0
    with store.read() as con:
        reader = con.sql(sql, params=params).to_arrow_reader(BATCH_SIZE)
        if args.format == "parquet":
            writer = pq.ParquetWriter(out, reader.schema)
        else:
            writer = pa_csv.CSVWriter(out, reader.schema)
        with writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    print(f"exported {rows} articles to {out}")
    return EXIT_OK


def score_line(item: RawArticle | Rejection) -> tuple[str, bool]:
    """One JSON line: the analysis of an input line, or why it could not be scored; and
    whether it was scored."""
    line = int(item.where.rsplit(":", 1)[1])
    if isinstance(item, Rejection):
        return json.dumps({"line": line, "error": item.reason}, ensure_ascii=False), False
    try:
        analysis = analyze(item.text, title=item.title, language=item.language)
    except Exception as error:  # one article the analyser chokes on must not stop the rest
        reason = f"analysis failed: {type(error).__name__}: {error}"
        return json.dumps({"line": line, "error": reason}, ensure_ascii=False), False
    result = {
        "line": line,
        "id": article_id(item.url, item.title, item.text),
        "title": item.title,
        "url": item.url,
        "published": item.published.isoformat() if item.published else None,
        **analysis.to_dict(),
    }
    return json.dumps(result, ensure_ascii=False), True


def cmd_score(args: argparse.Namespace, store: Store) -> int:
    """Analyse each line of a JSONL file into OUT; the store is not touched."""
    source = Path(args.file)
    columns = parse_columns(args.column)
    try:
        stream = open_binary(source)  # .jsonl or .jsonl.gz
    except OSError as error:
        raise UsageError(f"{source}: cannot open ({error.strerror or error})") from error
    try:
        out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        stream.close()
        raise UsageError(f"{args.output}: cannot write ({error.strerror or error})") from error
    scored = rejected = 0
    pool = None
    if args.workers > 1:
        analyze("warm up the caches before forking", language="en")  # workers inherit them
        pool = multiprocessing.get_context("fork").Pool(args.workers)
    try:
        with stream, _progress_bar("score", args.quiet) as progress:
            items = read_jsonl(stream, str(source), columns)
            while chunk := list(islice(items, BATCH_SIZE)):
                lines = (
                    pool.map(score_line, chunk, chunksize=16) if pool else map(score_line, chunk)
                )
                for item, (line, ok) in zip(chunk, lines, strict=True):
                    out.write(line + "\n")
                    if ok:
                        scored += 1
                    else:
                        rejected += 1
                        print(
                            f"rejected {item.where}: {json.loads(line)['error']}", file=sys.stderr
                        )
                progress(scored + rejected, scored + rejected)
    finally:
        if pool:
            pool.close()
            pool.join()
        if out is not sys.stdout:
            out.close()
    print(f"scored {scored}, rejected {rejected}", file=sys.stderr)
    return EXIT_REJECTED if rejected else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="DuckDB file (default: $TENSION_DB, else data/tension.duckdb)",
    )
    common.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress bar"
    )
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Ingest, score and export news articles for the tension dashboard.",
        epilog=__doc__.split("\n\n", 1)[1],
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def workers(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help=f"analysis processes (default {DEFAULT_WORKERS})",
        )

    column_help = f"map a field to a column, FIELD=NAME (fields: {', '.join(FIELDS)})"

    p = sub.add_parser("ingest", parents=[common], help="ingest files, directories, .gz, URLs")
    p.add_argument("sources", nargs="+", metavar="PATH|URL")
    p.add_argument("--column", action="append", metavar="FIELD=NAME", help=column_help)
    p.add_argument("--batch-size", type=int, help=f"articles per write (default {BATCH_SIZE})")
    workers(p)
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("feeds", parents=[common], help="ingest the RSS/Atom feeds listed in FILE")
    p.add_argument("file", metavar="FILE", help="one feed URL per line, or an OPML file")
    workers(p)
    p.set_defaults(run=cmd_feeds)

    p = sub.add_parser("gdelt", parents=[common], help="ingest what GDELT lists for a query")
    p.add_argument("query", help="GDELT DOC query, e.g. '\"North Korea\" sourcelang:ind'")
    p.add_argument("--since", required=True, help="start: date/time or span back (7d, 24h)")
    p.add_argument("--until", help="end (default now)")
    p.add_argument("--limit", type=int, help="fetch at most this many articles")
    p.add_argument("--base-url", default=GDELT_DOC_API, help="DOC API endpoint (default GDELT's)")
    p.add_argument(
        "--interval",
        type=float,
        default=GDELT_MIN_INTERVAL_S,
        help=f"seconds between API requests (default {GDELT_MIN_INTERVAL_S:g}, GDELT's limit)",
    )
    workers(p)
    p.set_defaults(run=cmd_gdelt)

    p = sub.add_parser("rescore", parents=[common], help="re-analyse stored articles")
    p.add_argument("--all", action="store_true", help="every article, not only stale ones")
    workers(p)
    p.set_defaults(run=cmd_rescore)

    p = sub.add_parser("export", parents=[common], help="write stored articles to CSV/Parquet")
    p.add_argument("--format", choices=("csv", "parquet"), required=True)
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--actor", action="append", help="id, name or alias (repeatable)")
    p.add_argument("--since", help="first day (date or span back, e.g. 30d)")
    p.add_argument("--until", help="last day")
    p.add_argument("--language", help="ISO 639-1 code")
    p.add_argument("--min-threat", type=float, help="minimum threat intensity (0-100)")
    p.add_argument("--no-text", action="store_true", help="leave the article text out")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("score", parents=[common], help="score a JSONL file without storing")
    p.add_argument("file", metavar="FILE.jsonl")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="'-' for stdout")
    p.add_argument("--column", action="append", metavar="FIELD=NAME", help=column_help)
    workers(p)
    p.set_defaults(run=cmd_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.quiet = getattr(args, "quiet", False)
    store = Store(getattr(args, "db", None))
    try:
        return args.run(args, store)
    except (UsageError, StoreLockedError, SchemaVersionError) as error:
        print(f"python -m dashboard {args.command}: {error}", file=sys.stderr)
    return EXIT_FAILED

"""The command line: exit codes, summaries, export, score, rescore, and a reader in another
process while the CLI ingests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.analysis import compose_text
from dashboard.cli import main, parse_when
from dashboard.store.db import Store

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TREE = FIXTURES / "tree"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "cli.duckdb"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args, "-q"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("sources", "code", "summary"),
    [
        ([TREE], 0, "read 4, stored 4 (0 replaced), duplicates 0, rejected 0"),
        ([TREE, FIXTURES / "binary.dat"], 1, "read 5, stored 4 (0 replaced), duplicates 0, "),
        ([FIXTURES / "empty.txt"], 1, "read 1, stored 0 (0 replaced), duplicates 0, rejected 1"),
    ],
)
def test_ingest_exit_code_says_whether_anything_was_rejected(capsys, db, sources, code, summary):
    result, out, _ = run(capsys, "--db", str(db), "ingest", *map(str, sources), "--workers", "1")
    assert result == code
    assert out.startswith(summary)
    assert out.count("\n  rejected ") == (code == 1)


def test_second_ingest_reports_duplicates_and_db_flag_goes_anywhere(capsys, db):
    run(capsys, "ingest", str(TREE), "--db", str(db), "--workers", "1")
    code, out, _ = run(capsys, "--db", str(db), "ingest", str(TREE), "--workers", "1")
    assert code == 0
    assert "stored 0 (0 replaced), duplicates 4" in out


def test_columns_flag(capsys, db):
    args = ["--db", str(db), "ingest", str(FIXTURES / "headlines.csv"), "--workers", "1"]
    assert run(capsys, *args, "--column", "title=body", "--column", "text=headline")[0] == 0
    with Store(db).read() as con:
        assert con.execute("SELECT text FROM articles").fetchall() == [
            ("Turkey mediates grain talks",)
        ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "x.csv", "--column", "body"], "--column wants FIELD=NAME"),
        (["ingest", "x.csv", "--column", "colour=red"], "--column wants FIELD=NAME"),
        (["export", "--format", "csv", "-o", "o.csv", "--actor", "Narnia"], "no such actor"),
        (["export", "--format", "csv", "-o", "o.csv", "--since", "someday"], "not a date"),
        (["score", "missing.jsonl", "-o", "out.jsonl"], "missing.jsonl: cannot open"),
        (["score", str(FIXTURES / "articles.jsonl"), "-o", "no/dir/o.jsonl"], "cannot write"),
        (["feeds", "missing.txt"], "missing.txt: cannot read the feed list"),
        (["gdelt", "q", "--since", "1d", "--until", "2d"], "must be before --until"),
    ],
)
def test_usage_errors_exit_2_with_a_message(capsys, db, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "--db", str(db), *args)
    assert code == 2
    assert message in err


@pytest.fixture
def filled(capsys, db) -> Path:
    sources = [TREE, FIXTURES / "articles.csv", FIXTURES / "articles.jsonl", REPO / "seeds"]
    run(capsys, "--db", str(db), "ingest", *map(str, sources), "--workers", "1")
    return db


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([], None),  # everything
        (["--actor", "Korea Utara"], "north_korea"),  # alias, any case; people roll up
        (["--actor", "kim_jong_un"], "kim_jong_un"),
        (["--language", "id"], None),
        (["--since", "2024-05-01", "--until", "2024-06-30"], None),
        (["--min-threat", "1"], None),
    ],
)
def test_export_applies_the_filters(capsys, filled, tmp_path, fmt, filters, expected):
    out = tmp_path / f"out.{fmt}"
    code, printed, _ = run(
        capsys, "--db", str(filled), "export", "--format", fmt, "-o", str(out), *filters
    )
    assert code == 0
    reader = duckdb.read_csv if fmt == "csv" else duckdb.read_parquet
    exported = reader(str(out)).df()
    assert f"exported {len(exported)} articles" in printed
    with Store(filled).read() as con:
        stored = con.execute("SELECT * FROM articles").df().set_index("id")
        involved = con.execute("SELECT article_id, actor_id, rollup_id FROM article_actors").df()
    assert len(exported) >= 1
    assert set(exported["id"]) <= set(stored.index)
    if expected:
        ids = involved[(involved.actor_id == expected) | (involved.rollup_id == expected)]
        assert set(exported["id"]) == set(ids.article_id)
    elif "--language" in filters:
        assert set(exported["language"]) == {"id"}
        assert len(exported) == (stored.language == "id").sum()
    elif "--since" in filters:
        days = pd.to_datetime(exported["day"]).dt.date
        assert days.between(date(2024, 5, 1), date(2024, 6, 30)).all()
        assert len(exported) == 4
    elif "--min-threat" in filters:
        assert (exported["threat_intensity"] >= 1).all()
        assert len(exported) == (stored.threat_intensity >= 1).sum()
    else:
        assert len(exported) == len(stored)
        assert "text" in exported.columns


def test_export_lists_each_articles_actors(capsys, filled, tmp_path):
    out = tmp_path / "o.parquet"
    run(capsys, "--db", str(filled), "export", "--format", "parquet", "-o", str(out), "--no-text")
    exported = pd.read_parquet(out).set_index("title")
    assert "text" not in exported.columns
    assert {"china", "russia", "japan"} <= set(
        exported.loc["China and Russia hold joint naval drills", "actors"]
    )


def test_score_writes_one_object_per_line_without_storing(capsys, db, tmp_path):
    out = tmp_path / "scored.jsonl"
    source = FIXTURES / "articles.jsonl"
    code, _, err = run(capsys, "--db", str(db), "score", str(source), "-o", str(out))
    assert code == 1  # the fixture has bad lines
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    inputs = [line for line in source.read_bytes().splitlines() if line.strip()]
    assert len(lines) == len(inputs)
    assert [r["line"] for r in lines] == [1, 2, 4, 5, 6, 7, 8]
    assert [("error" in r) for r in lines] == [False, True, True, True, True, False, True]
    assert "rejected" in err and "articles.jsonl:2" in err
    beijing = lines[0]
    assert beijing["language"] == "en"
    assert {"tone", "threat", "actors", "mentions"} <= set(beijing)
    assert "china" in {a["actor_id"] for a in beijing["actors"]}
    text = compose_text(json.loads(inputs[0])["text"], beijing["title"])
    for mention in beijing["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
    assert not db.exists()  # nothing stored


def test_score_with_two_workers_matches_one(capsys, tmp_path):
    source = FIXTURES / "articles.jsonl"
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        run(capsys, "score", str(source), "-o", str(out), "--workers", workers)
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]


def test_rescore_command(capsys, filled):
    with Store(filled).write() as con:
        con.execute("UPDATE articles SET analyzer_version = 'stale' WHERE language = 'id'")
        (stale,) = con.execute("SELECT count(*) FROM articles WHERE language = 'id'").fetchone()
    code, out, _ = run(capsys, "--db", str(filled), "rescore", "--workers", "1")
    assert code == 0
    assert out.startswith(f"read {stale}, stored {stale} ({stale} replaced)")
    code, out, _ = run(capsys, "--db", str(filled), "rescore", "--workers", "1")
    assert out.startswith("read 0, stored 0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-31", "2024-01-31 00:00"),
        ("7d", "2024-06-08 12:00"),
        ("24h", "2024-06-14 12:00"),
        ("2w", "2024-06-01 12:00"),
        ("30m", "2024-06-15 11:30"),
    ],
)
def test_parse_when(value, expected):
    now = datetime(2024, 6, 15, 12, 0)
    assert f"{parse_when(value, now=now):%Y-%m-%d %H:%M}" == expected


def _synthetic_jsonl(path: Path, n: int) -> None:
    """``n`` distinct articles recombined from the fixtures' sentences."""
    sentences = []
    for file in sorted(TREE.rglob("*.txt")) + sorted(TREE.rglob("*.md")):
        body = file.read_text(encoding="utf-8").split("\n", 1)[-1]
        sentences += [s.strip() + "." for s in body.split(".") if len(s.strip()) > 20]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            picked = [sentences[(i * 7 + k * 3) % len(sentences)] for k in range(6)]
            record = {"title": f"Report {i}", "text": " ".join(picked), "language": "en"}
            out.write(json.dumps(record) + "\n")


@pytest.mark.slow
def test_a_reader_in_this_process_reads_while_the_cli_ingests(tmp_path):
    n = 3000
    source, db = tmp_path / "many.jsonl", tmp_path / "shared.duckdb"
    _synthetic_jsonl(source, n)
    store = Store(db)
    with store.write():
        pass  # the schema exists before the child starts, so every read finds the tables
    command = [sys.executable, "-m", "dashboard", "--db", str(db), "ingest", str(source)]
    child = subprocess.Popen(
        [*command, "--batch-size", "100", "--workers", "1", "-q"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        while child.poll() is None:
            with store.read() as con:
                seen.append(con.execute("SELECT count(*) FROM articles").fetchone()[0])
            time.sleep(0.05)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert f"stored {n}" in out
    partial = [count for count in seen if 0 < count < n]
    assert len(set(partial)) >= 2, seen  # the reader saw the ingest progress batch by batch
    assert seen == sorted(seen)  # and never a rolled-back or half-written state
    assert all(count % 100 == 0 for count in seen)  # whole batches only
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (n,)

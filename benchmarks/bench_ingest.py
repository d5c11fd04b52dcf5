"""Ingest speed and memory: N synthetic articles from a JSONL file into a fresh DuckDB file.

The articles are built from the seed and data/samples by recombining their sentences (same
language per article), written to a temporary JSONL, then ingested (``pipeline.ingest``, as the
CLI does) in a child process; the peak resident memory of that process and of its analysis
workers is read back with ``getrusage``. Goal: 100k articles in < 60 s on the 2-core reference
machine, memory flat in N.

    python benchmarks/bench_ingest.py                  # 10k and 100k
    python benchmarks/bench_ingest.py --sizes 2000     # a quick look
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.analysis import analyze  # noqa: E402
from dashboard.analysis.text import split_sentences  # noqa: E402

# Sentences per synthetic article: news stories in the samples have about 5-10.
SENTENCES_PER_ARTICLE = (4, 10)

# Child process: ingest the corpus as the CLI does, then print the peak RSS (KiB) of this
# process (reading, lookups, writes) and of its largest analysis worker.
_CHILD = """
import resource, sys
from dashboard.ingest.pipeline import ingest
from dashboard.store.db import Store
report = ingest(Store(sys.argv[1]), [sys.argv[2]], workers=int(sys.argv[3]))
assert report.stored == int(sys.argv[4]), report.summary()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def sentence_pools() -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    docs: list[tuple[str, str]] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        docs.append(("id", path.read_text(encoding="utf-8")))
    for path in sorted((REPO / "data" / "samples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                docs.append((record.get("language") or "en", record["text"]))
    for language, text in docs:
        pool = pools.setdefault(language, [])
        pool += [text[s.start : s.end] for s in split_sentences(text)]
    return pools


def write_corpus(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pools = sentence_pools()
    languages = sorted(pools)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            pool = pools[rng.choice(languages)]
            body = " ".join(rng.choices(pool, k=rng.randint(*SENTENCES_PER_ARTICLE)))
            record = {
                "title": f"{rng.choice(pool)[:80]} ({i})",
                "text": body,
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "source": f"outlet{rng.randint(1, 40)}.example",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def analysis_rates(path: Path, n: int = 500) -> tuple[float, float]:
    """Articles per second of ``analyze`` alone on one core: a first pass over ``n`` articles
    (cold per-word caches: every new word is lemmatised once) and a second pass (warm)."""
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in islice(lines, n)]
    rates = []
    for _ in range(2):
        started = time.perf_counter()
        for record in records:
            analyze(record["text"], title=record["title"])
        rates.append(len(records) / (time.perf_counter() - started))
    return rates[0], rates[1]


def run(n: int, workers: int, tmp: Path) -> None:
    corpus, db = tmp / f"corpus_{n}.jsonl", tmp / f"bench_{n}.duckdb"
    write_corpus(corpus, n)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(corpus), str(workers), str(n)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    main_kib, worker_kib = map(int, done.stdout.split())
    print(
        f"{n:>7} articles  {elapsed:6.1f} s  {n / elapsed:5.0f} articles/s  "
        f"peak RSS main {main_kib / 1024:4.0f} MiB, worker {worker_kib / 1024:4.0f} MiB  "
        f"corpus {corpus.stat().st_size / 1e6:5.1f} MB  db {db.stat().st_size / 1e6:5.1f} MB"
    )
    corpus.unlink()
    db.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated article counts")
    parser.add_argument("--workers", type=int, default=2, help="analysis processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.jsonl"
        write_corpus(probe, 500, seed=1)
        cold, warm = analysis_rates(probe)
        print(f"analyze() alone, one core: {cold:.0f} articles/s cold, {warm:.0f} warm")
        print(f"ingest, {args.workers} analysis workers, JSONL -> DuckDB file (incl. analysis):")
        for n in (int(s) for s in args.sizes.split(",")):
            run(n, args.workers, Path(tmp))


if __name__ == "__main__":
    main()

"""Dashboard latency: every query at 100k and 1M synthetic articles, and time to first render.

    python benchmarks/bench_dashboard.py                 # 100k and 1M, then the app
    python benchmarks/bench_dashboard.py --sizes 20000 --no-app   # quick run while developing

Builds each DuckDB file with populate_synthetic in a temp dir (printing the build time), then prints
the median of --repeat runs and the max of every query function under typical filters, flagging any
over the 200 ms goal. Finally starts `streamlit run dashboard/app.py` headless on a free port with
TENSION_DB at the smallest file and times the health endpoint and the first page HTML, then (when
Playwright and chromium are available) the first chart drawn in a real browser.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.store import queries as q  # noqa: E402
from dashboard.store.synthetic import populate_synthetic  # noqa: E402

GOAL_MS = 200.0  # the latency goal per query at 1M articles
APP_TIMEOUT_S = 120.0
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def build(path: Path, n: int) -> float:
    start = time.perf_counter()
    with duckdb.connect(str(path)) as con:
        populate_synthetic(con, n)
        con.execute("CHECKPOINT")
    return time.perf_counter() - start


def typical_filters(con: duckdb.DuckDBPyConnection) -> dict[str, q.Filters]:
    last = con.execute("SELECT max(day) FROM articles").fetchone()[0]
    actor = "north_korea"
    return {
        "no filter": q.Filters(),
        "one actor": q.Filters(actors=(actor,)),
        "actor+90d": q.Filters(actors=(actor,), start=last - timedelta(days=89), end=last),
        "rollup": q.Filters(actors=(actor,), rollup=True),
    }


def time_ms(fn, repeat: int) -> tuple[float, float, float]:
    """Median and max wall time, and median CPU time of this process (all DuckDB threads).

    CPU time barely moves when other processes share the cores; wall time does.
    """
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def bench_queries(path: Path, repeat: int) -> list[str]:
    slow = []
    with duckdb.connect(str(path), read_only=True) as con:
        filters = typical_filters(con)
        some_id = con.execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
        per_filter = {
            "overview": q.overview,
            "tension_index": q.tension_index,
            "actor_mentions": q.actor_mentions,
            "actor_timeline": q.actor_timeline,
            "dyad_matrix": q.dyad_matrix,
            "threat_timeline": q.threat_timeline,
            "top_phrases": q.top_phrases,
            "articles_table": q.articles_table,
            "export_articles": q.export_articles,
        }
        cases = [("filter_options", "-", lambda: q.filter_options(con))]
        cases.append(("article_detail", "-", lambda: q.article_detail(con, some_id)))
        for name, fn in per_filter.items():
            for label, f in filters.items():
                cases.append((name, label, lambda fn=fn, f=f: fn(con, f)))
        print(f"  {'query':<16} {'filter':<10} {'median ms':>10} {'max ms':>8} {'cpu ms':>8}")
        for name, label, run in cases:
            median, worst, cpu = time_ms(run, repeat)
            flag = f"  > {GOAL_MS:.0f} ms" if median > GOAL_MS else ""
            print(f"  {name:<16} {label:<10} {median:10.1f} {worst:8.1f} {cpu:8.1f}{flag}")
            if flag:
                slow.append(f"{name} ({label}): {median:.0f} ms")
    return slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, deadline: float, server: subprocess.Popen) -> bytes:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {APP_TIMEOUT_S:.0f} s")


def browser_render_s(url: str) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  browser render: skipped (playwright not installed)")
        return None
    if not Path(CHROMIUM).exists():
        print(f"  browser render: skipped (no chromium at {CHROMIUM})")
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(".js-plotly-plot", timeout=APP_TIMEOUT_S * 1000)
            return time.perf_counter() - start
        finally:
            browser.close()


def bench_app(db: Path) -> None:
    app = ROOT / "dashboard" / "app.py"
    if not app.exists():
        print("app: skipped (dashboard/app.py does not exist yet)")
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TENSION_DB": str(db)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless=true"]
    cmd += [f"--server.port={port}", "--server.address=127.0.0.1"]
    cmd += ["--browser.gatherUsageStats=false"]
    log = db.with_suffix(".streamlit.log")
    start = time.monotonic()
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = start + APP_TIMEOUT_S
        wait_for(f"{base}/_stcore/health", deadline, server)
        healthy = time.monotonic() - start
        html = wait_for(f"{base}/", deadline, server)
        served = time.monotonic() - start
        print(f"app ({db.name}): health endpoint answers {healthy:.2f} s after launch,")
        print(f"  first page HTML ({len(html):,} bytes) served {served:.2f} s after launch")
        rendered = browser_render_s(base)
        if rendered is not None:
            print(f"  first chart drawn in chromium {rendered:.2f} s after navigation")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if server.returncode not in (0, -15):
            print(f"  streamlit output: {log.read_text(errors='replace')[-500:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-app", action="store_true", help="skip the Streamlit timing")
    args = parser.parse_args()
    slow: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench_dashboard_") as tmp:
        files = {}
        for n in sorted(args.sizes):
            path = Path(tmp) / f"synthetic_{n}.duckdb"
            seconds = build(path, n)
            size_mb = path.stat().st_size / 1e6
            print(f"\n{n:,} articles: built in {seconds:.1f} s ({size_mb:.0f} MB)")
            # The machine is shared: the load says how much other work the timings include.
            print(
                f"  load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
            )
            slow += [f"{n:,}: {s}" for s in bench_queries(path, args.repeat)]
            files[n] = path
        print(f"\nqueries over {GOAL_MS:.0f} ms (median): {', '.join(slow) if slow else 'none'}")
        print("(export_articles returns every filtered row for a CSV download, not a view)")
        if not args.no_app:
            print()
            bench_app(files[min(files)])


if __name__ == "__main__":
    main()

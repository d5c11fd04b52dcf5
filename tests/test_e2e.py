"""The real dashboard in a real browser: a Streamlit server on a fresh database (first start ingests
seeds/ and data/samples/), driven by Debian's chromium through Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_S = 60  # until /_stcore/health answers
FIRST_RENDER_MS = 240_000  # the first page run analyses every seed and sample article
UPDATE_MS = 60_000  # a filter change re-runs the queries
VIEWPORT = {"width": 1400, "height": 1400}  # tall enough for the metrics, a chart and the spikes
GRID_ROW_PX = 35  # st.dataframe's header and row height


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"no answer from {url}/_stcore/health in {SERVER_START_S} s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "TENSION_DB": str(tmp_path / "e2e.duckdb")}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard/app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # others may edit the sources meanwhile: no "source changed" prompt in the status area
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (make chromium) or set CHROMIUM"
        )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    return browser.new_context(viewport=VIEWPORT).new_page()


def _metric(page, label: str):
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .get_by_test_id("stMetricValue")
    )


def _articles(page) -> int:
    return int(_metric(page, "Articles").inner_text().replace(",", ""))


def _wait_idle(page) -> None:
    """Until the script run finished (Streamlit shows a status widget while running)."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=UPDATE_MS)


def test_selecting_north_korea_updates_metrics_charts_and_articles(server, browser, page):
    page.goto(server)
    _metric(page, "Articles").wait_for(timeout=FIRST_RENDER_MS)
    _wait_idle(page)
    total = _articles(page)
    assert total > 1
    chart_before = page.get_by_test_id("stPlotlyChart").first.inner_html()

    actor_filter = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    actor_filter.click()
    page.keyboard.type("Korut")  # an Indonesian alias finds the country
    page.get_by_role("option", name=re.compile(r"^North Korea \(country")).click()
    page.keyboard.press("Escape")

    page.wait_for_function(
        """([total]) => {
            const value = [...document.querySelectorAll('[data-testid="stMetric"]')]
                .find(m => m.innerText.startsWith('Articles'))
                ?.querySelector('[data-testid="stMetricValue"]');
            return value && Number(value.innerText.replace(/,/g, '')) !== total;
        }""",
        arg=[total],
        timeout=UPDATE_MS,
    )
    _wait_idle(page)
    narrowed = _articles(page)
    assert 0 < narrowed < total
    assert "actor=north_korea" in page.url
    chart = page.get_by_test_id("stPlotlyChart").first
    assert chart.inner_html() != chart_before
    # Every point of the tension chart now belongs to North Korea (customdata[0] = actor id).
    actor_ids = chart.locator(".js-plotly-plot").evaluate(
        "plot => [...new Set(plot.data.flatMap(trace => (trace.customdata || []).map(c => c[0])))]"
    )
    assert actor_ids == ["north_korea"]

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "e2e_north_korea.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.get_by_test_id("stSidebarNav").get_by_text("Articles", exact=True).click()
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=UPDATE_MS)
    _wait_idle(page)
    assert "actor=north_korea" in page.url, "the filter survives the page switch"
    caption = page.get_by_text(re.compile(r"^The \d+ newest articles")).inner_text()
    assert int(re.search(r"\d+", caption).group()) == narrowed
    # The grid draws on a canvas; its accessible table holds the visible cells.
    rows = grid.locator("table [role=row]").all_inner_texts()[1:]  # first row: the header
    assert rows, "the article table lists rows"
    assert all("North Korea" in row for row in rows), rows

    # Selecting a row (its checkbox column) opens the article with the words behind its scores.
    box = grid.bounding_box()
    page.mouse.click(box["x"] + GRID_ROW_PX / 2, box["y"] + GRID_ROW_PX * 1.5)
    page.locator(".tension-article mark.hl-actor").first.wait_for(timeout=UPDATE_MS)
    assert page.get_by_text("Why this score").is_visible()
    assert "article=" in page.url
    article_url = page.url
    page.screenshot(path=str(ARTIFACTS / "e2e_north_korea_article.png"), full_page=True)

    # Clicking an actor's bar on the Actors page adds that actor to the filter.
    page.get_by_test_id("stSidebarNav").get_by_text("Actors", exact=True).click()
    bars = page.locator(".js-plotly-plot .barlayer .point path")
    bars.nth(1).wait_for(timeout=UPDATE_MS)
    _wait_idle(page)
    box = bars.nth(1).bounding_box()  # plotly listens on its drag layer: a real mouse click
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"actor=north_korea&actor=\w+"), timeout=UPDATE_MS)
    page.wait_for_function(  # each selected actor's chip reads "Name (type, N articles) ..."
        """() => document.querySelector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
            .innerText.split(' articles)').length - 1 === 2""",
        timeout=UPDATE_MS,
    )

    # The URL is a shareable view: it opens the same article, here in a dark-themed browser.
    dark = browser.new_context(viewport=VIEWPORT, color_scheme="dark").new_page()
    dark.goto(article_url)
    dark.locator(".tension-article mark.hl-actor").first.wait_for(timeout=UPDATE_MS)
    assert dark.get_by_test_id("stSidebar").get_by_text(re.compile(r"^North Korea")).is_visible()
    dark.screenshot(path=str(ARTIFACTS / "e2e_north_korea_article_dark.png"), full_page=True)

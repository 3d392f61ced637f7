"""Speed at scale, in one run: ingestion, every page (server and browser), memory, and many
viewers during an upload. Usage:

    python benchmarks/scale_benchmark.py --hubs 43 --years 10 [--viewers 20] [--work DIR]

Prints markdown tables (kept in docs/performance.md) with the machine and the versions.
The data is synthetic (see benchmarks/national.py). Chromium is Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from app_server import running_app  # noqa: E402
from national import SYNTHETIC_NOTE, LoadTiming, generate, load_all  # noqa: E402
from viewers import PageView, walk  # noqa: E402

from hubmetrics.app.navigation import PAGES as PAGE_SPECS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Every page file and its address, as the app declares them (ui/pages.py).
ADDRESSES = {Path(spec.file).stem: spec.url_path for spec in PAGE_SPECS}
PAGES = sorted(ADDRESSES)


def address(page: str) -> str:
    return ADDRESSES[page]


# ---------------------------------------------------------------- ingestion


def ingestion_table(timings: list[LoadTiming]) -> list[str]:
    lines = [
        "| kind | files | rows | plain read_csv s | validated load s | rows/s validated | ratio "
        "| then summary recount s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in dict.fromkeys(t.kind for t in timings):
        mine = [t for t in timings if t.kind == kind]
        rows = sum(t.rows for t in mine)
        plain, load = sum(t.plain_s for t in mine), sum(t.load_s for t in mine)
        lines.append(
            f"| {kind} | {len(mine)} | {rows:,} | {plain:.2f} | {load:.2f} | "
            f"{rows / load:,.0f} | {load / plain:.2f} | {sum(t.summary_s for t in mine):.2f} |"
        )
    return lines


# ---------------------------------------------------------------- server-side page runs


class _TimedCursor:
    """A DuckDB connection or cursor that adds the time of every call into it to `spent`."""

    def __init__(self, inner: Any, spent: list[float]) -> None:
        self._inner, self._spent = inner, spent

    def __enter__(self) -> _TimedCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = attribute(*args, **kwargs)
            finally:
                self._spent[0] += time.perf_counter() - started
            if isinstance(result, duckdb.DuckDBPyConnection):
                return _TimedCursor(result, self._spent)
            return result

        return timed


@dataclass(frozen=True)
class PageRun:
    page: str
    cold_s: float
    warm_s: float
    sql_s: float


def time_pages(database: Path, repeat: int = 3) -> list[PageRun]:
    """Each page through AppTest: one full script run with empty data caches (cold), then
    again (warm), and the time spent inside DuckDB during the cold run."""
    import streamlit as st
    from streamlit import config as streamlit_config
    from streamlit.testing.v1 import AppTest

    import hubmetrics.app.cached
    import hubmetrics.app.state
    from hubmetrics.disclosure.sharing import forget_tables

    os.environ["HUBMETRICS_DB"] = str(database)
    os.environ.pop("HUBMETRICS_AUTH", None)
    # The benchmark is the local operator: `none` sign-in on a loopback address.
    streamlit_config.set_option("server.address", "127.0.0.1")
    spent = [0.0]
    real_database = hubmetrics.app.state.database
    hubmetrics.app.state.database = lambda path: _TimedCursor(real_database(path), spent)  # type: ignore[assignment]
    runs = []
    try:
        for page in PAGES:
            colds, warms, sqls = [], [], []
            for _ in range(repeat):
                at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
                at.run()
                at.switch_page(f"app_pages/{page}.py")
                hubmetrics.app.cached.forget_figures()
                forget_tables()
                spent[0] = 0.0
                started = time.perf_counter()
                at.run()
                colds.append(time.perf_counter() - started)
                sqls.append(spent[0])
                if at.exception:
                    raise SystemExit(f"{page}: {at.exception}")
                started = time.perf_counter()
                at.run()
                warms.append(time.perf_counter() - started)
            runs.append(
                PageRun(
                    page,
                    statistics.median(colds),
                    statistics.median(warms),
                    statistics.median(sqls),
                )
            )
    finally:
        hubmetrics.app.state.database = real_database  # type: ignore[assignment]
        st.cache_resource.clear()
    return runs


# ---------------------------------------------------------------- the app in Chromium


@contextmanager
def app_server(database: Path, log: Path, runs: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run dashboard.py` on a free loopback port, started as the browser tests
    start it, timing each script run into `runs`: (its address, its process id)."""
    with running_app(database, log, env={"HUBMETRICS_RUN_LOG": str(runs)}) as (process, url):
        yield url, process.pid


def server_runs(runs: Path, since: float, until: float) -> list[tuple[str, float]]:
    """The app's script runs (the run log) that ended between two moments: (page, seconds)."""
    out = []
    for line in runs.read_text().splitlines() if runs.exists() else []:
        ended, page, seconds = line.split("\t")
        if since <= float(ended) <= until:
            out.append((page, float(seconds)))
    return out


def viewers_table(views: list[PageView], server: list[tuple[str, float]], upload_s: float) -> str:
    """The many-viewers table: page views, the server's runs for them, the upload's runs."""
    timed = [v.seconds for v in views if v.seconds == v.seconds]  # NaN: a session that failed
    errors = sum(1 for v in views if v.problems)
    theirs = [s for page, s in server if page != "upload"]
    uploads = [s for page, s in server if page == "upload"]
    return "\n".join(
        [
            "| what | count | p50 s | p95 s | max s | errors |",
            "|---|---|---|---|---|---|",
            f"| page views | {len(timed)} | {_percentile(timed, 0.5):.2f} | "
            f"{_percentile(timed, 0.95):.2f} | {max(timed, default=float('nan')):.2f} | {errors} |",
            f"| script runs on the server | {len(theirs)} | {_percentile(theirs, 0.5):.2f} | "
            f"{_percentile(theirs, 0.95):.2f} | {max(theirs, default=float('nan')):.2f} | |",
            f"| the Upload page's runs | {len(uploads)} | | | "
            f"{max(uploads, default=float('nan')):.2f} | |",
            "",
            f"The upload itself (file chosen to “Loaded as batch”): {upload_s:.1f} s.",
        ]
    )


def gentle_chromium(folder: Path) -> str:
    """Chromium at a low priority, for the many viewers: on one machine the browsers would
    otherwise take the cores from the server they are measuring (in use, each viewer's
    browser runs on the viewer's own computer)."""
    wrapper = folder / "chromium-gently"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 15 "{CHROMIUM}" "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_LAUNCH = {
    "executable_path": CHROMIUM,
    "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
}
# Ready: the page's title is drawn, the script has stopped running, and its charts are drawn.
_READY = """(charts) => {
  const running = document.querySelector('[data-testid="stStatusWidget"] button');
  const title = document.querySelector('[data-testid="stMain"] h1');
  const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length;
  return !!title && !running && drawn >= charts;
}"""


async def _open(page: Any, url: str, charts: int) -> float:
    started = time.perf_counter()
    await page.goto(url)
    await page.wait_for_function(_READY, arg=charts, timeout=120_000, polling=50)
    return time.perf_counter() - started


async def _charts_on(page: Any, url: str) -> int:
    await page.goto(url)
    await page.wait_for_function(_READY, arg=0, timeout=120_000)
    await page.wait_for_timeout(3000)
    return int(
        await page.evaluate(
            "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length"
        )
    )


async def browser_pages(url: str, repeat: int = 3) -> dict[str, tuple[int, float]]:
    """For each page: its number of charts, and the median time from navigation to the
    charts being visible (the first visit, which fills the server's caches, is not counted)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**_LAUNCH)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        result = {}
        for name in PAGES:
            target = f"{url}/{address(name)}"
            charts = await _charts_on(page, target)
            times = [await _open(page, target, charts) for _ in range(repeat)]
            result[name] = (charts, statistics.median(times))
        await browser.close()
    return result


async def _send(browser: Any, url: str, upload: Path, kind: str) -> float:
    """Upload `upload` on the Upload page in Chromium, as a person does: its time."""
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await _open(page, f"{url}/upload", 0)
    if kind == "participants":
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="What kind of file")
        await box.click()
        await page.get_by_role("option", name="Participant records (pseudonymised)").click()
        await page.get_by_text("Participant records carry the hub's pseudonyms").wait_for()
    started = time.perf_counter()
    await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
    button = page.get_by_role("button", name=re.compile(r"^Load [0-9,]+ row"))
    await button.wait_for(timeout=600_000)
    await button.click()
    await page.get_by_text("Loaded as batch").wait_for(timeout=600_000)
    return time.perf_counter() - started


async def viewers_during_upload(
    url: str, viewers: int, rounds: int, upload: Path, kind: str
) -> tuple[list[PageView], float]:
    """`viewers` sessions (benchmarks/viewers.py) walk every page `rounds` times while a
    person uploads `upload` in Chromium: (every page view, the upload's own time)."""
    from playwright.async_api import async_playwright

    addresses = [ADDRESSES[name] for name in PAGES]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**_LAUNCH)
        walkers = [walk(url, addresses, i, rounds * len(PAGES)) for i in range(viewers)]
        sent, *walked = await asyncio.gather(
            _send(browser, url, upload, kind), *walkers, return_exceptions=True
        )
        await browser.close()
    views = [v for w in walked if isinstance(w, list) for v in w]
    views += [
        PageView("(walk)", float("nan"), [repr(w)]) for w in walked if not isinstance(w, list)
    ]
    if not isinstance(sent, float):
        views.append(PageView("upload", float("nan"), [f"the upload failed: {sent!r}"]))
    return views, sent if isinstance(sent, float) else float("nan")


async def browsers_during_upload(
    url: str,
    viewers: int,
    rounds: int,
    upload: Path,
    kind: str,
    charts: dict[str, int],
    executable: str = CHROMIUM,
) -> tuple[list[float], int, float]:
    """`viewers` Chromium sessions walk every page `rounds` times (each page opened by its
    address, charts drawn) while one more uploads `upload`: (every page time, errors seen,
    the upload's own time). On one machine the browsers share the server's cores."""
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors = [0]

    async def walk_in_chromium(browser: Any, offset: int) -> None:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        for step in range(rounds * len(PAGES)):
            name = PAGES[(offset + step) % len(PAGES)]
            try:
                times.append(await _open(page, f"{url}/{address(name)}", charts[name]))
                errors[0] += await page.locator('[data-testid="stException"]').count()
            except Exception:
                errors[0] += 1
        await context.close()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**{**_LAUNCH, "executable_path": executable})
        walkers = [walk_in_chromium(browser, i) for i in range(viewers)]
        outcome = await asyncio.gather(
            _send(browser, url, upload, kind), *walkers, return_exceptions=True
        )
        await browser.close()
    upload_s = outcome[0] if isinstance(outcome[0], float) else float("nan")
    if not isinstance(outcome[0], float):
        errors[0] += 1
        print(f"the upload failed: {outcome[0]!r}"[:500], file=sys.stderr)
    return times, errors[0], upload_s


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hubs", type=int, default=43)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="walks of every page per viewer")
    parser.add_argument(
        "--browser-viewers", type=int, default=5, help="Chromium viewers on this machine"
    )
    parser.add_argument("--work", type=Path, help="folder for data and database (kept)")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HUBMETRICS_MAX_UPLOAD_MB", "2000")
    work = args.work or Path(tempfile.mkdtemp(prefix="hubmetrics-scale-"))
    data, database = work / "data", work / "hub.duckdb"
    for leftover in (database, Path(f"{database}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(f"{database}.originals", ignore_errors=True)

    print(f"# Scale benchmark: {args.hubs} hubs x {args.years} years ({SYNTHETIC_NOTE})\n")
    print(
        f"machine: {os.cpu_count()} cores, {_memory_gb():.0f} GB; Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, {_versions()}\n"
    )
    started = time.perf_counter()
    returns = generate(data, args.hubs, args.years)
    # The latest year's returns are uploaded through the app while the viewers read: its
    # activities during the sessions' walk, then its participant records during the browsers'.
    later = returns.pop() if returns[-1].kind == "participants" else None
    upload = returns.pop()
    print(
        f"generated {sum(r.rows for r in returns):,} rows in {time.perf_counter() - started:.0f} s\n"
    )

    print("## Ingestion\n")
    print("\n".join(ingestion_table(load_all(database, returns))), "\n")

    print("## Pages, server side (one full script run; medians of 3)\n")
    runs = time_pages(database)
    print("| page | cold s | warm s | SQL s (cold) | cold ÷ SQL |")
    print("|---|---|---|---|---|")
    for r in runs:
        ratio = f"{r.cold_s / r.sql_s:.1f}" if r.sql_s > 0.001 else "–"
        print(f"| {r.page} | {r.cold_s:.3f} | {r.warm_s:.3f} | {r.sql_s:.3f} | {ratio} |")
    print()
    if args.skip_browser:
        return
    runs_log = work / "script-runs.tsv"
    runs_log.unlink(missing_ok=True)
    with app_server(database, work / "streamlit.log", runs_log) as (url, pid):
        print("## Pages in Chromium (navigation to charts visible; medians of 3, warm server)\n")
        shown = asyncio.run(browser_pages(url))
        print("| page | charts | seconds |")
        print("|---|---|---|")
        for name, (charts, seconds) in shown.items():
            print(f"| {name} | {charts} | {seconds:.2f} |")
        print()
        charts = {name: c for name, (c, _) in shown.items()}
        began = time.time()
        views, upload_s = asyncio.run(
            viewers_during_upload(url, args.viewers, args.rounds, upload.path, upload.kind)
        )
        server = server_runs(runs_log, began, time.time())
        print(f"## {args.viewers} viewers during an upload ({upload.rows:,} {upload.kind} rows)\n")
        print(
            "Each viewer is a session of the app moving through every page as the sidebar "
            "does, timed from asking for a page to the last of it received "
            "(benchmarks/viewers.py); a browser then draws it on the viewer's own computer "
            "(the Chromium table above). Script runs are the server's own time for each "
            "viewer's page run in the same minutes (the app's run log; the upload's own "
            "runs are apart).\n"
        )
        print(viewers_table(views, server, upload_s))
        for problem in sorted({p for v in views for p in v.problems})[:10]:
            print(f"- {problem}")
        if later is not None and args.browser_viewers:
            times, errors, later_s = asyncio.run(
                browsers_during_upload(
                    url,
                    args.browser_viewers,
                    1,
                    later.path,
                    later.kind,
                    charts,
                    gentle_chromium(work),
                )
            )
            print(
                f"\n## {args.browser_viewers} Chromium viewers on the same machine during an "
                f"upload ({later.rows:,} {later.kind} rows)\n"
            )
            print(
                "Each opens every page by its address and waits for its charts; the browsers "
                "run at low priority on the server's own cores.\n"
            )
            print("| what | count | p50 s | p95 s | errors | upload s |")
            print("|---|---|---|---|---|---|")
            print(
                f"| page views in Chromium | {len(times)} | {_percentile(times, 0.5):.2f} | "
                f"{_percentile(times, 0.95):.2f} | {errors} | {later_s:.1f} |\n"
            )
        print(f"peak resident memory of the app process: {peak_memory_mb(pid):,.0f} MB")


def _memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{p} {version(p)}" for p in ("streamlit", "pandas", "plotly", "playwright"))


if __name__ == "__main__":
    main()

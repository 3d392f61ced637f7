"""What leaves the app's pages: no table by Streamlit's own download, no name from the data as a
link or a tag, no traceback to a person (issue 18, items 2, 7 and 8)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from names_fixture import (
    AUTOLINK,
    EVIL,
    LINK_LA,
    LINK_PARTNERS,
    MARKDOWN_LA,
    build_names,
    read_as_markdown,
    strings,
)
from page_helpers import Open, as_the_apps_database, open_app
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from hubmetrics.disclosure.inert import chart_text, markdown_text

ROOT = Path(__file__).resolve().parents[2]
YEAR = "2025/26"
TABLES = ROOT / "hubmetrics" / "app" / "tables.py"


def app_sources() -> list[Path]:
    return [
        ROOT / "dashboard.py",
        *sorted((ROOT / "app_pages").glob("*.py")),
        *sorted((ROOT / "hubmetrics" / "app").glob("*.py")),
    ]


def test_every_table_is_drawn_through_one_place() -> None:
    """A direct st.dataframe or st.data_editor call would skip the guard on Streamlit's own
    download (tables.draw_table, tables.edit_table)."""
    direct = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("dataframe", "data_editor") and path != TABLES:
                    direct.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert direct == []
    assert len(app_sources()) > 20  # the walk saw the pages and helpers


def test_the_apps_settings_turn_off_streamlits_own_export_and_error_details(
    tmp_path: Path,
) -> None:
    """As `streamlit run dashboard.py` reads them, from wherever it is started: the settings
    beside the entry script count (Streamlit 1.67 reads them there as well as in the cwd)."""
    read = (
        "from streamlit import config\n"
        f"config._main_script_path = {str(ROOT / 'dashboard.py')!r}\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('client.disableDataExport'),"
        " config.get_option('client.showErrorDetails'))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", read], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert found.stdout.split() == ["True", "none"]


def test_a_server_started_with_streamlits_export_on_has_it_off_before_a_table(
    open_page: Open,
) -> None:
    """`--client.disableDataExport false`, say: the first table drawn turns it off and runs
    the page again, so the browser is told before any table reaches it."""
    streamlit_config.set_option("client.disableDataExport", False)
    try:
        at = open_page("app_pages/reach.py")
        assert streamlit_config.get_option("client.disableDataExport") is True
        assert len(at.dataframe) >= 3  # and the page's tables are there
    finally:
        streamlit_config.set_option("client.disableDataExport", True)


# --- names from the data --------------------------------------------------------------------


@pytest.fixture
def names_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "names.duckdb"
    build_names(path)
    with as_the_apps_database(path, monkeypatch):
        yield path


def chart_strings(at: AppTest) -> list[str]:
    """Every string of every plotly chart on the page, from the figure sent to the browser."""
    return [w for chart in at.get("plotly_chart") for w in strings(json.loads(chart.proto.spec))]


@pytest.mark.parametrize("la", [LINK_LA, MARKDOWN_LA])
def test_a_local_authority_chosen_is_shown_as_text_in_the_caption(names_app: Path, la: str) -> None:
    at = open_app("app_pages/reach.py", la=la)
    assert at.selectbox(key="filter_la").value == la
    caption = next(c.value for c in at.caption if c.value.startswith("Showing"))
    assert caption == f"Showing {YEAR} · {markdown_text(la)}"
    assert not AUTOLINK.search(read_as_markdown(caption))
    assert EVIL in read_as_markdown(caption)  # the name is there, as text


def test_partners_named_like_links_are_text_in_the_missing_returns_and_the_chart(
    names_app: Path,
) -> None:
    at = open_app("app_pages/partners.py")
    missing = next(w.value for w in at.warning if "Missing returns" in w.value)
    for name in LINK_PARTNERS.values():
        assert f"**{markdown_text(name)}**" in missing
    assert not AUTOLINK.search(read_as_markdown(missing))
    words = chart_strings(at)
    assert words
    for name in LINK_PARTNERS.values():
        assert chart_text(name) in words  # a tick of the partner chart, escaped
    assert not any("<a" in w for w in words)


def test_areas_named_like_links_are_text_in_the_reach_and_schools_charts(names_app: Path) -> None:
    for page in ("app_pages/reach.py", "app_pages/schools.py"):
        words = chart_strings(open_app(page))
        assert chart_text(LINK_LA) in words, page
        assert not any("<a" in w for w in words), page

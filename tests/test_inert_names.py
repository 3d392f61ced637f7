"""Names from the data are inert wherever they are shown: markdown (no link, even of an address
written out), plotly's words (no tag) and the board pack (no maths), synthetic names."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from names_fixture import (
    AUTOLINK,
    BROKEN_MATHS_LA,
    EVIL,
    LINK_DISTRICT,
    LINK_LA,
    LINK_PARTNERS,
    MATHS_LA,
    NAMES,
    build_names,
    read_as_markdown,
    strings,
)

from hubmetrics import store
from hubmetrics.disclosure.inert import WORD_JOINER, chart_text, markdown_text
from hubmetrics.metrics import Filters
from hubmetrics.metrics.reach import district_reach, partner_contributions, school_reach
from hubmetrics.plots import reach as plots
from hubmetrics.reports import charts
from hubmetrics.reports.boardpack import write_board_pack

YEAR = "2025/26"
# The tags the charts write themselves; any other "<" in a chart came from data.
OWN_TAGS = re.compile(r"</?(br|b|extra)>")


@pytest.fixture(scope="module")
def names_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[store.Connection]:
    path = tmp_path_factory.mktemp("names") / "hub.duckdb"
    build_names(path)
    con = store.connect(path)
    yield con
    con.close()


# --- markdown -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_name_in_markdown_is_shown_as_written_and_never_a_link(name: str) -> None:
    shown = markdown_text(name)
    read = read_as_markdown(shown)
    assert read.replace(WORD_JOINER, "") == name  # exactly as written, once read
    assert not AUTOLINK.search(read), read  # no address left whole to become a link
    assert not re.search(r"(?<!\\)[\[\]()<>*_`$:]", shown), shown  # every mark escaped


def test_an_address_in_a_name_is_broken_only_by_an_unseen_joiner() -> None:
    read = read_as_markdown(markdown_text(f"see https://{EVIL}, WWW.{EVIL} or a@{EVIL}"))
    assert read == (
        f"see https:{WORD_JOINER}//{EVIL}, WWW{WORD_JOINER}.{EVIL} or a{WORD_JOINER}@{EVIL}"
    )


# --- plotly ---------------------------------------------------------------------------------


def check_figure(fig: Any, names: list[str]) -> None:
    """No tag from data in any of the figure's words, and every name there, escaped."""
    every = list(strings(json.loads(fig.to_json())))
    for text in every:
        assert "<" not in OWN_TAGS.sub("", text), text
        assert "href" not in text or "&lt;a href" in text, text
    joined = "\n".join(every)
    for name in names:
        assert chart_text(name) in joined, name


def test_chart_text_escapes_what_plotly_reads_as_tags() -> None:
    name = LINK_PARTNERS["LINK-A"]
    assert chart_text(name) == f'&lt;a href="https://{EVIL}/a"&gt;partner A&lt;/a&gt;'
    assert chart_text("Rock & Roll &lt;") == "Rock &amp; Roll &amp;lt;"
    assert plots.words("Free school meals\n13.0% <b>") == "Free school meals<br>13.0% &lt;b&gt;"


def test_partner_names_in_the_partner_chart_are_text(names_db: store.Connection) -> None:
    partners = partner_contributions(names_db, YEAR, Filters(), as_of=store.as_of(names_db))
    active = [p for p in partners if p.participations]
    fig = plots.partner_chart(active, {p.partner_id: p.participations for p in active})
    check_figure(fig, list(LINK_PARTNERS.values()))


def test_area_names_in_the_coverage_and_parity_charts_are_text() -> None:
    areas = [LINK_LA, MATHS_LA, "<b>bold</b>"]
    rows = [{"Local authority": a, "Engaged": 3, "Cold spots": 1, "Coverage": 75.0} for a in areas]
    check_figure(plots.coverage_chart(rows, "Local authority"), areas)
    fig = plots.parity_chart(areas, [[0.5, 1.0, 1.5]], [""], [["0.50", "1.00", "1.50"]], "t")
    check_figure(fig, areas)
    group = {"Group": LINK_LA, "Share of participants": 13.0, "Area's share": 19.2}
    check_figure(plots.parity_chart([plots.group_label(group)], [[1.0]], [""], [["1"]], "t"), [])


def test_district_and_school_names_on_the_maps_are_text(names_db: store.Connection) -> None:
    schools = [s for s in school_reach(names_db, YEAR) if s.latitude is not None]
    shown = {s.urn: s.participations for s in schools}
    check_figure(plots.school_map(schools, shown), [LINK_DISTRICT, MATHS_LA])  # hover, labels
    districts = [d for d in district_reach(schools) if d.latitude is not None]
    assert any("[district]" in (d.district or "") for d in districts)
    fig = plots.district_map(districts, [d.participations for d in districts])
    check_figure(fig, [d.district for d in districts if d.district])


# --- the board pack -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [MATHS_LA, BROKEN_MATHS_LA, r"$\oops$"])
def test_every_board_pack_chart_draws_a_name_with_dollars_as_text(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Text] = []
    save = Figure.savefig

    def keep_texts(fig: Figure, *args: Any, **kwargs: Any) -> Any:
        found = save(fig, *args, **kwargs)  # drawn first: tick labels are made as it draws
        drawn.extend(t for t in fig.findobj(Text) if "$" in t.get_text())
        return found

    monkeypatch.setattr(Figure, "savefig", keep_texts)
    images = [
        charts.coverage_chart([charts.CoverageBar(name, 0.5, "50%")], 0.4, "40%"),
        charts.age_band_chart([name], [12], [name]),
        charts.hard_to_reach_chart([charts.GroupBar(name, 1.2, name)]),
        charts.comparison_chart([charts.ComparisonPanel(name, 1, name, 2, name)], name, name),
    ]
    assert all(i.startswith(b"\x89PNG") for i in images)
    assert drawn and {t.get_text() for t in drawn} >= {name}
    assert all(t.get_parse_math() is False for t in drawn)  # written out, never typeset


def test_a_board_pack_with_names_in_dollars_builds_and_says_them_as_written(
    names_db: store.Connection, tmp_path: Path
) -> None:
    pdf = write_board_pack(names_db, YEAR, tmp_path / "pack.pdf")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for name in (MATHS_LA, BROKEN_MATHS_LA, LINK_PARTNERS["MATHS"], LINK_LA):
        assert name in flat, name
    assert b"/URI" not in pdf.read_bytes()  # no name became a link in the PDF either

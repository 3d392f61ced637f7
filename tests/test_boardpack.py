"""The board pack: its text holds the engine's figures, small numbers hidden; its pages drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hub_fixture import ACTIVITIES_HEADER, load_text

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.disclosure.suppression import SUPPRESSED
from hubmetrics.metrics import Filters, compute_metrics
from hubmetrics.metrics.deprivation import reach_by_decile
from hubmetrics.metrics.formatting import format_value
from hubmetrics.metrics.goals import Goals, load_goals
from hubmetrics.metrics.reach_tables import decile_label
from hubmetrics.metrics.status import evaluate_goals
from hubmetrics.reports.boardpack import HUB_NAME, STATUS_WORDS, write_board_pack

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="needs poppler-utils (pdftotext, pdftoppm)",
)

# Activities for the hand-made hub (its partners and schools), with small counts on purpose:
# 3 early-years children, 2 adults on a CPD course, 1 looked-after child, SEND recorded for
# 3 children only, and 3 children continuing from whole-class teaching.
SMALL_ACTIVITIES_CSV = (
    ACTIVITIES_HEADER
    + "\n"
    + "NMPAT,A1,Year 4 violins,wcet,classical,beginner,2025-09-08,2025-12-12,900001,,ks2,28,28,,14,14,9,3,1,0,3,5,0,12,12\n"
    + "NMPAT,A2,County youth choir,choir,choral,advanced,2025-09-08,,,NN1 1AA,ks4,40,5,,25,15,4,,0,1,2,6,1,10,20\n"
    + "ROCK-NN,R1,Rock band,ensemble,rock_pop,intermediate,2025-10-01,,900002,,ks3,12,,3,4,8,,,,,,,,8,16\n"
    + "KETT-CHORAL,K1,Little singers,singing,choral,beginner,2025-10-06,,900003,,early_years,3,3,,2,1,,,,,,,,6,6\n"
    + "NMPAT,C1,Teaching singing,cpd,choral,intermediate,2025-11-03,,900001,,adult,2,,,2,0,,,,,,,,1,3\n"
    + "NMPAT,P1,Year 4 cellos,wcet,classical,beginner,2024-09-09,2024-12-13,900001,,ks2,25,25,,12,13,8,3,1,0,2,4,0,12,12\n"
    + "ROCK-NN,P2,Rock band,ensemble,rock_pop,intermediate,2024-10-02,,900002,,ks3,10,,,4,6,,,,,,,,8,16\n"
)
YEAR = "2025/26"
NOT_IN_PROGRESS = date(2026, 11, 24)  # the fixture's year is over
IN_PROGRESS = date(2026, 2, 10)  # the fixture's year is in progress: compare with 10/02/2025


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def pages_of(text: str) -> list[str]:
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def line_with(text: str, start: str) -> str:
    """The first line of the PDF's text that contains `start` (a label's first words)."""
    for line in text.splitlines():
        if start in line:
            return line
    raise AssertionError(f"no line holds {start!r}")


def last_line_with(text: str, start: str) -> str:
    """The last line of the PDF's text that contains `start`."""
    return line_with("\n".join(reversed(text.splitlines())), start)


def cells(line: str) -> list[str]:
    """The cells of a table line from `pdftotext -layout` (columns are 2+ spaces apart)."""
    return [c for c in re.split(r"\s{2,}", line.strip()) if c]


def render(pdf: Path, folder: Path, *, gray: bool = False, pages: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / ("gray" if gray else "page")
    command = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages)]
    if gray:
        command.append("-gray")
    subprocess.run([*command, str(pdf), str(prefix)], check=True)
    return sorted(folder.glob(f"{prefix.name}-*.png"))


@pytest.fixture
def goals() -> Goals:
    return load_goals()


@pytest.fixture
def small_db(hub_db: store.Connection) -> store.Connection:
    result = load_text(hub_db, "activities", SMALL_ACTIVITIES_CSV)
    assert result.accepted, [e.describe() for e in result.errors]
    return hub_db


@pytest.fixture
def small_pack(small_db: store.Connection, goals: Goals, tmp_path: Path) -> tuple[Path, str]:
    path = write_board_pack(
        small_db, YEAR, tmp_path / "pack.pdf", goals=goals, as_of=NOT_IN_PROGRESS
    )
    return path, pdf_text(path)


# --- the hand-made hub: small numbers ----------------------------------------------------------


def test_fixture_pack_has_every_goal_the_year_and_page_numbers(
    small_pack: tuple[Path, str], goals: Goals
) -> None:
    path, text = small_pack
    assert path.is_file() and path.read_bytes().startswith(b"%PDF")
    flat = " ".join(text.split())
    for goal in goals.goals:
        assert goal.title in flat, goal.title
    pages = pages_of(text)
    assert len(pages) >= 7
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert HUB_NAME in page
        assert f"Board pack {YEAR}" in page
    assert "SYNTHETIC DEMO DATA" not in text  # the fixture is not the demo


def test_fixture_small_counts_are_hidden(small_pack: tuple[Path, str]) -> None:
    _, text = small_pack
    # 3 early-years children: [c] in the age-band table and in the scorecard.
    assert cells(line_with(text, "Early years (0–4)")) == ["Early years (0–4)", SUPPRESSED]
    assert cells(line_with(text, "Early years participations"))[1] == SUPPRESSED
    # The children's bands show their total (83), so a second band is hidden: the smallest
    # other one, KS3's 12 — and it must not be printed anywhere in that table.
    assert cells(line_with(text, "KS3 (11–14)")) == ["KS3 (11–14)", SUPPRESSED]
    # Across the whole cross-table (docs/suppression.md, differencing) one more band is hidden:
    # Across the whole cross-table (docs/suppression.md, differencing) this four-activity hub
    # has every children's band hidden, and their total: each is one or two activities, so
    # any of them shown (with the partners' and the kinds' figures) would give the 3 away.
    # KS2's 28 is the one whole-class class, so the whole-class figure (28) goes with it.
    assert cells(line_with(text, "KS2 (7–11)")) == ["KS2 (7–11)", SUPPRESSED]
    assert cells(line_with(text, "KS4 (14–16)")) == ["KS4 (14–16)", SUPPRESSED]
    assert cells(line_with(text, "KS1 (5–7)")) == ["KS1 (5–7)", "0"]  # zero stays 0
    assert cells(line_with(text, "Children and young"))[1] == SUPPRESSED  # 83
    # 2 adults, who are also the 2 school staff trained.
    assert cells(line_with(text, "Adults (19+)")) == ["Adults (19+)", SUPPRESSED]
    assert cells(line_with(text, "School staff trained (CPD)"))[1] == SUPPRESSED
    # 1 looked-after child.
    assert cells(line_with(text, "Looked-after children taking"))[1] == SUPPRESSED
    assert "Looked-after children taking part: [c]." in " ".join(text.split())
    # SEND recorded for 3 children: the share, the representation and the count are hidden.
    send = cells(line_with(text, "SEND  "))
    assert send[0] == "SEND" and send[1] == SUPPRESSED and send[3] == SUPPRESSED
    assert send[4] == SUPPRESSED
    assert cells(line_with(text, "SEND representation"))[1] == SUPPRESSED
    # 3 continuing from 25 whole-class pupils the year before: the rate is hidden.
    assert cells(line_with(text, "Continuation from whole-class"))[1] == SUPPRESSED


def test_fixture_no_small_count_in_the_clear(small_pack: tuple[Path, str]) -> None:
    _, text = small_pack
    for label in ("Early years (0–4)", "KS3 (11–14)", "Adults (19+)"):
        line = line_with(text, label)
        assert not re.search(r"(?<![\w(–])[1-9]\d*(?![\w)–])", line.replace(label, "")), line
    for label in (
        "Early years participations",
        "School staff trained (CPD)",
        "SEND representation",
    ):
        value = cells(line_with(text, label))[1]
        assert value == SUPPRESSED
    # The whole-hub figures that are not small are printed as the engine gives them.
    assert cells(line_with(text, "Free school meals  "))[1] == "19.1%"  # 13 of 68


def test_fixture_figures_equal_the_engines(
    small_db: store.Connection, small_pack: tuple[Path, str], goals: Goals
) -> None:
    _, text = small_pack
    results = evaluate_goals(small_db, goals, YEAR, as_of=NOT_IN_PROGRESS)
    values = compute_metrics(small_db, YEAR, Filters(), baselines=goals.baselines)
    checked = 0
    for goal in results:
        for ind in goal.indicators:
            row = cells(line_with(text, ind.label[:24]))
            shown = format_value(ind.metric, ind.value)
            if row[1] != SUPPRESSED:
                assert row[1] == shown, (ind.metric, row)
                checked += 1
            assert row[2] == format_value(ind.metric, ind.expected)
            assert any(STATUS_WORDS[ind.status] in c for c in row), row
    assert checked >= 8
    assert cells(line_with(text, "Whole hub")) == [
        "Whole hub",
        *(format_value(k, values[k].value) for k in ("state_schools", "schools_engaged")),
        format_value("school_coverage", values["school_coverage"].value),
        format_value("cold_spot_schools", values["cold_spot_schools"].value),
    ]


def test_fixture_compares_whole_years_when_the_year_is_over(small_pack: tuple[Path, str]) -> None:
    _, text = small_pack
    flat = " ".join(text.split())
    assert "2025/26 is not the year in progress" in flat
    assert "the whole of 2025/26 is set against the whole of 2024/25" in flat
    # Whole-class pupils: 25 in 2024/25, 28 in 2025/26; the 28 is KS2's only class, hidden
    # with that band (see test_fixture_small_counts_are_hidden).
    row = cells(last_line_with(text, "Whole-class ensemble teaching pupils"))
    assert row[-2:] == ["25", SUPPRESSED]


def test_fixture_in_progress_compares_the_same_date(
    small_db: store.Connection, goals: Goals, tmp_path: Path
) -> None:
    path = write_board_pack(small_db, YEAR, tmp_path / "pack.pdf", goals=goals, as_of=IN_PROGRESS)
    text = pdf_text(path)
    flat = " ".join(text.split())
    assert "counting only the activities that had started by 10 February 2025" in flat
    results = evaluate_goals(small_db, goals, YEAR, as_of=IN_PROGRESS)
    wcet = next(i for g in results for i in g.indicators if i.metric == "wcet_pupils")
    assert wcet.comparison is not None
    row = cells(line_with(text, "Whole-class ensemble teaching"))
    assert row[-1] == format_value("wcet_pupils", wcet.comparison.value.value)


def test_fixture_pages_render(small_pack: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = small_pack
    pngs = render(path, tmp_path / "png")
    assert len(pngs) == 3
    for png in pngs:
        assert png.stat().st_size > 10_000, png
    gray = render(path, tmp_path / "gray", gray=True, pages=3)
    assert len(gray) == 3 and all(p.stat().st_size > 5_000 for p in gray)


def test_two_packs_at_once_on_one_connection(
    small_db: store.Connection, goals: Goals, tmp_path: Path
) -> None:
    """The app shares one connection between sessions: two packs at once must not collide."""
    from concurrent.futures import ThreadPoolExecutor

    def build(name: str) -> str:
        out = write_board_pack(small_db, YEAR, tmp_path / name, goals=goals, as_of=NOT_IN_PROGRESS)
        return pdf_text(out)

    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(build, ["one.pdf", "two.pdf"]))
    assert texts[0] == texts[1]
    assert "Board pack 2025/26" in texts[0]


# --- the demo ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_pack(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo_pack") / "board-pack.pdf"
    con = store.connect_read_only(demo_path)
    try:
        write_board_pack(con, YEAR, out, goals=load_goals())
    finally:
        con.close()
    return out, pdf_text(out)


def test_demo_pack_is_marked_and_numbered(demo_pack: tuple[Path, str]) -> None:
    _, text = demo_pack
    pages = pages_of(text)
    assert "SYNTHETIC DEMO DATA" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert HUB_NAME in page and YEAR in page
        assert "SYNTHETIC DEMO DATA" in page  # in the footer of every page


def test_demo_pack_figures_equal_the_engines(demo_path: Path, demo_pack: tuple[Path, str]) -> None:
    _, text = demo_pack
    goals = load_goals()
    con = store.connect_read_only(demo_path)
    try:
        as_of = store.as_of(con)
        results = evaluate_goals(con, goals, YEAR, as_of=as_of)
        values = compute_metrics(con, YEAR, Filters(), baselines=goals.baselines)
    finally:
        con.close()
    flat = " ".join(text.split())
    for goal in results:
        assert goal.title in flat
        for ind in goal.indicators:
            row = cells(line_with(text, ind.label[:24]))
            assert row[1] == format_value(ind.metric, ind.value), (ind.metric, row)
            assert row[2] == format_value(ind.metric, ind.expected)
            assert ind.comparison is not None
            assert row[-1] == format_value(ind.metric, ind.comparison.value.value)
    bands = values["participations_by_age_band"].value
    assert isinstance(bands, dict)
    assert cells(line_with(text, "KS2 (7–11)")) == ["KS2 (7–11)", f"{bands['ks2']:,}"]
    assert cells(line_with(text, "Free school meals  "))[1:4] == [
        format_value("fsm_share", values["fsm_share"].value),
        format_value("fsm_baseline", values["fsm_baseline"].value),
        format_value("fsm_representation", values["fsm_representation"].value),
    ]
    assert f"{values['cold_spot_schools'].value} state-funded schools had no activity" in flat


def test_demo_pack_lists_missing_returns(demo_path: Path, demo_pack: tuple[Path, str]) -> None:
    from hubmetrics.metrics.reach import partner_contributions

    _, text = demo_pack
    returns = text[text.index("Partners' returns") :]
    con = store.connect_read_only(demo_path)
    try:
        partners = partner_contributions(con, YEAR)
    finally:
        con.close()
    missing = [p for p in partners if p.return_status == "missing"]
    assert missing
    for p in partners:
        start = " ".join(p.name.split()[:3])
        line = next(x for x in returns.splitlines() if x.strip().startswith(start))
        word = {"missing": "Not returned", "received": "Returned", "not_expected": "None"}
        assert word[p.return_status] in line, line


def test_demo_pages_render(demo_pack: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = demo_pack
    pngs = render(path, tmp_path / "png")
    assert [int(re.sub(r"\D", "", p.stem)) for p in pngs] == [1, 2, 3]
    for png in pngs:
        assert png.stat().st_size > 20_000, png
    gray = render(path, tmp_path / "gray", gray=True, pages=3)
    assert len(gray) == 3


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_the_pack(
    small_db: store.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = store.database_path(small_db)
    small_db.close()
    out = tmp_path / "pack.pdf"
    code = main(["--db", str(database), "report", "--year", YEAR, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == str(out)
    assert "Board pack 2025/26" in pdf_text(out)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2025-26", "is not an academic year"),
        ("25/26", "is not an academic year"),
        ("2025/27", "the second part must be the year after"),
        ("2019/20", "There are no activities in 2019/20"),
    ],
)
def test_cli_bad_year(
    small_db: store.Connection,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    year: str,
    message: str,
) -> None:
    database = store.database_path(small_db)
    small_db.close()
    out = tmp_path / "pack.pdf"
    code = main(["--db", str(database), "report", "--year", year, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()


def test_cli_out_folder_missing(
    small_db: store.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = store.database_path(small_db)
    small_db.close()
    out = tmp_path / "no-such-folder" / "pack.pdf"
    code = main(["--db", str(database), "report", "--year", YEAR, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert "cannot write" in captured.err
    assert "Traceback" not in captured.err


def test_cli_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--db",
            str(tmp_path / "none.duckdb"),
            "report",
            "--year",
            YEAR,
            "--out",
            str(tmp_path / "p.pdf"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "There is no database" in captured.err
    assert "Traceback" not in captured.err


# --- reach by IMD decile -----------------------------------------------------------------------

DECILE_LABELS = ["1 (most deprived)", *map(str, range(2, 10)), "10 (least deprived)", "No decile"]


def decile_lines(text: str) -> dict[str, list[str]]:
    """The rows of the pack's table by IMD decile, by their first cell."""
    section = text[text.index("Reach by deprivation (IMD decile of the school)") :]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        row = cells(line)
        if row and row[0] in DECILE_LABELS and row[0] not in rows:
            rows[row[0]] = row
    return rows


def test_fixture_deciles_are_printed_and_hidden(small_pack: tuple[Path, str]) -> None:
    """Deciles 2 (A1 28 and C1 2), 5 (R1 12), 9 (K1 3) and none (A2 40); pupils 420, 1200
    and 210 of 1830. North's deciles 2 and 5 are pieces of North that no view shows (each is
    one partner's kind of activity), so every decile with participations is hidden."""
    _, text = small_pack
    rows = decile_lines(text)
    assert list(rows) == DECILE_LABELS
    assert rows["2"] == ["2", SUPPRESSED, SUPPRESSED, "1", "1", "23.0%"]
    assert rows["5"] == ["5", SUPPRESSED, SUPPRESSED, "1", "1", "65.6%"]
    assert rows["9"] == ["9", SUPPRESSED, SUPPRESSED, "1", "1", "11.5%"]
    assert rows["No decile"] == ["No decile", SUPPRESSED, SUPPRESSED, "0", "0", "0.0%"]
    assert rows["1 (most deprived)"] == ["1 (most deprived)", "0", "0.0%", "0", "0", "0.0%"]


def test_demo_pack_deciles_equal_the_engines(demo_path: Path, demo_pack: tuple[Path, str]) -> None:
    _, text = demo_pack
    con = store.connect_read_only(demo_path)
    try:
        found = {decile_label(d.decile): d for d in reach_by_decile(con, YEAR)}
    finally:
        con.close()
    rows = decile_lines(text)
    assert set(rows) == {label for label, d in found.items() if d.decile or d.participations}
    shown = 0
    for label, row in rows.items():
        d = found[label]
        assert row[3:5] == [f"{d.schools_engaged:,}", f"{d.state_schools:,}"]
        if row[1] != SUPPRESSED:
            assert row[1] == f"{d.participations:,}"
            shown += 1
    assert shown >= 8  # the demo's deciles are one group: a viewer may see them

"""Area baselines from the DfE's tables (issue 19, item 3): the `baselines` file kind.

The files in tests/fixtures/ees/ are fictional extracts in the DfE's real layouts: every
figure is invented (see the README there). The hub's local authorities are those of the
fixture's state-funded schools: North and West Northamptonshire (its Rutland school is
independent). Every share below is worked out by hand from the file's rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hub_fixture import FIXTURES, snapshot

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.ingest import LoadResult, check_file, load_file
from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import compute_metrics
from hubmetrics.metrics.area import area_baselines

EES = FIXTURES / "ees"
ETHNICITY = (EES / "spc_pupils_ethnicity_and_language_.csv").read_text(encoding="utf-8")
SEX = (EES / "spc_pupils_age_and_sex_.csv").read_text(encoding="utf-8")
SEN = (EES / "sen_phase_type_.csv").read_text(encoding="utf-8")
CITED = (
    "DfE, Schools, pupils and their characteristics 2024/25, North Northamptonshire and "
    "West Northamptonshire"
)
# The rows of 2024/25, ethnicity at every phase (Total) and language (Total):
#                  White British  other White  Mixed  Asian  Black  Chinese  Other  Unclassified
# North (41,000)        30,000        4,000    2,000  1,500  1,800    200     500     1,000
# West  (51,800)        40,000        3,000    3,000  2,500  2,000    300     500       500
KNOWN = 40_000 + 51_300  # pupils whose ethnicity is known: the whole of every ethnic share
WEST_CHINESE = "Chinese,Total,300,"


def load(con: store.Connection, text: str, name: str = "spc.csv") -> LoadResult:
    return load_file(con, "baselines", text.encode("utf-8"), file_name=name)


def shares(con: store.Connection) -> dict[str, float | None]:
    return dict(con.execute("SELECT measure, share FROM baselines").fetchall())


def only_year(text: str, year: str) -> str:
    lines = text.splitlines(keepends=True)
    return lines[0] + "".join(line for line in lines[1:] if line.startswith(year))


def west(text: str, old: str, new: str) -> str:
    """The file with `old` replaced by `new` in West Northamptonshire's 2024/25 rows alone."""
    return "".join(
        line.replace(old, new)
        if line.startswith("202425") and "West Northamptonshire" in line
        else line
        for line in text.splitlines(keepends=True)
    )


def test_ethnic_shares_are_pupils_over_pupils_across_the_hubs_authorities(
    hub_db: store.Connection,
) -> None:
    result = load(hub_db, ETHNICITY, "spc_pupils_ethnicity_and_language_.csv")
    assert result.accepted, result.errors
    assert (result.rows, result.shape, result.warnings) == (
        7,
        "spc_pupils_ethnicity_and_language",
        [],
    )
    got = shares(hub_db)
    white = (30_000 + 4_000) + (40_000 + 3_000)
    assert got["ethnicity_white"] == pytest.approx(white / KNOWN)
    assert got["ethnicity_mixed"] == pytest.approx(5_000 / KNOWN)
    assert got["ethnicity_asian"] == pytest.approx(4_000 / KNOWN)
    assert got["ethnicity_black"] == pytest.approx(3_800 / KNOWN)
    assert got["ethnicity_chinese"] == pytest.approx(500 / KNOWN)
    assert got["ethnicity_other"] == pytest.approx(1_000 / KNOWN)
    assert got["global_majority_share"] == pytest.approx((KNOWN - white) / KNOWN)
    # Not the average of the two authorities' percentages (0.8441...).
    average = (34_000 / 40_000 + 43_000 / 51_300) / 2
    assert abs(got["ethnicity_white"] - average) > 1e-4  # type: ignore[operator]
    row = hub_db.execute(
        "SELECT publication, period, time_period, local_authorities, file_name, pupils, "
        "of_pupils FROM baselines WHERE measure = 'ethnicity_white'"
    ).fetchone()
    assert row == (
        "Schools, pupils and their characteristics",
        "2024/25",
        "202425",
        "North Northamptonshire and West Northamptonshire",
        "spc_pupils_ethnicity_and_language_.csv",
        77_000.0,
        91_300.0,
    )
    batch = hub_db.execute(
        "SELECT kind, shape, rows_loaded, status FROM batch WHERE batch_id = ?",
        [result.batch_id],
    ).fetchone()
    assert batch == ("baselines", "spc_pupils_ethnicity_and_language", 7, "loaded")


def test_sex_and_sen_shares(hub_db: store.Connection) -> None:
    assert load(hub_db, SEX).accepted
    assert load(hub_db, SEN).accepted
    got = shares(hub_db)
    # Girls over girls and boys; every age (Total) and phase (Total).
    assert got["female_share"] == pytest.approx((20_000 + 25_500) / (41_000 + 51_800))
    # All phases, establishment types and hospital schools (Total) of 92,800 pupils.
    assert got["sen_support_share"] == pytest.approx((5_300 + 6_500) / 92_800)
    assert got["ehcp_share"] == pytest.approx((1_900 + 2_100) / 92_800)
    assert got["send_share"] == pytest.approx((5_300 + 6_500 + 1_900 + 2_100) / 92_800)


def test_the_latest_year_in_the_file_is_chosen(hub_db: store.Connection) -> None:
    # The 2023/24 rows come after the 2024/25 ones in the file: the latest year, not the last.
    assert load(hub_db, ETHNICITY).accepted
    assert shares(hub_db)["ethnicity_white"] == pytest.approx(77_000 / KNOWN)
    older = load(hub_db, only_year(ETHNICITY, "202324"), "older.csv")
    assert older.accepted and older.rows_replaced == 7
    # 2023/24: White 31,000 + 3,500 and 41,000 + 2,800 of 40,000 + 51,500 known.
    assert shares(hub_db)["ethnicity_white"] == pytest.approx(78_300 / 91_500)
    assert hub_db.execute("SELECT DISTINCT period FROM baselines").fetchall() == [("2023/24",)]


def test_a_suppressed_cell_is_unknown_never_0(hub_db: store.Connection) -> None:
    result = load(hub_db, west(ETHNICITY, WEST_CHINESE, "Chinese,Total,c,"))
    assert result.accepted, result.errors
    got = shares(hub_db)
    # Read as 0 it would give Chinese 200 / 91,000 and White 77,000 / 91,000.
    assert got["ethnicity_chinese"] is None
    assert got["global_majority_share"] is None  # Chinese pupils are part of it
    # The whole is West's Total less its unclassified pupils: 51,800 - 500.
    assert got["ethnicity_white"] == pytest.approx(77_000 / KNOWN)
    assert got["ethnicity_asian"] == pytest.approx(4_000 / KNOWN)
    note = hub_db.execute(
        "SELECT unknown_cells, note FROM baselines WHERE measure = 'ethnicity_chinese'"
    ).fetchone()
    assert note == (1, "not given in the DfE's file")
    (warning,) = result.warnings
    assert warning.message.startswith("1 cell of the figures used is not given")
    assert "ethnicity_chinese, global_majority_share" in warning.message


def test_with_the_whole_suppressed_too_every_ethnic_share_is_unknown(
    hub_db: store.Connection,
) -> None:
    text = west(ETHNICITY, WEST_CHINESE, "Chinese,Total,c,")
    text = west(text, "Total,Total,Total,51800,", "Total,Total,Total,c,")
    result = load(hub_db, text)
    assert result.accepted, result.errors
    assert set(shares(hub_db).values()) == {None}
    assert "2 cells" in result.warnings[0].message


def test_the_goals_file_is_the_fallback(loaded_db: store.Connection) -> None:
    goals = {"global_majority_share": 0.22, "female_share": 0.49}

    def bottom() -> object:
        values = compute_metrics(loaded_db, "2025/26", baselines=goals)
        return values["global_majority_representation"].denominator

    assert bottom() == 0.22  # no DfE table yet
    assert load(loaded_db, ETHNICITY).accepted
    gm = (KNOWN - 77_000) / KNOWN
    assert bottom() == pytest.approx(gm)
    found = {b.key: b for b in area_baselines(loaded_db, goals, "data/goals.toml")}
    assert (found["global_majority_share"].source, found["global_majority_share"].cited) == (
        "DfE",
        CITED,
    )
    assert found["female_share"].cited == "goals file (data/goals.toml)"
    assert found["female_share"].value == 0.49
    assert found["send_share"].value is None and found["send_share"].source == ""
    # Suppressed in the newer file: the goals file's share again, and the DfE's note said.
    assert load(loaded_db, west(ETHNICITY, WEST_CHINESE, "Chinese,Total,c,")).accepted
    assert bottom() == 0.22
    found = {b.key: b for b in area_baselines(loaded_db, goals, "data/goals.toml")}
    assert found["global_majority_share"].source == "goals file"
    assert found["global_majority_share"].note == f"{CITED}: not given in the DfE's file"


def test_a_newer_file_replaces_the_table_and_rollback_restores_it(
    hub_db: store.Connection,
) -> None:
    first = load(hub_db, only_year(ETHNICITY, "202324"), "2023-24.csv")
    assert load(hub_db, SEX).accepted  # another table: left alone by the ethnicity files
    second = load(hub_db, ETHNICITY, "2024-25.csv")
    assert second.accepted and second.rows_replaced == 7
    assert shares(hub_db)["ethnicity_white"] == pytest.approx(77_000 / KNOWN)
    assert rollback(hub_db, second.batch_id or 0) == 7
    assert shares(hub_db)["ethnicity_white"] == pytest.approx(78_300 / 91_500)
    assert shares(hub_db)["female_share"] is not None
    assert hub_db.execute("SELECT DISTINCT batch_id FROM baselines ORDER BY 1").fetchall() == [
        (first.batch_id,),
        (first.batch_id + 1,),  # type: ignore[operator]
    ]


def refused(con: store.Connection, text: str) -> LoadResult:
    """Load `text`, expecting a refusal that changes nothing stored."""
    before = snapshot(con), con.execute("SELECT * FROM baseline_row ORDER BY ALL").fetchall()
    result = load(con, text)
    assert not result.accepted and result.batch_id is None
    after = snapshot(con), con.execute("SELECT * FROM baseline_row ORDER BY ALL").fetchall()
    assert after == before
    return result


@pytest.fixture
def with_shares(hub_db: store.Connection) -> store.Connection:
    assert load(hub_db, ETHNICITY).accepted
    return hub_db


def test_not_an_ees_layout_names_the_missing_columns(with_shares: store.Connection) -> None:
    text = ETHNICITY.replace("old_la_code,la_name,new_la_code", "la_code,la_name,code", 1)
    (problem,) = refused(with_shares, text).errors
    assert "no 'old_la_code' and 'new_la_code' column" in problem.message
    assert problem.line == 1


def test_a_table_the_hub_does_not_take_is_refused(with_shares: store.Connection) -> None:
    text = SEX.replace(",sex,headcount", ",gender_of_pupil,enrolments", 1)
    (problem,) = refused(with_shares, text).errors
    assert "not one of the DfE's tables" in problem.message
    assert "spc_pupils_ethnicity_and_language.csv" in problem.message


def test_no_rows_for_the_hubs_authorities_names_both(with_shares: store.Connection) -> None:
    lines = ETHNICITY.splitlines(keepends=True)
    text = lines[0] + "".join(line for line in lines if "Leicestershire" in line)
    (problem,) = refused(with_shares, text).errors
    assert "no local authority rows for 'North Northamptonshire'" in problem.message
    assert "'West Northamptonshire'" in problem.message
    assert "the file's are Leicestershire" in problem.message


def test_one_authority_missing_is_refused(with_shares: store.Connection) -> None:
    text = ETHNICITY.replace("West Northamptonshire", "West Northants")
    (problem,) = refused(with_shares, text).errors
    assert "'West Northamptonshire' (did you mean 'West Northants'?)" in problem.message


def test_a_figure_that_is_not_a_number_or_symbol_names_line_and_value(
    with_shares: store.Connection,
) -> None:
    text = west(ETHNICITY, WEST_CHINESE, "Chinese,Total,n/a,")
    problems = refused(with_shares, text).errors
    line = next(
        i for i, row in enumerate(text.splitlines(), start=1) if "West" in row and ",n/a," in row
    )
    assert [(p.line, p.column, p.value) for p in problems] == [(line, "headcount", "n/a")]
    assert "c, x, z, low, u, : or ~" in problems[0].message


def test_an_unknown_ethnic_group_is_refused(with_shares: store.Connection) -> None:
    text = west(ETHNICITY, "Chinese,Total", "Martian,Total")
    (problem,) = refused(with_shares, text).errors
    assert (problem.column, problem.value) == ("ethnicity", "Martian")


def test_without_a_schools_list_the_authorities_are_not_known(
    empty_db: store.Connection,
) -> None:
    (problem,) = refused(empty_db, ETHNICITY).errors
    assert "Load the schools list first" in problem.message


def test_a_check_writes_nothing_and_previews_the_shares(hub_db: store.Connection) -> None:
    checked = check_file(hub_db, "baselines", ETHNICITY.encode(), preview_rows=20)
    assert checked.accepted and checked.forecast is None
    assert [r["measure"] for r in checked.preview][0] == "ethnicity_white"
    assert hub_db.execute("SELECT count(*) FROM baseline_row").fetchone() == (0,)


def test_the_same_file_twice_is_refused_as_already_loaded(with_shares: store.Connection) -> None:
    (problem,) = refused(with_shares, ETHNICITY).errors
    assert "already loaded as batch 3" in problem.message


def test_an_old_database_upgrades_and_takes_baselines(tmp_path: Path) -> None:
    schema1 = FIXTURES / "schema1"
    shutil.copyfile(schema1 / "hub.duckdb", tmp_path / "hub.duckdb")
    shutil.copytree(schema1 / "hub.originals", tmp_path / "hub.originals")
    con = store.connect(tmp_path / "hub.duckdb")
    try:
        before = con.execute("SELECT * FROM activity_row ORDER BY ALL").fetchall()
        assert con.execute("SELECT count(*) FROM baseline_row").fetchone() == (0,)
        result = load(con, ETHNICITY)
        assert result.accepted and result.batch_id == 6, result.errors
        assert shares(con)["ethnicity_white"] == pytest.approx(77_000 / KNOWN)
        assert con.execute("SELECT * FROM activity_row ORDER BY ALL").fetchall() == before
        assert rollback(con, 6) == 7
        assert con.execute("SELECT count(*) FROM baselines").fetchone() == (0,)
    finally:
        con.close()


# --- the command line -------------------------------------------------------------------


def test_cli_load_baselines_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hub_db: store.Connection
) -> None:
    db = store.database_path(hub_db)
    assert db is not None
    hub_db.close()
    good = tmp_path / "spc_pupils_ethnicity_and_language_.csv"
    good.write_text(ETHNICITY, encoding="utf-8")
    assert main(["--db", str(db), "load", "baselines", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Loaded batch 3: 7 baselines rows" in out
    assert f"from: {CITED}" in out
    assert "ethnicity_white: 84.3% (77,000 of 91,300 pupils)" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(west(ETHNICITY, WEST_CHINESE, "Chinese,Total,n/a,"), encoding="utf-8")
    assert main(["--db", str(db), "load", "baselines", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Refused: bad.csv has 1 problem" in err and "headcount" in err
    assert main(["--db", str(db), "load", "baselines", str(tmp_path / "none.csv")]) == 2

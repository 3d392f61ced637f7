"""Overview, Goal detail, Upload, Batches and Methods render, and show the engine's figures."""

from __future__ import annotations

from pathlib import Path

from hub_fixture import ACTIVITIES_HEADER
from page_helpers import Open, table
from streamlit.testing.v1 import AppTest

from hubmetrics import config, store
from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS, Filters, compute_metrics
from hubmetrics.metrics.goals import load_goals
from hubmetrics.metrics.status import evaluate_goals


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def engine(path: Path, year: str, filters: Filters) -> dict[str, object]:
    con = store.connect(path)
    try:
        values = compute_metrics(con, year, filters, baselines=load_goals().baselines)
        return {k: v.value for k, v in values.items()}
    finally:
        con.close()


def test_overview_shows_every_goal_with_the_engines_headline(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/overview.py")
    assert at.selectbox(key="filter_year").value == "2025/26"
    con = store.connect(app_db)
    results = evaluate_goals(con, load_goals(), "2025/26", Filters(), as_of=store.as_of(con))
    con.close()
    # The cards stand in three columns, which AppTest reads column by column.
    shown = sorted((m.label, m.value) for m in at.metric)
    expected = sorted(
        (
            METRICS[g.indicators[0].metric].label,
            fmt.figure(g.indicators[0].metric, g.indicators[0].value),
        )
        for g in results
    )
    assert shown == expected and len(shown) == 9
    body = texts(at)
    for goal in results:
        assert f"Goal {goal.number}." in body
    assert "On track" in body or "Off track" in body or "At risk" in body
    assert "termly returns" in body


def test_overview_follows_the_year_and_filters_in_the_url(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/overview.py", year="2024/25", la="North Northamptonshire")
    assert at.selectbox(key="filter_year").value == "2024/25"
    assert at.selectbox(key="filter_la").value == "North Northamptonshire"
    expected = engine(app_db, "2024/25", Filters(local_authority="North Northamptonshire"))
    coverage = next(m for m in at.metric if m.label == METRICS["school_coverage"].label)
    assert coverage.value == fmt.figure("school_coverage", expected["school_coverage"])


def test_changing_a_filter_changes_the_figures(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/overview.py")
    before = {m.label: m.value for m in at.metric}
    at.selectbox(key="filter_partner").select("ROCK-NN").run()
    after = {m.label: m.value for m in at.metric}
    assert before != after
    assert at.query_params["partner"] == ["ROCK-NN"] or at.query_params["partner"] == "ROCK-NN"
    expected = engine(app_db, "2025/26", Filters(partner_id="ROCK-NN"))
    label = METRICS["cyp_participations"].label
    assert after[label] == fmt.figure("cyp_participations", expected["cyp_participations"])


def test_goal_detail_tables_match_the_engine(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/goal_detail.py", goal="2")
    assert at.selectbox(key="goal_choice").value == 2
    wcet = at.dataframe[0].value
    years = list(wcet["Academic year"])
    assert years == ["2024/25", "2025/26"]
    for year, shown in zip(years, wcet["Actual"], strict=True):
        assert shown == engine(app_db, year, Filters())["wcet_pupils"]
    assert "Expected" in wcet.columns


def test_methods_lists_every_metric_and_the_goals_file(open_page: Open) -> None:
    at = open_page("app_pages/methods.py")
    assert set(table(at, "Key")["Key"]) == set(METRICS)
    assert any("[[goals]]" in c.value or "goals" in c.value for c in at.code)


def test_batches_page_lists_batches_and_rolls_back(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/batches.py")
    assert list(table(at, "Batch")["Batch"]) == [4, 3, 2, 1]
    assert at.get("download_button")
    at.selectbox(key="batch_choice").select(4).run()
    at.checkbox(key="rollback_sure").check().run()
    at.button(key="rollback_go").click().run()
    assert not at.exception
    assert any("rolled back" in s.value for s in at.success)
    con = store.connect(app_db)
    assert con.execute("SELECT status FROM batches WHERE batch_id = 4").fetchone() == (
        "rolled_back",
    )
    con.close()


def test_batches_page_says_when_an_original_is_missing(open_page: Open, app_db: Path) -> None:
    """A database copied without its folder of originals: the page says so, and does not fail."""
    for kept in config.originals_dir(app_db).glob("batch-*.csv"):
        kept.unlink()
    at = open_page("app_pages/batches.py")
    assert not at.exception
    assert not any(b.key == "batch_original" for b in at.get("download_button"))
    assert "original file of batch 4 is missing" in at.warning[0].value
    assert list(table(at, "Batch")["Batch"]) == [4, 3, 2, 1]


def test_upload_refuses_a_bad_file_and_saves_nothing(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/upload.py")
    bad = ACTIVITIES_HEADER + "\nNMPAT,B1,Bad,wcte,,,31/02/2026,,,,ks2,-1,,,,,,,,,,,,,\n"
    at.file_uploader(key="upload_file").upload("bad.csv", bad.encode(), "text/csv").run()
    assert not at.exception
    assert "cannot be loaded" in at.error[0].value
    problems = table(at, "What to do")
    assert {(int(r.Line), r.Column) for r in problems.itertuples()} >= {
        (2, "activity_type"),
        (2, "start_date"),
        (2, "participants"),
    }
    assert not any(b.key == "upload_confirm" for b in at.button)
    assert table(at, "activity_id")["activity_id"].tolist() == ["B1"]  # the preview, as read
    con = store.connect(app_db)
    assert con.execute("SELECT count(*) FROM batches").fetchone() == (4,)
    con.close()


def test_upload_groups_the_same_problem_in_many_cells(open_page: Open, app_db: Path) -> None:
    """30 rows whose age band says "Year 4" and one bad date: two groups, each with its cells,
    its first lines and one explanation; every line stays one step away."""
    at = open_page("app_pages/upload.py")
    row = "NMPAT,Y{n},Violin,wcet,classical,,{day},,,NN1 1AA,Year 4,20,,,,,,,,,,,,,"
    rows = [row.format(n=n, day="31/02/2026" if n == 7 else "2025-10-01") for n in range(30)]
    data = ACTIVITIES_HEADER + "\n" + "\n".join(rows) + "\n"
    at.file_uploader(key="upload_file").upload("years.csv", data.encode(), "text/csv").run()
    assert not at.exception
    assert "31 problems" in at.error[0].value
    groups = table(at, "What is wrong and what to do")
    assert groups[["Kind", "Column", "Cells", "Where"]].values.tolist() == [
        ["Error", "age_band", 30, "lines 2, 3, 4, 5, 6 and 25 more"],
        ["Error", "start_date", 1, "line 9"],
    ]
    assert groups["What is wrong and what to do"][0].startswith(
        "This is not one of the values allowed for age_band."
    )
    assert len(table(at, "What to do")) == 31  # line by line, in the expander
    assert any(e.label == "Every problem, line by line (31)" for e in at.expander)


def test_upload_loads_a_clean_file_after_confirmation(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/upload.py")
    good = (
        ACTIVITIES_HEADER
        + "\nNMPAT,U1,New strings,wcet,,,2026-01-12,,900003,,ks2,30,,,,,,,,,,,,,\n"
    )
    at.file_uploader(key="upload_file").upload("good.csv", good.encode(), "text/csv").run()
    assert "is clean" in at.success[0].value
    assert table(at, "activity_id")["activity_id"].tolist() == ["U1"]
    con = store.connect(app_db)
    assert con.execute("SELECT count(*) FROM batches").fetchone() == (4,)  # not yet saved
    con.close()
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch 5" in s.value for s in at.success)
    con = store.connect(app_db)
    assert con.execute(
        "SELECT participants FROM activities WHERE activity_id = 'U1'"
    ).fetchone() == (30,)
    con.close()


def test_the_filters_carry_over_from_page_to_page(open_page: Open) -> None:
    at = open_page("app_pages/overview.py")
    at.selectbox(key="filter_la").select("Rutland").run()
    at.selectbox(key="filter_year").select("2024/25").run()
    for page, title in (("app_pages/reach.py", "Reach"), ("app_pages/schools.py", "Schools")):
        at.switch_page(page).run()
        assert not at.exception
        assert at.title[0].value.startswith(title)
        assert at.selectbox(key="filter_la").value == "Rutland"
        assert at.selectbox(key="filter_year").value == "2024/25"
        assert "Showing 2024/25 · Rutland" in [c.value for c in at.caption]


def test_pages_without_figures_have_no_filters(open_page: Open) -> None:
    at = open_page("app_pages/upload.py")
    assert not [s for s in at.selectbox if s.key and s.key.startswith("filter_")]


def test_goal_detail_breakdown_matches_the_engine(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/goal_detail.py", goal="4")
    shown = {(r.Breakdown, r.Group): r.Value for r in table(at, "Breakdown").itertuples()}
    for la in ("North Northamptonshire", "West Northamptonshire"):
        expected = engine(app_db, "2025/26", Filters(local_authority=la))["cyp_participations"]
        assert shown[("Local authority", la)] == expected
    ks2 = engine(app_db, "2025/26", Filters(age_band="ks2"))["cyp_participations"]
    assert shown[("Age band", "KS2 (7–11)")] == ks2


def test_reports_page_prepares_both_reports(open_page: Open) -> None:
    at = open_page("app_pages/reports.py")
    at.button(key="prepare_ace").click().run()
    assert not at.exception, at.exception
    at.button(key="prepare_pack").click().run()
    assert not at.exception, at.exception
    keys = {b.key for b in at.get("download_button")}
    assert {"download_ace", "download_pack"} <= keys
    assert at.session_state["ace_bytes"][1][:2] == b"PK"  # an xlsx is a zip
    assert at.session_state["pack_bytes"][1][:5] == b"%PDF-"

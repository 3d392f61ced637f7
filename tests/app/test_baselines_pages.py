"""Area baselines from the DfE's tables on the pages: loaded on the Upload page, and cited on
the Methods and Progression pages (issue 19, item 3). The EES files are fictional extracts in
the DfE's layouts (tests/fixtures/ees/README.md): every figure is invented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_fixture import FIXTURES, load_text
from page_helpers import Open, as_the_apps_database, open_app, table
from participants_fixture import build_cohort

from hubmetrics import store

EES = FIXTURES / "ees"
ETHNICITY = (EES / "spc_pupils_ethnicity_and_language_.csv").read_bytes()
SEN = (EES / "sen_phase_type_.csv").read_bytes()
CITED = (
    "DfE, Schools, pupils and their characteristics 2024/25, North Northamptonshire and "
    "West Northamptonshire"
)


@pytest.fixture
def cohort_with_dfe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The cohort hub (North and West Northamptonshire) with the ethnicity and SEN tables."""
    path = tmp_path / "cohort.duckdb"
    con = build_cohort(path)
    for text in (ETHNICITY, SEN):
        assert load_text(con, "baselines", text).accepted
    con.close()
    with as_the_apps_database(path, monkeypatch):
        yield path


def test_the_upload_page_loads_a_dfe_table(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/upload.py")
    kinds = at.selectbox(key="upload_kind")
    assert "baselines" in kinds.options or any("Area baselines" in o for o in kinds.options)
    kinds.select("baselines").run()
    assert any("Download data set" in i.value for i in at.info)
    upload = at.file_uploader(key="upload_file")
    upload.upload("spc_pupils_ethnicity_and_language_.csv", ETHNICITY, "text/csv").run()
    assert not at.exception, at.exception
    assert "is clean" in at.success[0].value and "7 rows to load" in at.success[0].value
    preview = table(at, "measure")
    assert preview.measure.tolist()[0] == "ethnicity_white"
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch" in s.value for s in at.success)
    con = store.connect(app_db)
    try:
        assert con.execute("SELECT count(*) FROM baselines WHERE share IS NOT NULL").fetchone() == (
            7,
        )
        audit = con.execute(
            "SELECT outcome, detail FROM audit_event WHERE action = 'load' "
            "ORDER BY event_id DESC LIMIT 1"
        ).fetchone()
        assert audit is not None and audit[0] != "refused"
        assert audit[1].startswith("baselines spc_pupils_ethnicity_and_language_.csv: batch")
    finally:
        con.close()


def test_a_refused_dfe_table_names_the_missing_columns(open_page: Open) -> None:
    at = open_page("app_pages/upload.py")
    at.selectbox(key="upload_kind").select("baselines").run()
    plain = b"la_name,headcount\nNorth Northamptonshire,12\n"
    at.file_uploader(key="upload_file").upload("table.csv", plain, "text/csv").run()
    assert "cannot be loaded" in at.error[0].value
    problems = table(at, "What to do")
    assert "Explore Education Statistics layout" in problems["What to do"].iloc[0]


def test_the_methods_page_says_where_each_baseline_came_from(open_page: Open) -> None:
    at = open_page("app_pages/methods.py")
    rows = table(at, "Baseline").set_index("Baseline")
    assert rows.loc["global_majority_share", "Source"].startswith("goals file (")
    assert rows.loc["global_majority_share", "Share"] == "22.0%"
    assert rows.loc["send_share", "Source"] == "none"


def test_methods_and_progression_cite_the_dfe(cohort_with_dfe: Path) -> None:
    at = open_app("app_pages/methods.py")
    rows = table(at, "Baseline").set_index("Baseline")
    assert rows.loc["ethnicity_white", "Source"] == CITED
    assert rows.loc["ethnicity_white", "Share"] == "84.3%"  # 77,000 of 91,300 pupils
    assert rows.loc["female_share", "Source"].startswith("goals file (")  # no sex table
    assert rows.loc["sen_support_share", "Source"].startswith("DfE, Special educational needs")
    at = open_app("app_pages/progression.py", year="2024/25")
    captions = "\n".join(c.value for c in at.caption)
    assert f"ethnicity from {CITED}" in captions
    assert "sex from goals file (" in captions
    ethnicity = table(at, "Group")  # the first profile table: ethnicity
    area = dict(zip(ethnicity.Group, ethnicity.Area, strict=True))
    assert (area["White"], area["Chinese"]) == ("84.3%", "0.5%")
    send = next(
        f.value
        for f in at.dataframe
        if "Group" in f.value.columns and "SEN support" in f.value.Group.tolist()
    )
    levels = dict(zip(send.Group, send.Area, strict=True))
    # SEN support 11,800 and EHCP 4,000 of 92,800 pupils (the DfE's SEN table).
    assert (levels["SEN support"], levels["EHCP"], levels["No SEND"]) == (
        "12.7%",
        "4.3%",
        "83.0%",
    )

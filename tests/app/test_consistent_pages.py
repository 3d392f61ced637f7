"""Every page shows the data before or after an upload, never figures from half of one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import load_text
from streamlit.testing.v1 import AppTest

from hubmetrics import store
from hubmetrics.app import cached, state, view
from hubmetrics.app import format as fmt
from hubmetrics.metrics import METRICS, Filters
from hubmetrics.metrics.goals import load_goals
from hubmetrics.metrics.status import evaluate_goals

ROOT = Path(__file__).resolve().parents[2]
LATE_RETURN = (
    "partner_id,activity_id,activity_name,activity_type,start_date,school_urn,age_band,"
    "participants\nNMPAT,LATE-1,Landed mid-read,wcet,2025-10-06,900003,ks2,500\n"
)


def headlines(path: Path) -> list[tuple[str, str]]:
    """The Overview's goal cards as the engine makes them from the database now."""
    con = store.connect(path)
    try:
        results = evaluate_goals(con, load_goals(), "2025/26", Filters(), as_of=store.as_of(con))
    finally:
        con.close()
    return sorted(
        (
            METRICS[g.indicators[0].metric].label,
            fmt.figure(g.indicators[0].metric, g.indicators[0].value),
        )
        for g in results
    )


def test_an_upload_landing_during_a_read_reruns_the_page(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = evaluate_goals
    landed: list[int] = []

    def goals_then_an_upload(*args: Any, **kwargs: Any) -> Any:
        # The goals were read; another session's upload commits before the read is cached.
        results = real(*args, **kwargs)
        if not landed:
            result = load_text(state.connection(), "activities", LATE_RETURN)
            assert result.accepted, result.errors
            landed.append(result.batch_id or 0)
        return results

    before = headlines(app_db)
    monkeypatch.setattr(cached, "evaluate_goals", goals_then_an_upload)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()  # one run of the Overview, the default page
    assert not at.exception, at.exception
    assert landed, "the upload did not land during the page's reads"
    after = headlines(app_db)
    assert after != before
    # Every card is from after the upload: none mixes the activities of before with it.
    assert sorted((m.label, m.value) for m in at.metric) == after


def test_an_upload_landing_between_two_reads_reruns_the_page(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sidebar read the partners list; then a new partner is loaded; then the Overview
    reads what the figures stand on. The page must not show both states at once."""
    real = view.header
    landed: list[int] = []

    def an_upload_then_the_title(*args: Any) -> None:
        if not landed:
            result = load_text(state.connection(), "partners", "partner_id,name\nLATE,Late Ltd\n")
            assert result.accepted, result.errors
            landed.append(result.batch_id or 0)
        real(*args)

    monkeypatch.setattr(view, "header", an_upload_then_the_title)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert landed
    assert any("of 4 partners" in m.value for m in at.markdown)
    assert "LATE" in at.selectbox(key="filter_partner").options


def test_a_report_that_an_upload_overtook_is_not_kept(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload commits while the Arts Council workbook is being made: that workbook (which
    may mix the two states) is neither cached nor offered; the page runs again."""
    import hubmetrics.reports.ace as ace

    real = ace.write_ace_workbook
    made: list[int] = []

    def workbook_then_an_upload(*args: Any, **kwargs: Any) -> Any:
        written = real(*args, **kwargs)
        if not made:
            result = load_text(state.connection(), "activities", LATE_RETURN)
            assert result.accepted, result.errors
        made.append(1)
        return written

    monkeypatch.setattr(ace, "write_ace_workbook", workbook_then_an_upload)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/reports.py").run()
    at.button(key="prepare_ace").click().run()
    assert not at.exception, at.exception
    assert len(made) == 1  # made once, overtaken, and not offered
    assert "download_ace" not in [b.key for b in at.get("download_button")]
    at.button(key="prepare_ace").click().run()  # asked again: made from the new state
    assert len(made) == 2
    assert "download_ace" in [b.key for b in at.get("download_button")]

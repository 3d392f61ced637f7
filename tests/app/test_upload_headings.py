"""Upload page: a partner's own headings shown as read, changed with a select box, and
remembered so that the next file maps itself."""

from __future__ import annotations

from pathlib import Path

from page_helpers import Open

from hubmetrics import store
from hubmetrics.people import audit

OWN = "Partner ID,Activity ref,Name of activity,Type,Start date,Key stage,Kids\n"
ROW = "NMPAT,{ref},Violin,wcet,2025-10-06,ks2,24\n"


def heading_box(at, heading: str):
    return next(s for s in at.selectbox if s.label.startswith(f"'{heading}'"))


def test_a_heading_is_mapped_with_a_select_box_and_remembered_for_the_partner(
    open_page: Open, app_db: Path
) -> None:
    at = open_page("app_pages/upload.py")
    at.selectbox(key="upload_partner").select("NMPAT").run()
    at.file_uploader(key="upload_file").upload(
        "autumn.csv", (OWN + ROW.format(ref="H1")).encode(), "text/csv"
    ).run()
    assert not at.exception
    assert "cannot be loaded" in at.error[0].value  # 'Kids' means nothing to the contract
    assert heading_box(at, "Key stage").label == "'Key stage' (synonym)"
    assert heading_box(at, "Key stage").value == "age_band"
    kids = heading_box(at, "Kids")
    assert (kids.label, kids.value) == ("'Kids' (unknown)", "(not loaded)")
    kids.select("participants").run()
    assert not at.exception
    assert "is clean" in at.success[0].value
    assert heading_box(at, "Kids").label == "'Kids' (chosen)"
    at.button(key="upload_remember").click().run()
    assert any("Remembered 5 headings" in s.value for s in at.success)
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch" in s.value for s in at.success)

    con = store.connect(app_db)
    saved = con.execute(
        "SELECT heading, column_name FROM heading_mapping WHERE partner_id = 'NMPAT' "
        "AND kind = 'activities' ORDER BY heading"
    ).fetchall()
    assert saved == [
        ("Activity ref", "activity_id"),
        ("Key stage", "age_band"),
        ("Kids", "participants"),
        ("Name of activity", "activity_name"),
        ("Type", "activity_type"),
    ]
    assert con.execute(
        "SELECT participants FROM activities WHERE activity_id = 'H1'"
    ).fetchone() == (24,)
    assert [e.action for e in audit.events(con, action="headings_saved")] == ["headings_saved"]
    con.close()

    # Next term's file, in a new session: it maps itself.
    at = open_page("app_pages/upload.py")
    at.selectbox(key="upload_partner").select("NMPAT").run()
    at.file_uploader(key="upload_file").upload(
        "spring.csv", (OWN + ROW.format(ref="H2")).encode(), "text/csv"
    ).run()
    assert not at.exception
    assert "is clean" in at.success[0].value
    assert heading_box(at, "Kids").label == "'Kids' (chosen)"


def test_a_file_with_the_contracts_own_headings_shows_no_mapping(open_page: Open) -> None:
    at = open_page("app_pages/upload.py")
    good = "partner_id,activity_id,activity_name,activity_type,start_date,age_band,participants\n"
    good += "NMPAT,H3,Violin,wcet,2025-10-06,ks2,24\n"
    at.file_uploader(key="upload_file").upload("plain.csv", good.encode(), "text/csv").run()
    assert "is clean" in at.success[0].value
    assert not [e for e in at.expander if e.label == "How the file's headings were read"]

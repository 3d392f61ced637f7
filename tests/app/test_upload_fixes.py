"""Upload page: fixes offered and applied only when accepted, the original kept as sent;
workbooks read from the sheet the person picks."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
from hub_fixture import ACTIVITIES_HEADER
from page_helpers import Open, table

from hubmetrics import config, store
from hubmetrics.people import audit

ROW = "NMPAT,F{n},Violin,wcet,classical,,2025-10-06,,,NN1 1AA,{band},24,{new},,,,,,,,,,,,"


def test_fixes_are_offered_applied_when_accepted_and_the_original_is_kept(
    open_page: Open, app_db: Path
) -> None:
    rows = [ROW.format(n=n, band="Year 4", new="n/a" if n == 2 else "") for n in range(4)]
    sent = (ACTIVITIES_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    at = open_page("app_pages/upload.py")
    at.file_uploader(key="upload_file").upload("messy.csv", sent, "text/csv").run()
    assert not at.exception
    assert "cannot be loaded: 5 problems" in at.error[0].value
    offered = [m.value for m in at.markdown if m.value.startswith("**") and "cell(s)" in m.value]
    assert len(offered) == 2
    assert any("age_band, 4 cell(s)" in m for m in offered)
    assert any("new_participants, 1 cell(s)" in m for m in offered)
    assert not any(b.key == "upload_confirm" for b in at.button)  # nothing imposed
    at.button(key="upload_fix_all").click().run()
    assert not at.exception
    assert "is clean" in at.success[0].value
    assert any("Fixes applied to this upload" in i.value for i in at.info)
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch 5" in s.value for s in at.success)

    con = store.connect(app_db)
    bands = con.execute(
        "SELECT DISTINCT age_band, new_participants FROM activities WHERE activity_id LIKE 'F%'"
    ).fetchall()
    assert bands == [("ks2", None)]
    (stored,) = con.execute("SELECT file_name FROM batches WHERE batch_id = 5").fetchone()
    assert stored == "messy.csv"
    fixed = [e.detail for e in audit.events(con, action="fixed")]
    con.close()
    assert len(fixed) == 2 and all(d.startswith("batch 5: ") for d in fixed)
    kept = [p.read_bytes() for p in config.originals_dir(app_db).glob("batch-*.csv")]
    assert sent in kept  # the original as sent, not as fixed


def test_a_workbook_with_several_sheets_is_read_from_the_sheet_chosen(open_page: Open) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "Our autumn return"
    autumn = book.create_sheet("Autumn")
    autumn.append(["Autumn term activities, Rockschool"])
    autumn.append([])
    autumn.append(["partner_id", "activity_id", "activity_name", "activity_type", "start_date"])
    autumn.append(["NMPAT", "W1", "Violin", "wcet", date(2025, 10, 6)])
    autumn["F3"], autumn["G3"], autumn["F4"], autumn["G4"] = "age_band", "participants", "ks2", 24
    out = io.BytesIO()
    book.save(out)
    at = open_page("app_pages/upload.py")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="upload_file").upload("rock.xlsx", out.getvalue(), xlsx).run()
    assert not at.exception
    assert at.selectbox(key="upload_sheet").options == ["Notes", "Autumn"]
    at.selectbox(key="upload_sheet").select("Autumn").run()
    assert not at.exception
    assert "is clean" in at.success[0].value
    assert any("Read sheet 'Autumn'; headings on row 3." in c.value for c in at.caption)
    assert table(at, "activity_id")["start_date"].astype(str).tolist() == ["2025-10-06"]

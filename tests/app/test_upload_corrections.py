"""Upload page: the rows still in trouble in a grid, the cells corrected listed, and what
loading will change (rows and headline figures before and after) before confirming.

Synthetic rows. app_db's 2025/26 activities are A1 (28, school 900001, 2025-09-08), A2 (40,
no school) and R1 (12, school 900002): 80 participations and 2 state-funded schools engaged.
(Editing a grid cell is a browser's act: tests/browser/test_partner_return.py does it.)
"""

from __future__ import annotations

from hub_fixture import ACTIVITIES_HEADER
from page_helpers import Open, table
from streamlit.testing.v1 import AppTest

from hubmetrics.disclosure.pseudonymise import pseudonym

ROW = "NMPAT,{id},Violin,wcet,classical,,{start},,{urn},NN1 1AA,{band},{n},,,,,,,,,,,,,"


def upload(at: AppTest, name: str, text: str) -> AppTest:
    at.file_uploader(key="upload_file").upload(name, text.encode(), "text/csv").run()
    assert not at.exception, at.exception
    return at


def activities(*rows: dict[str, object]) -> str:
    lines = [ROW.format(**{"start": "2025-10-06", "urn": "", "band": "ks2", **r}) for r in rows]
    return ACTIVITIES_HEADER + "\n" + "\n".join(lines) + "\n"


def test_the_rows_in_trouble_are_in_a_grid_with_what_is_wrong(open_page: Open) -> None:
    text = activities(
        {"id": "G1", "urn": 900003, "band": "Year 4", "n": 20},
        {"id": "G2", "n": "lots"},
        {"id": "G3", "n": 5},
        {"id": "G4", "n": "a few"},
    )
    at = upload(open_page("app_pages/upload.py"), "g.csv", text)
    assert "cannot be loaded: 3 problems" in at.error[0].value
    at.button(key="upload_fix_0").click().run()  # school years to age bands
    assert not at.exception
    assert "cannot be loaded: 2 problems" in at.error[0].value
    grid = table(at, "What is wrong")
    assert grid["Line"].tolist() == [3, 5]
    assert grid["participants"].tolist() == ["lots", "a few"]
    assert grid["activity_id"].tolist() == ["G2", "G4"]
    assert all("participants must be a number" in w for w in grid["What is wrong"])
    corrected = table(at, "How")
    assert corrected[["Line", "Column", "Before", "After"]].values.tolist() == [
        [2, "age_band", "Year 4", "ks2"]
    ]
    assert any("still in trouble" in m.value for m in at.markdown)


def test_before_confirming_it_says_what_loading_will_change(open_page: Open) -> None:
    text = activities(
        {"id": "A1", "start": "2025-09-08", "urn": 900001, "n": 30},  # replaces A1 (28)
        {"id": "G1", "urn": 900003, "n": 20},  # new, at a third state-funded school
    )
    at = upload(open_page("app_pages/upload.py"), "h.csv", text)
    assert "is clean" in at.success[0].value
    rows = {m.label: m.value for m in at.metric}
    assert rows["New rows"] == "1"
    assert rows["Rows replaced (corrections of rows loaded before)"] == "1"
    change = table(at, "Change")
    by_figure = {r["Figure"]: (r["Before"], r["After"], r["Change"]) for _, r in change.iterrows()}
    # 80 - 28 + 30 + 20 = 102 participations; schools 900001, 900002 and now 900003.
    assert by_figure == {
        "Participations": ("80", "102", "+22"),
        "State-funded schools engaged": ("2", "3", "+1"),
    }
    assert set(change["Year"]) == {"2025/26"}
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch" in s.value and "(1 replaced)" in s.value for s in at.success)


def test_a_participant_records_grid_shows_no_value_from_them(open_page: Open) -> None:
    ref = pseudonym("A100000000001", bytes(range(32)))
    text = (
        "participant_ref,partner_id,activity_id,start_date,age_band,sex,fsm\n"
        f"{ref},NMPAT,A1,2025-09-08,ks2,f,maybe-not\n"
    )
    at = open_page("app_pages/upload.py")
    at.selectbox(key="upload_kind").select("participants").run()
    at = upload(at, "p.csv", text)
    assert at.error, "the file has a problem"
    grid = table(at, "What is wrong")
    assert grid["Line"].tolist() == [2]
    shown = grid.drop(columns=["Line", "What is wrong"]).values.ravel().tolist()
    assert shown and all(v == "" for v in shown)
    # Neither the grid, a preview nor the problem list shows a value: the pseudonym and the
    # refused fsm cell appear nowhere on the page.
    for element in at.main:
        value = getattr(element, "value", None)
        for said in (ref, "maybe-not"):
            if hasattr(value, "astype"):
                assert not (value.astype(str) == said).any().any(), type(element).__name__
            else:
                assert said not in str(value)

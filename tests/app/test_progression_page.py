"""The Progression page (and participations beside children elsewhere) on the hand-made cohort."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from access_helpers import identity, trust_the_identity_provider
from page_helpers import Open, as_the_apps_database, open_app, table
from participants_fixture import build_cohort
from streamlit.testing.v1 import AppTest

from hubmetrics import config, store
from hubmetrics.people import accounts
from hubmetrics.people.access import local_operator


@pytest.fixture
def cohort_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cohort.duckdb"
    build_cohort(path).close()
    with as_the_apps_database(path, monkeypatch):
        yield path


def goals_with_threshold(tmp_path: Path, threshold: int) -> Path:
    text = config.DEFAULT_GOALS.read_text(encoding="utf-8").replace(
        "threshold = 4", f"threshold = {threshold}"
    )
    path = tmp_path / f"goals-{threshold}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def open_cohort(cohort_app: Path) -> Open:
    return open_app


TRUSTEE = "trustee@hub.example"


@pytest.fixture
def viewer_opens(cohort_app: Path, monkeypatch: pytest.MonkeyPatch) -> Open:
    """Open a page signed in (through the identity provider) as a trustee: a viewer."""
    con = store.connect(cohort_app)
    accounts.add(con, TRUSTEE, "viewer", by=local_operator("setup"))
    con.close()
    trust_the_identity_provider(monkeypatch)

    def run(page: str, **query: str) -> AppTest:
        return open_app(page, user=identity(TRUSTEE), **query)

    return run


def figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_key_figures_funnel_and_profile(
    viewer_opens: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a trustee with the threshold at 1, only counts of one child are hidden (and what
    gives them away)."""
    monkeypatch.setenv("HUBMETRICS_GOALS", str(goals_with_threshold(tmp_path, 1)))
    at = viewer_opens("app_pages/progression.py", year="2024/25")
    assert at.title[0].value == "Progression"
    assert figures(at) == {
        "Participations": "6",
        "Individual children and young people": "5",
        "Children continuing after whole-class teaching": "60.0%",
        "Continuation from whole-class teaching": "80.0%",
    }
    captions = "\n".join(c.value for c in at.caption)
    assert "3 of the 5 children in whole-class teaching the year before" in captions
    assert "**5 individual children and young people**" in captions
    funnel = table(at, "Taking part")
    first = funnel.iloc[0].to_dict()
    assert first["Cohort (first in whole-class teaching)"] == "2023/24"
    assert (first["Year"], first["Children in the cohort"], first["Taking part"]) == (
        "2024/25",
        "5",
        "3",
    )
    assert first["Taking part (% of cohort)"] == "60.0%"
    cohorts = at.selectbox(key="progression_cohort")
    assert (cohorts.value, cohorts.options) == (
        "2023/24",
        ["First seen in 2023/24", "First seen in 2024/25"],
    )
    ethnicity = table(at, "Group")  # the first profile table: ethnicity
    rows = {r.Group: (r.Children, r.Share, r.Area) for r in ethnicity.itertuples()}
    assert rows["White"] == ("2", "[c]", "78.0%")  # a hidden not-recorded count hides shares
    assert rows["Black"] == ("[c]", "[c]", "6.5%")
    assert rows["Asian"] == ("0", "0.0%", "7.0%")
    assert rows["Not recorded"] == ("[c]", "—", "—")


def test_small_numbers_are_hidden_for_a_trustee(viewer_opens: Open) -> None:
    at = viewer_opens("app_pages/progression.py", year="2024/25")  # the goals file's threshold 4
    shown = figures(at)
    assert shown["Individual children and young people"] == "5"
    assert shown["Children continuing after whole-class teaching"] == "[c]"  # 3 of 5
    funnel = table(at, "Taking part")
    assert funnel.iloc[0]["Taking part"] == "[c]"
    assert funnel.iloc[0]["Taking part (% of cohort)"] == "[c]"
    ethnicity = table(at, "Group")
    assert set(ethnicity.Children) <= {"0", "[c]"}
    assert any("not drawn" in c.value for c in at.caption)


def test_hub_staff_see_the_true_figures(open_cohort: Open) -> None:
    """The local operator (no sign-in, on loopback) acts as an administrator: nothing hidden."""
    at = open_cohort("app_pages/progression.py", year="2024/25")  # the goals file's threshold 4
    assert figures(at)["Children continuing after whole-class teaching"] == "60.0%"
    assert table(at, "Taking part").iloc[0]["Taking part"] == "3"
    ethnicity = table(at, "Group")
    rows = {r.Group: r.Children for r in ethnicity.itertuples()}
    assert rows["White"] == "2" and rows["Black"] == "1"


def test_another_cohort_can_be_chosen(open_cohort: Open) -> None:
    at = open_cohort("app_pages/progression.py", year="2025/26")
    at.selectbox(key="progression_cohort").select("2024/25").run()
    assert not at.exception, at.exception


def test_without_records_the_page_says_how_to_get_them(open_page: Open) -> None:
    at = open_page("app_pages/progression.py")
    assert "No participant records are loaded yet" in at.info[0].value
    assert not at.metric


def test_reach_and_partners_set_participations_beside_children(open_cohort: Open) -> None:
    at = open_cohort("app_pages/reach.py", year="2024/25")
    assert figures(at)["Individual children and young people"] == "5"
    assert any("count a child once for every activity" in c.value for c in at.caption)
    # Abbey (100001) had W24 (Gu, Hal) and T24 (Ava, Ed) in 2024/25: four children, four
    # participations; Brook (100002) had nothing that year, so no record covers it.
    schools = table(at, "URN").set_index("URN")
    assert tuple(schools.loc[100001, ["Participations", "Individual children"]]) == (4, 4)
    assert schools.loc[100002, "Participations"] == 0
    assert pd.isna(schools.loc[100002, "Individual children"])
    at.switch_page("app_pages/partners.py").run()
    assert not at.exception, at.exception
    partners = table(at, "Individual children")
    by_id = dict(zip(partners.ID, partners["Individual children"], strict=True))
    assert (by_id["P1"], by_id["P2"]) == (4, 2)


def test_upload_takes_participant_records_and_refuses_a_name(open_cohort: Open) -> None:
    at = open_cohort("app_pages/upload.py")
    at.selectbox(key="upload_kind").select("participants").run()
    assert any("pseudonymise" in i.value for i in at.info)
    at.selectbox(key="upload_partner").select("P1").run()
    bad = "participant_ref,activity_id,start_date,age_band\nEmily Smith,T25,2025-09-15,ks2\n"
    at.file_uploader(key="upload_file").upload("bad.csv", bad.encode(), "text/csv").run()
    assert "cannot be loaded" in at.error[0].value
    problems = table(at, "What to do")
    assert problems.Column.tolist() == ["participant_ref"]
    assert "Emily" not in " ".join(problems.Value.tolist() + problems["What to do"].tolist())
    good = f"participant_ref,activity_id,start_date,age_band\n{'p_' + '0' * 19 + '1'},T25,2025-09-15,ks2\n"
    at.file_uploader(key="upload_file").upload("good.csv", good.encode(), "text/csv").run()
    assert "is clean" in at.success[0].value
    at.button(key="upload_confirm").click().run()
    assert any("Loaded as batch 5" in s.value for s in at.success)


def test_the_batches_page_counts_participant_records(open_cohort: Open) -> None:
    at = open_cohort("app_pages/batches.py")
    shown = figures(at)
    assert (shown["Participant records"], shown["Activities"], shown["Batches"]) == (
        "18",
        "11",
        "4",
    )

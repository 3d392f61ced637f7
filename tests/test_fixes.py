"""The fixes offered for common problems of an upload: what each changes, what it never
touches, and that the real checks accept what they write."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hub_fixture import ACTIVITIES_HEADER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubmetrics import store
from hubmetrics.contract import (
    ACTIVITIES,
    FILE_KINDS,
    NO_VALUES,
    PARTICIPANTS,
    SCHOOLS,
    YES_VALUES,
    Column,
    FileKind,
)
from hubmetrics.ingest import check_file, load_file
from hubmetrics.ingest.fixes import CellChange, Fix, apply_fixes, cell_is_valid, offered_fixes
from hubmetrics.ingest.validate import plan, typed_select

KINDS = [ACTIVITIES, SCHOOLS, PARTICIPANTS, FILE_KINDS["partners"]]
TYPED = [(k, c) for k in KINDS for c in k.columns if c.type not in ("text", "code")]


def changes_of(kind: FileKind, text: str) -> dict[tuple[int, str], str]:
    """(line, column) -> the text a fix would write, over every fix offered."""
    return {(c.line, c.column): c.after for f in offered_fixes(kind, text) for c in f.changes}


def one_column(column: str, *cells: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[column], *([c] for c in cells)])
    return out.getvalue()


# --- each kind of fix, on small files whose answers were worked out by hand ---


def test_school_years_and_phases_become_age_bands() -> None:
    cells = ["Year 4", "Y4", "Yr 2", "Reception", "Nursery", "Sixth form", "Post-16", "EYFS"]
    cells += ["Years 3-6", "Years 3 - 6", "Y7-9", "Years 10 to 11", "Key Stage 2", "Year 12"]
    cells += ["Years 3-8", "Year 14", "Reception - Year 2", "Years 6-3", "Primary", "ks2"]
    fixes = offered_fixes(ACTIVITIES, one_column("age_band", *cells))
    assert [(f.name, f.column, f.cells) for f in fixes] == [
        ("School years as age bands", "age_band", 14)
    ]
    after = {c.before: c.after for c in fixes[0].changes}
    assert after == {
        "Year 4": "ks2",
        "Y4": "ks2",
        "Yr 2": "ks1",
        "Reception": "early_years",
        "Nursery": "early_years",
        "Sixth form": "ks5",
        "Post-16": "ks5",
        "EYFS": "early_years",
        "Years 3-6": "ks2",
        "Years 3 - 6": "ks2",
        "Y7-9": "ks3",
        "Years 10 to 11": "ks4",
        "Key Stage 2": "ks2",
        "Year 12": "ks5",
    }
    assert [c.line for c in fixes[0].changes] == list(range(2, 16))
    assert fixes[0].explanation == (
        "Turn school years and phases in age_band into age bands: 'Year 4' becomes ks2, "
        "'Y4' becomes ks2 and so on."
    )


def test_yes_no_variants() -> None:
    text = "participant_ref,fsm,send,eal\np_1,✓,SEN support,Yes.\np_2,x,EHCP,TRUE\np_3,✔,✓,y\n"
    assert changes_of(PARTICIPANTS, text) == {
        (2, "fsm"): "Yes",
        (4, "fsm"): "Yes",
        (2, "send"): "K",
        (3, "send"): "E",
        (4, "send"): "Yes",
        (2, "eal"): "Yes",
    }  # "x" could be a tick or a cross; TRUE and y are read already


def test_blanks_written_as_words_only_in_optional_columns() -> None:
    text = (
        "activity_id,age_band,participants,end_date,genre,school_urn,sessions,fsm\n"
        "A1,n/a,n/a,n/a,-,none,none,nil\n"
        "A2,ks2,N/A,–,not known,Unknown,-,N/A\n"
    )
    assert changes_of(ACTIVITIES, text) == {
        (2, "end_date"): "",
        (2, "genre"): "",
        (2, "school_urn"): "",  # no school: a URN is never 0
        (3, "end_date"): "",
        (3, "genre"): "",
        (3, "school_urn"): "",
        (3, "sessions"): "",
        (3, "fsm"): "",
    }  # age_band and participants are required; "none" sessions or fsm may mean 0


def test_not_known_is_left_where_the_column_says_not_known_itself() -> None:
    text = "participant_ref,sex,ethnicity,fsm,lac\np_1,unknown,not known,none,n/a\n"
    assert changes_of(PARTICIPANTS, text) == {(2, "lac"): ""}  # sex U, ethnicity NOBT; none=no


def test_counts_written_with_words() -> None:
    text = (
        "participants,female,sessions,contact_hours,school_urn\n"
        '12 pupils,"1,204 children",10 sessions,1.5 hrs,12 pupils\n'
        "approx 30,12 sessions,12 pupils,2 hours,\n"
        "12.5 pupils,3 girls,1 session,90 minutes,\n"
    )
    assert changes_of(ACTIVITIES, text) == {
        (2, "participants"): "12",
        (2, "female"): "1,204",
        (2, "sessions"): "10",
        (2, "contact_hours"): "1.5",
        (3, "contact_hours"): "2",
        (4, "sessions"): "1",
    }  # a unit that is not the column's own is a question, as is a part of a pupil


def test_activity_type_and_genre_synonyms() -> None:
    text = (
        "activity_type,genre\n"
        "Whole class ensemble teaching,Pop\n"
        "First Access,rock & pop\n"
        "1:1 lessons,World Music\n"
        "small group lessons,music tech\n"
        "Orchestra,Choir\n"
        "vocal group,jazz\n"
        "group lessons,music\n"
        "WCET,Tuition Individual\n"
    )
    assert changes_of(ACTIVITIES, text) == {
        (2, "activity_type"): "wcet",
        (2, "genre"): "rock_pop",
        (3, "activity_type"): "wcet",
        (3, "genre"): "rock_pop",
        (4, "activity_type"): "tuition_individual",
        (4, "genre"): "world",
        (5, "activity_type"): "tuition_small_group",
        (5, "genre"): "music_technology",
        (6, "activity_type"): "ensemble",
        (6, "genre"): "choral",
        (7, "activity_type"): "choir",
    }  # "group lessons" is small or large; line 9 is valid already (and not a genre)
    fixes = offered_fixes(ACTIVITIES, text)
    assert [f.explanation.split(":")[0] for f in fixes] == [
        "Use the hub's own names for activity types in activity_type",
        "Use the hub's own names for genres in genre",
    ]


def test_unambiguous_date_forms_only() -> None:
    cells = ["3 March 2026", "03 Mar 2026", "3-Mar-2026", "March 3rd, 2026", "2026/03/03"]
    cells += ["13.3.2026", "13-03-2026", "2026-03-03 00:00:00", "03/03/2026 09:30"]
    cells += ["03/04/2026", "03.04.2026", "04-03-2026", "3/4/26", "03/13/2026", "31 Feb 2026"]
    cells += ["3 March 1985", "2026-03-03"]
    fixes = offered_fixes(ACTIVITIES, one_column("start_date", *cells))
    assert [(f.name, f.cells) for f in fixes] == [("Dates written another way", 9)]
    assert [(c.line, c.after) for c in fixes[0].changes] == [
        *((line, "2026-03-03") for line in range(2, 7)),
        (7, "2026-03-13"),
        (8, "2026-03-13"),
        (9, "2026-03-03"),
        (10, "2026-03-03"),
    ]


def test_lines_are_where_each_row_starts() -> None:
    text = (
        'activity_name,age_band\r\n"two\r\nlines",Year 4\r\n\r\nthree,Y7\r\n"a ""b""\nc\nd",Y1\r\n'
    )
    assert changes_of(ACTIVITIES, text) == {
        (2, "age_band"): "ks2",
        (5, "age_band"): "ks3",
        (6, "age_band"): "ks1",
    }


def test_headings_are_matched_loosely_and_a_repeated_or_unknown_one_is_left() -> None:
    text = "\ufeffAge Band,Start-Date,start_date,Notes\nYear 4,3 March 2026,3 May 2026,Y4\n"
    assert changes_of(ACTIVITIES, text) == {(2, "age_band"): "ks2"}


def test_a_row_with_cells_out_of_place_is_left() -> None:
    text = "activity_name,age_band\nA, B,Year 4\nC,Year 4\n"
    assert changes_of(ACTIVITIES, text) == {(3, "age_band"): "ks2"}


def test_apply_fixes_changes_only_those_cells() -> None:
    text = (
        "activity_id,activity_name,age_band,genre,participants\n"
        'A1,"Violins, Year 4",Year 4,pop,12 pupils\n'
        "A2,  spaced  ,ks2,classical,30\n"
        'A3,"multi\nline",Y6,"Pop",  12 pupils  \n'
    )
    fixes = offered_fixes(ACTIVITIES, text)
    assert [(f.column, f.cells) for f in fixes] == [
        ("age_band", 2),
        ("genre", 2),
        ("participants", 2),
    ]
    fixed = apply_fixes(text, fixes)
    assert fixed == (
        "activity_id,activity_name,age_band,genre,participants\n"
        'A1,"Violins, Year 4",ks2,rock_pop,12\n'
        "A2,  spaced  ,ks2,classical,30\n"
        'A3,"multi\nline",ks2,rock_pop,12\n'
    )
    only_ages = apply_fixes(text, fixes[:1])
    assert list(csv.reader(io.StringIO(only_ages))) == [
        ["activity_id", "activity_name", "age_band", "genre", "participants"],
        ["A1", "Violins, Year 4", "ks2", "pop", "12 pupils"],
        ["A2", "  spaced  ", "ks2", "classical", "30"],
        ["A3", "multi\nline", "ks2", "Pop", "  12 pupils  "],
    ]
    assert apply_fixes(text, []) == text


def test_apply_fixes_keeps_the_files_line_endings() -> None:
    text = "age_band,genre\r\nYear 4,pop\r\nks1,jazz\r\nY3,folk"
    assert apply_fixes(text, offered_fixes(ACTIVITIES, text)) == (
        "age_band,genre\r\nks2,rock_pop\r\nks1,jazz\r\nks2,folk"
    )


def test_apply_fixes_refuses_a_fix_that_does_not_match_the_text() -> None:
    text = "age_band\nYear 4\n"
    stale = Fix("School years", "", "age_band", (CellChange(2, "age_band", "Year 5", "ks2"),))
    with pytest.raises(ValueError, match="not as the fix says"):
        apply_fixes(text, [stale])
    missing = Fix("School years", "", "age_band", (CellChange(9, "age_band", "Y4", "ks2"),))
    with pytest.raises(ValueError, match="no line 9"):
        apply_fixes(text, [missing])
    twice = offered_fixes(ACTIVITIES, text) * 2
    with pytest.raises(ValueError, match="Two fixes"):
        apply_fixes(text, twice)


def test_a_file_that_cannot_be_read_is_offered_nothing() -> None:
    assert offered_fixes(ACTIVITIES, "") == []
    assert offered_fixes(ACTIVITIES, "\nage_band\nYear 4\n") == []
    assert offered_fixes(ACTIVITIES, "age_band,genre\nYear 4,a\rb\n") == []


# --- the fixes against the real checks ---


def test_the_real_checks_accept_every_fixed_cell(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "hub.duckdb")
    assert load_file(con, "partners", b"partner_id,name\nNMPAT,Lead\n").accepted
    rows = [
        "NMPAT,A1,Violins,Whole class ensemble teaching,Pop,,3 March 2026,n/a,,,Year 4,"
        "12 pupils,,,,,,,,,,,,10 sessions,1.5 hrs",
        "NMPAT,A2,Band,band,world music,,2026/03/05,-,N/A,,Years 3-6,30,,,,,,,,,,,,,",
        "NMPAT,A3,Choir,choir,,,13.3.2026,,,,Reception,8,,,,,,,,,,,,,",
        "NMPAT,A4,Tuition,1:1 lessons,classical,,03/04/2026,,,,ks2,4,,,,,,,,,,,,,",
    ]
    text = ACTIVITIES_HEADER + "\n" + "\n".join(rows) + "\n"
    fixes = offered_fixes(ACTIVITIES, text)
    fixed_cells = {(c.line, c.column) for f in fixes for c in f.changes}
    assert len(fixed_cells) == 17
    before = check_file(con, "activities", text.encode())
    assert {(p.line, p.column) for p in before.errors} == fixed_cells
    after = check_file(con, "activities", apply_fixes(text, fixes).encode())
    assert after.accepted and after.errors == [] and after.rows == 4
    con.close()


# --- the fixes' tables ---


def test_every_word_in_the_tables_is_fixed_and_means_one_thing() -> None:
    from hubmetrics.ingest import fixes as module

    for column, table in (
        ("activity_type", module._ACTIVITY_WORDS),
        ("genre", module._GENRE_WORDS),
    ):
        words = [w for ws in table.values() for w in ws]
        assert len(words) == len(set(words)), column
        for value, synonyms in table.items():
            for word in synonyms:
                assert changes_of(ACTIVITIES, one_column(column, word)) == {(2, column): value}
    ages = [w for ws in module._AGE_WORDS.values() for w in ws]
    assert len(ages) == len(set(ages))
    for band, words in module._AGE_WORDS.items():
        for word in words:
            assert changes_of(ACTIVITIES, one_column("age_band", word)) == {(2, "age_band"): band}


# --- properties ---

DUCKDB = duckdb.connect()


def real_checks_accept(kind: FileKind, column: Column, cells: list[str]) -> list[bool]:
    """Whether each cell passes its column's own checks, as the real typing reads it."""
    staged = plan([column.name], kind, "t")
    select, inner, params = typed_select(staged, 1, None)
    values = ", ".join(f"({i}, ?)" for i in range(len(cells)))
    rows = DUCKDB.execute(
        f"SELECT {column.name} FROM (SELECT {select} FROM (SELECT i, {inner} FROM "
        f"(VALUES {values}) s(i, c0))) ORDER BY i",
        [*params, *cells],
    ).fetchall()
    verdicts = []
    for cell, (value,) in zip(cells, rows, strict=True):
        blank = not cell.strip("\t\n\r \u00a0")
        if value is None:
            verdicts.append(blank and not column.required)
        elif column.type == "date":
            verdicts.append(1990 <= value.year <= 2100)
        elif column.type in ("integer", "number") and column.minimum is not None:
            high = column.maximum if column.maximum is not None else float("inf")
            verdicts.append(column.minimum <= value <= high)
        else:
            verdicts.append(True)
    return verdicts


def any_case(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(text, upper, strict=True)
        )
    )


def padded(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    space = st.sampled_from(["", "", " ", "\t", "\u00a0"])
    return st.tuples(space, values, space).map("".join)


def thousands(n: int) -> str:
    return f"{n:,}"


def valid_cell(column: Column) -> st.SearchStrategy[str]:
    """A value the contract accepts for `column`, written in any of the ways it accepts."""
    if column.type == "enum":
        spelled = st.sampled_from(column.allowed).flatmap(
            lambda v: st.sampled_from(["_", " ", "-", " - "]).map(lambda s: v.replace("_", s))
        )
        found = spelled.flatmap(any_case)
    elif column.type in ("yesno", "send"):
        words = YES_VALUES + NO_VALUES + (("N", "K", "E") if column.type == "send" else ())
        found = st.sampled_from(words).flatmap(any_case)
    elif column.type == "date":
        forms = ["%Y-%m-%d", "%d/%m/%Y", "{d}/{m}/%Y", "%Y-{m}-{d}"]
        found = st.tuples(
            st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
            st.sampled_from(forms),
        ).map(lambda t: t[0].strftime(t[1]).format(d=t[0].day, m=t[0].month))
    else:
        low = int(column.minimum if column.minimum is not None else -1000)
        high = int(column.maximum if column.maximum is not None else 2_000_000)
        whole = st.integers(low, high)
        forms = [whole.map(str), whole.map(thousands), whole.map(lambda n: f"{n}.0")]
        if column.type == "number":
            forms.append(whole.map(lambda n: str(n + 0.25) if n < high else str(n)))
            if column.name.endswith("_percent"):
                forms.append(whole.map(lambda n: f"{n}%"))
        found = st.one_of(forms)
    if column.required:
        return padded(found)
    return st.one_of(padded(found), st.sampled_from(["", " ", "\t"]))


MESSY = [
    "Year 4", "Y4", "Yr 2", "Years 3-6", "Years 3-8", "Reception", "Nursery", "Sixth form",
    "Post-16", "Key Stage 2", "✓", "✔", "x", "Yes.", "no.", "SEN support", "EHCP", "n/a",
    "N/A", "-", "–", "none", "nil", "not known", "unknown", "12 pupils", "approx 30",
    "1,204 children", "1.5 hrs", "10 sessions", "0 pupils", "3 March 2026", "03 Mar 2026",
    "2026/03/03", "13.3.2026", "03.04.2026", "3/4/26", "03/13/2026", "2026-03-03 00:00",
    "band", "1:1 lessons", "pop", "world music", "music tech", "choir", "12.5", "+3", "1e3",
] + [c for c in "0123456789,.-+/%e_ yYnN"]  # fmt: skip


def messy_cell(column: Column) -> st.SearchStrategy[str]:
    return st.one_of(
        valid_cell(column),
        st.sampled_from(MESSY).flatmap(any_case),
        padded(st.sampled_from(MESSY)),
        st.text(st.sampled_from(MESSY[-23:] + ["a", "s", "\u00a0", "\t"]), max_size=10),
    )


def file_of(
    kind: FileKind, cells: Callable[[Column], st.SearchStrategy[str]] = valid_cell
) -> st.SearchStrategy[tuple[str, list[tuple[str, ...]]]]:
    """(text, the rows as written) of a file of `kind` with every column, text columns "x"."""
    row = st.tuples(
        *(st.just("x") if c.type in ("text", "code") else cells(c) for c in kind.columns)
    )

    def write(rows: list[tuple[str, ...]]) -> tuple[str, list[tuple[str, ...]]]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(kind.column_names)
        writer.writerows(rows)
        return out.getvalue(), rows

    return st.lists(row, min_size=1, max_size=6).map(write)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.sampled_from(KINDS).flatmap(lambda k: st.tuples(st.just(k), file_of(k))))
def test_a_valid_value_is_never_changed(case: tuple[FileKind, tuple[str, list]]) -> None:
    kind, (text, rows) = case
    for row in rows:
        for column, cell in zip(kind.columns, row, strict=True):
            assert cell_is_valid(column, cell), (column.name, cell)
    assert offered_fixes(kind, text) == []


@PROPERTY
@given(st.sampled_from(TYPED).flatmap(lambda kc: st.tuples(st.just(kc), st.lists(messy_cell(kc[1]), min_size=1, max_size=12))))  # fmt: skip
def test_the_validity_the_fixes_use_is_the_real_checks(case: tuple) -> None:
    (kind, column), cells = case
    assert [cell_is_valid(column, c) for c in cells] == real_checks_accept(kind, column, cells)


@PROPERTY
@given(st.sampled_from(KINDS).flatmap(lambda k: st.tuples(st.just(k), file_of(k, messy_cell))))
def test_fixes_write_only_valid_values_over_invalid_ones_and_leave_nothing_more(
    case: tuple[FileKind, tuple[str, list]],
) -> None:
    kind, (text, rows) = case
    fixes = offered_fixes(kind, text)
    changed: dict[tuple[int, str], CellChange] = {}
    for fix in fixes:
        assert fix.cells == len(fix.changes) > 0
        column = kind.column(fix.column)
        accepted = real_checks_accept(kind, column, [c.after for c in fix.changes])
        refused = real_checks_accept(kind, column, [c.before for c in fix.changes])
        assert all(accepted) and not any(refused), fix
        for c in fix.changes:
            assert (
                c.column == fix.column
                and rows[c.line - 2][kind.column_names.index(c.column)] == c.before
            )
            changed[c.line, c.column] = c
    fixed = apply_fixes(text, fixes)
    again = changes_of(kind, fixed)
    assert not set(again) & set(changed)
    read_back = list(csv.reader(io.StringIO(fixed, newline="")))[1:]
    for line, row in enumerate(rows, start=2):
        for name, before, after in zip(kind.column_names, row, read_back[line - 2], strict=True):
            assert after == (changed[line, name].after if (line, name) in changed else before)


def test_a_partners_own_headings_are_read_as_the_checks_read_them() -> None:
    """'Key stage' is age_band by synonym and 'Kids' participants by the person's mapping:
    the fixes find those columns, and applying them changes the right cells."""
    text = "activity_id,Key stage,Kids,Notes\r\nA1,Year 4,12 pupils,Year 4\r\nA2,ks3,9,\r\n"
    fixes = offered_fixes(ACTIVITIES, text, {"Kids": "participants"})
    assert [(f.column, f.position, [(c.line, c.after) for c in f.changes]) for f in fixes] == [
        ("age_band", 1, [(2, "ks2")]),
        ("participants", 2, [(2, "12")]),
    ]
    assert apply_fixes(text, fixes) == (
        "activity_id,Key stage,Kids,Notes\r\nA1,ks2,12,Year 4\r\nA2,ks3,9,\r\n"
    )
    assert [f.column for f in offered_fixes(ACTIVITIES, text)] == ["age_band"]  # no mapping

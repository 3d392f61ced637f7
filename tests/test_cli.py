"""The `hubmetrics` console script: init, load, batches, rollback and query, in-process through
`hubmetrics.cli.main` and as a real process. Every command gets `--db` in a temporary folder;
the project's data/hub.duckdb is never touched.


"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hub_fixture import ACTIVITIES_CSV, ACTIVITIES_HEADER, PARTNERS_CSV, SCHOOLS_CSV
from test_bad_inputs import CORPUS, MANIFEST, Case

from hubmetrics import config, store
from hubmetrics.cli import main
from hubmetrics.contract.problems import PROBLEM_CSV_HEADER, grouped
from hubmetrics.ingest import check_file

# ROCK-NN's row names a school that is not in the list: loaded, with one warning on line 4.
ACTIVITIES_WITH_WARNING = ACTIVITIES_CSV.replace(",900002,", ",900099,")
BAD_ACTIVITIES = (
    ACTIVITIES_HEADER
    + "\nNMPAT,B1,Year 5 brass,wcte,classical,beginner,2025-09-08,,900001,,ks2,28,,,,,,,,,,,,,\n"
    + "NMPTA,B2,Year 6 ukulele,wcet,,,31/02/2026,,900001,,ks2,-4,,,,,,,,,,,,,\n"
)
BAD_PROBLEMS = [
    (2, "activity_type", "Did you mean 'wcet'?"),
    (3, "partner_id", "Did you mean 'NMPAT'?"),
    (3, "start_date", "not a real day"),
    (3, "participants", "cannot be negative"),
]


@pytest.fixture(autouse=True)
def _never_the_real_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """--db wins over $HUBMETRICS_DB, and data/hub.duckdb is left exactly as it was."""
    decoy = tmp_path / "decoy" / "from-env.duckdb"
    monkeypatch.setenv("HUBMETRICS_DB", str(decoy))
    real = config.DEFAULT_DB
    before = (real.exists(), real.stat().st_mtime_ns if real.exists() else None)
    yield
    assert not decoy.parent.exists(), "a command ignored --db"
    assert (real.exists(), real.stat().st_mtime_ns if real.exists() else None) == before


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli" / "hub.duckdb"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    texts = {
        "partners": PARTNERS_CSV,
        "schools": SCHOOLS_CSV,
        "activities": ACTIVITIES_WITH_WARNING,
        "bad": BAD_ACTIVITIES,
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), *argv])
    return int(exc.value.code or 0), capsys.readouterr().err


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once through the CLI: batches 1 (partners), 2 (schools), 3 (activities, 1
    warning). Tests get a copy of its folder."""
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "cli" / "hub.duckdb"
    for kind, text in (
        ("partners", PARTNERS_CSV),
        ("schools", SCHOOLS_CSV),
        ("activities", ACTIVITIES_WITH_WARNING),
    ):
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert main(["--db", str(db), "load", kind, str(path)]) == 0
    return db


@pytest.fixture
def loaded(capsys: pytest.CaptureFixture[str], seeded: Path, db: Path) -> Path:
    """A fresh copy of the seeded database (and its kept originals) at `db`."""
    capsys.readouterr()
    shutil.copytree(seeded.parent, db.parent)
    return db


def state(db: Path) -> dict[str, object]:
    """Everything stored, read with a plain DuckDB connection that is closed again."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() ORDER BY table_name"
            ).fetchall()
        ]
        # The audit trail is meant to grow with a refusal; the hub's data must not change.
        found: dict[str, object] = {
            t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if t != "audit_event"
        }
        found["views"] = con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    folder = config.originals_dir(db)
    found["originals"] = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return found


def count_activities(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM activities").fetchone()
        return int(row[0]) if row else -1
    finally:
        con.close()


# --- init and load --------------------------------------------------------------------------


def test_init_creates_the_database(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run(capsys, db, "init")
    assert code == 0, err
    assert db.exists()
    assert str(db) in out and f"schema version {store.SCHEMA_VERSION}" in out
    # Again is fine: nothing to upgrade.
    assert run(capsys, db, "init")[0] == 0


def test_load_good_files_names_batch_rows_and_warnings(
    capsys: pytest.CaptureFixture[str], db: Path, files: dict[str, Path]
) -> None:
    code, out, err = run(capsys, db, "load", "partners", str(files["partners"]), "--user", "kim")
    assert (code, err) == (0, "")
    assert "Loaded batch 1: 3 partners rows from partners.csv" in out
    code, out, err = run(capsys, db, "load", "schools", str(files["schools"]))
    assert (code, err) == (0, "")
    assert "Loaded batch 2: 4 schools rows from schools.csv" in out
    code, out, err = run(capsys, db, "load", "activities", str(files["activities"]))
    assert (code, err) == (0, "")
    assert "Loaded batch 3: 3 activities rows from activities.csv" in out
    assert "1 warnings" in out
    assert "warning: line 4, column school_urn: This URN is not in the schools list" in out
    assert count_activities(db) == 3


def test_load_with_a_named_partner(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path
) -> None:
    path = tmp_path / "kett-choral-autumn.csv"
    path.write_text(
        ACTIVITIES_HEADER.replace("partner_id,", "", 1)
        + "\nK1,Community choir,choir,choral,,2025-09-10,,,NN16 8AA,adult,35,,,,,,,,,,,,,\n"
    )
    code, out, err = run(
        capsys, loaded, "load", "activities", str(path), "--partner", "KETT-CHORAL"
    )
    assert (code, err) == (0, "")
    assert "Loaded batch 4: 1 activities rows" in out
    code, out, _ = run(capsys, loaded, "batches")
    assert "KETT-CHORAL" in out.splitlines()[1]


def test_load_a_bad_file_prints_every_problem_with_its_line(
    capsys: pytest.CaptureFixture[str], loaded: Path, files: dict[str, Path]
) -> None:
    before = state(loaded)
    code, out, err = run(capsys, loaded, "load", "activities", str(files["bad"]))
    assert code == 1
    assert out == ""
    assert "Refused: bad.csv has 4 problems; nothing was loaded." in err
    for line, column, fragment in BAD_PROBLEMS:
        printed = [x for x in err.splitlines() if f"line {line}, column {column}" in x]
        assert printed and fragment in printed[0], (line, column, err)
    assert "Traceback" not in err
    assert state(loaded) == before


def test_the_same_problem_in_many_cells_is_printed_once_with_its_lines(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path
) -> None:
    """300 rows whose age band says "Year 4" are one group, not 300 lines; every line is still
    in the --errors file."""
    row = "NMPAT,W{n},Violin,wcet,classical,,2025-10-01,,999999,,Year 4,20,,,,,,,,,,,,,"
    path = tmp_path / "years.csv"
    path.write_text(ACTIVITIES_HEADER + "\n" + "\n".join(row.format(n=n) for n in range(300)))
    out_csv = tmp_path / "problems.csv"
    code, out, err = run(capsys, loaded, "load", "activities", str(path))
    assert (code, out) == (1, "")
    assert "Refused: years.csv has 300 problems; nothing was loaded." in err
    printed = [x for x in err.splitlines() if x.startswith("  error: ")]
    assert printed == [
        "  error: lines 2, 3, 4, 5, 6 and 295 more, column age_band (300 cells): This is not "
        "one of the values allowed for age_band. Allowed: early_years, ks1, ks2, ks3, ks4, ks5, "
        "adult, mixed."
    ]
    assert "Every problem, line by line: use --errors OUT.csv." in err
    code, _, err = run(capsys, loaded, "load", "activities", str(path), "--errors", str(out_csv))
    assert code == 1 and "line by line" not in err
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"), newline="")))
    assert [int(r[1]) for r in rows[1:] if r[0] == "error"] == list(range(2, 302))


def test_errors_option_writes_the_problems_csv(
    capsys: pytest.CaptureFixture[str], loaded: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    out_csv = tmp_path / "problems.csv"
    code, _, _ = run(
        capsys, loaded, "load", "activities", str(files["bad"]), "--errors", str(out_csv)
    )
    assert code == 1
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == list(PROBLEM_CSV_HEADER)
    assert [(int(r[1]), r[2]) for r in rows[1:]] == [(x[0], x[1]) for x in BAD_PROBLEMS]
    assert all(r[0] == "error" and r[4] for r in rows[1:])
    # An accepted file with warnings writes its warnings.
    good = tmp_path / "more.csv"
    good.write_text(
        ACTIVITIES_HEADER
        + "\nNMPAT,C1,Samba,ensemble,world,,2025-10-01,,999999,,ks3,20,,,,,,,,,,,,,\n"
    )
    code, _, _ = run(capsys, loaded, "load", "activities", str(good), "--errors", str(out_csv))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"), newline="")))
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("warning", "2", "school_urn")]


REFUSED_FILES = [pytest.param(c, id=c.file) for c in MANIFEST if not c.accepted and not c.make]


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_every_refused_corpus_file_exits_1_and_prints_each_problem(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path, case: Case
) -> None:
    path = tmp_path / case.file
    path.write_bytes((CORPUS / case.file).read_bytes())
    argv = ["load", case.kind, str(path)] + (["--partner", case.partner] if case.partner else [])
    code, out, err = run(capsys, loaded, *argv)
    assert code == 1, err
    assert out == ""
    assert "nothing was loaded" in err and "Traceback" not in err
    con = store.connect(loaded)
    expected = check_file(con, case.kind, path.read_bytes(), partner_id=case.partner).problems
    con.close()
    assert expected
    for group in grouped(expected):
        assert group.describe() in err


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, out, err = run(capsys, loaded, "load", "activities", str(loaded.parent / "nope.csv"))
    assert code == 2
    assert "there is no file" in err and "nope.csv" in err


def test_an_unknown_kind_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], db: Path, files: dict[str, Path]
) -> None:
    code, err = usage_error(capsys, db, "load", "pupils", str(files["activities"]))
    assert code == 2
    assert "invalid choice: 'pupils'" in err
    assert not db.exists()


def test_over_the_upload_limit_says_the_limit(
    capsys: pytest.CaptureFixture[str],
    loaded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUBMETRICS_MAX_UPLOAD_MB", "1")
    big = tmp_path / "whole-year.csv"
    row = ACTIVITIES_CSV.splitlines()[1]
    big.write_text(ACTIVITIES_HEADER + "\n" + (row + "\n") * 20_000)
    before = state(loaded)
    code, out, err = run(capsys, loaded, "load", "activities", str(big))
    assert code == 1
    assert "upload limit of 1 MB" in err
    assert state(loaded) == before


# --- batches and rollback -------------------------------------------------------------------


def test_batches_lists_them_newest_first(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, out, err = run(capsys, loaded, "batches")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["batch", "kind", "partner"]
    assert [x.split()[:2] for x in lines[1:]] == [
        ["3", "activities"],
        ["2", "schools"],
        ["1", "partners"],
    ]
    assert "activities.csv" in lines[1] and "loaded" in lines[1]


def test_batches_of_an_empty_database(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert run(capsys, db, "batches")[:2] == (0, "No batches loaded yet.\n")


def test_rollback(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, out, err = run(capsys, loaded, "rollback", "3", "--user", "kim")
    assert (code, err) == (0, "")
    assert "Rolled back batch 3: 3 rows removed" in out
    assert count_activities(loaded) == 0
    code, out, _ = run(capsys, loaded, "batches")
    assert "rolled_back" in out.splitlines()[1]

    before = state(loaded)
    code, out, err = run(capsys, loaded, "rollback", "3")
    assert code == 1 and "already rolled back" in err
    code, out, err = run(capsys, loaded, "rollback", "99")
    assert code == 1 and "no batch 99" in err
    assert state(loaded) == before
    code, err = usage_error(capsys, loaded, "rollback", "three")
    assert code == 2 and "invalid int value" in err


# --- query ----------------------------------------------------------------------------------


def test_query_json(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, out, err = run(
        capsys, loaded, "query", "SELECT count(*) AS n FROM activities", "--format", "json"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == [{"n": 3}]


def test_query_csv(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, out, _ = run(
        capsys,
        loaded,
        "query",
        "SELECT activity_id, start_date, academic_year FROM activities ORDER BY 1",
    )
    assert code == 0
    assert out.splitlines() == [
        "activity_id,start_date,academic_year",
        "A1,2025-09-08,2025/26",
        "A2,2025-09-08,2025/26",
        "R1,2025-10-01,2025/26",
    ]


def test_query_shows_formula_text_as_text(capsys: pytest.CaptureFixture[str], loaded: Path) -> None:
    code, _, err = run(capsys, loaded, "load", "activities", str(CORPUS / "formula_cells.csv"))
    assert code == 0, err
    code, out, _ = run(
        capsys,
        loaded,
        "query",
        "SELECT activity_name FROM activities WHERE activity_id LIKE 'T%' ORDER BY activity_id",
    )
    assert code == 0
    names = [r[0] for r in csv.reader(io.StringIO(out))][1:]
    assert names == [
        '\'=HYPERLINK("http://evil.example/","Click for details")',
        "'=1+1",
        "'@SUM(A1:A9)",
        "'+44 1604 000000 hotline",
    ]
    code, out, _ = run(
        capsys,
        loaded,
        "query",
        "SELECT activity_name FROM activities WHERE activity_id = 'T2'",
        "--format",
        "json",
    )
    assert json.loads(out) == [{"activity_name": "=1+1"}]


WRITES = [
    "INSERT INTO hub_setting VALUES ('is_demo', 'true')",
    "DELETE FROM activity_row",
    "UPDATE activity_row SET participants = 0",
    "DROP TABLE batch",
    "COPY activity_row TO '{tmp}/copied.csv'",
    "COPY (SELECT * FROM activities) TO '{tmp}/copied.parquet' (FORMAT parquet)",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "CREATE TABLE t AS SELECT 1 AS x",
    "CREATE TABLE t (x INTEGER)",
    "SELECT 1; SELECT 2",
    "SELECT count(*) FROM activities; DELETE FROM activity_row",
    "EXPORT DATABASE '{tmp}/exported'",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "PRAGMA enable_profiling",
    "CALL pragma_version()",
]


@pytest.mark.parametrize("sql", WRITES)
def test_query_refuses_anything_but_one_select(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path, sql: str
) -> None:
    before = state(loaded)
    outside = tmp_path / "outside"
    outside.mkdir()
    code, out, err = run(capsys, loaded, "query", sql.format(tmp=outside))
    assert code == 1
    assert out == ""
    assert err.startswith("Refused: ")
    assert "Traceback" not in err
    assert list(outside.iterdir()) == []
    assert state(loaded) == before


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_csv_auto('/etc/hostname')",
    ],
)
def test_query_cannot_read_other_files(
    capsys: pytest.CaptureFixture[str], loaded: Path, sql: str
) -> None:
    code, out, err = run(capsys, loaded, "query", sql)
    assert code == 1
    assert out == ""
    assert err.startswith("Refused: ")
    assert "root:" not in err


def test_query_without_a_database_says_to_init(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run(capsys, db, "query", "SELECT 1")
    assert code == 1
    assert "hubmetrics init" in err
    assert not db.exists()


# --- the problem list and the load stay consistent -----------------------------------------


def test_an_unwritable_errors_file_does_not_hide_a_load(
    capsys: pytest.CaptureFixture[str], db: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    out_csv = tmp_path / "no-such-folder" / "problems.csv"
    code, out, err = run(
        capsys, db, "load", "partners", str(files["partners"]), "--errors", str(out_csv)
    )
    assert "internal error" not in err
    loaded = "Loaded batch 1" in out
    assert (code == 0) == loaded


def test_errors_file_is_written_for_a_file_over_the_limit(
    capsys: pytest.CaptureFixture[str],
    loaded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUBMETRICS_MAX_UPLOAD_MB", "1")
    big = tmp_path / "whole-year.csv"
    big.write_text(ACTIVITIES_HEADER + "\n" + (ACTIVITIES_CSV.splitlines()[1] + "\n") * 20_000)
    out_csv = tmp_path / "problems.csv"
    out_csv.write_text("severity,line,column,value,what_to_do\nerror,7,x,y,from yesterday\n")
    code, _, _ = run(capsys, loaded, "load", "activities", str(big), "--errors", str(out_csv))
    assert code == 1
    assert "upload limit of 1 MB" in out_csv.read_text()


# --- as a real process ----------------------------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("hubmetrics")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hubmetrics.cli"]


def _process(
    db: Path, cwd: Path, *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    environment.pop("HUBMETRICS_DB", None)
    return subprocess.run(
        [*_command(), "--db", str(db), *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_console_script_end_to_end(db: Path, files: dict[str, Path], tmp_path: Path) -> None:
    done = _process(db, tmp_path, "init")
    assert done.returncode == 0, done.stderr
    for number, kind in enumerate(("partners", "schools", "activities"), start=1):
        done = _process(db, tmp_path, "load", kind, str(files[kind]))
        assert done.returncode == 0, done.stderr
        assert f"Loaded batch {number}: " in done.stdout

    out_csv = tmp_path / "problems.csv"
    done = _process(db, tmp_path, "load", "activities", str(files["bad"]), "--errors", str(out_csv))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    for line, column, _ in BAD_PROBLEMS:
        assert f"line {line}, column {column}" in done.stderr
    assert len(list(csv.reader(io.StringIO(out_csv.read_text(), newline="")))) == 5

    big = tmp_path / "big.csv"
    big.write_text(ACTIVITIES_HEADER + "\n" + (ACTIVITIES_CSV.splitlines()[1] + "\n") * 20_000)
    done = _process(
        db, tmp_path, "load", "activities", str(big), env={"HUBMETRICS_MAX_UPLOAD_MB": "1"}
    )
    assert done.returncode == 1
    assert "upload limit of 1 MB" in done.stderr and "Traceback" not in done.stderr

    done = _process(db, tmp_path, "load", "pupils", str(files["activities"]))
    assert done.returncode == 2 and "invalid choice" in done.stderr

    done = _process(
        db, tmp_path, "query", "SELECT count(*) AS n FROM activities", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 3}]

    done = _process(db, tmp_path, "query", "DELETE FROM activity_row")
    assert done.returncode == 1 and done.stderr.startswith("Refused: ")

    done = _process(db, tmp_path, "rollback", "3")
    assert done.returncode == 0, done.stderr
    done = _process(db, tmp_path, "rollback", "3")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert count_activities(db) == 0


def test_the_console_script_refuses_cr_line_endings(db: Path, tmp_path: Path) -> None:
    assert _process(db, tmp_path, "init").returncode == 0
    done = _process(db, tmp_path, "load", "activities", str(CORPUS / "cr_line_endings.csv"))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr


def test_fix_applies_the_offered_fixes_lists_them_and_keeps_the_file_as_sent(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path
) -> None:
    row = "NMPAT,Y{n},Violin,wcet,classical,,2025-10-01,,999999,,Year 4,20,,,,,,,,,,,,,"
    path = tmp_path / "years.csv"
    sent = ACTIVITIES_HEADER + "\n" + "\n".join(row.format(n=n) for n in range(7)) + "\n"
    path.write_text(sent)
    code, out, err = run(capsys, loaded, "load", "activities", str(path), "--fix")
    assert code == 0, err
    assert (
        "  fixed: School years as age bands: age_band, 7 cells (lines 2, 3, 4, 5, 6 and 2 more)"
        in out
    )
    assert "Loaded batch 4: 7 activities rows" in out
    con = store.connect(loaded)
    assert con.execute(
        "SELECT DISTINCT age_band FROM activities WHERE activity_id LIKE 'Y%'"
    ).fetchall() == [("ks2",)]
    con.close()
    kept = [p.read_text() for p in config.originals_dir(loaded).glob("batch-*.csv")]
    assert sent in kept
    code, _, err = run(capsys, loaded, "load", "activities", str(path))  # without --fix
    assert code == 1


def test_fix_works_on_a_workbook_naming_its_rows(
    capsys: pytest.CaptureFixture[str], loaded: Path, tmp_path: Path
) -> None:
    import openpyxl  # noqa: PLC0415 - only this test writes a workbook

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Spring return (fictional)"])
    sheet.append(ACTIVITIES_HEADER.split(","))
    for n in range(3):
        row = f"NMPAT,X{n},Violin,wcet,classical,,2025-10-01,,999999,,Year 4,20"
        sheet.append(row.split(","))
    path = tmp_path / "years.xlsx"
    book.save(path)
    code, out, err = run(capsys, loaded, "load", "activities", str(path), "--fix")
    assert code == 0, err
    assert "  fixed: School years as age bands: age_band, 3 cells (rows 3, 4, 5)" in out
    kept = list(config.originals_dir(loaded).glob("batch-*.xlsx"))
    assert [p.read_bytes() for p in kept] == [path.read_bytes()]  # kept as sent

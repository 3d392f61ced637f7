"""The warnings of a GIAS load: what was left out, and what is recorded as not known."""

from __future__ import annotations

import duckdb

from hubmetrics.contract import PHASES
from hubmetrics.contract.problems import Problem
from hubmetrics.ingest.gias_columns import FSM, LSOA, PHASE, SEN_STAT, STATUS, TYPE

Connection = duckdb.DuckDBPyConnection

NO_LOOKUP = Problem(
    severity="warning",
    line=None,
    column=LSOA,
    value=None,
    message=(
        "No school was given a deprivation decile: the English Indices of Deprivation 2019 "
        "that come with the hub are missing from this installation. The schools list loads "
        "without them; ask whoever installed the hub to install it again."
    ),
)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def left_out_problems(con: Connection, stage: str) -> list[Problem]:
    """One warning per reason a row was left out, saying how many."""
    problems: list[Problem] = []
    row = con.execute(
        f"SELECT count(*) FROM {stage} WHERE NOT is_open AND status IS NOT NULL"  # noqa: S608
    ).fetchone()
    closed = int(row[0]) if row else 0
    if closed:
        what = (
            "establishment that is closed or not yet open was"
            if closed == 1
            else "establishments that are closed or not yet open were"
        )
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=STATUS,
                value=None,
                message=f"{closed} {what} left out.",
            )
        )

    for (line,) in con.execute(
        f"SELECT line FROM {stage} WHERE status IS NULL ORDER BY line"  # noqa: S608
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=STATUS,
                value=None,
                message=(
                    "This row has no establishment status, so it is not known to be open; it "
                    "was left out. Check the row in Get Information about Schools."
                ),
            )
        )

    by_type = con.execute(
        f"""
        SELECT coalesce(min(est_type), min(est_group), 'no type given') AS shown, count(*) AS n
        FROM {stage} WHERE is_open AND non_school
        GROUP BY coalesce(type_k, group_k) ORDER BY n DESC, shown
        """  # noqa: S608 - generated table name
    ).fetchall()
    if by_type:
        total = sum(int(n) for _, n in by_type)
        detail = ", ".join(f"{shown} ({n})" for shown, n in by_type)
        what = plural(
            total,
            "establishment that is not a school was",
            "establishments that are not schools were",
        )
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=TYPE,
                value=None,
                message=(
                    f"{what} left out: {detail}. They are not counted among the schools of the "
                    "hub's area."
                ),
            )
        )

    for line, name, phase, est_type in con.execute(
        f"""
        SELECT line, name, gias_phase, est_type FROM {stage}
        WHERE is_open AND NOT non_school AND phase IS NULL ORDER BY line
        """  # noqa: S608 - generated table name
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=PHASE,
                value=phase,
                message=(
                    f"{name or 'This establishment'} was left out: its phase could not be "
                    f"worked out from its phase of education, its type ({est_type or 'blank'}) "
                    "or its age range. Add it to a hub-shape schools file by hand if it belongs "
                    f"in the schools list (phase one of: {', '.join(PHASES)})."
                ),
            )
        )
    return problems


def type_problems(con: Connection, stage: str) -> list[Problem]:
    """A warning on each kept row whose type of establishment the hub's table does not hold:
    it is kept, but not counted as state-funded."""
    rows = con.execute(
        f"""
        SELECT line, est_type, est_group FROM {stage}
        WHERE keep AND funding IS NULL ORDER BY line
        """  # noqa: S608 - generated table name
    ).fetchall()
    rule = (
        "The type of establishment is not one of those in the hub's table of GIAS types, so "
        "the school was kept but is not counted among the state-funded schools. If the "
        "Department for Education has added a type, ask whoever looks after the hub to add "
        "it to the table (docs/data-contract.md, schools)."
    )
    problems = []
    for line, est_type, est_group in rows:
        what = f"'{est_type}'" if est_type else "blank"
        group = f" (type group '{est_group}')" if est_group else ""
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=TYPE,
                value=est_type,
                message=(
                    f"The type of establishment is {what}{group}, which is not in the hub's "
                    "table of GIAS types, so this school was kept but is not counted among "
                    "the state-funded schools. If the Department for Education has added this "
                    "type, ask whoever looks after the hub to add it to the table "
                    "(docs/data-contract.md, schools)."
                ),
                rule=rule,
            )
        )
    return problems


def decile_problems(con: Connection, stage: str, *, has_lsoa: bool) -> list[Problem]:
    """One warning counting the kept schools left without a deprivation decile, and why."""
    if not has_lsoa:
        return [
            Problem(
                severity="warning",
                line=1,
                column=LSOA,
                value=None,
                message=(
                    f"This GIAS extract has no '{LSOA}' column, so no school was given a "
                    "deprivation decile. Download the extract with that field included to "
                    "have them."
                ),
            )
        ]
    row = con.execute(
        f"""
        SELECT count(*) FILTER (lsoa_code IS NULL),
               count(*) FILTER (lsoa_code IS NOT NULL AND imd_decile IS NULL),
               array_to_string(list_sort(list_distinct(
                   list(lsoa_code) FILTER (lsoa_code IS NOT NULL AND imd_decile IS NULL)
               ))[1:3], ', ')
        FROM {stage} WHERE keep
        """  # noqa: S608 - generated table name
    ).fetchone()
    no_code, unknown, examples = (int(row[0]), int(row[1]), row[2]) if row else (0, 0, "")
    if not no_code and not unknown:
        return []
    parts = []
    if no_code:
        parts.append(f"{plural(no_code, 'has', 'have')} no LSOA code")
    if unknown:
        parts.append(
            f"{plural(unknown, 'has an LSOA code', 'have LSOA codes')} that the English "
            f"Indices of Deprivation 2019 do not list ({examples}; the Indices use the "
            "areas of the 2011 census)"
        )
    n = no_code + unknown
    return [
        Problem(
            severity="warning",
            line=None,
            column=LSOA,
            value=None,
            message=(
                f"{plural(n, 'school has', 'schools have')} no deprivation decile: "
                f"{' and '.join(parts)}. Their decile is recorded as not known."
            ),
        )
    ]


def value_problems(con: Connection, stage: str) -> list[Problem]:
    """Warnings about values of kept rows that are recorded as not known."""
    problems: list[Problem] = []
    row = con.execute(
        f"""
        SELECT count(*), array_to_string(list_sort(list_distinct(list(fsm_text)))[1:5], ', ')
        FROM {stage} WHERE keep AND fsm_text IS NOT NULL AND fsm_n IS NULL
        """  # noqa: S608 - generated table name
    ).fetchone()
    if row and row[0]:
        n, values = int(row[0]), row[1]
        problems.append(
            Problem(
                severity="warning",
                line=None,
                column=FSM,
                value=None,
                message=(
                    f"{plural(n, 'school has', 'schools have')} a free school meals percentage "
                    f"that is not a number ({values}: GIAS writes SUPP where the figure is "
                    "suppressed). It is recorded as not known."
                ),
            )
        )
    for line, send in con.execute(
        f"SELECT line, send_n FROM {stage} WHERE keep AND send_n > 100 ORDER BY line"  # noqa: S608
    ).fetchall():
        problems.append(
            Problem(
                severity="warning",
                line=line,
                column=SEN_STAT,
                value=f"{send}",
                message=(
                    "SENStat plus SENNoStat is more than NumberOfPupils, so the SEND percentage "
                    "would be over 100. It is recorded as not known."
                ),
            )
        )
    return problems

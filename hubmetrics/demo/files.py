"""Writing the demo's CSV files, its manifest and its README."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hubmetrics.contract import ACTIVITIES, KINDS, PARTICIPANTS, PARTNER_TYPES, PARTNERS, SCHOOLS
from hubmetrics.demo import participants as demo_participants
from hubmetrics.demo.dates import (
    CURRENT_SPRING_RECEIVED,
    CURRENT_YEAR,
    TERMS,
    YEARS,
    term_of,
    weekday_on_or_after,
    weekday_on_or_before,
    year_label,
    year_of,
)
from hubmetrics.demo.generator import Generator, Row, start_of
from hubmetrics.demo.manifest import MANIFEST_COLUMNS, MANIFEST_NAME, SYNTHETIC_NOTE, DemoFile
from hubmetrics.demo.partners import DEMO_PARTNERS, LEAD_PARTNER, host_schools
from hubmetrics.demo.programmes import DemoGenerator
from hubmetrics.demo.schools import School, make_schools, school_cells

HUB_STAFF = "data@nmpat.example"


def _cell(value: object, uk_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}" if uk_dates else value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *, excel: bool = False
) -> None:
    """Write a CSV file; `excel` writes it as Excel's 'CSV UTF-8' does (BOM, CRLF)."""
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if excel else "\n")
        writer.writerow(header)
        writer.writerows(rows)


def _received(rng: random.Random, year: int, term: str) -> dt.date:
    """When a term's return would have reached the hub: a few weeks after the term ended."""
    if year == CURRENT_YEAR and term == "spring":
        first, last = CURRENT_SPRING_RECEIVED
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        return weekday_on_or_before(day)
    first = {
        "autumn": dt.date(year + 1, 1, 8),
        "spring": dt.date(year + 1, 4, 14),
        "summer": dt.date(year + 1, 9, 8),
    }[term]
    return weekday_on_or_after(first + dt.timedelta(days=rng.randint(0, 30)))


def _participants(row: Row) -> int:
    n = row["participants"]
    assert isinstance(n, int)
    return n


def _summary(schools: list[School], gen: Generator) -> list[str]:
    state = [s for s in schools if s.state_funded]
    pupils = sum(s.pupils or 0 for s in state)
    known = [(s.pupils, s.fsm) for s in state if s.pupils and s.fsm is not None]
    fsm = sum(p * f for p, f in known) / sum(p for p, _ in known)
    rows = [r for partner_rows in gen.rows.values() for r in partner_rows]
    urns = {s.urn for s in state}
    lines = [
        f"- {len(gen.partners)} partners of every type; {len(schools)} schools and settings "
        f"({len(state)} state-funded) in {len({s.district.la for s in schools})} local "
        "authorities",
        f"- {pupils:,} pupils in state-funded schools; pupil-weighted FSM rate {fsm:.1f}%",
    ]
    for year in YEARS:
        in_year = [r for r in rows if year_of(start_of(r)) == year]
        reached = {r["school_urn"] for r in in_year} & urns
        terms = sorted({term_of(start_of(r)) for r in in_year}, key=TERMS.index)
        lines.append(
            f"- {year}/{(year + 1) % 100:02d} ({', '.join(terms)}): {len(in_year):,} activity "
            f"rows, {sum(_participants(r) for r in in_year):,} participations, "
            f"{len(urns - reached)} of {len(urns)} state schools with no activity "
            f"({(len(urns) - len(reached)) / len(urns):.0%})"
        )
    return lines


def _write_participants(
    folder: Path, gen: Generator, schools: list[School], seed: int, returns: list[DemoFile]
) -> list[DemoFile]:
    """The lead partner's pseudonymised records, one file per term, each sent with (just
    after, in the manifest's order) that term's activity return. A separate random stream,
    so that the activity files do not change."""
    places = {
        s.urn: demo_participants.School(s.postcode.split()[0], s.district.global_majority)
        for s in schools
    }
    records = demo_participants.make_records(gen.rows[LEAD_PARTNER], places, seed + 1)
    by_file: dict[tuple[int, str], list[demo_participants.Record]] = {}
    for record in records:
        start = start_of(dict(record.row))
        by_file.setdefault((year_of(start), term_of(start)), []).append(record)
    sent = {e.file_name: e for e in returns}
    out = []
    for (year, term), chunk in sorted(by_file.items()):
        chunk.sort(key=lambda r: (start_of(dict(r.row)), str(r.row["activity_id"]), r.child.ref))
        name = f"participants_{LEAD_PARTNER}_{year_label(year)}_{term}.csv"
        write_csv(
            folder / name,
            PARTICIPANTS.column_names,
            [demo_participants.record_cells(r) for r in chunk],
        )
        activities = sent[f"activities_{LEAD_PARTNER}_{year_label(year)}_{term}.csv"]
        out.append(
            DemoFile(
                name, "participants", LEAD_PARTNER, activities.submitted_by, activities.received_on
            )
        )
    return out


def write_demo_files(folder: Path, seed: int = 2026) -> list[DemoFile]:
    """Write the demo CSV files, manifest.csv and README.md into `folder`; return the manifest."""
    rng = random.Random(seed)
    schools = make_schools(rng)
    hosts = host_schools(schools)
    partners = [p if p.name else replace(p, name=hosts[p.partner_id].name) for p in DEMO_PARTNERS]
    id_pattern = re.compile(PARTNERS.column("partner_id").pattern or "")
    assert all(id_pattern.match(p.partner_id) for p in partners)
    assert {p.partner_type for p in partners} == set(PARTNER_TYPES)
    gen = DemoGenerator(rng, schools, partners)
    gen.hosts = hosts
    gen.run()

    folder.mkdir(parents=True, exist_ok=True)
    for stale in (*folder.glob("activities_*.csv"), *folder.glob("participants_*.csv")):
        stale.unlink()
    write_csv(
        folder / "partners.csv",
        PARTNERS.column_names,
        [
            [p.partner_id, p.name, p.partner_type, f"https://example.org/{p.partner_id.lower()}"]
            for p in partners
        ],
    )
    write_csv(folder / "schools.csv", SCHOOLS.column_names, [school_cells(s) for s in schools])
    entries = [
        DemoFile("partners.csv", "partners", None, HUB_STAFF, dt.date(2025, 9, 8)),
        DemoFile("schools.csv", "schools", None, HUB_STAFF, dt.date(2025, 10, 6)),
    ]
    returns: list[DemoFile] = []
    for partner in partners:
        by_file: dict[tuple[int, str], list[Row]] = {}
        for row in gen.rows[partner.partner_id]:
            start = start_of(row)
            by_file.setdefault((year_of(start), term_of(start)), []).append(row)
        for (year, term), rows in sorted(
            by_file.items(), key=lambda item: (item[0][0], TERMS.index(item[0][1]))
        ):
            name = f"activities_{partner.partner_id}_{year_label(year)}_{term}.csv"
            rows.sort(key=lambda r: (start_of(r), str(r["activity_id"])))
            write_csv(
                folder / name,
                ACTIVITIES.column_names,
                [[_cell(r[c], partner.uk_dates) for c in ACTIVITIES.column_names] for r in rows],
                excel=partner.uk_dates,
            )
            submitted_by = f"returns@{partner.partner_id.lower()}.example"
            received = _received(rng, year, term)
            assert all(start_of(r) <= received for r in rows)
            returns.append(DemoFile(name, "activities", partner.partner_id, submitted_by, received))
    returns += _write_participants(folder, gen, schools, seed, returns)
    entries += sorted(returns, key=lambda e: (e.received_on, e.file_name))
    assert all(e.kind in KINDS for e in entries)
    write_csv(
        folder / MANIFEST_NAME,
        MANIFEST_COLUMNS,
        [
            [
                e.file_name,
                e.kind,
                e.partner_id or "",
                e.submitted_by,
                e.received_on.isoformat(),
                SYNTHETIC_NOTE,
            ]
            for e in entries
        ],
    )
    (folder / "README.md").write_text(
        _README.format(
            note=SYNTHETIC_NOTE,
            summary="\n".join(_summary(schools, gen)),
            late=", ".join(f"`{p.partner_id}`" for p in partners if p.late_spring),
            excel=", ".join(f"`{p.partner_id}`" for p in partners if p.uk_dates),
        ),
        encoding="utf-8",
    )
    return entries


_README = """# Demo data

**{note}.**

Every partner (other than the lead partner, named for realism), every school, URN, postcode
and figure here is made up by `hubmetrics/demo/`; the town and village names are real so
that the maps look right.

Regenerate with `python -m hubmetrics.demo --out data/demo` (deterministic: the same seed
always writes the same bytes). `manifest.csv` lists the files in load order with who sent each
and when it would have arrived; the files load through the normal ingestion.

## What is in it

{summary}

## What it is meant to show

- whole-class ensemble teaching (`wcet`) in Year 4 across many primaries; tuition and
  ensembles thinning with age; `advanced` ensembles mostly at KS4/KS5;
- children on free school meals and with SEND clearly under-represented in Corby and
  Wellingborough; rural schools (especially in Rutland and South Northamptonshire) more often
  cold spots;
- `continuing_from_wcet` on some KS2/KS3 tuition groups, so a continuation rate can be worked
  out year on year;
- pseudonymised records (`participants_NMPAT_*.csv`) of the lead partner's own pupils in its
  whole-class teaching, tuition, ensembles and choirs, one file per term sent with that term's
  return: invented children with made-up pupil numbers, turned into the hub's pseudonyms with
  the demo's own key (`hubmetrics/demo/participants.py`). Most stop after whole-class teaching;
  about one in five goes on to tuition the year after; a few reach ensembles and advanced
  groups. The other partners send no records, as most partners would not;
- breakdowns left blank (not recorded) by some partners and on some rows;
- 2025/26 part-way through (the demo's today is early March 2026): autumn and spring only,
  and {late} have not sent their spring return yet;
- {excel} save from Excel: UK dates (DD/MM/YYYY), a byte-order mark and CRLF
  line endings;
- exactly two rows with a URN that is not in `schools.csv` (a typo and a school opened since
  the list was taken): a warning, not an error. Nothing else is invalid.
"""

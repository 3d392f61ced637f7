"""A small hub whose every metric was worked out by hand (the sums are in the comments)."""

from __future__ import annotations

from pathlib import Path

from hubmetrics import store

# ---------------------------------------------------------------------------------------
# Schools (batch 1). LA N = North Northamptonshire, W = West Northamptonshire.
#
#   urn     LA  state  pupils  fsm%  send%   fsm pupils      send pupils
#   100001  N   yes    400     25    15      100             60
#   100002  N   yes    200     40    20       80             40
#   100003  W   yes    1000    20    10      200            100
#   100004  W   yes    NULL    10    NULL    skipped         skipped
#   100005  W   yes    100     NULL  100     skipped         100
#   100006  N   NO     500     NULL  5       (independent: never counted)
#   100007  N   yes    250     50    50      (replaced row: not in the current list)
#   100008  N   yes    300     30    12       90             36
#
# state_schools: hub 6 (100001-5, 100008); N 3 (100001, 100002, 100008); W 3.
# fsm_baseline  hub: (100+80+200+90)=470 / (400+200+1000+300)=1900, skipped 2 (100004, 100005)
#               N: 270 / 900 = 0.3, skipped 0;  W: 200 / 1000 = 0.2, skipped 2
# send_baseline hub: (60+40+100+100+36)=336 / (400+200+1000+100+300)=2000 = 0.168, skipped 1
#               N: 136 / 900, skipped 0;  W: 200 / 1100, skipped 1 (100004)
# ---------------------------------------------------------------------------------------
NORTH = "North Northamptonshire"
WEST = "West Northamptonshire"

SCHOOL_COLUMNS = (
    "batch_id",
    "replaced_by",
    "urn",
    "name",
    "phase",
    "local_authority",
    "district",
    "pupils",
    "fsm_percent",
    "send_percent",
    "state_funded",
)
SCHOOLS = (
    (1, None, 100001, "Abbey Primary", "primary", NORTH, "Kettering", 400, 25.0, 15.0, True),
    (1, None, 100002, "Brook Primary", "primary", NORTH, "Corby", 200, 40.0, 20.0, True),
    (1, None, 100003, "Castle Academy", "secondary", WEST, "Northampton", 1000, 20.0, 10.0, True),
    (1, None, 100004, "Dale Infants", "primary", WEST, "Daventry", None, 10.0, None, True),
    (1, None, 100005, "Elm Special", "special", WEST, "Northampton", 100, None, 100.0, True),
    (
        1,
        None,
        100006,
        "Fairfield School",
        "secondary",
        NORTH,
        "Wellingborough",
        500,
        None,
        5.0,
        False,
    ),
    (1, 2, 100007, "Old Grammar", "secondary", NORTH, "Kettering", 250, 50.0, 50.0, True),
    (1, None, 100008, "Grange Primary", "primary", NORTH, "Kettering", 300, 30.0, 12.0, True),
)

PARTNER_COLUMNS = ("batch_id", "replaced_by", "partner_id", "name", "partner_type")
PARTNERS = (
    (1, None, "P1", "County Music Service", "music_service"),
    (1, None, "P2", "Arts Org", "arts_organisation"),
    (1, None, "P3", "Community Choir", "community"),
)

# ---------------------------------------------------------------------------------------
# Activities. Columns: id, partner, type, genre, level, start, urn, band, participants,
# new, continuing_from_wcet, fsm, send, lac, global_majority.
#
# 2024/25 (A*): A2 starts 2025-08-31, the last day of 2024/25.
#   wcet_pupils 2024/25: A1 60 + A2 30 = 90 (P1 90; N 90; W 0; ks2 90; ks3 0)
#   participations 2024/25 = 60+30+20 = 110; schools engaged {100001,100002,100003} = 3
#   continuation_rate 2024/25: A3 4 / wcet 2023/24 = 0 -> None
#
# 2025/26 (R*): R1 starts 2025-09-01 (first day), R12 2026-08-31 (last day).
# R16 is replaced (replaced_by = 2, 999 participants) by R16b: only R16b counts.
# ---------------------------------------------------------------------------------------
ACTIVITY_COLUMNS = (
    "activity_id",
    "partner_id",
    "activity_type",
    "genre",
    "level",
    "start_date",
    "school_urn",
    "age_band",
    "participants",
    "new_participants",
    "continuing_from_wcet",
    "fsm",
    "send",
    "lac",
    "global_majority",
)
_ = None
ACTIVITIES = (
    # 2024/25
    ("A1", "P1", "wcet", "classical", "beginner", "2024-09-10", 100001,
     "ks2", 60, 60, _, 15, 6, 1, 12),
    ("A2", "P1", "wcet", "classical", "beginner", "2025-08-31", 100002,
     "ks2", 30, 30, _, 12, 3, 0, 5),
    ("A3", "P2", "ensemble", "jazz", "intermediate", "2025-03-01", 100003,
     "ks3", 20, 5, 4, 3, 2, 0, 4),
    # 2025/26
    ("R1", "P1", "wcet", "classical", "beginner", "2025-09-01", 100001,
     "ks2", 30, 30, _, 9, 3, 1, 6),
    ("R2", "P1", "tuition_small_group", "classical", "intermediate", "2025-10-06", 100001,
     "ks2", 12, 2, 8, 3, 1, 0, 2),
    ("R3", "P1", "tuition_individual", "jazz", "advanced", "2026-01-12", 100003,
     "ks4", 5, 0, 1, 1, 0, 0, 1),
    ("R4", "P1", "ensemble", "classical", "advanced", "2026-02-02", 100003,
     "ks5", 40, 4, 6, _, _, _, _),
    ("R5", "P1", "choir", "choral", "intermediate", "2026-03-03", 100002,
     "ks2", 25, 10, 5, 10, 4, 2, 5),
    ("R6", "P2", "singing", "world", "beginner", "2025-11-11", 100005, "ks3", 8, _, _, 4, 8, 1, 2),
    ("R7", "P2", "creative", "rock_pop", _, "2026-04-20", _, "ks4", 15, 15, 0, 5, 2, 0, 6),
    ("R8", "P2", "workshop", "music_technology", "beginner", "2026-05-05", 100006,
     "ks3", 20, 20, 0, 0, 1, 0, 3),
    ("R9", "P2", "early_years", _, _, "2025-09-15", 100004, "early_years", 18, 18, _, 6, 1, 0, 4),
    ("R10", "P3", "choir", "choral", "intermediate", "2026-06-01", 999999,
     "ks3", 22, 8, 3, 4, 2, 1, 7),
    ("R11", "P3", "performance", "mixed", _, "2026-07-10", _, "mixed", 50, _, _, _, _, _, 10),
    ("R12", "P3", "singing", "folk", "beginner", "2026-08-31", _, "adult", 12, 12, _, _, _, _, _),
    ("R13", "P1", "cpd", _, _, "2025-12-01", 100002, "adult", 6, _, _, _, _, _, _),
    ("R14", "P1", "tuition_large_group", "other", "beginner", "2026-01-20", 100003,
     "ks3", 16, 6, 10, 4, 2, 0, 3),
    ("R15", "P2", "ensemble", "musical_theatre", "intermediate", "2025-10-01", 100003,
     "ks4", 0, 0, 0, 0, 0, 0, 0),
    ("R16b", "P1", "wcet", "classical", "beginner", "2025-10-10", 100002,
     "ks2", 28, 28, _, 7, 2, 0, 3),
)  # fmt: skip
REPLACED_ACTIVITY = (
    "R16b",
    "P1",
    "wcet",
    "classical",
    "beginner",
    "2025-10-10",
    100002,
    "ks2",
    999,
    999,
    _,
    999,
    999,
    999,
    999,
)

# ---------------------------------------------------------------------------------------
# Hand computation, 2025/26, whole hub (16 current rows R1-R15, R16b):
#
# participations = 30+12+5+40+25+8+15+20+18+22+50+12+6+16+0+28 = 307
# by band: early_years 18 (R9); ks1 0; ks2 30+12+25+28 = 95; ks3 8+20+22+16 = 66;
#          ks4 5+15+0 = 20; ks5 40; adult 12+6 = 18; mixed 50            (sum 307)
# cyp = 307-18 = 289; school_age = 95+66+20+40 = 221
# wcet 30+28 = 58; instrumental 12+5+16 = 33; singing 25+8+22+12 = 67;
# ensemble 40+0+25+22 = 87; advanced 5+40 = 45; creative 15 (R7) + 20 (R8 music_technology)
# = 35; cpd 6
# new_participants: 30+2+0+4+10+15+20+18+8+12+6+0+28 = 153, skipped 3 (R6, R11, R13)
# partners_active 3
# schools_engaged {100001, 100002, 100003, 100004, 100005} = 5 (100006 independent,
#   999999 unknown); coverage 5/6, skipped (no known school) R7, R10, R11, R12 = 4;
#   cold_spot 1 (100008)
# fsm_share: school-age rows with fsm: num 9+3+1+10+4+5+0+4+4+0+7 = 47,
#   den 30+12+5+25+8+15+20+22+16+0+28 = 181, skipped 1 (R4); R9/R11/R12/R13 not school-age
#   fsm_representation = (47/181) / (470/1900) = 190/181
# send_share: num 3+1+0+4+8+2+1+2+2+0+2 = 25, den 181, skipped 1 (R4)
#   send_representation = (25/181) / (336/2000)
# lac: 1+0+0+2+1+0+0+0+1+0+0+0 = 5, skipped 4 (R4, R11, R12, R13)
# global_majority: num 6+2+1+5+2+6+3+4+7+10+3+0+3 = 52,
#   den 30+12+5+25+8+15+20+18+22+50+16+0+28 = 249, skipped 3 (R4, R12, R13)
#   representation with baseline 0.22 = (52/249) / 0.22
# genres: classical 30+12+40+28 = 110; jazz 5; choral 25+22 = 47; world 8; rock_pop 15;
#   music_technology 20; folk 12; musical_theatre 0 (R15); mixed 50 and other 16 left out;
#   no genre: R9, R13 -> skipped 2.
#   genre_count = 8 (musical_theatre is recorded); evenness k = 7 (musical_theatre has 0),
#   H = -Σ p ln p with p = n/217 over (110, 5, 47, 8, 15, 20, 12); value = H / ln 7 ≈ 0.74453
# continuation: continuing 8+1+6+5+0+0+3+10+0 = 33, recorded 9 rows, skipped 7
#   (R1, R6, R9, R11, R12, R13, R16b); / wcet 2024/25 = 90 -> 33/90
# ---------------------------------------------------------------------------------------
HUB_GENRES = (110, 5, 47, 8, 15, 20, 12)


def insert_rows(con: store.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    """Plain INSERTs into a base table (the ingestion API is not used here)."""
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(columns)
    con.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def insert_activities(con: store.Connection, rows, batch_id: int = 1, replaced_by=None) -> None:
    """Insert activity tuples laid out as ACTIVITY_COLUMNS."""
    columns = ("batch_id", "replaced_by", "activity_name", *ACTIVITY_COLUMNS)
    insert_rows(
        con,
        "activity_row",
        columns,
        [(batch_id, replaced_by, f"Activity {r[0]}", *r) for r in rows],
    )


def build_fixture(path: Path) -> store.Connection:
    """The fixture hub in a new database at `path`."""
    con = store.connect(path)
    insert_rows(con, "school_row", SCHOOL_COLUMNS, SCHOOLS)
    insert_rows(con, "partner_row", PARTNER_COLUMNS, PARTNERS)
    insert_activities(con, ACTIVITIES[:-1])
    insert_activities(con, [REPLACED_ACTIVITY], batch_id=1, replaced_by=2)
    insert_activities(con, ACTIVITIES[-1:], batch_id=2)
    return con

"""A hand-made cohort of children across four years, whose participant figures were worked out
by hand (the working is in the comments). Loaded through the normal ingestion."""

from __future__ import annotations

from pathlib import Path

from hub_fixture import load_text

from hubmetrics import store
from hubmetrics.disclosure.pseudonymise import pseudonym

KEY = bytes.fromhex("5eed" * 16)
NORTH, WEST = "North Northamptonshire", "West Northamptonshire"

PARTNERS = """partner_id,name,partner_type
P1,County Music Service (fictional),music_service
P2,Youth Orchestra Trust (fictional),arts_organisation
"""
SCHOOLS = f"""urn,name,phase,local_authority,pupils,fsm_percent,send_percent
100001,Abbey Primary (fictional),primary,{NORTH},400,25,15
100002,Brook Primary (fictional),primary,{WEST},200,10,10
"""

# Activities. S1 = 100001 (North), S2 = 100002 (West); E*, A25, S25, AD25 have no school.
#   id    partner type                 level         start       school band  n  cont
ACTIVITIES = """partner_id,activity_id,activity_name,activity_type,level,start_date,school_urn,age_band,participants,continuing_from_wcet
P1,W22,Year 4 strings,wcet,beginner,2022-09-12,100001,ks2,20,
P1,W23,Year 4 strings,wcet,beginner,2023-09-11,100001,ks2,4,
P1,W23b,Year 4 brass,wcet,beginner,2023-09-11,100002,ks2,1,
P2,E23,Youth strings,ensemble,intermediate,2023-10-02,,ks3,1,1
P1,W24,Year 4 strings,wcet,beginner,2024-09-09,100001,ks2,2,
P1,T24,Small-group violin,tuition_small_group,beginner,2024-09-16,100001,ks2,2,2
P2,E24,Junior strings,ensemble,intermediate,2024-10-07,,ks2,2,2
P1,T25,Violin lessons,tuition_individual,intermediate,2025-09-15,100001,ks2,3,
P2,A25,County youth orchestra,ensemble,advanced,2025-10-06,,ks3,2,
P1,S25,Singing day,singing,,2025-10-06,,ks2,0,
P2,AD25,Adult ensemble,ensemble,intermediate,2025-10-06,,adult,1,
"""

# The children. Cohort 2023/24 = first seen in wcet in 2023/24: Ava, Bo, Cy, Di, Ed (5).
#   Ava: W23 -> T24 (P1) and E24 (P2): two partners in one year -> T25 and A25 (advanced).
#   Bo:  W23 -> nothing in 2024/25 (skips a year) -> T25.
#   Cy:  W23 -> nothing after.
#   Di:  W23b (West) -> E24 -> nothing.
#   Ed:  W23 -> T24 -> nothing.
# Fi: E23 (ks3), first seen in an ensemble: no cohort -> A25.
# Cohort 2024/25: Gu (W24 -> T25), Hal (W24 -> nothing). Jo: AD25, an adult.
# No records for 2022/23: W22 is in the activity returns only.
CHILDREN = {
    "Ava": "A100000000001",
    "Bo": "A100000000002",
    "Cy": "A100000000003",
    "Di": "A100000000004",
    "Ed": "A100000000005",
    "Fi": "A100000000006",
    "Gu": "A100000000007",
    "Hal": "A100000000008",
    "Jo": "A100000000009",
}
RECORDS = (
    ("Ava", "P1", "W23", "2023-09-11", "ks2"),
    ("Bo", "P1", "W23", "2023-09-11", "ks2"),
    ("Cy", "P1", "W23", "2023-09-11", "ks2"),
    ("Ed", "P1", "W23", "2023-09-11", "ks2"),
    ("Di", "P1", "W23b", "2023-09-11", "ks2"),
    ("Fi", "P2", "E23", "2023-10-02", "ks3"),
    ("Ava", "P1", "T24", "2024-09-16", "ks2"),
    ("Ed", "P1", "T24", "2024-09-16", "ks2"),
    ("Ava", "P2", "E24", "2024-10-07", "ks2"),
    ("Di", "P2", "E24", "2024-10-07", "ks2"),
    ("Gu", "P1", "W24", "2024-09-09", "ks2"),
    ("Hal", "P1", "W24", "2024-09-09", "ks2"),
    ("Ava", "P1", "T25", "2025-09-15", "ks2"),
    ("Bo", "P1", "T25", "2025-09-15", "ks2"),
    ("Gu", "P1", "T25", "2025-09-15", "ks2"),
    ("Ava", "P2", "A25", "2025-10-06", "ks2"),
    ("Fi", "P2", "A25", "2025-10-06", "ks3"),
    ("Jo", "P2", "AD25", "2025-10-06", "adult"),
)
# Worked by hand (unique = distinct children; continuation = of the distinct children in wcet
# the year before, those in a non-wcet activity this year):
#
# 2023/24: 6 records, 6 children (Ava Bo Cy Di Ed Fi), 6 cyp. Continuation: no wcet records
#   in 2022/23 -> no data (continuation_rate from the returns: E23's 1 / W22's 20 = 0.05).
# 2024/25: 6 records (participations 2+2+2 = 6), 5 children (Ava twice), 5 cyp.
#   Continuation: wcet 2023/24 = {Ava Bo Cy Di Ed} = 5; beyond wcet in 2024/25 = Ava (T24, E24),
#   Di (E24), Ed (T24) = 3 -> 3/5 = 0.6. The returns say (2+2)/(4+1) = 0.8: Ava counted twice.
#   Funnel (cohort 2023/24 in 2024/25): 5; taking part 3; tuition 2 (Ava, Ed);
#   ensemble 2 (Ava, Di); advanced 0.
# 2025/26: 6 records, 5 children (Ava Bo Fi Gu Jo), 4 cyp (Jo is an adult).
#   Continuation: wcet 2024/25 = {Gu Hal} = 2; Gu in T25 -> 1/2 = 0.5 (Bo came back, but was
#   not in wcet in 2024/25). Funnel (cohort 2024/25 in 2025/26): 2; 1; tuition 1; 0; 0.
# Cohort 2023/24 in 2025/26: taking part 2 (Ava, Bo); tuition 2; ensemble 1 (Ava: A25);
#   advanced 1 (Ava).
# Stages (furthest each year): Ava wcet -> ensemble -> advanced; Bo wcet -> none -> tuition;
#   Cy wcet -> none -> none; Di wcet -> ensemble -> none; Ed wcet -> tuition -> none;
#   Gu wcet -> tuition; Hal wcet -> none.
# Each child's details (sex, fsm, send, ethnicity), the same on every record; blank: not
# recorded. Profile of 2024/25 (Ava, Di, Ed, Gu, Hal; all KS2, so all of school age):
#   ethnicity: White 2 (Ava WBRI, Hal WIRI), Black 1 (Di), Not known 1 (Ed REFU),
#              Not recorded 1 (Gu) -> shares of the 3 recorded: White 2/3, Black 1/3
#   sex: Girls 2 (Ava, Hal), Boys 2 (Di, Ed), Other or not known 1 (Gu) -> 2/4 each
#   free school meals: Eligible 3 (Ava, Di, Gu), Not eligible 1 (Hal), Not recorded 1 (Ed)
#   SEND: EHCP 1 (Di), No SEND 3 (Ava, Gu, Hal), Not recorded 1 (Ed)
DETAILS = {
    "Ava": ("F", "Y", "N", "WBRI"),
    "Bo": ("M", "N", "K", "APKN"),
    "Cy": ("F", "N", "N", "WBRI"),
    "Di": ("M", "Y", "E", "BAFR"),
    "Ed": ("M", "", "", "REFU"),
    "Fi": ("F", "N", "N", "MWBC"),
    "Gu": ("U", "Y", "N", ""),
    "Hal": ("F", "N", "N", "WIRI"),
    "Jo": ("", "", "", "WBRI"),
}
HEADER = "participant_ref,partner_id,activity_id,start_date,age_band,sex,fsm,send,ethnicity\n"


def ref(name: str) -> str:
    return pseudonym(CHILDREN[name], KEY)


def records_csv(records: tuple[tuple[str, str, str, str, str], ...] = RECORDS) -> str:
    return HEADER + "".join(
        f"{ref(n)},{p},{a},{d},{b},{','.join(DETAILS[n])}\n" for n, p, a, d, b in records
    )


def build_cohort(path: Path) -> store.Connection:
    """The cohort hub in a new database at `path`: batches 1-3, records in batch 4."""
    con = store.connect(path)
    for kind, text in (
        ("partners", PARTNERS),
        ("schools", SCHOOLS),
        ("activities", ACTIVITIES),
        ("participants", records_csv()),
    ):
        result = load_text(con, kind, text)
        assert result.accepted, (kind, result.errors)
    return con

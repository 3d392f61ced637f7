"""A small hand-made hub database for tests, and a snapshot of everything stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from hubmetrics import store
from hubmetrics.ingest import LoadResult, load_file

FIXTURES = Path(__file__).parent / "fixtures"

PARTNERS_CSV = """partner_id,name,partner_type,website
NMPAT,Northamptonshire Music and Performing Arts Trust (fictional row),lead,https://example.org
ROCK-NN,Rock School NN (fictional),arts_organisation,
KETT-CHORAL,Kettering Choral Society (fictional),community,
"""

SCHOOLS_CSV = """urn,name,phase,local_authority,district,postcode,latitude,longitude,pupils,fsm_percent,send_percent,imd_decile,rural,state_funded
900001,Corby Fictional Primary,primary,North Northamptonshire,Corby,NN17 1AA,52.49,-0.70,420,30.0,15.0,2,no,yes
900002,Kettering Pretend Academy,secondary,North Northamptonshire,Kettering,NN16 0AA,52.40,-0.73,1200,18.5,12.0,5,no,yes
900003,Brixworth Imaginary Primary,primary,West Northamptonshire,Daventry,NN6 9AA,52.33,-0.90,210,6.0,10.0,9,yes,yes
900004,Oakham Invented Prep,primary,Rutland,Rutland,LE15 6AA,52.67,-0.73,300,,,,no,no
"""

ACTIVITIES_HEADER = (
    "partner_id,activity_id,activity_name,activity_type,genre,level,start_date,end_date,"
    "school_urn,venue_postcode,age_band,participants,new_participants,continuing_from_wcet,"
    "female,male,fsm,send,ehcp,lac,eal,global_majority,young_carer,sessions,contact_hours"
)
ACTIVITIES_CSV = (
    ACTIVITIES_HEADER
    + "\n"
    + "NMPAT,A1,Year 4 violins,wcet,classical,beginner,2025-09-08,2025-12-12,900001,,ks2,28,28,,14,14,9,4,1,0,3,5,0,12,12\n"
    + "NMPAT,A2,County youth choir,choir,choral,advanced,08/09/2025,,,NN1 1AA,ks4,40,5,,25,15,4,3,0,1,2,6,1,10,20\n"
    + "ROCK-NN,R1,Rock band,ensemble,rock_pop,intermediate,2025-10-01,,900002,,ks3,12,,,4,8,,,,,,,,8,16\n"
)


def load_text(con: store.Connection, kind: str, text: str | bytes, **kwargs: object) -> LoadResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_file(con, kind, data, file_name=f"{kind}.csv", **kwargs)  # type: ignore[arg-type]


def load_synthetic_lists(
    con: store.Connection, partners: Sequence[str], schools: Mapping[int, tuple[str, int]]
) -> None:
    """Community partners of those IDs, and state-funded primaries (urn: local authority and
    IMD decile), all alike but for those: for generated hubs."""
    load_text(
        con,
        "partners",
        "partner_id,name,partner_type,website\n"
        + "".join(f"{p},{p.title()} (synthetic),community,\n" for p in partners),
    )
    load_text(
        con,
        "schools",
        "urn,name,phase,local_authority,district,postcode,latitude,longitude,pupils,"
        "fsm_percent,send_percent,imd_decile,rural,state_funded\n"
        + "".join(
            f"{urn},School {urn} (synthetic),primary,{la},Somewhere,NN1 1AA,52.3,-0.8,300,"
            f"20.0,10.0,{decile},no,yes\n"
            for urn, (la, decile) in schools.items()
        ),
    )


def snapshot(con: store.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every stored table, in a stable order, and the kept original files."""
    tables = [
        "batch",
        "batch_warning",
        "partner_row",
        "school_row",
        "activity_row",
        "participant_row",
        "data_version",
        "schema_version",
        "hub_setting",
    ]
    state: dict[str, list[tuple[object, ...]]] = {
        t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables
    }
    folder = store.originals_folder(con)
    state["originals"] = (
        sorted((p.name, p.read_bytes()) for p in folder.glob("*")) if folder.exists() else []
    )
    return state

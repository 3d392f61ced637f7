"""The hostile hub with names written as links and as maths too: partners, local authorities and
districts, for the tests that they are shown as text everywhere (synthetic)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from hostile_fixture import build_hostile

from hubmetrics import store
from hubmetrics.ingest import load_file

EVIL = "evil.example"
# Partners named like links; neither sends a spring return, so both are named as missing.
LINK_PARTNERS = {
    "LINK-A": f'<a href="https://{EVIL}/a">partner A</a>',
    "LINK-MD": f"[partner B](https://{EVIL}/b) www.{EVIL} help@{EVIL}",
    "MATHS": r"$x^2$ and $\oops$",
}
LINK_LA = f'<a href="https://{EVIL}/la">the LA</a>'
MARKDOWN_LA = f"[the LA](https://{EVIL}/md)"
MATHS_LA = "$x^2$"
BROKEN_MATHS_LA = r"$\frac{$"  # matplotlib's maths cannot read it: a crash, were it read
LINK_DISTRICT = f"<b>bold</b> [district](https://{EVIL}/d)"
# What GitHub-flavoured markdown (Streamlit's) makes a link of, in the text it has read.
AUTOLINK = re.compile(r"https?://|www\.|[-.\w+]@[-\w]", re.IGNORECASE)
NAMES = [*LINK_PARTNERS.values(), LINK_LA, MARKDOWN_LA, MATHS_LA, BROKEN_MATHS_LA, LINK_DISTRICT]


def as_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def build_names(path: Path) -> None:
    """`build_hostile`'s hub, then partners, schools (with places) and activities with the
    names above, loaded through the normal ingestion."""
    build_hostile(path)
    partners = [["partner_id", "name", "partner_type", "website"]]
    partners += [[pid, name, "community", ""] for pid, name in LINK_PARTNERS.items()]
    schools = [
        ["urn", "name", "phase", "local_authority", "district", "state_funded"]
        + ["latitude", "longitude"],
        [900011, "Link Primary (fictional)", "primary", LINK_LA, LINK_DISTRICT, "yes"]
        + [52.49, -0.69],
        [900012, "Markdown Primary (fictional)", "primary", MARKDOWN_LA, "Weldon", "yes"]
        + [52.50, -0.70],
        [900013, "Maths Primary (fictional)", "primary", MATHS_LA, MATHS_LA, "yes"]
        + [52.40, -0.72],
        [900014, "Fraction Primary (fictional)", "primary", BROKEN_MATHS_LA, "Oundle", "yes"]
        + [52.48, -0.47],
        [900015, "Quiet Primary (fictional)", "primary", LINK_LA, LINK_DISTRICT, "yes"]
        + [52.49, -0.68],
    ]
    activities = [
        ["partner_id", "activity_id", "activity_name", "activity_type", "start_date"]
        + ["school_urn", "age_band", "participants"]
    ]
    for n, pid in enumerate(LINK_PARTNERS):
        for urn in (900011, 900012, 900013, 900014):
            activities.append([pid, f"{pid}-{urn}", "Singing", "choir", "2025-10-06"])
            activities[-1] += [urn, "ks2", 12 + n]
    con = store.connect(path)
    try:
        for kind, rows in (("partners", partners), ("schools", schools)):
            result = load_file(con, kind, as_csv(rows), file_name=f"{kind}.csv")
            assert result.accepted, [p.describe() for p in result.errors]
        result = load_file(con, "activities", as_csv(activities), file_name="names.csv")
        assert result.accepted, [p.describe() for p in result.errors]
    finally:
        con.close()


def read_as_markdown(text: str) -> str:
    """The text markdown reads from `text`: each backslash escape undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def strings(value: object) -> Iterator[str]:
    """Every string in a figure's JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)

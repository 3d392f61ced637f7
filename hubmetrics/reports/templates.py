"""A partner's Excel template, made from the contract and the hub's own lists."""

from __future__ import annotations

from hubmetrics import store
from hubmetrics.contract import file_kind
from hubmetrics.contract.template_workbook import template_workbook


def partner_template(con: store.Connection, kind: str, partner_id: str | None = None) -> bytes:
    """The .xlsx template for `kind`: drop-downs of the hub's partners (or the partner's own
    id alone) and of its listed schools by URN, with their names on the Notes sheet."""
    with con.cursor() as cur:
        partners = [
            str(r[0]) for r in cur.execute("SELECT partner_id FROM partners ORDER BY 1").fetchall()
        ]
        schools = [
            (int(urn), str(name))
            for urn, name in cur.execute("SELECT urn, name FROM schools ORDER BY urn").fetchall()
        ]
    return template_workbook(
        file_kind(kind), partner_id=partner_id, partners=partners, schools=schools
    )

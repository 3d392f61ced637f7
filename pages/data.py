"""Data: what is loaded, and the history of every batch."""

from __future__ import annotations

import streamlit as st

from hubmetrics.batches import list_batches
from hubmetrics.loaded import loaded_counts
from ui.state import connection

st.title("Data loaded")
con = connection()

counts = loaded_counts(con)
columns = st.columns(len(counts))
for column, (kind, number) in zip(columns, counts.items(), strict=True):
    column.metric(kind.capitalize(), f"{number:,}")

st.subheader("Batches")
batches = list_batches(con)
if not batches:
    st.info("Nothing is loaded yet. Load the partners and schools lists first.")
else:
    st.dataframe(
        [
            {
                "Batch": b.batch_id,
                "Kind": b.kind,
                "Partner": b.partner_id or "",
                "Sent by": b.submitted_by or "",
                "When": b.submitted_at,
                "File": b.file_name,
                "Rows": b.rows_loaded,
                "Replaced": b.rows_replaced,
                "Warnings": b.warnings,
                "Status": b.status.replace("_", " "),
            }
            for b in batches
        ],
        hide_index=True,
        key="batches_table",
    )

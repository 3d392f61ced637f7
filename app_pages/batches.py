"""Batches: what is loaded, every batch's history, its kept original, and rollback."""

from __future__ import annotations

import streamlit as st

from hubmetrics.app import cached
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import audit_download, require
from hubmetrics.app.backup import backup_panel
from hubmetrics.app.state import connection
from hubmetrics.app.tables import draw_table, show_table
from hubmetrics.app.view import header
from hubmetrics.ingest.batches import RollbackRefused, batch_warnings, list_batches, original_file
from hubmetrics.metrics.coverage import loaded_counts
from hubmetrics.people.access import may, may_see_batch
from hubmetrics.people.actions import batches_for, rollback_as

person = require("batches")
header("Batches")
con = connection()
own = batches_for(con, person)  # a partner account sees its own partner's batches only
if flash := st.session_state.pop("batches_flash", None):
    st.success(flash, icon=":material/task_alt:")

if own is None:
    counts = loaded_counts(con)
    for column, (kind, number) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(kind.capitalize(), f"{number:,}")
else:
    st.caption(f"The returns sent for {own}, and the original of each.")

batches = list_batches(con, partner_id=own)
if not batches:
    st.info("Nothing is loaded yet. Load the partners and schools lists first, on the Upload page.")
    st.stop()

show_table(
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
    key="batches_table",
    file_name="batches.csv",
    column_config={"When": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")},
)

st.subheader("One batch")
chosen = st.selectbox(
    "Batch",
    [b.batch_id for b in batches],
    key="batch_choice",
    format_func=lambda i: next(
        f"{b.batch_id} · {b.kind} · {b.file_name} · {b.status.replace('_', ' ')}"
        for b in batches
        if b.batch_id == i
    ),
)
batch = next(b for b in batches if b.batch_id == chosen)
if not may_see_batch(person, batch.partner_id):  # the list holds only what they may see
    st.stop()
name, kept = original_file(con, batch.batch_id)
if kept.is_file():
    st.download_button(
        f"Download the original file ({fmt.uploaded_text(name)})",
        kept.read_bytes(),
        file_name=name,
        mime="text/csv",
        key="batch_original",
        icon=":material/download:",
        on_click=audit_download,
        args=(f"original of batch {batch.batch_id} ({name})",),
    )
else:  # the database was copied without its folder of originals, say
    st.warning(
        f"The original file of batch {batch.batch_id} is missing: it should be {kept.name} in "
        f"{kept.parent}. Its rows are safe; restore the folder from a backup to download it."
    )
warnings = batch_warnings(con, batch.batch_id)
if warnings:
    draw_table(
        [{"Line": w[0], "Column": w[1], "Value": w[2], "Warning": w[3]} for w in warnings],
        hide_index=True,
        key="batch_warnings",
    )

if batch.status == "loaded" and may(person, "rollback"):
    with st.expander("Roll back this batch", icon=":material/undo:"):
        st.markdown(
            f"Rolling back batch {batch.batch_id} removes its {batch.rows_loaded:,} rows and brings "
            f"back the {batch.rows_replaced:,} rows it replaced. The batch stays in the history."
        )
        sure = st.checkbox(f"Yes, roll back batch {batch.batch_id}", key="rollback_sure")
        if st.button("Roll back", disabled=not sure, key="rollback_go", type="primary"):
            try:
                with cached.publishing():
                    removed = rollback_as(con, person, batch.batch_id)
            except RollbackRefused as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.session_state["batches_flash"] = (
                    f"Batch {batch.batch_id} rolled back: {removed:,} rows removed; the rows it "
                    "had replaced are current again."
                )
                st.rerun()

if may(person, "manage"):  # a backup copies every partner's data: administrators only
    backup_panel(con, person)

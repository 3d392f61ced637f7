"""The Backup action: a consistent copy of the database and the kept originals, from the app."""

from __future__ import annotations

import streamlit as st

from hubmetrics import store
from hubmetrics.people import audit
from hubmetrics.people.access import Person
from hubmetrics.store.backup import BackupError, backup, default_folder, sweep_leftovers
from hubmetrics.store.backup_key import key_made_note


def backup_panel(con: store.Connection, person: Person) -> None:
    """A button that backs up the app's own database while it runs (the command line cannot
    open a file the app holds), into a new folder beside the database."""
    with st.expander("Back up the database and the original files", icon=":material/backup:"):
        st.markdown(
            "A backup is a copy of every batch, every row and every kept original file, taken "
            "between two uploads (never part-way through one), with a manifest of checksums. "
            "It is written to a new folder beside the database and signed with the hub's "
            "backup key (kept beside the database, never in a backup). To restore one, stop "
            "the dashboard and run `hubmetrics restore FOLDER`; the restore checks the "
            "signature and the backup before it replaces anything."
        )
        database = store.database_path(con)
        if database is not None:
            # Cheap (a folder listing): what killed backups left is not kept until the next one.
            for place in {default_folder(database).parent, database.parent}:
                sweep_leftovers(place)
        if not st.button("Back up now", key="backup_go", icon=":material/backup:"):
            return
        if database is None:
            st.error("This database is held in memory only; there is nothing to back up.")
            return
        try:
            with st.spinner("Backing up…"):
                result = backup(con, default_folder(database))
        except (BackupError, OSError) as exc:
            audit.record(con, person, "backup", outcome="failed", detail=str(exc))
            st.error(f"The backup was not written: {exc}", icon=":material/error:")
            return
        audit.record(con, person, "backup", detail=str(result.folder))
        st.success(
            f"Backed up {result.batches} batches and their original files "
            f"({result.total_bytes / 1_048_576:.1f} MB) to `{result.folder}`.",
            icon=":material/task_alt:",
        )
        if result.key_made:
            st.warning(key_made_note(result.key_file), icon=":material/key:")

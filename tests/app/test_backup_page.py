"""The Backup action on the Batches page backs up the app's own database while it runs."""

from __future__ import annotations

import json
from pathlib import Path

from page_helpers import Open

from hubmetrics.store.backup import MANIFEST


def test_the_backup_action_writes_a_checked_backup(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/batches.py")
    at.button(key="backup_go").click().run()
    assert not at.exception, at.exception
    message = at.success[0].value
    assert "Backed up 4 batches" in message
    backups = list(app_db.with_name("hub.backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("backup-")
    assert str(backups[0]) in message
    manifest = json.loads((backups[0] / MANIFEST).read_text())
    assert manifest["batches"] == 4
    assert len(manifest["files"]) == 5  # the database and four originals


def test_the_first_backup_says_where_its_key_is(open_page: Open, app_db: Path) -> None:
    at = open_page("app_pages/batches.py")
    at.button(key="backup_go").click().run()
    key = app_db.with_name("hub.backup-key")
    assert key.is_file()
    assert any(f"made the backup key {key}" in w.value for w in at.warning)
    at.button(key="backup_go").click().run()
    assert not any("made the backup key" in w.value for w in at.warning)


def test_the_page_sweeps_what_a_killed_backup_left(open_page: Open, app_db: Path) -> None:
    left = [
        app_db.with_name("hub.backups") / ".backup-2026-03-09-101500.partial-0123abcd",
        app_db.with_name(".hub.duckdb.partial-89abcdef"),  # a killed restore's staged copy
    ]
    for partial in left:
        partial.mkdir(parents=True)
        (partial / "hub.duckdb").write_bytes(b"a whole copy of the hub")
    at = open_page("app_pages/batches.py")
    assert not at.exception, at.exception
    assert [p.exists() for p in left] == [False, False]

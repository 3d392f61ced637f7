"""The whole hub's children by year, kept after each write and used only while current."""

from __future__ import annotations

import threading
import time

from participants_fixture import build_cohort

from hubmetrics import store
from hubmetrics.ingest.batches import rollback
from hubmetrics.metrics import Filters, compute_metrics, trend_metrics
from hubmetrics.metrics import compute as compute_module
from hubmetrics.metrics import summary as summary_module
from hubmetrics.metrics.participants import participant_totals_by, progression_rows
from hubmetrics.metrics.pathways import progression
from hubmetrics.metrics.summary import hub_children, kept_progression, refresh


def _live(con: store.Connection) -> dict[int, dict]:
    with con.cursor() as cur:
        return {ay: r for (ay, _), r in participant_totals_by(cur, Filters(), (), None).items()}


def _kept(con: store.Connection) -> dict[int, dict] | None:
    with con.cursor() as cur:
        return hub_children(cur)


def test_kept_after_a_load_and_equal_to_counting(tmp_path) -> None:
    con = build_cohort(tmp_path / "c.duckdb")
    kept, live = _kept(con), _live(con)
    assert kept is not None and set(kept) == {2023, 2024, 2025}
    for ay, record in live.items():
        for part, value in kept[ay].items():
            assert value == record[part], (ay, part)
    # By hand (tests/test_participant_metrics.py): 5 children in 2024/25, 6 records.
    assert kept[2024]["unique_participants"] == 5 and kept[2024]["participant_records"] == 6


def test_pages_read_the_kept_figures_only_while_current(tmp_path) -> None:
    con = build_cohort(tmp_path / "c.duckdb")
    # Mark the kept count so that it can be told from a fresh count.
    with store.write_transaction(con, bump=False) as cur:
        cur.execute(
            "UPDATE children_by_year SET value = 999 "
            "WHERE ay = 2024 AND part = 'unique_participants'"
        )
    assert compute_metrics(con, "2024/25")["unique_participants"].value == 999
    assert trend_metrics(con)["2024/25"]["unique_participants"].value == 999
    # A filter, or the same date last year, always counts for itself.
    assert (
        compute_metrics(con, "2024/25", Filters(partner_id="P1"))["unique_participants"].value == 4
    )
    # Any write makes it stale: the figures are counted again, not read.
    with store.write_transaction(con) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('note', 'a write')")
    assert _kept(con) is None
    assert compute_metrics(con, "2024/25")["unique_participants"].value == 5
    assert refresh(con) and _kept(con) is not None
    assert compute_metrics(con, "2024/25")["unique_participants"].value == 5


def test_a_rollback_recounts(tmp_path) -> None:
    con = build_cohort(tmp_path / "c.duckdb")
    last = con.execute("SELECT max(batch_id) FROM batch WHERE kind = 'participants'").fetchone()[0]
    before = _kept(con)
    rollback(con, last)
    after = _kept(con)
    assert before is not None and after is not None and after != before
    assert after == {ay: {k: r[k] for k in after[ay]} for ay, r in _live(con).items()}


def test_the_progression_is_kept_and_read_while_current(tmp_path) -> None:
    con = build_cohort(tmp_path / "c.duckdb")
    with con.cursor() as cur:
        kept = kept_progression(cur)
        live = progression_rows(cur, Filters())
    assert kept is not None and kept == live and kept[1] == 2025 and kept[0]
    whole = progression(con)
    with store.write_transaction(con, bump=False) as cur:
        cur.execute("UPDATE progression_kept SET n = n + 100 WHERE what = 'step'")
    marked = progression(con)
    assert marked.cohorts == {c: n + 100 for c, n in whole.cohorts.items()}
    # A filter counts for itself; a write makes the kept rows stale.
    assert progression(con, Filters(partner_id="P1")).cohorts == whole.cohorts
    with store.write_transaction(con) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('note', 'a write')")
    assert progression(con) == whole


def test_a_page_waits_for_a_recount_in_progress(tmp_path, monkeypatch) -> None:
    """Just after a write, a page waits for the recount rather than count every record."""
    con = build_cohort(tmp_path / "c.duckdb")
    with store.write_transaction(con) as cur:
        cur.execute("INSERT INTO hub_setting VALUES ('note', 'a write')")
    assert _kept(con) is None
    started = threading.Event()
    slow_count = summary_module.participant_totals_by

    def slowly(*args, **kwargs):
        started.set()
        time.sleep(0.5)
        return slow_count(*args, **kwargs)

    counted: list[int] = []
    live_count = compute_module.participant_totals_by
    monkeypatch.setattr(summary_module, "participant_totals_by", slowly)
    monkeypatch.setattr(
        compute_module,
        "participant_totals_by",
        lambda *a, **k: counted.append(1) or live_count(*a, **k),
    )
    recount = threading.Thread(target=refresh, args=(con,))
    recount.start()
    assert started.wait(5)
    value = compute_metrics(con, "2024/25")["unique_participants"].value
    recount.join()
    assert value == 5 and counted == []  # read from the new summary, not counted
    # With no recount running, nothing waits.
    assert summary_module.settle(con, timeout=0)

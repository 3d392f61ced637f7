"""docs/metrics.md carries the registry's definitions, word for word."""

from __future__ import annotations

from hubmetrics.metrics import METRICS
from hubmetrics.metrics.docs import DOCS_FILE, with_registry


def test_docs_page_matches_the_registry():
    text = DOCS_FILE.read_text(encoding="utf-8")
    assert text == with_registry(text), "run: python -m hubmetrics.metrics.docs"
    for m in METRICS.values():
        assert f"### `{m.key}` — {m.label}" in text
        assert m.definition in text

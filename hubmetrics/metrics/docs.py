"""The methods page's table of metrics, written from the registry into docs/metrics.md."""

from __future__ import annotations

import sys
from pathlib import Path

from hubmetrics.config import PROJECT_ROOT
from hubmetrics.metrics.registry import METRICS

DOCS_FILE = PROJECT_ROOT / "docs" / "metrics.md"
START = "<!-- registry:start (written by `python -m hubmetrics.metrics.docs`; do not edit) -->"
END = "<!-- registry:end -->"

UNIT_WORDS = {
    "count": "count",
    "share": "share (0–1)",
    "rate": "rate (can pass 1)",
    "ratio": "ratio (1.0 = in proportion)",
    "index": "index (0–1)",
    "breakdown": "counts by age band",
    "funnel": "children at each stage of the pathway (one cohort)",
}


def registry_markdown() -> str:
    """Every metric of the registry: key, label, unit, definition, what it reports, its SQL."""
    out = []
    for m in METRICS.values():
        out.append(f"### `{m.key}` — {m.label}")
        out.append("")
        out.append(f"*Unit:* {UNIT_WORDS[m.unit]}.")
        out.append("")
        out.append(m.definition)
        if m.reports:
            extras = ", ".join(m.reports)
            out.append("")
            out.append(f"*Reports beside its value:* {extras}.")
            if "skipped" in m.reports:
                out.append("")
                out.append(f"*Skipped:* {m.skipped_means}.")
        out.append("")
        out.append("```sql")
        out.append(m.sql)
        out.append("```")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def with_registry(text: str) -> str:
    """`text` with the part between the registry markers replaced by the registry's table."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"The markers {START!r} and {END!r} are missing.")
    return f"{head}{START}\n\n{registry_markdown()}\n{END}{tail}"


def main(path: Path = DOCS_FILE) -> int:
    """Rewrite the registry part of docs/metrics.md."""
    text = path.read_text(encoding="utf-8")
    path.write_text(with_registry(text), encoding="utf-8")
    print(f"Wrote the metric definitions into {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

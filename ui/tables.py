"""Tables on the pages, each with a CSV download that is safe to share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from hubmetrics.sharing import shareable_csv
from ui import data


def show_table(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    key: str,
    file_name: str,
    counts: Sequence[str] = (),
    ratios: Mapping[str, Sequence[str]] | None = None,
    **dataframe_args: Any,
) -> None:
    """Show `rows`, with a download of the same table for sharing.

    On screen the figures are true (staff see them); in the download, `counts` (columns of
    counts of children) are suppressed, small numbers and those that would give one away,
    and each column of `ratios` is hidden where a count it was made from is small.
    """
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    dataframe_args.setdefault("hide_index", True)
    st.dataframe(rows, key=key, **dataframe_args)
    if not records:
        return
    threshold = data.goals().suppression_threshold
    st.download_button(
        "Download this table (CSV, small numbers hidden)",
        shareable_csv(records, counts=counts, ratios=ratios, threshold=threshold),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        type="tertiary",
    )

"""The Upload page's offered fixes: each named, with the cells it changes, applied only when
the person accepts it; the file is then checked again as corrected."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from hubmetrics.contract import file_kind
from hubmetrics.ingest.fixes import Fix, apply_fixes, fixable_text, offered_fixes

_FIXED = "upload_fixed"  # (the original's digest, the corrected bytes, what was applied)


def corrected(digest: str, content: bytes) -> tuple[bytes, list[str]]:
    """The file as the person has corrected it so far, and each fix applied, in words."""
    state = st.session_state.get(_FIXED)
    if state and state[0] == digest:
        return state[1], list(state[2])
    return content, []


def offer(
    digest: str,
    content: bytes,
    kind: str,
    mapping: Mapping[str, str],
    applied: list[str],
) -> None:
    """The fixes for `content` (the file as corrected so far), each with a button; a fix
    accepted is applied to every cell it names at once, and the page checks the file again.
    From participant records no value is shown: only what each fix does and to how many."""
    text = fixable_text(content)
    fixes = offered_fixes(file_kind(kind), text, mapping) if text is not None else []
    if applied:
        st.info(
            "Fixes applied to this upload: " + "; ".join(applied) + ". The original file is "
            "kept as sent; the fixes are recorded with the batch.",
            icon=":material/auto_fix_high:",
        )
    if not fixes:
        return
    with st.container(border=True):
        st.markdown(
            f"**{len(fixes)} fix{'es' if len(fixes) != 1 else ''} offered.** Each changes only "
            "cells that cannot be loaded as they are, and nothing is changed until you accept."
        )
        for i, fix in enumerate(fixes):
            left, right = st.columns([4, 1])
            left.markdown(f"**{fix.name}** — {fix.column}, {fix.cells:,} cell(s)")
            left.caption(_said(fix, kind))
            if right.button("Accept", key=f"upload_fix_{i}"):
                _apply(digest, text or "", [fix], applied, kind)
        if len(fixes) > 1 and st.button(
            f"Accept all {len(fixes)} fixes", key="upload_fix_all", type="primary"
        ):
            _apply(digest, text or "", fixes, applied, kind)


def _apply(digest: str, text: str, fixes: list[Fix], applied: list[str], kind: str) -> None:
    fixed = apply_fixes(text, fixes).encode("utf-8")
    words = [f"{f.name} ({f.column}, {f.cells:,} cells)" for f in fixes]
    st.session_state[_FIXED] = (digest, fixed, [*applied, *words])
    st.rerun()


def _said(fix: Fix, kind: str) -> str:
    """What a fix does; for participant records, without any value from them."""
    if kind == "participants":
        return f"Lines {', '.join(str(c.line) for c in fix.changes[:5])}" + (
            f" and {fix.cells - 5:,} more." if fix.cells > 5 else "."
        )
    return fix.explanation

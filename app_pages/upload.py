"""Upload: check a file against the contract, see every problem, and load it only when clean."""

from __future__ import annotations

import functools
import hashlib

import streamlit as st

from hubmetrics import config
from hubmetrics.app import cached, corrections_view, headings_view
from hubmetrics.app import format as fmt
from hubmetrics.app.auth import require
from hubmetrics.app.state import connection
from hubmetrics.app.tables import draw_table
from hubmetrics.app.view import header
from hubmetrics.contract import KINDS, file_kind
from hubmetrics.contract.files import LOAD_KINDS
from hubmetrics.contract.problems import Problem, group_rows, problems_csv
from hubmetrics.disclosure.shown_back import shown_back
from hubmetrics.disclosure.visibility import threshold_for
from hubmetrics.ingest import LoadResult
from hubmetrics.ingest.workbook import WorkbookRefused, is_workbook, sheet_names
from hubmetrics.people.access import PARTNER_KINDS, Scope, scope
from hubmetrics.people.actions import check_as, load_as
from hubmetrics.reports.templates import partner_template


def show_problems(problems: list[Problem], key: str) -> None:
    """The problems grouped by column and rule, and every one line by line a step away."""
    draw_table(group_rows(problems), hide_index=True, key=f"{key}_grouped")
    with st.expander(f"Every problem, line by line ({len(problems):,})"):
        every = [
            {
                "Line": p.line,
                "Column": p.column or "",
                "Value": p.value or "",
                "What to do": p.message,
            }
            for p in problems
        ]
        draw_table(every, hide_index=True, key=key)


def sheet_choice(data: bytes, file_name: str) -> str | None:
    """For a workbook with several sheets, the one the person picks (None: a CSV file, or a
    workbook with one sheet, or one that cannot be opened: the check says why)."""
    if not is_workbook(data, file_name):
        return None
    try:
        names = sheet_names(data)
    except WorkbookRefused:
        return None
    if len(names) < 2:
        return None
    return st.selectbox(
        "Which sheet holds the return?",
        names,
        key="upload_sheet",
        help="A workbook with several sheets: choose the one with the return's rows.",
    )


person = require("upload")
own_partner_only = scope(person, "upload") is Scope.OWN
header("Upload a file")
st.markdown(
    "Choose what kind of file it is, then drop the CSV file or Excel workbook below. It is "
    "checked against the "
    "data contract's rules straight away; **nothing is saved until the "
    "file is clean and you confirm it**."
)

with st.expander(
    "Templates: an Excel workbook for each file, with drop-down lists and the rules; or the "
    "columns as CSV with two example rows",
    icon=":material/download:",
):
    st.caption(
        "The Excel template has a drop-down for every column with a fixed list, your partner "
        "id and the hub's schools by URN, help on each heading, dates as dates, and a Notes "
        "sheet with the rules. Fill in the Return sheet and upload the workbook as it is."
    )
    own = person.partner_id if own_partner_only else None
    cols = st.columns(len(KINDS))
    for column, kind in zip(cols, KINDS, strict=True):
        column.download_button(
            f"{kind.capitalize()} (Excel)",
            functools.partial(partner_template, connection(), kind, own),
            file_name=f"{kind}-template.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template_xlsx_{kind}",
        )
        template = config.TEMPLATES_DIR / f"{kind}.csv"
        column.download_button(
            f"{kind.capitalize()} (CSV)",
            template.read_bytes(),
            file_name=f"{kind}-template.csv",
            mime="text/csv",
            key=f"template_{kind}",
        )

left, right = st.columns(2)
kinds = PARTNER_KINDS if own_partner_only else LOAD_KINDS
kind = left.selectbox(
    "What kind of file is it?",
    kinds,
    index=kinds.index("activities"),
    key="upload_kind",
    format_func=lambda k: {
        "partners": "Partners list",
        "schools": "Schools list",
        "activities": "Activity return",
        "participants": "Participant records (pseudonymised)",
        "baselines": "Area baselines (a DfE table from Explore Education Statistics)",
    }[k],
)
partner_id: str | None = None
if own_partner_only:
    # A partner account sends its own returns only; the library checks this again on load.
    partner_id = right.selectbox(
        "Whose return is it?",
        [person.partner_id],
        key="upload_partner",
        disabled=True,
        help="A partner account uploads its own partner's returns only.",
    )
elif file_kind(kind).partner_named:
    named = "(the file has a partner_id column)"
    choice = right.selectbox(
        "Whose return is it?", [named, *cached.filter_options()["partners"]], key="upload_partner"
    )
    partner_id = None if choice == named else choice
if kind == "participants":
    st.info(
        "Participant records carry the hub's pseudonyms, never names, pupil numbers or dates "
        "of birth: make the file with `hubmetrics pseudonymise` (see *Pseudonymising pupil "
        "records* in the docs). A file with any other column, or a value that looks like a "
        "name, email address, UPN or full postcode, is refused and not kept.",
        icon=":material/shield_person:",
    )
if kind == "baselines":
    st.info(
        "The DfE's own CSV file, as downloaded from explore-education-statistics.service.gov.uk "
        "('Download data set'): *Schools, pupils and their characteristics* (ethnicity and "
        "language; age and sex) or *Special educational needs in England* (SEN by phase and "
        "type). Its rows for the local authorities of the schools list and its latest year "
        "become the area's shares, cited on the Progression and Methods pages; see *Public "
        "data* in the docs.",
        icon=":material/public:",
    )
sender: str | None = None
if person.is_local:  # no sign-in: whoever uploads may say who they are
    sender = st.text_input("Your name or email (recorded with the batch)", key="upload_sender")
else:
    st.caption(f"The batch is recorded as sent by {person.email}.")
uploaded = st.file_uploader(
    "CSV file or Excel workbook", type=["csv", "xlsx", "ods"], key="upload_file"
)
if uploaded is None:
    st.stop()

sent = uploaded.getvalue()
shown_name = fmt.uploaded_text(uploaded.name)  # in markdown: shown as written
digest = hashlib.sha256(sent).hexdigest()
sheet = sheet_choice(sent, uploaded.name)
mapping = headings_view.chosen((digest, kind), partner_id)
# A DfE table is loaded as published: nothing in it is corrected here.
work = (
    None
    if kind == "baselines"
    else corrections_view.current(digest, sent, uploaded.name, kind, sheet)
)
corrected = work is not None and bool(work.corrections)
content = work.content if work is not None and corrected else sent  # as sent, or corrected
origin = work.origin if work is not None and corrected else None
check_key = (
    hashlib.sha256(content).hexdigest(),
    kind,
    partner_id,
    sheet,
    cached.data_version(),
    tuple(sorted(mapping.items())),
)
the_file = (connection(), person, kind, content)  # checked, then loaded
if st.session_state.get("upload_check_key") != check_key:
    with st.status(
        f"Checking {shown_name} ({len(content) / 1_048_576:.1f} MB)…", expanded=False
    ) as status:
        result = check_as(
            *the_file,
            file_name=uploaded.name,
            partner_id=partner_id,
            preview_rows=20,
            headings=mapping,
            sheet=sheet,
            origin=origin,
            forecast=True,
        )
        status.update(label=f"Checked {shown_name}", state="complete")
    st.session_state["upload_check"] = result
    st.session_state["upload_check_key"] = check_key
checked: LoadResult = st.session_state["upload_check"]
# Records of children (by kind, or by their headings) show back no value from the file.
shown = shown_back(kind, checked.headings)
headings_view.show(
    checked.headings, kind, mapping, person, partner_id, open_it=bool(checked.errors), shown=shown
)
if checked.sheet_note:
    st.caption(checked.sheet_note)
corrections_view.offer_fixes(work, mapping, shown.child_records)

if checked.errors:
    total = len(checked.errors) + checked.more_errors
    st.error(
        f"**{shown_name} cannot be loaded: {total:,} problem{'s' if total != 1 else ''}.** "
        "Nothing was saved. Accept the fixes offered, correct the cells below, or correct "
        "the file and upload it again.",
        icon=":material/error:",
    )
    problems = shown.problems(checked.problems)
    show_problems(problems, "upload_problems")
    st.download_button(
        "Download the problem list (CSV)",
        problems_csv(problems),
        file_name=f"problems-{uploaded.name.rsplit('.', 1)[0]}.csv",
        mime="text/csv",
        key="upload_problems_download",
        icon=":material/download:",
    )
    corrections_view.correct_by_hand(work, shown.problems(checked.errors), mapping, shown)
    corrections_view.show_corrections(work, shown.child_records)
    if checked.preview and not shown.child_records:  # no value from a child's record
        with st.expander(
            "The first rows, as they were read (blank where a cell could not be read)"
        ):
            draw_table(checked.preview, hide_index=True, key="upload_preview_refused")
    st.stop()

st.success(
    f"**{shown_name} is clean:** {checked.rows:,} rows to load"
    + (f" ({checked.rows_ignored} empty rows ignored)." if checked.rows_ignored else "."),
    icon=":material/check_circle:",
)
if checked.warnings:
    st.warning(
        f"{len(checked.warnings)} warning(s): the file can be loaded, but read these.",
        icon=":material/warning:",
    )
    show_problems(shown.problems(checked.warnings), "upload_warnings")
corrections_view.show_corrections(work, shown.child_records)
corrections_view.show_forecast(checked.forecast, threshold_for(person))
if shown.child_records:  # no value from a child's record is ever shown
    st.caption("Rows of participant records are not shown; the checks above read every one.")
else:
    st.markdown("**The first rows, as they will be stored:**")
    draw_table(checked.preview, hide_index=True, key="upload_preview")

rows = f"{checked.rows:,} row{'s' if checked.rows != 1 else ''}"
if st.button(f"Load {rows} as a new batch", type="primary", key="upload_confirm"):
    # Pages show the data as it was until their figures are ready from the new data too.
    with st.spinner("Loading, then making the pages ready…"), cached.publishing():
        loaded = load_as(
            *the_file,
            file_name=uploaded.name,
            partner_id=partner_id,
            submitted_by=sender or None,
            headings=mapping,
            sheet=sheet,
            original=sent if corrected else None,
            origin=origin,
            corrections=work.corrections if work is not None else (),
        )
    if loaded.accepted:
        st.session_state.pop("upload_check_key", None)
        corrections_view.forget()
        st.success(
            f"Loaded as batch {loaded.batch_id}: {loaded.rows:,} rows "
            f"({loaded.rows_replaced:,} replaced). Every page now includes them.",
            icon=":material/task_alt:",
        )
    else:
        said = "; ".join(p.describe() for p in shown.problems(loaded.errors[:5]))
        st.error(f"The file was not loaded: {said}")

"""The app's pages, and the navigation a person gets: only the pages their role may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from hubmetrics.app.auth import require
from hubmetrics.people.access import Person, may

FIGURES = "Progress"


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, title, icon, address and what a person must be allowed to do."""

    file: str
    title: str
    icon: str
    url_path: str
    section: str
    actions: tuple[str, ...]  # a person may open the page if they may do any of these
    default: bool = False

    def allowed(self, person: Person) -> bool:
        return any(may(person, a) for a in self.actions)


PAGES = (
    # The default page is served at the root address, "/".
    PageSpec(
        "app_pages/overview.py",
        "Overview",
        ":material/dashboard:",
        "",
        FIGURES,
        ("figures",),
        default=True,
    ),
    PageSpec(
        "app_pages/goal_detail.py", "Goal detail", ":material/flag:", "goals", FIGURES, ("figures",)
    ),
    PageSpec(
        "app_pages/reach.py", "Reach", ":material/diversity_3:", "reach", FIGURES, ("figures",)
    ),
    PageSpec(
        "app_pages/schools.py", "Schools", ":material/school:", "schools", FIGURES, ("figures",)
    ),
    PageSpec(
        "app_pages/progression.py",
        "Progression",
        ":material/trending_up:",
        "progression",
        FIGURES,
        ("figures",),
    ),
    PageSpec(
        "app_pages/partners.py",
        "Partners",
        ":material/handshake:",
        "partners",
        FIGURES,
        ("figures",),
    ),
    PageSpec(
        "app_pages/reports.py",
        "Reports",
        ":material/summarize:",
        "reports",
        FIGURES,
        ("ace_workbook", "board_pack"),
    ),
    PageSpec(
        "app_pages/upload.py", "Upload", ":material/upload_file:", "upload", "Data", ("upload",)
    ),
    PageSpec("app_pages/batches.py", "Batches", ":material/history:", "data", "Data", ("batches",)),
    PageSpec(
        "app_pages/methods.py", "Methods", ":material/menu_book:", "methods", "Data", ("methods",)
    ),
    PageSpec(
        "app_pages/admin.py",
        "Admin",
        ":material/admin_panel_settings:",
        "admin",
        "Admin",
        ("manage",),
    ),
)


def menu(person: Person) -> list[PageSpec]:
    """The pages in the person's menu."""
    return [spec for spec in PAGES if spec.allowed(person)]


def navigation(person: Person) -> dict[str, list[st.Page]]:
    """The person's pages by section. A page they may not use is left out of the menu, but
    its address still answers, with a refusal, so an old link never shows the page."""
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if spec.allowed(person):
            page = st.Page(
                spec.file,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path or None,
                default=spec.default,
            )
        else:
            page = st.Page(
                _refused(spec),
                title=spec.title,
                url_path=spec.url_path or None,
                default=spec.default,
                visibility="hidden",
            )
        sections.setdefault(spec.section, []).append(page)
    return sections


def only(show: Callable[[], None]) -> list[st.Page]:
    """Every address answers with `show` alone (the sign-in form, say), hidden from a menu;
    after signing in, the same address opens its page."""
    return [
        st.Page(show, title=spec.title, url_path=spec.url_path or None, default=spec.default)
        for spec in PAGES
    ]


def _refused(spec: PageSpec) -> Callable[[], None]:
    def refused() -> None:
        require(*spec.actions)

    refused.__name__ = f"refused_{spec.url_path or 'overview'}"
    return refused

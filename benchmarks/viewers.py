"""Viewers without a browser: Streamlit sessions driven over the app's own websocket, for
timing many viewers on one machine.

Each `ViewerSession` is a real session of the app, made as the browser makes it, and moves
between pages as the sidebar does (a page request in the same session, no reload). A page
is timed from the request to the server's "script finished" with every element received.
Twenty browsers on the server's own two cores would time the browsers: each viewer's browser
runs on the viewer's own computer, and the time it takes to draw a page is measured apart
(one Chromium, `browser_pages`).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

_DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
_REPLACED = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


@dataclass
class PageView:
    """One page shown to one viewer: its time, and what went wrong (empty: nothing)."""

    page: str
    seconds: float
    problems: list[str] = field(default_factory=list)


class ViewerSession:
    """One viewer's session of the app at `url` (http://host:port)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._socket: ClientConnection | None = None

    async def __aenter__(self) -> ViewerSession:
        self._socket = await connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            origin=Origin(self.url),
            max_size=None,
            open_timeout=60,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def show(self, page: str, timeout: float = 120) -> PageView:
        """Ask for `page` (its address, "reach" say) and wait until it is wholly received."""
        assert self._socket is not None
        request = BackMsg()
        request.rerun_script.page_name = page
        request.rerun_script.query_string = ""
        started = time.perf_counter()
        await self._socket.send(request.SerializeToString())
        problems: list[str] = []
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = ForwardMsg()
                    message.ParseFromString(await self._socket.recv())
                    problems += _problems(message)
                    if message.WhichOneof("type") != "script_finished":
                        continue
                    if message.script_finished == _DONE:
                        break
                    if message.script_finished != _REPLACED:  # a page run again goes on
                        problems.append(f"script finished {message.script_finished}")
                        break
        except TimeoutError:
            problems.append(f"no answer in {timeout:.0f} s")
        return PageView(page, time.perf_counter() - started, problems)


def _problems(message: Any) -> list[str]:
    """An exception shown on the page, or a page the app does not know."""
    if message.WhichOneof("type") == "page_not_found":
        return ["page not found"]
    if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
        return []
    element = message.delta.new_element
    if element.WhichOneof("type") == "exception":
        return [f"exception: {element.exception.type}: {element.exception.message[:200]}"]
    return []


async def walk(url: str, pages: list[str], start: int, steps: int) -> list[PageView]:
    """One viewer opening the app and moving through `pages` (from `start`, `steps` pages),
    asking for the next as soon as one is received."""
    views: list[PageView] = []
    try:
        async with ViewerSession(url) as session:
            for step in range(steps):
                views.append(await session.show(pages[(start + step) % len(pages)]))
    except Exception as exc:  # a session the server refused or dropped is an error seen
        views.append(PageView("(session)", float("nan"), [f"{type(exc).__name__}: {exc}"]))
    return views

"""With no sign-in, a real server on every interface serves the demo to this computer alone:
Chromium opening it by the machine's network address sees only how to set up sign-in."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from app_server import Apps
from playwright.sync_api import Page, expect
from test_paths import settle


def network_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the interface
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_demo_on_every_interface_opens_here_and_not_from_the_network(
    page: Page, app_database: Path, apps: Apps
) -> None:
    here = network_address()
    if here is None:
        pytest.skip("this machine has no network address to open the app by")
    url = apps.start(app_database, options=["--server.address", "0.0.0.0"])
    port = url.rsplit(":", 1)[1]
    page.goto(f"http://{here}:{port}/upload")
    settle(page)
    expect(page.get_by_role("heading", name="Sign-in needs setting up")).to_be_visible()
    expect(page.get_by_text("opens only on the computer it runs on")).to_be_visible()
    expect(page.get_by_role("heading", name="Upload a file")).to_have_count(0)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.goto(url)  # the same server, from this computer (loopback)
    settle(page)
    expect(page.get_by_role("heading", name="How the hub is doing")).to_be_visible()

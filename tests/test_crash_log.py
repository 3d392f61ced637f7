"""The command line's crash log: in a folder of the person's own, readable by them only."""

from __future__ import annotations

import argparse
import os
import stat
import tempfile
from pathlib import Path

import pytest

from hubmetrics import cli, config
from hubmetrics.cli import metrics


@pytest.fixture
def a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that fails in a way no user can cause, quoting a value as a bug might."""

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("unexpected value 'Ava Example' in column name")

    monkeypatch.setattr(metrics, "run", broken)


def run_the_bug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["--db", str(tmp_path / "hub.duckdb"), "metrics", "--year", "2025/26"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_bug_is_logged_in_the_persons_own_folder_readable_by_them_only(
    a_bug: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log = tmp_path / "state" / "hubmetrics" / "crash.log"
    assert config.crash_log_path() == log
    err = run_the_bug(tmp_path, capsys)
    assert f"the details are in {log} (readable by you only)" in err
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "internal error" in text and "RuntimeError: unexpected value" in text
    run_the_bug(tmp_path, capsys)
    assert log.read_text().count("RuntimeError: unexpected value") == 2  # appended


def test_without_xdg_state_home_the_log_is_under_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.crash_log_path() == tmp_path / "home" / ".local/state/hubmetrics/crash.log"
    assert not str(config.crash_log_path()).startswith(tempfile.gettempdir() + "/hubmetrics")


def test_a_log_or_folder_made_with_a_wider_mode_is_narrowed(
    a_bug: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    log = tmp_path / "hubmetrics" / "crash.log"
    log.parent.mkdir(mode=0o755)
    os.chmod(log.parent, 0o755)
    log.write_text("an older line\n")
    os.chmod(log, 0o644)
    run_the_bug(tmp_path, capsys)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    assert log.read_text().startswith("an older line\n")


def test_a_log_that_is_a_link_is_not_followed(
    a_bug: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    log = tmp_path / "hubmetrics" / "crash.log"
    log.parent.mkdir()
    target = tmp_path / "somewhere-shared.txt"
    target.write_text("")
    log.symlink_to(target)
    err = run_the_bug(tmp_path, capsys)
    assert f"its details could not be written to {log}" in err
    assert target.read_text() == ""

"""Where things live: the database, the goals file and the kept originals."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = DATA_DIR / "hub.duckdb"
DEFAULT_GOALS = DATA_DIR / "goals.toml"
DEFAULT_HUBS = DATA_DIR / "hubs.toml"
DEMO_DIR = DATA_DIR / "demo"
TEMPLATES_DIR = DATA_DIR / "templates"

# An upload larger than this is refused before it is read (HUBMETRICS_MAX_UPLOAD_MB overrides).
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: `--db`, else `HUBMETRICS_DB`, else `data/hub.duckdb`."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("HUBMETRICS_DB")
    return Path(env) if env else DEFAULT_DB


def goals_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The goals file: explicit, else `HUBMETRICS_GOALS`, else `data/goals.toml`."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("HUBMETRICS_GOALS")
    return Path(env) if env else DEFAULT_GOALS


def hubs_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The hubs file: explicit, else `HUBMETRICS_HUBS`, else `data/hubs.toml` (with no such
    file the app knows one hub, as before hubs were named)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("HUBMETRICS_HUBS")
    return Path(env) if env else DEFAULT_HUBS


def max_upload_bytes() -> int:
    """The upload size limit in bytes."""
    env = os.environ.get("HUBMETRICS_MAX_UPLOAD_MB")
    if env:
        try:
            return int(float(env) * 1024 * 1024)
        except ValueError:
            pass
    return DEFAULT_MAX_UPLOAD_BYTES


# DuckDB's own memory for the dashboard's process (HUBMETRICS_APP_MEMORY overrides, in
# DuckDB's words: "1GB", "512MB"). DuckDB's default, most of the machine, would let cached
# blocks of a national database grow the app past what its host should give it; past the
# limit DuckDB evicts cached blocks and spills large sorts and joins to disk. 512MB keeps the
# whole app under 1.5 GB while a national participants file loads among viewers (in the
# benchmark the app peaked at 1,543 MB with 768MB, at 1,246 MB with 512MB). A national
# database file is about 200 MB: it still fits. See docs/performance.md.
DEFAULT_APP_MEMORY = "512MB"


def app_memory_limit() -> str:
    """DuckDB's memory limit for the app's connection."""
    return os.environ.get("HUBMETRICS_APP_MEMORY", "").strip() or DEFAULT_APP_MEMORY


def run_log_path() -> Path | None:
    """Where the app appends the time of each page's script run (HUBMETRICS_RUN_LOG), or
    None: the server-side half of what a viewer waits for."""
    env = os.environ.get("HUBMETRICS_RUN_LOG", "").strip()
    return Path(env) if env else None


def over_limit_message(size: int) -> str:
    """What to tell a person whose file of `size` bytes is over the upload limit."""
    return (
        f"The file is {size / 1_048_576:.3g} MB, over the upload limit of "
        f"{max_upload_bytes() / 1_048_576:.3g} MB. Split it into smaller files (by term, say)."
    )


def originals_dir(database: Path) -> Path:
    """The folder beside the database where the app keeps the original bytes of each batch."""
    return database.with_name(database.stem + ".originals")


def backup_key_path(database: Path) -> Path:
    """The key that signs and checks backups: `HUBMETRICS_BACKUP_KEY`, else `<db>.backup-key`
    beside the database (never inside a backup folder, so a backup cannot vouch for itself)."""
    env = os.environ.get("HUBMETRICS_BACKUP_KEY", "").strip()
    return Path(env) if env else database.with_name(database.stem + ".backup-key")


def crash_log_path() -> Path:
    """Where the command line writes the details of an internal error: a folder of the
    person's own (`$XDG_STATE_HOME/hubmetrics`, else `~/.local/state/hubmetrics`), since a
    traceback may quote a value from a return and a shared folder such as /tmp is readable
    by every account on the machine."""
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "hubmetrics" / "crash.log"


def secrets_files() -> list[Path]:
    """Streamlit's secrets files, in the order it reads them (the later one wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def hub_settings() -> dict[str, object]:
    """The `[hubmetrics]` table of the secrets files (sign-in mode, idle time), for the CLI.

    The app reads the same table through `st.secrets`; a file that cannot be read is skipped.
    """
    import tomllib

    found: dict[str, object] = {}
    for path in secrets_files():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("hubmetrics", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(table, dict):
            found.update(table)
    return found

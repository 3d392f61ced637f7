"""The database: one DuckDB file, its schema, and the single writer every change goes through."""

from __future__ import annotations

from hubmetrics.store.database import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Connection,
    StoreError,
    as_of,
    connect,
    connect_read_only,
    data_version,
    database_path,
    is_demo,
    migrate,
    originals_folder,
    read_transaction,
    schema_version,
    setting,
    write_transaction,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Connection",
    "StoreError",
    "as_of",
    "connect",
    "connect_read_only",
    "data_version",
    "database_path",
    "is_demo",
    "migrate",
    "originals_folder",
    "read_transaction",
    "schema_version",
    "setting",
    "write_transaction",
]

"""What the GIAS tests share: the fictional extracts in tests/fixtures/gias/ and a lookup."""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

from hubmetrics.ingest import deprivation

GIAS = Path(__file__).parent / "fixtures" / "gias"
GENERATOR = GIAS / "make_fixtures.py"


def generator() -> ModuleType:
    """tests/fixtures/gias/make_fixtures.py, imported."""
    spec = importlib.util.spec_from_file_location("make_gias_fixtures", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract(name: str) -> bytes:
    return (GIAS / name).read_bytes()


def ship_deciles(monkeypatch: pytest.MonkeyPatch, folder: Path, deciles: Mapping[str, int]) -> Path:
    """Make the 'shipped' IMD lookup a tiny one of our own, for the real load to read."""
    path = folder / "deciles.csv.gz"
    text = "lsoa_code,imd_decile\n" + "".join(f"{c},{d}\n" for c, d in deciles.items())
    path.write_bytes(gzip.compress(text.encode()))
    monkeypatch.setattr(deprivation, "LSOA_DECILES_FILE", path)
    return path

"""`hubmetrics pseudonymise`: the partner-side keyed hash of pupil identifiers."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import stat
from pathlib import Path

import pytest
from hub_fixture import load_text

from hubmetrics import store
from hubmetrics.cli import main
from hubmetrics.contract import PSEUDONYM_RE
from hubmetrics.disclosure.pseudonymise import pseudonym, read_key

KEY_HEX = "00112233445566778899aabbccddeeff" * 2
OTHER_HEX = "ffeeddccbbaa99887766554433221100" * 2

# A partner's export from its pupil database (synthetic): names and dates of birth included,
# as a real export would have them. Only the contract's columns may come out.
EXPORT = (
    "UPN,First name,Surname,DOB,partner_id,activity_id,start_date,age_band,sex,FSM,send,"
    "ethnicity,postcode\n"
    "A123456789012,Ada,Lovelace,2015-12-10,NMPAT,A1,2025-09-08,ks2,F,Y,N,WBRI,NN17 1AA\n"
    "b123456789013,Alan,Turing,2015-06-23,NMPAT,A1,2025-09-08,ks2,M,N,K,WOTH,nn18 2bb\n"
    " A123456789012 ,Ada,Lovelace,2015-12-10,NMPAT,A2,2025-09-08,ks2,F,Y,N,WBRI,NN17 1AA\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    key = tmp_path / "hub.key"
    key.write_text(KEY_HEX + "\n")
    other = tmp_path / "other.key"
    other.write_text(OTHER_HEX)
    source = tmp_path / "export.csv"
    source.write_text(EXPORT, encoding="utf-8")
    return {"key": key, "other": other, "in": source, "out": tmp_path / "out.csv"}


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def read_out(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_pseudonym_is_hmac_sha256_of_the_normalised_identifier() -> None:
    key = bytes.fromhex(KEY_HEX)
    expected = "p_" + hmac.new(key, b"A123456789012", hashlib.sha256).hexdigest()[:20]
    assert pseudonym("A123456789012", key) == expected
    assert pseudonym(" a123456789012\t", key) == expected
    assert pseudonym("A123456789013", key) != expected


def test_the_command_replaces_the_identifier_and_keeps_only_contract_columns(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("pseudonymise", files["in"], "--key-file", files["key"], "--column", "upn",
               "--out", files["out"]) == 0  # fmt: skip
    text = files["out"].read_text(encoding="utf-8")
    rows = read_out(files["out"])
    assert list(rows[0]) == [
        "participant_ref", "partner_id", "activity_id", "start_date", "age_band", "sex",
        "fsm", "send", "ethnicity", "postcode_district",
    ]  # fmt: skip
    key = bytes.fromhex(KEY_HEX)
    assert [r["participant_ref"] for r in rows] == [
        pseudonym("A123456789012", key),
        pseudonym("B123456789013", key),
        pseudonym("A123456789012", key),  # the same child, written with spaces: same pseudonym
    ]
    assert [r["postcode_district"] for r in rows] == ["NN17", "NN18", "NN17"]
    for identifying in ("123456789012", "123456789013", "Ada", "Lovelace", "Turing", "2015",
                        "1AA", "2BB"):  # fmt: skip
        assert identifying.lower() not in text.lower()
    said = capsys.readouterr().out
    assert "Wrote 3 rows" in said
    assert "Left out (not in the participants file): First name, Surname, DOB." in said
    assert "Shortened 3 postcodes" in said
    assert "not a UPN" not in said


def test_the_same_key_gives_the_same_file_and_another_key_another(
    files: dict[str, Path], tmp_path: Path
) -> None:
    again, other = tmp_path / "again.csv", tmp_path / "other.csv"
    for key, out in ((files["key"], files["out"]), (files["key"], again), (files["other"], other)):
        assert run("pseudonymise", files["in"], "--key-file", key, "--out", out) == 0
    assert files["out"].read_bytes() == again.read_bytes()
    first = [r["participant_ref"] for r in read_out(files["out"])]
    second = [r["participant_ref"] for r in read_out(other)]
    assert all(a != b for a, b in zip(first, second, strict=True))
    assert second[0] == second[2] and second[0] != second[1]
    assert all(r.startswith("p_") and len(r) == 22 for r in first + second)


def test_the_output_loads_as_a_participants_file(
    files: dict[str, Path], loaded_db: store.Connection
) -> None:
    assert run("pseudonymise", files["in"], "--key-file", files["key"], "--out", files["out"]) == 0
    result = load_text(loaded_db, "participants", files["out"].read_bytes())
    assert result.accepted, result.errors
    assert loaded_db.execute(
        "SELECT count(*), count(DISTINCT participant_ref) FROM participants"
    ).fetchone() == (3, 2)
    refs = [r[0] for r in loaded_db.execute("SELECT participant_ref FROM participants").fetchall()]
    assert all(re.fullmatch(PSEUDONYM_RE, r) for r in refs)


def test_identifiers_that_are_not_upns_are_warned_about(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files["in"].write_text("pupil_no,activity_id\n10234,A1\nA123456789012,A1\n")
    assert run("pseudonymise", files["in"], "--key-file", files["key"], "--column", "Pupil No",
               "--out", files["out"]) == 0  # fmt: skip
    assert "Warning: 1 identifiers are not a UPN" in capsys.readouterr().out
    assert "10234" not in files["out"].read_text()


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ("upn,activity_id\nA123456789012,A1\n,A1\n", "upn", "empty on 1 line(s): 3"),
        ("pupil,activity_id\nA123456789012,A1\n", "upn", "no column called 'upn'"),
        ("", "upn", "is empty"),
    ],
)
def test_a_file_that_cannot_be_pseudonymised_writes_nothing(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], text: str, column: str, says: str
) -> None:
    files["in"].write_text(text)
    code = run("pseudonymise", files["in"], "--key-file", files["key"], "--column", column,
               "--out", files["out"])  # fmt: skip
    assert code == 1
    assert says in capsys.readouterr().err
    assert not files["out"].exists()


@pytest.mark.parametrize("key_text", ["", "not a key", "00112233", "zz" * 32])
def test_a_key_file_that_is_not_a_hub_key_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], key_text: str
) -> None:
    files["key"].write_text(key_text)
    assert run("pseudonymise", files["in"], "--key-file", files["key"], "--out", files["out"]) == 1
    assert "is not a hub key" in capsys.readouterr().err
    assert not files["out"].exists()


def test_the_input_is_never_overwritten(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("pseudonymise", files["in"], "--key-file", files["key"], "--out", files["in"]) == 1
    assert files["in"].read_text(encoding="utf-8") == EXPORT
    assert "not the input file" in capsys.readouterr().err


def test_usage_mistakes_exit_2(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run("pseudonymise", files["in"], "--out", files["out"]) == 2
    assert "--key-file" in capsys.readouterr().err
    assert run("pseudonymise", "missing.csv", "--key-file", files["key"], "--out", "o.csv") == 2
    assert "there is no file" in capsys.readouterr().err
    assert run("pseudonymise", "--new-key", "k", "--out", "o.csv") == 2


def test_the_hub_makes_a_new_key_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hub.key"
    assert run("pseudonymise", "--new-key", path) == 0
    assert "Keep it secret" in capsys.readouterr().out
    key = read_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert run("pseudonymise", "--new-key", path) == 1, "a key is never overwritten"
    assert "never overwritten" in capsys.readouterr().err
    assert path.read_text() == first
    other = tmp_path / "other.key"
    assert run("pseudonymise", "--new-key", other) == 0
    assert read_key(other) != key

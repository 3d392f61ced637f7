"""Sign-in through the identity provider: which tokens are accepted, and from which issuer."""

from __future__ import annotations

import pytest

from hubmetrics.people.identity import check_token, expected_issuer

ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
METADATA = f"{ISSUER}/.well-known/openid-configuration"


def claims(**changes: object) -> dict[str, object]:
    """A good token's claims, with `changes` (None removes a claim)."""
    token: dict[str, object] = {
        "is_logged_in": True,
        "iss": ISSUER,
        "email": "Kim@Hub.example",
        "email_verified": True,
    }
    token.update(changes)
    return {name: value for name, value in token.items() if value is not None}


def test_a_verified_email_from_the_hubs_issuer_is_accepted() -> None:
    token = check_token(claims(), ISSUER)
    assert (token.accepted, token.email, token.refusal) == (True, "Kim@Hub.example", "")


def test_entras_verified_domain_claim_counts_as_verified() -> None:
    token = check_token(claims(email_verified=None, xms_edov=True), ISSUER)
    assert token.email == "Kim@Hub.example"


@pytest.mark.parametrize(
    "changes",
    [
        {"email_verified": "false"},
        {"email_verified": "true"},  # text, not the JSON boolean
        {"email_verified": "True"},
        {"email_verified": 1},
        {"email_verified": False},
        {"email_verified": None},  # no claim at all
        {"email_verified": None, "xms_edov": "true"},
        {"email_verified": None, "xms_edov": False},
    ],
)
def test_an_email_not_verified_by_a_json_true_is_refused(changes: dict[str, object]) -> None:
    token = check_token(claims(**changes), ISSUER)
    assert (token.accepted, token.email) == (False, None)
    assert token.refusal == "the identity provider does not say it has verified this address"


@pytest.mark.parametrize(
    ("iss", "named"),
    [
        ("https://accounts.google.com", "from 'https://accounts.google.com'"),
        ("https://login.microsoftonline.com/common/v2.0", "from 'https://login.microsoftonline"),
        (f"{ISSUER}.evil.example", "from 'https://login.microsoftonline"),
        ("", "without an issuer"),
        (None, "without an issuer"),
        (["a list"], "without an issuer"),
    ],
)
def test_a_token_from_another_issuer_is_refused_even_with_a_verified_email(
    iss: object, named: str
) -> None:
    token = check_token(claims(iss=iss), ISSUER)
    assert (token.accepted, token.email) == (False, None)
    assert token.refusal.startswith(f"the sign-in came {named}")
    assert token.refusal.endswith("not from the hub's identity provider")


def test_an_issuer_differing_only_by_a_trailing_slash_is_the_same() -> None:
    assert check_token(
        claims(iss="https://tenant.auth0.example/"), "https://tenant.auth0.example"
    ).accepted
    assert check_token(claims(iss=ISSUER), ISSUER + "/").accepted


@pytest.mark.parametrize("email", [None, "", "   ", 42])
def test_a_token_without_an_email_is_refused(email: object) -> None:
    token = check_token(claims(email=email), ISSUER)
    assert (token.email, token.refusal) == (None, "the identity provider gave no email address")


def test_the_issuer_comes_from_the_setting_or_the_providers_metadata() -> None:
    assert expected_issuer(" https://id.hub.example ", {"server_metadata_url": METADATA}) == (
        "https://id.hub.example"
    )
    assert expected_issuer(None, {"server_metadata_url": METADATA}) == ISSUER
    assert expected_issuer("", {"entra": {"server_metadata_url": METADATA}}, "entra") == ISSUER
    google = "https://accounts.google.com/.well-known/openid-configuration"
    auth = {"server_metadata_url": METADATA, "google": {"server_metadata_url": google}}
    assert expected_issuer(None, auth, "google") == "https://accounts.google.com"


@pytest.mark.parametrize(
    ("auth", "provider", "where"),
    [
        (None, None, "[auth]"),
        ({}, None, "[auth]"),
        ({"server_metadata_url": "https://id.hub.example/metadata.json"}, None, "[auth]"),
        ({"server_metadata_url": METADATA}, "entra", "[auth.entra]"),
        ({"entra": "not a table"}, "entra", "[auth.entra]"),
    ],
)
def test_without_an_issuer_to_trust_sign_in_is_misconfigured(
    auth: dict[str, object] | None, provider: str | None, where: str
) -> None:
    with pytest.raises(ValueError, match="oidc_issuer") as raised:
        expected_issuer(None, auth, provider)
    assert where in str(raised.value)

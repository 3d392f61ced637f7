"""Whether an identity provider's token may sign someone in: a verified email from the hub's issuer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
# A real JSON `true` in either claim: `email_verified` is OpenID Connect's; Microsoft Entra
# sends none, and says instead with `xms_edov` that the email's domain is verified by its owner.
VERIFIED_CLAIMS = ("email_verified", "xms_edov")


@dataclass(frozen=True)
class TokenCheck:
    """What became of a token: the email to find the account by, or why it was refused."""

    email: str | None
    refusal: str = ""

    @property
    def accepted(self) -> bool:
        return self.email is not None


def expected_issuer(
    explicit: object, auth: Mapping[str, object] | None, provider: object = None
) -> str:
    """The issuer the hub trusts: `explicit` (`[hubmetrics] oidc_issuer`) when set, else the
    one the provider's `server_metadata_url` is for (`[auth]`, or `[auth.PROVIDER]` when
    `provider` is named). ValueError when neither says."""
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()
    section: object = auth or {}
    if provider and isinstance(section, Mapping):
        section = section.get(str(provider))
    url = section.get("server_metadata_url") if isinstance(section, Mapping) else None
    if isinstance(url, str) and url.strip().endswith(DISCOVERY_SUFFIX):
        return url.strip().removesuffix(DISCOVERY_SUFFIX)
    where = f"[auth.{provider}]" if provider else "[auth]"
    raise ValueError(
        f"Sign-in through the identity provider needs its issuer: set `[hubmetrics] "
        f"oidc_issuer` (or HUBMETRICS_OIDC_ISSUER), or a `server_metadata_url` ending "
        f"{DISCOVERY_SUFFIX} in {where}."
    )


def check_token(claims: Mapping[str, object], issuer: str) -> TokenCheck:
    """Accept a token only from `issuer`, with an email the provider says it verified.

    A claim that is missing, or the text "true", is not a verification: only the JSON
    boolean `true` is. The issuers are compared as text, but for a trailing slash.
    """
    given = claims.get("iss")
    if not isinstance(given, str) or _same_issuer(given) != _same_issuer(issuer):
        named = f"from {given!r}" if isinstance(given, str) and given else "without an issuer"
        return TokenCheck(None, f"the sign-in came {named}, not from the hub's identity provider")
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return TokenCheck(None, "the identity provider gave no email address")
    if not any(claims.get(name) is True for name in VERIFIED_CLAIMS):
        return TokenCheck(None, "the identity provider does not say it has verified this address")
    return TokenCheck(email.strip())


def _same_issuer(issuer: str) -> str:
    return issuer.strip().rstrip("/")

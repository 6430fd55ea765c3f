"""Access tokens: only unexpired HS256 tokens we signed, for live sessions, get through."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from app.core import security
from app.core.permissions import Role
from tests.factories import Factory

ME = "/api/v1/auth/me"


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(user_id: uuid.UUID, session_id: uuid.UUID, **override: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": "courzly",
        "sub": str(user_id),
        "sid": str(session_id),
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    claims.update(override)
    return claims


async def _signed_in(factory: Factory) -> tuple[uuid.UUID, uuid.UUID, str]:
    user = await factory.user(Role.VIEWER)
    headers = await factory.headers(user)
    token = headers["Authorization"].removeprefix("Bearer ")
    session_id = uuid.UUID(jwt.decode(token, options={"verify_signature": False})["sid"])
    return user.id, session_id, token


async def test_valid_token_is_accepted(client: httpx.AsyncClient, factory: Factory) -> None:
    user_id, _, token = await _signed_in(factory)
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["id"] == str(user_id)


async def test_missing_token_is_401_with_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "forge",
    ["expired", "tampered", "alg_none", "hs512", "other_secret", "wrong_type", "wrong_issuer"],
)
async def test_forged_or_stale_tokens_are_rejected(
    client: httpx.AsyncClient, factory: Factory, settings: object, forge: str
) -> None:
    user_id, session_id, token = await _signed_in(factory)
    secret = factory.settings.jwt_secret_value()
    claims = _claims(user_id, session_id)
    if forge == "expired":
        past = datetime.now(UTC) - timedelta(minutes=10)
        bad = jwt.encode(
            _claims(user_id, session_id, iat=int(past.timestamp()), exp=int(past.timestamp()) + 60),
            secret,
            algorithm="HS256",
        )
    elif forge == "tampered":
        header, payload, signature = token.split(".")
        forged = _b64({**json.loads(base64.urlsafe_b64decode(payload + "==")), "sub": "x"})
        bad = f"{header}.{forged}.{signature}"
    elif forge == "alg_none":
        bad = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    elif forge == "hs512":
        bad = jwt.encode(claims, secret, algorithm="HS512")
    elif forge == "other_secret":
        bad = jwt.encode(claims, "x" * 64, algorithm="HS256")
    elif forge == "wrong_type":
        bad = jwt.encode({**claims, "typ": "refresh"}, secret, algorithm="HS256")
    else:
        bad = jwt.encode({**claims, "iss": "someone-else"}, secret, algorithm="HS256")
    response = await client.get(ME, headers={"Authorization": f"Bearer {bad}"})
    assert response.status_code == 401, forge
    assert response.json()["error"] == "unauthorized"


async def test_token_for_unknown_session_is_rejected(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user_id, _, _ = await _signed_in(factory)
    token = security.issue_access_token(
        factory.settings.jwt_secret_value(), user_id, uuid.uuid4(), 900
    )
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_logout_revokes_the_access_token_at_once(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _, _, token = await _signed_in(factory)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    response = await client.get(ME, headers=headers)
    assert response.status_code == 401
    assert "session has ended" in response.json()["detail"]


async def test_deactivated_user_is_signed_out(client: httpx.AsyncClient, factory: Factory) -> None:
    admin = await factory.user(Role.ADMIN)
    user = await factory.user(Role.EDITOR)
    user_headers = await factory.headers(user)
    assert (await client.get(ME, headers=user_headers)).status_code == 200
    response = await client.patch(
        f"/api/v1/users/{user.id}",
        json={"is_active": False, "version": 1},
        headers=await factory.headers(admin),
    )
    assert response.status_code == 200, response.text
    assert (await client.get(ME, headers=user_headers)).status_code == 401

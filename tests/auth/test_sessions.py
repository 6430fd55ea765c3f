"""Sign-in, refresh-token rotation with reuse detection, sign-out and password changes."""

from __future__ import annotations

import httpx

from app.core.permissions import Role
from tests.factories import PASSWORD, Factory

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/auth/me"


async def _login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_login_returns_working_tokens(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR, email="Ada@Example.com")
    response = await _login(client, "ada@example.COM")  # e-mail is case-insensitive
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    me = await client.get(ME, headers=_bearer(tokens))
    assert me.json()["id"] == str(user.id)


async def test_wrong_password_and_unknown_user_look_the_same(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.EDITOR)
    wrong = await _login(client, user.email, "not the password")
    unknown = await _login(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"] == "invalid_credentials"
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_inactive_user_cannot_sign_in(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    async with factory.sessions() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        stored.is_active = False
        await session.commit()
    assert (await _login(client, user.email)).status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.VIEWER)
    first = (await _login(client, user.email)).json()
    second = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await client.get(ME, headers=_bearer(rotated))).status_code == 200

    # The first token comes back: a thief or a replay. The whole sign-in ends.
    reuse = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.json()["error"] == "invalid_refresh_token"
    assert (await client.get(ME, headers=_bearer(rotated))).status_code == 401
    after = await client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401


async def test_reuse_in_one_sign_in_leaves_other_sign_ins_alone(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.VIEWER)
    laptop = (await _login(client, user.email)).json()
    phone = (await _login(client, user.email)).json()
    await client.post(REFRESH, json={"refresh_token": laptop["refresh_token"]})
    await client.post(REFRESH, json={"refresh_token": laptop["refresh_token"]})
    assert (await client.get(ME, headers=_bearer(phone))).status_code == 200


async def test_unknown_refresh_token_is_rejected(client: httpx.AsyncClient) -> None:
    response = await client.post(REFRESH, json={"refresh_token": "A" * 43})
    assert response.status_code == 401


async def test_logout_ends_refresh_too(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user(Role.VIEWER)
    tokens = (await _login(client, user.email)).json()
    assert (await client.post("/api/v1/auth/logout", headers=_bearer(tokens))).status_code == 204
    response = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401


async def test_password_change_revokes_other_sessions(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user(Role.EDITOR)
    here = (await _login(client, user.email)).json()
    elsewhere = (await _login(client, user.email)).json()
    new_password = "a brand new passphrase"
    wrong = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "nope", "new_password": new_password},
        headers=_bearer(here),
    )
    assert wrong.status_code == 401
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=_bearer(here),
    )
    assert changed.status_code == 204
    assert (await client.get(ME, headers=_bearer(here))).status_code == 200
    assert (await client.get(ME, headers=_bearer(elsewhere))).status_code == 401
    stale = await client.post(REFRESH, json={"refresh_token": elsewhere["refresh_token"]})
    assert stale.status_code == 401
    assert (await _login(client, user.email)).status_code == 401
    assert (await _login(client, user.email, new_password)).status_code == 200


async def test_short_new_password_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user(Role.EDITOR)
    tokens = (await _login(client, user.email)).json()
    response = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=_bearer(tokens),
    )
    assert response.status_code == 422
    assert (await _login(client, user.email)).status_code == 200

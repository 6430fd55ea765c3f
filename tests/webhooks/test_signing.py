"""Our webhook signatures as receivers check them: with the Standard Webhooks reference
library (`standardwebhooks`), which any receiver may use, and against the published
example of the specification."""

from __future__ import annotations

import json
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.webhooks import signing

BODY = json.dumps({"type": "run.failed", "data": {"course_id": "c1", "run_id": "r1"}}).encode()


def _now() -> int:
    return int(time.time())


def test_a_delivery_verifies_with_the_reference_library() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], "msg_2Kx9", _now(), BODY)
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_the_specifications_example_signs_to_its_published_value() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_during_a_rotation_both_secrets_verify() -> None:
    old, new = signing.new_secret(), signing.new_secret()
    headers = signing.headers([new, old], "msg_rot", _now(), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, headers) == json.loads(BODY)
    assert Webhook(new).verify(BODY, headers) == json.loads(BODY)


def test_a_changed_body_another_secret_or_an_old_message_fails() -> None:
    secret = signing.new_secret()
    headers = signing.headers([secret], "msg_x", _now(), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"r1", b"r2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)
    stale = signing.headers([secret], "msg_x", _now() - 3600, BODY)
    with pytest.raises(WebhookVerificationError):  # receivers refuse replays after 5 minutes
        Webhook(secret).verify(BODY, stale)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "starts with whsec_"),
        ("whsec_not base64!", "followed by base64"),
        ("whsec_c2hvcnQ=", "24 to 64 bytes"),
    ],
)
def test_a_malformed_secret_is_refused_clearly(secret: str, reason: str) -> None:
    with pytest.raises(signing.SecretError, match=reason):
        signing.signature(secret, "msg", 1, b"{}")


def test_an_endpoint_without_a_secret_cannot_sign() -> None:
    with pytest.raises(signing.SecretError, match="needs a secret"):
        signing.headers([], "msg", 1, b"{}")


def test_new_secrets_are_distinct_and_the_right_size() -> None:
    made = {signing.new_secret() for _ in range(50)}
    assert len(made) == 50
    assert all(len(signing.secret_key(secret)) == 32 for secret in made)

from __future__ import annotations

from app.core.errors import CourzlyError


class EndpointNotFound(CourzlyError):
    status_code = 404
    error = "webhook_not_found"
    default_detail = "No such webhook endpoint here."


class DeliveryNotFound(CourzlyError):
    status_code = 404
    error = "delivery_not_found"
    default_detail = "No such delivery of this endpoint."


class InvalidDestination(CourzlyError):
    status_code = 422
    error = "invalid_webhook_url"
    default_detail = "Webhooks cannot be sent to this URL."


class SecretUnreadable(CourzlyError):
    status_code = 409
    error = "secret_unreadable"
    default_detail = (
        "This endpoint's secret was sealed with a key that is no longer configured "
        "(ENCRYPTION_KEY); rotate the secret to issue a new one."
    )

"""URL prefix of the versioned REST API."""

API_PREFIX = "/api/v1"

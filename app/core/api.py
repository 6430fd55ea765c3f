"""URL prefix of the versioned REST API."""

API_PREFIX = "/api/v1"
API_TITLE = "Courzly API"
API_VERSION = "1"

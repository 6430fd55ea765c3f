"""WebSocket metrics, on the app's registry (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from app.core.metrics import REGISTRY

WS_CONNECTIONS = Gauge(
    "courzly_ws_connections",
    "Open, authenticated WebSocket connections.",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
WS_FRAMES_SENT = Counter(
    "courzly_ws_frames_sent_total", "Frames sent to WebSocket clients.", registry=REGISTRY
)
WS_MESSAGES_RECEIVED = Counter(
    "courzly_ws_messages_received_total",
    "Messages received from WebSocket clients, by type (the protocol's types, or 'invalid').",
    ["type"],
    registry=REGISTRY,
)
WS_CLOSED = Counter(
    "courzly_ws_closed_total",
    "WebSocket connections the server closed, by reason (lagged, expired, auth, shutdown).",
    ["reason"],
    registry=REGISTRY,
)
EVENTS_RECEIVED = Counter(
    "courzly_ws_events_received_total",
    "Course events received from Redis pub/sub by this process.",
    registry=REGISTRY,
)

from tests.realtime.live import live_server

__all__ = ["live_server"]

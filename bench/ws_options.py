"""The WebSocket benchmark's command-line options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class WsOptions:
    clients: int  # sockets, all following one course
    client_processes: int  # the clients are split across this many subprocesses
    connect_concurrency: int  # sockets opening at once, across all client processes
    events: int
    rate: float  # events per second, for the real path and the Redis baseline alike
    grace: float  # seconds to wait after the last publish before counting what is missing
    deflate: bool  # clients offer permessage-deflate, as browsers do

    @property
    def deliveries(self) -> int:
        return self.clients * self.events


def parse_options(argv: Sequence[str] | None, description: str) -> WsOptions:
    parser = argparse.ArgumentParser(description=description)
    add = parser.add_argument
    add("--clients", type=int, default=1000, help="WebSocket clients (1000)")
    add(
        "--client-processes",
        type=int,
        default=2,
        help="subprocesses the clients are split across (2; see bench/README.md)",
    )
    add(
        "--connect-concurrency",
        type=int,
        default=100,
        help="sockets opening at once, over all client processes (100)",
    )
    add("--events", type=int, default=50, help="events published (50)")
    add("--rate", type=float, default=10.0, help="events per second (10)")
    add("--grace", type=float, default=10.0, help="seconds to wait for late deliveries (10)")
    add(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="clients offer permessage-deflate, as browsers do (default: yes)",
    )
    options = WsOptions(**vars(parser.parse_args(argv)))
    counts = (options.clients, options.client_processes, options.connect_concurrency)
    if min(*counts, options.events) < 1:
        parser.error("counts must be positive integers")
    if options.client_processes > options.clients:
        parser.error("--client-processes must be at most --clients")
    if options.rate <= 0 or options.grace <= 0:
        parser.error("--rate and --grace must be positive")
    return options

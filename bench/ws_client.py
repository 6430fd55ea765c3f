"""A share of bench/ws.py's WebSocket clients, run as `python -m bench.ws_client` subprocesses.

Each opens its sockets (auth, then subscribe), prints one `ready` line, then records the
arrival time of every event frame. When bench/ws.py writes `published` on its stdin it
waits up to a grace period for the rest, and prints one `result` line (JSON) to stdout.
Only time is taken on arrival; frames are decoded afterwards, so the work done per frame
while events are arriving is the websockets library's own.

The token comes in the BENCH_WS_TOKEN environment variable, not on the command line
(where `ps` would show it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import orjson
from websockets.asyncio.client import ClientConnection, connect

TOKEN_ENV = "BENCH_WS_TOKEN"  # noqa: S105 - a variable's name, not a secret
# How app/realtime/protocol.py's event_frame starts: recognised without decoding.
EVENT_PREFIX = '{"type":"event"'
OPEN_TIMEOUT_SECONDS = 30.0


@dataclass
class Socket:
    connection: ClientConnection
    arrivals: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class ClientResult:
    """What one client process saw; times are time.monotonic() of this machine."""

    sockets: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    connect_started: float = 0.0
    connect_finished: float = 0.0
    connect_seconds: list[float] = field(default_factory=list)  # per socket: open -> subscribed
    received: int = 0
    in_order: int = 0  # sockets that got exactly seq 1..events, ascending
    latencies_ms: list[list[float]] = field(default_factory=list)  # [seq - 1]: every socket's


def raise_open_files(needed: int) -> None:
    """One descriptor per socket: lift the soft limit up to the hard one if that is short."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _expect(message: str | bytes, kind: str) -> None:
    frame = orjson.loads(message)
    if frame.get("type") != kind:
        raise RuntimeError(f"expected {kind!r}, got {frame!r:.200}")


async def open_socket(
    url: str, token: str, course_id: str, deflate: bool, result: ClientResult
) -> Socket:
    started = time.monotonic()
    connection = await connect(
        url,
        compression="deflate" if deflate else None,
        proxy=None,  # 127.0.0.1 only, whatever the environment says
        open_timeout=OPEN_TIMEOUT_SECONDS,
        ping_interval=None,  # a run lasts seconds; the server's pings are answered anyway
    )
    try:
        await connection.send(orjson.dumps({"type": "auth", "token": token}).decode())
        _expect(await connection.recv(), "authenticated")
        subscribe = {"type": "subscribe", "course_id": course_id, "after_seq": 0}
        await connection.send(orjson.dumps(subscribe).decode())
        _expect(await connection.recv(), "subscribed")
    except BaseException:
        await connection.close()
        raise
    result.connect_seconds.append(time.monotonic() - started)
    return Socket(connection)


async def follow(socket: Socket, events: int) -> None:
    async for message in socket.connection:
        if isinstance(message, str) and message.startswith(EVENT_PREFIX):
            socket.arrivals.append((time.monotonic(), message))
            if len(socket.arrivals) == events:
                return


def tally(sockets: Sequence[Socket], events: int, result: ClientResult) -> None:
    expected_seqs = list(range(1, events + 1))
    result.latencies_ms = [[] for _ in expected_seqs]
    for socket in sockets:
        seqs = []
        for arrived, text in socket.arrivals:
            event = orjson.loads(text)["event"]
            seqs.append(event["seq"])
            if 1 <= event["seq"] <= events:
                latency = (arrived - event["payload"]["sent_at"]) * 1000
                result.latencies_ms[event["seq"] - 1].append(latency)
        result.received += len(seqs)
        result.in_order += seqs == expected_seqs


async def _stdin() -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def run(args: argparse.Namespace, token: str) -> ClientResult:
    result = ClientResult()
    commands = await _stdin()
    gate = asyncio.Semaphore(args.concurrency)

    async def opened() -> Socket | None:
        async with gate:
            try:
                return await open_socket(args.url, token, args.course, args.deflate, result)
            except Exception as exc:
                result.failed += 1
                if len(result.errors) < 5:
                    result.errors.append(repr(exc)[:300])
                return None

    result.connect_started = time.monotonic()
    sockets = [s for s in await asyncio.gather(*(opened() for _ in range(args.count))) if s]
    result.connect_finished = time.monotonic()
    result.sockets = len(sockets)
    followers = [asyncio.create_task(follow(socket, args.events)) for socket in sockets]
    # This process is the measuring instrument: a collection pause here (its sockets make a
    # large heap) would hold frames in the kernel and be counted as the server's latency.
    gc.collect()
    gc.freeze()
    gc.disable()
    print("ready", flush=True)
    try:
        published = (await commands.readline()).strip() == b"published"
        if published and followers:
            # Not a delivery deadline: only how long to wait before counting what is missing.
            await asyncio.wait(followers, timeout=args.grace)
    finally:
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
        await asyncio.gather(*(s.connection.close() for s in sockets), return_exceptions=True)
    tally(sockets, args.events, result)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bench/ws.py's WebSocket clients")
    parser.add_argument("--url", required=True)
    parser.add_argument("--course", required=True)
    parser.add_argument("--count", type=int, required=True, help="sockets to open")
    parser.add_argument("--events", type=int, required=True, help="events each should get")
    parser.add_argument("--concurrency", type=int, required=True, help="opening at once")
    parser.add_argument("--grace", type=float, required=True)
    parser.add_argument("--deflate", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    raise_open_files(args.count + 100)
    with contextlib.suppress(ImportError):
        import uvloop  # the server runs on it; the clients as well, so they cost it less

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    result = asyncio.run(run(args, os.environ[TOKEN_ENV]))
    sys.stdout.write("result " + orjson.dumps(asdict(result)).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

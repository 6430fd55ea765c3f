"""A loop whose cancel a client swallowed still stops: it sees itself cancelling, and its
owner cancels again until it ends (the worker's stop once hung on exactly this)."""

from __future__ import annotations

import asyncio

from app.core.tasks import cancel_and_wait, stop_if_cancelled


async def _swallowing_call() -> None:
    """What a client may do with a cancel that lands as its own timeout fires."""
    try:
        await asyncio.sleep(0.05)
    except asyncio.CancelledError:
        return  # taken for the timeout: the caller sees a normal return


async def test_a_loop_that_checks_stops_although_its_call_swallowed_the_cancel() -> None:
    rounds = 0

    async def loop() -> None:
        nonlocal rounds
        while True:
            rounds += 1
            await _swallowing_call()
            stop_if_cancelled()

    task = asyncio.create_task(loop())
    await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.wait_for(cancel_and_wait(task), 2)
    assert task.cancelled()
    assert rounds == 1


async def test_cancel_and_wait_cancels_again_a_loop_that_does_not_check() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed == 3:
                    raise

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait(task), 10)
    assert task.done()
    assert swallowed == 3

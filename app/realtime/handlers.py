"""What each client message does. Every failure becomes an error frame on the socket, never
a closed connection: one socket carries several courses, and a bad course id or a refused
chat message must not cut the client off the others."""

from __future__ import annotations

import functools
import logging
import uuid
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError

from app.chat import service as chat
from app.chat.dependencies import job_queue
from app.core.errors import BadRequest, CourzlyError
from app.core.permissions import Permission
from app.courses import service as courses
from app.realtime import presence, protocol
from app.realtime import service as realtime
from app.realtime.auth import authenticate
from app.realtime.connection import Subscription
from app.realtime.dependencies import publish_quietly
from app.realtime.errors import AfterSeqAhead
from app.realtime.feed import FeedWatch

if TYPE_CHECKING:
    from app.realtime.socket import SocketSession

log = logging.getLogger("courzly.realtime")


class NotSubscribed(BadRequest):
    error = "not_subscribed"
    default_detail = "This socket is not subscribed to that course."


class TooManySubscriptions(BadRequest):
    error = "too_many_subscriptions"


async def dispatch(socket: SocketSession, message: protocol.ClientMessage) -> None:
    course_id = getattr(message, "course_id", None)
    where = {"course_id": str(course_id)} if course_id else {}
    send = socket.connection.send
    try:
        if isinstance(message, protocol.Ping):
            send(protocol.frame("pong", message.id))
        elif isinstance(message, protocol.Subscribe):
            await _subscribe(socket, message)
        elif isinstance(message, protocol.Unsubscribe):
            await _unsubscribe(socket, message)
        elif isinstance(message, protocol.Auth):
            await _reauthenticate(socket, message)
        elif isinstance(message, protocol.Presence):
            await _presence(socket, message)
        elif isinstance(message, protocol.Watch):
            await _watch(socket, message)
        elif isinstance(message, protocol.Unwatch):
            await _unwatch(socket, message)
        else:
            await _chat_send(socket, message)
    except CourzlyError as exc:
        send(protocol.error_frame(exc.error, exc.detail, message.id, **where, **exc.extra))
    except (DBAPIError, OSError, RedisError, TimeoutError) as exc:
        log.warning("socket request failed", extra={"reason": repr(exc)})
        detail = "A required service is unavailable; try again shortly."
        send(protocol.error_frame("service_unavailable", detail, message.id, **where))
    except Exception:
        log.exception("socket request crashed", extra={"message_type": message.type})
        detail = "Something went wrong on our side; try again."
        send(protocol.error_frame("internal_error", detail, message.id, **where))


async def _drop(socket: SocketSession, course_id: uuid.UUID) -> bool:
    subscription = socket.connection.subscriptions.pop(course_id, None)
    if subscription is None:
        return False
    subscription.cancel()
    await socket.resources.hub.unlisten(course_id, subscription)
    await _leave(socket, course_id)
    return True


async def _presence(socket: SocketSession, message: protocol.Presence) -> None:
    """Announce who is here (the course must be followed on this socket: its readers only
    ever learn who else reads it); every follower, this one included, gets the new list."""
    if message.course_id not in socket.connection.subscriptions:
        raise NotSubscribed("Subscribe to the course before announcing presence on it.")
    user = socket.auth.user
    entry = {
        "user_id": str(user.id),
        "display_name": user.display_name,
        "state": message.state,
        "lesson_id": str(message.lesson_id) if message.lesson_id else None,
    }
    resources = socket.resources
    await presence.update(resources.redis, resources.keys, message.course_id, socket.id, entry)
    socket.present.add(message.course_id)


async def _leave(socket: SocketSession, course_id: uuid.UUID) -> None:
    if course_id not in socket.present:
        return
    socket.present.discard(course_id)
    resources = socket.resources
    try:
        await presence.remove(resources.redis, resources.keys, course_id, socket.id)
    except RedisError as exc:  # the entry expires by itself
        log.warning("could not clear presence", extra={"reason": repr(exc)})


async def leave_all(socket: SocketSession) -> None:
    for course_id in list(socket.present):
        await _leave(socket, course_id)


async def _subscribe(socket: SocketSession, message: protocol.Subscribe) -> None:
    connection, resources, course_id = socket.connection, socket.resources, message.course_id
    await _drop(socket, course_id)  # subscribing again restarts from the new after_seq
    if len(connection.subscriptions) >= connection.limits.max_subscriptions:
        limit = connection.limits.max_subscriptions
        raise TooManySubscriptions(f"A socket may follow {limit} courses; unsubscribe first.")
    async with resources.read_sessions() as session:
        await courses.authorize(session, socket.auth.user, course_id, Permission.COURSE_READ)
    subscription = Subscription(connection, course_id, 0, socket.fetch)
    connection.subscriptions[course_id] = subscription
    try:
        # Listening first, then reading the head: an event published in between is
        # buffered by the subscription, so none falls between the log and the live feed.
        await resources.hub.listen(course_id, subscription)
        async with resources.read_sessions() as session:
            head = await realtime.head(session, course_id)
        start = head if message.after_seq is None else message.after_seq
        if start > head:
            raise AfterSeqAhead(start, head)
    except BaseException:
        await _drop(socket, course_id)
        raise
    connection.send(
        protocol.frame(
            "subscribed", message.id, course_id=str(course_id), after_seq=start, head=head
        )
    )
    subscription.start(start)


async def _visible_courses(socket: SocketSession) -> tuple[bool, set[str]]:
    """What the socket's user may see on the feed: the course list's rule (every course
    for a global reader, else their memberships)."""
    async with socket.resources.read_sessions() as session:
        readable = await courses.readable_course_ids(session, socket.auth.user)
    return readable is None, {str(course_id) for course_id in readable or ()}


async def _watch(socket: SocketSession, message: protocol.Watch) -> None:
    everything, courses = await _visible_courses(socket)
    if socket.feed is None:
        watch = FeedWatch(socket.connection, everything, courses)
        await socket.resources.hub.watch_feed(watch)
        socket.feed = watch
    else:  # watching again: the visible courses are read afresh
        socket.feed.everything, socket.feed.courses = everything, courses
    socket.connection.send(protocol.frame("watching", message.id))


async def _unwatch(socket: SocketSession, message: protocol.Unwatch) -> None:
    await stop_watching(socket)
    socket.connection.send(protocol.frame("unwatched", message.id))


async def stop_watching(socket: SocketSession) -> None:
    watch, socket.feed = socket.feed, None
    if watch is not None:
        await socket.resources.hub.unwatch_feed(watch)


async def _unsubscribe(socket: SocketSession, message: protocol.Unsubscribe) -> None:
    if not await _drop(socket, message.course_id):
        raise NotSubscribed
    socket.connection.send(
        protocol.frame("unsubscribed", message.id, course_id=str(message.course_id))
    )


async def _reauthenticate(socket: SocketSession, message: protocol.Auth) -> None:
    """A fresh token extends the socket's life; a bad one is refused and the current token
    stays in force until it expires. Subscriptions are checked again, so a member removed
    from a course stops getting its events at the latest when their token is renewed."""
    resources = socket.resources
    auth = await authenticate(resources.read_sessions, resources.settings, message.token)
    if auth.user.id != socket.auth.user.id:
        detail = "A socket belongs to one user; open a new socket for another."
        final = functools.partial(protocol.error_frame, "user_changed", detail, message.id)
        socket.connection.stop(protocol.CloseCode.POLICY_VIOLATION, "user changed", final)
        return
    socket.auth = auth
    socket.connection.send(
        protocol.frame(
            "authenticated",
            message.id,
            user_id=str(auth.user.id),
            expires_at=protocol.iso_time(auth.expires_at),
        )
    )
    if socket.feed is not None:  # a membership added or removed shows from now on
        socket.feed.everything, socket.feed.courses = await _visible_courses(socket)
    for course_id in list(socket.connection.subscriptions):
        try:
            async with resources.read_sessions() as session:
                await courses.authorize(session, auth.user, course_id, Permission.COURSE_READ)
        except CourzlyError:
            await _drop(socket, course_id)
            socket.connection.send(
                protocol.frame("unsubscribed", course_id=str(course_id), reason="access_revoked")
            )


async def _chat_send(socket: SocketSession, message: protocol.ChatSend) -> None:
    """Store the message and its event (committed here: this is the socket's request
    boundary), publish it, then queue the reply job; the API never calls the model."""
    resources = socket.resources
    async with resources.sessions() as session:
        access = await courses.authorize(
            session, socket.auth.user, message.course_id, Permission.CHAT_SEND
        )
        stored, event = await chat.post_message(session, access, message.lesson_id, message.text)
        await session.commit()
    await publish_quietly(resources.redis, resources.keys, [event])
    try:
        await chat.queue_reply(job_queue(resources.state), stored)
    except Exception as exc:
        log.warning("could not queue a chat reply", extra={"reason": repr(exc)})
        detail = "Your message was saved, but the assistant could not be asked; try again."
        socket.connection.send(
            protocol.error_frame("reply_not_queued", detail, message.id, message_id=str(stored.id))
        )
        return
    socket.connection.send(
        protocol.frame(
            "chat.accepted",
            message.id,
            course_id=str(message.course_id),
            message_id=str(stored.id),
            seq=event.seq,
        )
    )

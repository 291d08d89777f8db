"""The request body's size limit: counted as the bytes arrive, refused with 413 past it.

A pure ASGI middleware, so nothing is buffered on the way: a declared
``Content-Length`` over the limit is refused before a byte of the body is
read, and a body sent in chunks without one is refused at the chunk that
crosses the limit (the route reading it gets :class:`BodyTooLarge`, which the
app's one error handler turns into the 413).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from psoas.web.problems import BodyTooLarge, error_response

MAX_BODY_BYTES = 256 * 1024
"""The largest request body accepted: a year of daily check-ins sent at once fits in it."""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` without holding more than that in memory."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await error_response(BodyTooLarge(self.max_bytes))(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as error:
            if started:  # the route answered before reading all of it; nothing left to say
                raise
            await error_response(error)(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    """The ``Content-Length`` the client declared, or 0 (the server checks its form)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0

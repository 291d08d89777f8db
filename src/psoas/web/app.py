"""The FastAPI app factory: the store for the app's lifetime, one error mapping, strict headers.

Errors become responses in exactly one place (:func:`_psoas_error`, with the
status and shape of :mod:`psoas.web.problems`), with the same field-naming
messages the CLI prints.

The edges, before any route: a request must name this server in its ``Host``
(:mod:`psoas.web.hosts`, against DNS rebinding), and its body may not exceed
:data:`psoas.web.limits.MAX_BODY_BYTES` (counted as it arrives, 413 past it).

Cross-site requests: every state-changing request must be JSON sent by a page
of this very server. A cross-site HTML form cannot send ``application/json``,
and a request whose ``Origin`` (or ``Sec-Fetch-Site``) names another site is
refused before it reaches a route. Every response carries a content security
policy that allows nothing from anywhere but this server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from urllib.parse import urlsplit

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles

from psoas import __version__
from psoas.errors import FieldProblem, InvalidDocument, PsoasError
from psoas.services.drawing import DrawingWorker
from psoas.services.followups import FollowUps
from psoas.services.storage import store
from psoas.settings import Settings
from psoas.web import openapi
from psoas.web.api_models import Health
from psoas.web.hosts import HostName, host_allowed, parse_host
from psoas.web.limits import BodyLimit
from psoas.web.problems import (
    CrossSiteRequest,
    ForeignHost,
    error_response,
    error_responses,
    status_of,
)
from psoas.web.routes import (
    api_docs,
    corrections,
    intake,
    library,
    pages,
    reminders_page,
    session_page,
    sessions,
    tracking,
)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
WORKER_THREADS = 4
"""How many requests run their (synchronous) handlers at once; the rest wait their turn.

Starlette's default is 40. Handlers are CPU work under one interpreter lock on a machine
of a few cores, so more threads add no throughput, only memory: each running request
holds its data, and glibc keeps an arena per thread. Fifty clients measured in
``benchmarks/web.py``: see ARCHITECTURE.md."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def create_app(settings: Settings) -> FastAPI:
    """The psoas web app over the store the settings name (personal mode: one person)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        with store(settings) as database:
            app.state.database = database
            app.state.followups = FollowUps(database)
            app.state.drawing = DrawingWorker()  # its process starts with the first chart
            try:
                yield
            finally:
                app.state.followups.close()
                app.state.drawing.close()

    app = FastAPI(
        title="psoas",
        version=__version__,
        description="Psoas-release therapy: safety screen, plan, guided sessions and tracking. "
        "It educates and guides; it does not diagnose.",
        lifespan=lifespan,
        docs_url=None,  # psoas.web.routes.api_docs serves it, under the CSP
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.public_hosts = _public_hosts(settings)
    app.add_exception_handler(PsoasError, _psoas_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _request_error)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit)
    app.middleware("http")(_guard)  # outermost: a foreign Host is refused before anything else
    static = resources.files("psoas.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for module in (intake, sessions, tracking, library, corrections):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(pages.router)
    app.include_router(session_page.router)
    app.include_router(reminders_page.router)
    api_docs.install(app)

    @app.get("/api/v1/health", tags=["meta"], responses=error_responses(400))
    def health() -> Health:
        """Is the server up (and the simplest endpoint, for benchmarks)."""
        return Health(status="ok")

    openapi.install(app)
    return app


def _public_hosts(settings: Settings) -> tuple[HostName, ...]:
    """The configured public names, each checked; a bad one is named."""
    parsed = [(text, parse_host(text)) for text in settings.public_hosts]
    problems = [
        FieldProblem("PSOAS_PUBLIC_HOSTS", f"expected a host name, or name:port; got {text!r}")
        for text, host in parsed
        if host is None
    ]
    if problems:
        raise InvalidDocument("the environment", problems)
    return tuple(host for _, host in parsed if host is not None)


async def _psoas_error(request: Request, error: PsoasError) -> Response:
    if request.url.path.startswith("/api/"):
        return error_response(error)
    return pages.error_page(request, error, status_of(error))


async def _request_error(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's own checks (query and path parameters), worded like every other problem."""
    problems = [
        FieldProblem(
            ".".join(str(part) for part in detail["loc"][1:]) or str(detail["loc"][0]),
            detail["msg"],
        )
        for detail in error.errors()
    ]
    return await _psoas_error(request, InvalidDocument("request", problems))


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    refusal = _foreign_host(request) or _cross_site_refusal(request)
    response = error_response(refusal) if refusal else await call_next(request)
    if response.status_code == 405:
        response.headers["Allow"] = ", ".join(_methods_at(request))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _methods_at(request: Request) -> list[str]:
    """Every method some route serves at the request's path (Starlette names only one route's)."""
    served: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and route.methods and pattern.match(request.url.path):
            served |= route.methods
    return sorted(served)


def _foreign_host(request: Request) -> ForeignHost | None:
    """A refusal when the request's ``Host`` does not name this server, else None."""
    server = request.scope.get("server")
    header = request.headers.get("host")
    allowed = host_allowed(
        header,
        scheme=request.url.scheme,
        server_port=server[1] if server else None,
        public_hosts=request.app.state.public_hosts,
    )
    return None if allowed else ForeignHost(header)


def _cross_site_refusal(request: Request) -> CrossSiteRequest | None:
    """Why a state-changing request is refused as possibly cross-site, or None."""
    if request.method not in UNSAFE_METHODS:
        return None
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return CrossSiteRequest("cross-site requests are refused")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return CrossSiteRequest("cross-site requests are refused")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    served = request.method in _methods_at(request)  # if not, routing answers 405
    if served and content_type != "application/json":
        return CrossSiteRequest("send JSON (Content-Type: application/json)")
    return None

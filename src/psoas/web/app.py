"""The FastAPI app factory: the store for the app's lifetime, one error mapping, strict headers.

Errors become responses in exactly one place (:func:`_psoas_error`), with the
same field-naming messages the CLI prints:

    InvalidDocument, UnreadableFile, other InputError   422 / 400
    UnknownId                                           404
    SafetyStop                                          409 (understood, refused for safety)
    StoreError                                          503
    anything else of psoas                              500

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

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from psoas import __version__
from psoas.errors import (
    InputError,
    InvalidDocument,
    PsoasError,
    SafetyStop,
    StoreError,
    UnknownId,
    UnreadableFile,
)
from psoas.services.followups import FollowUps
from psoas.services.storage import store
from psoas.settings import Settings
from psoas.web.routes import intake, library, pages, session_page, sessions, tracking

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
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def create_app(settings: Settings) -> FastAPI:
    """The psoas web app over the store the settings name (personal mode: one person)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with store(settings) as database:
            app.state.database = database
            app.state.followups = FollowUps(database)
            try:
                yield
            finally:
                app.state.followups.close()

    app = FastAPI(
        title="psoas",
        version=__version__,
        description="Psoas-release therapy: safety screen, plan, guided sessions and tracking. "
        "It educates and guides; it does not diagnose.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.add_exception_handler(PsoasError, _psoas_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _request_error)  # type: ignore[arg-type]
    app.middleware("http")(_guard)
    static = resources.files("psoas.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for module in (intake, sessions, tracking, library):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(pages.router)
    app.include_router(session_page.router)

    @app.get("/api/v1/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Is the server up (and the simplest endpoint, for benchmarks)."""
        return {"status": "ok"}

    return app


def status_of(error: PsoasError) -> int:
    """The HTTP status for a psoas error (the one mapping; pages use it too)."""
    if isinstance(error, UnknownId):
        return 404
    if isinstance(error, InvalidDocument):
        return 422
    if isinstance(error, UnreadableFile | InputError):
        return 400
    if isinstance(error, SafetyStop):
        return 409
    if isinstance(error, StoreError):
        return 503
    return 500


def error_document(error: PsoasError) -> dict[str, object]:
    """An error as JSON: the CLI's message, and each field problem on its own."""
    document: dict[str, object] = {"detail": error.message}
    if isinstance(error, InvalidDocument):
        document["problems"] = [{"field": p.field, "problem": p.problem} for p in error.problems]
    if isinstance(error, SafetyStop):
        document["safety_stop"] = True
    return document


async def _psoas_error(request: Request, error: PsoasError) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse(error_document(error), status_code=status_of(error))
    return pages.error_page(request, error, status_of(error))


async def _request_error(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's own checks (query and path parameters), worded like every other problem."""
    problems = [
        {
            "field": ".".join(str(part) for part in detail["loc"][1:]) or str(detail["loc"][0]),
            "problem": detail["msg"],
        }
        for detail in error.errors()
    ]
    lines = "\n".join(f"  {p['field']}: {p['problem']}" for p in problems)
    noun = "problem" if len(problems) == 1 else "problems"
    detail = f"request is not valid ({len(problems)} {noun}):\n{lines}"
    return JSONResponse({"detail": detail, "problems": problems}, status_code=422)


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    refusal = _cross_site_refusal(request)
    response = (
        JSONResponse({"detail": refusal}, status_code=403) if refusal else await call_next(request)
    )
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _cross_site_refusal(request: Request) -> str | None:
    """Why a state-changing request is refused as possibly cross-site, or None."""
    if request.method not in UNSAFE_METHODS:
        return None
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "cross-site requests are refused"
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return "cross-site requests are refused"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return "send JSON (Content-Type: application/json)"
    return None

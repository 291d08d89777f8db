"""``/api/docs``: Swagger UI for the API, served by this app under its own content security policy.

Swagger UI's files come from the pinned ``swagger-ui-bundle-v2`` package on PyPI (its
``swagger_ui_bundle`` module), mounted at :data:`ASSETS`: nothing is fetched from a CDN
and nothing is copied into this repository. FastAPI's own docs page starts Swagger UI
with an inline script, which the policy (``script-src 'self'``) blocks; this page has
none: ``/static/api-docs.js`` reads where the OpenAPI document is from the page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # a path only

from psoas.web.routes.pages import render

ASSETS = "/api/docs/assets"
"""Where Swagger UI's own files are served."""

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the docs page and Swagger UI's files (the app's ``docs_url`` must be None)."""
    assets = Path(str(swagger_ui_path))
    app.mount(ASSETS, StaticFiles(directory=assets), name="swagger-ui")
    app.include_router(router)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over this app's OpenAPI document."""
    return render(
        request,
        "api_docs.html.j2",
        assets=ASSETS,
        openapi_url=request.app.openapi_url,
    )

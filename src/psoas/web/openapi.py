"""The OpenAPI document: FastAPI's, with the request bodies' schemas where their references point.

Bodies are read by :data:`psoas.web.deps.JsonBody` (strict JSON, named errors),
so FastAPI does not see their models; each route declares its body with
:func:`psoas.web.api_models.json_body`, a reference into
``components/schemas``, and the schemas (with every model they use) are put
there once, here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from psoas.web.api_models import REQUEST_MODELS
from psoas.web.problems import STATUS_MEANINGS

PREFIX = "#/components/schemas/"
REF_TEMPLATE = PREFIX + "{model}"


def install(app: FastAPI) -> None:
    """Serve the completed document at the app's ``openapi_url``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way


def document(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document for the app, with every request body's schema in its components.

    A model that is both read and answered (a measurement, a check-in) may have two
    schemas: what is accepted, and what is sent back. The one read is then named
    ``Name-Input``, as FastAPI names its own.
    """
    generated = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components: dict[str, Any] = generated.setdefault("components", {}).setdefault("schemas", {})
    _, definitions = models_json_schema(
        [(model, "validation") for model in REQUEST_MODELS.values()],
        by_alias=True,
        ref_template=REF_TEMPLATE,
    )
    read = definitions.get("$defs", {})
    renames = {
        name: f"{name}-Input"
        for name, schema in read.items()
        if components.get(name, schema) != schema
    }
    for name, schema in read.items():
        components[renames.get(name, name)] = _renamed(schema, renames)
    for operation in _operations(generated):
        if "requestBody" in operation:
            operation["requestBody"] = _renamed(operation["requestBody"], renames)
        if "422" in operation["responses"]:  # FastAPI adds its own shape where it sees parameters
            operation["responses"]["422"] = _refusal(422)
    for fastapi_shape in ("HTTPValidationError", "ValidationError"):
        components.pop(fastapi_shape, None)
    return generated


def _refusal(status: int) -> dict[str, Any]:
    return {
        "description": STATUS_MEANINGS[status],
        "content": {"application/json": {"schema": {"$ref": PREFIX + "ErrorDocument"}}},
    }


def _operations(generated: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for path in generated["paths"].values() for operation in path.values()]


def _renamed(node: Any, renames: dict[str, str]) -> Any:
    """``node`` with its references to renamed schemas pointing at their new names."""
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith(PREFIX):
            name = reference.removeprefix(PREFIX)
            node = {**node, "$ref": PREFIX + renames.get(name, name)}
        return {key: _renamed(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(item, renames) for item in node]
    return node

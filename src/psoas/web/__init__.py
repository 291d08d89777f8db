"""The web face: a FastAPI app (JSON API under /api/v1 and Jinja pages) over the same services."""

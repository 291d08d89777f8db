"""The layering rules of ARCHITECTURE.md, checked on the source rather than trusted."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "psoas"

# What each layer may import from psoas (leaf modules errors/documents/settings are shared).
ALLOWED = {
    "content": {"content", "errors", "documents"},
    "core": {"core", "content", "errors"},
    "store": {"store", "errors"},
    "session": {"session", "core", "content", "errors"},
    "reports": {"reports", "core", "content", "errors"},
    "interop": {"interop", "core", "content", "errors"},
    "services": {
        "services",
        "core",
        "content",
        "store",
        "reports",
        "interop",
        "session",
        "errors",
        "documents",
        "settings",
    },
    "cli": {"cli", "services", "core", "content", "errors", "settings", "__init__", "web"},
    "web": {"web", "services", "core", "content", "errors", "settings", "documents", "__init__"},
}


def _psoas_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "psoas":
                found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    for path in (PACKAGE / layer).rglob("*.py"):
        forbidden = _psoas_imports(path) - ALLOWED[layer]
        assert not forbidden, f"{path.relative_to(PACKAGE)} imports {sorted(forbidden)}"


def test_core_does_no_io() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        source = path.read_text()
        for word in ("open(", "read_text(", "write_text(", "sqlalchemy", "typer", "rich"):
            assert word not in source, f"{path.name} uses {word}"


def test_every_module_says_what_it_is_for() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "versions" in path.parts:
            continue
        assert ast.get_docstring(ast.parse(path.read_text())), path.relative_to(PACKAGE)


def test_the_cli_entry_module_imports_nothing_heavy_at_start() -> None:
    heavy = {"pydantic", "sqlalchemy", "rich", "yaml", "alembic", "platformdirs"}
    tree = ast.parse((PACKAGE / "cli" / "__init__.py").read_text())
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = set()
    for node in top_level:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    assert not names & heavy


SERVE_CHARTS_AND_REPORTS = """
import json, sys, tempfile
from pathlib import Path
from fastapi.testclient import TestClient
from psoas.settings import Settings
from psoas.store import open_database
from psoas.web.app import create_app
from tests.factories import load_example_history

folder = Path(tempfile.mkdtemp())
url = f"sqlite:///{folder / 'psoas.sqlite3'}"
database = open_database(url)
load_example_history(database)
database.close()
loaded = {"at start": sorted(set(sys.argv[1:]) & set(sys.modules))}
app = create_app(Settings(data_dir=folder, database_url=url))
with TestClient(app, base_url="http://127.0.0.1:8000") as client:
    paths = ["/", *(f"/charts/{name}.svg" for name in ("pain", "thomas", "adherence", "sessions"))]
    paths += ["/api/v1/report?format=html", "/api/v1/report?format=pdf"]
    statuses = {path: client.get(path).status_code for path in paths}
loaded["after serving"] = sorted(set(sys.argv[1:]) & set(sys.modules))
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_the_web_server_leaves_charts_and_pdfs_to_its_worker_process() -> None:
    """Serving charts and reports loads no drawing library into the server: its worker does."""
    heavy = ["matplotlib", "numpy", "weasyprint", "PIL"]
    done = subprocess.run(
        [sys.executable, "-c", SERVE_CHARTS_AND_REPORTS, *heavy],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parents[1],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=300,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(found["statuses"].values()) == {200}, found["statuses"]
    assert found["loaded"] == {"at start": [], "after serving": []}

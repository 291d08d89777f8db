"""No internal id on any page: every cause, technique, tool, kind, status and phase by name."""

from __future__ import annotations

import json
import re
from pathlib import Path

from psoas.content import load_knowledge_base
from psoas.core.timeline import Phase, Side
from tests.names import ids_in, visible_text
from tests.web.conftest import served_history

PAGES = ["/", "/intake", "/plan", "/track", "/history", "/library", "/session"]


def test_no_page_of_a_full_history_shows_an_id(database_url: str, tmp_path: Path) -> None:
    with served_history(database_url, tmp_path) as client:
        opened = client.post("/api/v1/sessions", json={"minutes": 15})
        assert opened.status_code == 201, opened.text
        library = [f"/library/{entry.id}" for entry, _ in load_knowledge_base().entries()]
        shown: dict[str, list[str]] = {}
        for path in [*PAGES, f"/session/{opened.json()['id']}", *library]:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text)
            found = ids_in(visible_text(response.text))
            if found:
                shown[path] = found
        assert shown == {}


def test_the_session_page_names_its_phases_and_sides(database_url: str, tmp_path: Path) -> None:
    """The running page's script shows a step's phase and side from the names it is sent."""
    with served_history(database_url, tmp_path) as client:
        session_id = client.post("/api/v1/sessions", json={"minutes": 15}).json()["id"]
        page = client.get(f"/session/{session_id}").text
    sent = re.search(r'<script type="application/json" id="[^"]*">(.*?)</script>', page, re.S)
    assert sent is not None
    data = json.loads(sent.group(1))
    assert set(data["phases"]) == {phase.value for phase in Phase}
    assert set(data["sides"]) == {side.value for side in Side}
    assert ids_in(" ".join([*data["phases"].values(), *data["sides"].values()])) == []
    assert data["phases"]["pin_and_stretch"] == "Pin and stretch"

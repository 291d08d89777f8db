"""The one settings object of psoas, read from ``PSOAS_*`` environment variables.

Built by :func:`load_settings` at the edge (the CLI, later the web app) and
passed down, so tests hand in their own without touching the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from psoas.errors import FieldProblem, InvalidDocument

APP_NAME = "psoas"


def _default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """Where psoas keeps its data and who it is acting for."""

    model_config = SettingsConfigDict(env_prefix="PSOAS_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    """The user's data folder; the embedded SQLite file lives here."""
    database_url: str | None = None
    """An SQLAlchemy URL (e.g. ``postgresql+psycopg://user@host/db``); None means the local file."""
    session_speed: float = Field(default=1.0, ge=1.0, le=1000.0)
    """How many times faster than real time a guided session runs: for tests and
    demonstrations only (``PSOAS_SESSION_SPEED=60`` runs a 20-minute session in 20 s)."""
    public_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    """The names a clinic's web server answers to, comma-separated (``PSOAS_PUBLIC_HOSTS=
    clinic.example.org,clinic.example.org:8443``); a name without a port matches any port.
    Empty (personal mode): only loopback names with the port being served."""

    @field_validator("public_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip().lower() for name in value.split(",") if name.strip())
        return value

    @property
    def resolved_database_url(self) -> str:
        """The URL to connect to: the override, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'psoas.sqlite3'}"


def load_settings() -> Settings:
    """Read settings from the environment, naming any ``PSOAS_*`` variable that is wrong."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [
            FieldProblem(
                "PSOAS_" + "_".join(str(part) for part in details["loc"]).upper(),
                f"{details['msg']}; got {details.get('input')!r}",
            )
            for details in error.errors()
        ]
        raise InvalidDocument("the environment", problems) from None

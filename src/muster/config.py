"""Settings: environment variables prefixed MUSTER_, or a TOML file named by MUSTER_SETTINGS_FILE.

Built once in `bootstrap` and passed down; nothing reads the environment elsewhere.
docs/settings.md lists every field, and a test keeps the two in step.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUSTER_", frozen=True, extra="forbid")

    settings_file: Path | None = Field(
        None, description="Optional TOML file with any of these settings; environment variables win over it."
    )
    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses unsafe defaults (plain-HTTP cookies, demo data)."
    )
    data_dir: Path = Field(Path("var"), description="Directory for the embedded database, keys and backups.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL. Empty: an embedded SQLite file `<data_dir>/muster.db`. "
        "For PostgreSQL: `postgresql+psycopg://user:password@host/dbname`.",
    )
    keystore_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the key store (wrapped data keys), kept apart from the data. "
        "Empty: an SQLite file `<data_dir>/keystore.db`. Back it up on its own short retention.",
    )
    key_file: Path | None = Field(
        None, description="Key-encryption key file. Empty: `<data_dir>/keys/muster.key`, created on first start."
    )
    host: str = Field("127.0.0.1", description="Address `muster serve` listens on.")
    port: int = Field(8000, description="Port `muster serve` listens on.")
    demo: bool = Field(True, description="Load demo data on the first start of an empty database (`MUSTER_DEMO=0` skips it).")
    questionnaire: Path | None = Field(
        None, description="Path to a questionnaire YAML file; empty uses the shipped default."
    )
    session_minutes: int = Field(480, description="How long a reviewer's login session lasts.")
    lockout_failures: int = Field(5, description="Failed logins in a row that lock an account.")
    lockout_minutes: int = Field(15, description="How long a locked account stays locked.")
    cookie_secure: bool = Field(
        False, description="Mark cookies Secure (HTTPS only). Must be true in production behind TLS."
    )
    public_rate_limit: int = Field(
        20, description="Requests per minute one client may make to the public intake and status endpoints (0: no limit)."
    )
    page_size: int = Field(50, description="Default page size of case lists in the API and UI.")
    audit_checkpoint_every: int = Field(
        100, ge=1, description="Sign the audit chain head every this many entries (`muster audit checkpoint` signs on demand)."
    )
    retention_days: int = Field(
        90, ge=1, description="Rejected or withdrawn applicants are erased this many days after the decision (nightly, or `muster retention run`)."
    )
    nightly_at: time | None = Field(
        time(3, 0), description="Time of day (UTC, `HH:MM`) at which the server's worker runs the nightly batch: the trust rescore "
        "(`muster trust recompute`) and retention (`muster retention run`); a server that was down then runs it when it comes back. "
        "Empty: never (run the two commands from cron instead)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        settings_file = os.environ.get("MUSTER_SETTINGS_FILE")
        if settings_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=settings_file))
        return tuple(sources)

    @field_validator("nightly_at", mode="before")
    @classmethod
    def _nightly_off_when_empty(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("nightly_at")
    @classmethod
    def _nightly_in_utc(cls, value: time | None) -> time | None:
        if value is not None and value.utcoffset():
            raise ValueError("MUSTER_NIGHTLY_AT is a UTC time of day: give it without an offset, e.g. 03:00")
        return None if value is None else value.replace(tzinfo=None)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production":
            if not self.cookie_secure:
                raise ValueError("MUSTER_COOKIE_SECURE must be true in production")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'muster.db'}"

    @property
    def resolved_keystore_url(self) -> str:
        return self.keystore_url or f"sqlite:///{self.data_dir / 'keystore.db'}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.data_dir / "keys" / "muster.key"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

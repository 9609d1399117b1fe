from __future__ import annotations

from pathlib import Path

import pytest
from stdnum.gb import upn

from cme import demo_data, identifiers
from cme.errors import InvalidField
from cme.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (identifiers.la_code, "37", "3-digit DfE code"),
        (identifiers.urn, "12345a", "6-digit unique reference number"),
        (identifiers.email, "not-an-email", "is not an email address"),
        (identifiers.password, "short", "at least 12 characters"),
        (identifiers.name, "   ", "Enter the name"),
    ],
)
def test_bad_identifiers_say_what_is_wrong(check, value, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidField, match=message):
        check(value)


def test_identifiers_are_normalised() -> None:
    assert identifiers.email("  Someone@School.Example ") == "someone@school.example"
    assert identifiers.urn(" 123456 ") == "123456"
    assert identifiers.name("  Riverside   Primary ") == "Riverside Primary"


def test_settings_defaults_to_embedded_sqlite(tmp_path: Path) -> None:
    (tmp_path / "x.sqlite").touch()  # the secret is kept beside an existing database
    settings = Settings.from_env({"CME_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert settings.redis_url is None
    assert not settings.uses_redis
    assert settings.max_upload_bytes == 25 * 1024 * 1024
    # The generated secret is kept, so a restart keeps sessions and forms valid.
    again = Settings.from_env({"CME_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert again.secret_key == settings.secret_key
    assert (tmp_path / ".cme-secret").stat().st_mode & 0o077 == 0


def test_settings_reject_unknown_database_and_bad_numbers() -> None:
    with pytest.raises(SettingsError, match="is not supported"):
        Settings.from_env({"CME_DATABASE_URL": "mysql://x"})
    with pytest.raises(SettingsError, match="whole number"):
        Settings.from_env({"CME_SECRET_KEY": "k", "CME_MAX_UPLOAD_MB": "lots"})


def test_demo_upns_are_valid_and_unique() -> None:
    pupils = [p for school in demo_data.SCHOOLS for p in demo_data.school_pupils(school, 2026)]
    assert all(upn.is_valid(p.upn) for p in pupils)
    assert len({p.upn for p in pupils}) == len(pupils)

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.store import Database
from service.store.migrate import current_revision, head_revision, migrations_dir, upgrade
from service.store.models import Base, is_search_index


def test_upgrade_creates_every_table_and_models_agree_with_migrations(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, _parent: (
                        not (kind == "table" and is_search_index(name))
                    ),
                },
            )
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        db.dispose()


def test_upgrading_twice_is_harmless(db_url: str) -> None:
    db = Database(db_url)
    try:
        first = upgrade(db)
        second = upgrade(db)
        assert first[0] is None
        assert second == (head_revision(), head_revision())
    finally:
        db.dispose()


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    # The quick check every command makes must agree with Alembic's own reading.
    assert head_revision() == ScriptDirectory(str(migrations_dir())).get_current_head()


def test_a_second_head_is_an_error_not_a_guess(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("0001", None), ("0002", "0001"), ("0003", "0001")):
        (versions / f"{name}.py").write_text(
            f'revision: str = "{name}"\ndown_revision: str | None = {down and repr(down)}\n'
        )
    with pytest.raises(RuntimeError, match="2 heads"):
        head_revision(tmp_path)
    (versions / "0003.py").unlink()
    assert head_revision(tmp_path) == "0002"

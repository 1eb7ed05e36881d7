from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from service.store import Database
from service.store.migrate import current_revision, head_revision, upgrade
from service.store.models import Base


def test_upgrade_creates_every_table_and_models_agree_with_migrations(db_url: str) -> None:
    db = Database(db_url)
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == head_revision(db)
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        db.dispose()


def test_upgrading_twice_is_harmless(db_url: str) -> None:
    db = Database(db_url)
    try:
        first = upgrade(db)
        second = upgrade(db)
        assert first[0] is None
        assert second == (head_revision(db), head_revision(db))
    finally:
        db.dispose()

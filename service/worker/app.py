"""What every command needs: the validated config, the database, the compiled rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.alerts.themes import RuleSet, compile_rules
from service.clock import Clock, SystemClock
from service.config import Config, load_or_exit
from service.store import Database
from service.store.migrate import upgrade
from service.store.source_specs import SyncReport, specs_of
from service.store.sources import sync_sources_in

if TYPE_CHECKING:
    from service.digest.sender import DigestSender


@dataclass
class App:
    config: Config
    db: Database
    rules: RuleSet
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.db.dispose()


def open_app(
    path: str | None,
    migrate: bool = True,
    clock: Clock | None = None,
    config: Config | None = None,
) -> App:
    """The app for a config file (or for `config`, already loaded from it)."""
    config = config or load_or_exit(path)
    db = Database(config.database)
    if migrate:
        upgrade(db)
    app = App(config=config, db=db, rules=compile_rules(config), clock=clock or SystemClock())
    if migrate:
        sync(app)
    return app


def digest_sender(app: App, worker: str = "digest") -> DigestSender:
    """A DigestSender that follows the app's live config (reloads swap `app.config`)."""
    from service.digest.sender import DigestSender  # Jinja2 and SMTP: only for digests

    return DigestSender(
        app.db.reader, app.clock.now, lambda: app.config, lambda: app.rules.themes, worker=worker
    )


def sync(app: App) -> SyncReport:
    return sync_sources_in(app.db, specs_of(app.config), app.clock.now())

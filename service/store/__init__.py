"""Storage: tables, engines and repository functions, one module per aggregate.

In: domain values and sessions from the stages; out: rows and plain values. `plain` reads
without SQLAlchemy (the quick commands); everything else is SQLAlchemy's.

`Database` and `redact_url` load on first use (PEP 562): importing `service.store.plain`
must not import SQLAlchemy through this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.store.db import Database, redact_url

__all__ = ["Database", "redact_url"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from service.store import db

        return getattr(db, name)
    raise AttributeError(f"module 'service.store' has no attribute {name!r}")

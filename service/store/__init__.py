"""Storage: tables, engines and repository functions, one module per aggregate."""

from service.store.db import Database, redact_url

__all__ = ["Database", "redact_url"]

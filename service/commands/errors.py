"""Failures a user can cause or meet, reported by the CLI as one line and exit status 1."""

from __future__ import annotations


class CommandError(Exception):
    """Said to the user as it is (no traceback): what went wrong and what to do."""

"""Source health as `sources --json` gives it: one shape for the command and the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.clock import iso
from service.store import plain
from service.store.plain import Reader, SourceFacts

ORDER = {"error": 0, "disabled": 1, "pending": 2, "ok": 3}


def source_report(row: SourceFacts, items: int) -> dict[str, Any]:
    return {
        "name": row.name,
        "url": row.url,
        "status": row.status,
        "last_success": iso(row.last_success_at),
        "last_error": row.last_error,
        "failing_since": iso(row.failing_since),
        "items": items,
        "next_poll": None if row.status == "disabled" else iso(row.next_poll_at),
        "error_kind": row.error_kind,
        "error_count": row.error_count,
        "last_polled": iso(row.last_polled_at),
        "config_url": row.config_url,
        "tags": list(row.tags),
        "disabled_reason": row.disabled_reason,
    }


def reports(reader: Reader, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The configured sources in config order (`names`), or every source still in the
    config when the names are not known (the config being edited is broken)."""
    return [source_report(row, items) for row, items in _rows(reader, names)]


def page_lines(reader: Reader, names: Sequence[str]) -> list[dict[str, Any]]:
    """`reports`, failing first, plus the times as datetimes for the page to show in the
    configured zone."""
    lines = [
        {
            **source_report(row, items),
            "last_success_at": row.last_success_at,
            "failing_since_at": row.failing_since,
            "next_poll_at": None if row.status == "disabled" else row.next_poll_at,
        }
        for row, items in _rows(reader, names)
    ]
    return failing_first(lines)


def _rows(reader: Reader, names: Sequence[str] | None) -> list[tuple[SourceFacts, int]]:
    counts = plain.article_counts(reader)
    rows = plain.configured_sources(reader) if names is None else plain.sources_named(reader, names)
    return [(row, counts.get(row.id, 0)) for row in rows]


def failing_first(report: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failing sources first, the longest failing at the top; then the rest by name."""
    return sorted(
        report,
        key=lambda s: (ORDER.get(s["status"], 9), s["failing_since"] or "", s["name"].casefold()),
    )

"""Every shared fixture file: parse_feed returns a feed or a FetchError, never anything else.

Runs only where ../shared/fixtures/feeds exists (developers' machines and CI); the
files are too many to copy into the repository.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from service.domain import ParsedFeed
from service.poll.fetch import FetchError
from service.poll.normalize import normalize_entry
from service.poll.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "feeds"
SKIP_SUFFIXES = (".txt", ".md", ".expected.json")
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"shared feed fixtures not found at {CORPUS}"
)


def corpus_files(folder: str) -> list[Path]:
    root = CORPUS / folder
    files = root.rglob("*") if root.is_dir() else iter(())
    return sorted(p for p in files if p.is_file() and not p.name.endswith(SKIP_SUFFIXES))


def header_comment(body: bytes) -> dict[str, str]:
    """feedparser's corpus files name the HTTP header to serve them with in a comment."""
    text = body[:600].decode("latin-1")
    for line in text.splitlines():
        if line.strip().lower().startswith("header:") and ":" in line.split(":", 1)[1]:
            name, _, value = line.split(":", 1)[1].partition(":")
            return {name.strip().lower(): value.strip()}
    return {}


@cache  # the outlet feeds are checked twice; parse them once
def parse_or_error(path: Path) -> ParsedFeed | FetchError:
    body = path.read_bytes()
    try:
        return parse_feed(body, header_comment(body), f"https://example.org/{path.name}")
    except FetchError as error:
        return error


@pytest.mark.parametrize(
    "folder",
    [
        "outlets-2026",
        "integration",
        "wild-2011",
        "whitehouse",
        "feedparser-corpus/illformed",
        "feedparser-corpus/encoding",
        "feedparser-corpus/entities",
        "feedparser-corpus/json",
        "feedparser-corpus/wellformed",
    ],
)
def test_every_file_parses_to_a_feed_or_a_fetch_error(folder: str) -> None:
    files = corpus_files(folder)
    if not files:
        pytest.skip(f"{folder} is not in this fixture set")
    first_seen = datetime(2026, 2, 18, tzinfo=UTC)
    for path in files:
        outcome = parse_or_error(path)
        assert isinstance(outcome, ParsedFeed | FetchError), path
        if isinstance(outcome, FetchError):
            assert outcome.kind in ("empty", "not_a_feed", "parse_error"), path
            continue
        for entry in outcome.entries:  # normalize must cope with all of it too
            normalize_entry(entry, "corpus", None, None, first_seen, "https://example.org/f")


def test_every_real_outlet_feed_yields_entries() -> None:
    files = corpus_files("outlets-2026")
    if not files:
        pytest.skip("outlets-2026 is not in this fixture set")
    for path in files:
        outcome = parse_or_error(path)
        assert isinstance(outcome, ParsedFeed), f"{path.name}: {outcome}"
        assert outcome.entries, path.name
